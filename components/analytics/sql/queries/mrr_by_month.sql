-- MRR by currency and month: the MRR (README "Analytics") of each currency at the end of every
-- month from the first to the latest month with a subscription event, from the state each
-- subscription was in after its last event of or before that month. Minor units of `currency`.
-- A month in which a currency has no active subscription has no row.
WITH months AS (
    SELECT m.month_start
    FROM (
        SELECT
            CAST(date_trunc('month', min(event_time)) AS date) AS first_month,
            CAST(date_trunc('month', max(event_time)) AS date) AS last_month
        FROM subscriptions
    ) AS bounds
    CROSS JOIN UNNEST(sequence(bounds.first_month, bounds.last_month, INTERVAL '1' MONTH)) AS m (month_start)
),
state_at_month_end AS (
    SELECT m.month_start, s.subscription_id, max(s.version) AS version
    FROM months AS m
    JOIN subscriptions AS s ON s.event_time < m.month_start + INTERVAL '1' MONTH
    GROUP BY m.month_start, s.subscription_id
)
SELECT
    CAST(e.month_start AS date) AS month,
    s.currency,
    CAST(round(coalesce(sum(s.monthly_amount), 0)) AS bigint) AS mrr,
    count(DISTINCT s.subscription_id) AS active_subscriptions
FROM state_at_month_end AS e
JOIN subscriptions AS s ON s.subscription_id = e.subscription_id AND s.version = e.version
WHERE s.is_active
GROUP BY e.month_start, s.currency
ORDER BY month, s.currency
