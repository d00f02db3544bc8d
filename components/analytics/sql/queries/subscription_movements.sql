-- New vs churned subscriptions by month and currency: new = subscriptions with a
-- customer.subscription.created event in the month, churned = subscriptions with a
-- customer.subscription.deleted event (Stripe's event for a subscription that ended) in the month.
-- One row per month, currency and mode (`livemode`), and one for both modes together (`livemode` null).
SELECT
    CAST(date_trunc('month', event_time) AS date) AS month,
    currency,
    livemode,
    count(DISTINCT CASE WHEN event_type = 'customer.subscription.created' THEN subscription_id END) AS new_subscriptions,
    count(DISTINCT CASE WHEN event_type = 'customer.subscription.deleted' THEN subscription_id END) AS churned_subscriptions
FROM subscriptions
WHERE event_type IN ('customer.subscription.created', 'customer.subscription.deleted')
GROUP BY GROUPING SETS ((date_trunc('month', event_time), currency, livemode), (date_trunc('month', event_time), currency))
ORDER BY month, currency, livemode NULLS FIRST
