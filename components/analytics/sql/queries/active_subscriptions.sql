-- Active subscriptions and MRR by currency, now: each subscription in the state of its latest
-- event; active means status active or past_due (README "Analytics"). Minor units of `currency`.
SELECT
    currency,
    count(DISTINCT subscription_id) AS active_subscriptions,
    CAST(round(coalesce(sum(monthly_amount), 0)) AS bigint) AS mrr
FROM subscriptions
WHERE is_latest AND is_active
GROUP BY currency
ORDER BY currency
