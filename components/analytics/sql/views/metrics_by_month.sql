-- Subscription metrics by calendar month (UTC) (docs/metrics.md): for each currency, mode and
-- connected account, from the month of the first MRR movement to the month of the lake's latest
-- event (months without movements included): MRR and active subscribers (MRR above zero) at the
-- month's end and at its start, the month's movements (mrr_movements) by kind in amounts and in
-- subscribers, Stripe's subscriber churn rate, churned / (active at the start + new), and ARPU, MRR
-- / active subscribers (null where they divide by zero). Minor units of `currency`.
WITH horizon AS (
    SELECT CAST(date_trunc('month', from_unixtime(max(e.created))) AS date) AS last_month FROM events AS e
),
subscriber_changes AS (
    SELECT m.*, coalesce(m.account, '') AS account_key FROM mrr_movements AS m
),
months AS (
    SELECT CAST(mo.month_start AS date) AS month_start
    FROM (SELECT CAST(min(c.month) AS date) AS first_month FROM subscriber_changes AS c) AS bounds
    CROSS JOIN horizon AS h
    CROSS JOIN UNNEST(sequence(bounds.first_month, h.last_month, INTERVAL '1' MONTH)) AS mo (month_start)
),
last_change AS (
    SELECT mo.month_start, c.customer_id, c.currency, c.livemode, c.account_key, max(c.changed_at) AS changed_at
    FROM months AS mo
    JOIN subscriber_changes AS c ON c.changed_at < mo.month_start + INTERVAL '1' MONTH
    GROUP BY mo.month_start, c.customer_id, c.currency, c.livemode, c.account_key
),
month_ends AS (
    SELECT
        l.month_start,
        c.customer_id,
        c.currency,
        c.livemode,
        c.account_key,
        c.account,
        c.mrr_after AS mrr,
        coalesce(lag(c.mrr_after) OVER (PARTITION BY c.customer_id, c.currency, c.livemode, c.account_key ORDER BY l.month_start), 0) AS mrr_at_start
    FROM last_change AS l
    JOIN subscriber_changes AS c
        ON c.customer_id = l.customer_id AND c.currency = l.currency AND c.livemode = l.livemode AND c.account_key = l.account_key AND c.changed_at = l.changed_at
),
states AS (
    SELECT
        e.month_start,
        e.currency,
        e.livemode,
        e.account_key,
        max(e.account) AS account,
        sum(e.mrr) AS mrr,
        sum(e.mrr_at_start) AS mrr_at_start,
        sum(CASE WHEN e.mrr > 0 THEN 1 ELSE 0 END) AS active_subscribers,
        sum(CASE WHEN e.mrr_at_start > 0 THEN 1 ELSE 0 END) AS active_subscribers_at_start
    FROM month_ends AS e
    GROUP BY e.month_start, e.currency, e.livemode, e.account_key
),
movements AS (
    SELECT
        c.month AS month_start,
        c.currency,
        c.livemode,
        c.account_key,
        sum(CASE WHEN c.movement = 'new' THEN c.amount ELSE 0 END) AS new_mrr,
        sum(CASE WHEN c.movement = 'expansion' THEN c.amount ELSE 0 END) AS expansion_mrr,
        sum(CASE WHEN c.movement = 'contraction' THEN c.amount ELSE 0 END) AS contraction_mrr,
        sum(CASE WHEN c.movement = 'churned' THEN c.amount ELSE 0 END) AS churned_mrr,
        sum(CASE WHEN c.movement = 'reactivation' THEN c.amount ELSE 0 END) AS reactivation_mrr,
        sum(CASE WHEN c.movement = 'new' THEN 1 ELSE 0 END) AS new_subscribers,
        sum(CASE WHEN c.movement = 'churned' THEN 1 ELSE 0 END) AS churned_subscribers,
        sum(CASE WHEN c.movement = 'reactivation' THEN 1 ELSE 0 END) AS reactivated_subscribers
    FROM subscriber_changes AS c
    GROUP BY c.month, c.currency, c.livemode, c.account_key
)
SELECT
    CAST(s.month_start AS date) AS month,
    CAST(s.currency AS varchar) AS currency,
    CAST(s.livemode AS boolean) AS livemode,
    CAST(s.account AS varchar) AS account,
    CAST(s.month_start = h.last_month AS boolean) AS is_latest_month,
    CAST(s.mrr AS double) AS mrr,
    CAST(s.mrr_at_start AS double) AS mrr_at_start,
    CAST(s.active_subscribers AS bigint) AS active_subscribers,
    CAST(s.active_subscribers_at_start AS bigint) AS active_subscribers_at_start,
    CAST(coalesce(m.new_subscribers, 0) AS bigint) AS new_subscribers,
    CAST(coalesce(m.churned_subscribers, 0) AS bigint) AS churned_subscribers,
    CAST(coalesce(m.reactivated_subscribers, 0) AS bigint) AS reactivated_subscribers,
    CAST(coalesce(m.new_mrr, 0) AS double) AS new_mrr,
    CAST(coalesce(m.expansion_mrr, 0) AS double) AS expansion_mrr,
    CAST(coalesce(m.contraction_mrr, 0) AS double) AS contraction_mrr,
    CAST(coalesce(m.churned_mrr, 0) AS double) AS churned_mrr,
    CAST(coalesce(m.reactivation_mrr, 0) AS double) AS reactivation_mrr,
    CAST(
        CASE WHEN s.active_subscribers_at_start + coalesce(m.new_subscribers, 0) > 0
        THEN CAST(coalesce(m.churned_subscribers, 0) AS double) / (s.active_subscribers_at_start + coalesce(m.new_subscribers, 0)) END
        AS double
    ) AS churn_rate,
    CAST(CASE WHEN s.active_subscribers > 0 THEN CAST(s.mrr AS double) / s.active_subscribers END AS double) AS arpu
FROM states AS s
CROSS JOIN horizon AS h
LEFT JOIN movements AS m
    ON m.month_start = s.month_start AND m.currency = s.currency AND m.livemode = s.livemode AND m.account_key = s.account_key
