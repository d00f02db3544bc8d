-- Active subscriptions, active subscribers and MRR by currency, now, i.e. as of the lake's latest
-- event (docs/metrics.md): active subscriptions are those whose latest event has them `active` or
-- `past_due`; MRR is the sum of every subscription's current MRR (subscription_mrr, net of the
-- deducted discounts); active subscribers are the customers with MRR above zero. One row per
-- currency and mode (`livemode`), and one for both modes together (`livemode` null). MRR is rounded
-- to a whole minor unit of `currency` once.
WITH current_subscriptions AS (
    SELECT DISTINCT subscription_id, currency, livemode FROM subscriptions WHERE is_latest AND is_active
),
current_subscribers AS (
    SELECT customer_id, currency, livemode, coalesce(account, '') AS account_key, sum(mrr) AS mrr
    FROM subscription_mrr
    WHERE valid_to IS NULL
    GROUP BY customer_id, currency, livemode, coalesce(account, '')
),
figures AS (
    SELECT currency, livemode, 1 AS active_subscription, CAST(0 AS double) AS mrr, 0 AS active_subscriber FROM current_subscriptions
    UNION ALL
    SELECT currency, livemode, 0, mrr, CASE WHEN mrr > 0 THEN 1 ELSE 0 END FROM current_subscribers
)
SELECT
    currency,
    livemode,
    sum(active_subscription) AS active_subscriptions,
    CAST(round(sum(mrr)) AS bigint) AS mrr,
    sum(active_subscriber) AS active_subscribers
FROM figures
GROUP BY GROUPING SETS ((currency, livemode), (currency))
ORDER BY currency, livemode NULLS FIRST
