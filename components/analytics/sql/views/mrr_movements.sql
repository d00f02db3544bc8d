-- MRR movements (docs/metrics.md, Stripe's "Customer MRR changes"): one row per change of a
-- subscriber's MRR, a subscriber being a customer (per currency, mode and connected account) and
-- its MRR the sum of its subscriptions' (subscription_mrr). `new`: from zero for the first time;
-- `reactivation`: from zero after an earlier churn; `churned`: to zero; `expansion` and
-- `contraction`: up or down between non-zero amounts. `amount` is the size of the change (positive
-- for every movement); the movements of a period add up to its change in MRR:
-- new + reactivation + expansion - churned - contraction. Minor units of `currency`.
WITH subscription_points AS (
    SELECT
        s.subscription_id,
        s.customer_id,
        s.currency,
        s.livemode,
        coalesce(s.account, '') AS account_key,
        s.account,
        s.valid_from,
        s.mrr
    FROM subscription_mrr AS s
),
subscriber_points AS (
    SELECT DISTINCT p.customer_id, p.currency, p.livemode, p.account_key, p.account, p.valid_from AS changed_at
    FROM subscription_points AS p
),
latest_states AS (
    -- Each of the subscriber's subscriptions as of each moment its MRR may have changed.
    SELECT sp.customer_id, sp.currency, sp.livemode, sp.account_key, sp.account, sp.changed_at, p.subscription_id, max(p.valid_from) AS valid_from
    FROM subscriber_points AS sp
    JOIN subscription_points AS p
        ON p.customer_id = sp.customer_id AND p.currency = sp.currency AND p.livemode = sp.livemode AND p.account_key = sp.account_key AND p.valid_from <= sp.changed_at
    GROUP BY sp.customer_id, sp.currency, sp.livemode, sp.account_key, sp.account, sp.changed_at, p.subscription_id
),
subscriber_mrr AS (
    SELECT l.customer_id, l.currency, l.livemode, l.account_key, l.account, l.changed_at, round(sum(p.mrr), 6) AS mrr
    FROM latest_states AS l
    JOIN subscription_points AS p ON p.subscription_id = l.subscription_id AND p.valid_from = l.valid_from
    GROUP BY l.customer_id, l.currency, l.livemode, l.account_key, l.account, l.changed_at
),
changes AS (
    SELECT
        m.*,
        coalesce(lag(m.mrr) OVER (PARTITION BY m.customer_id, m.currency, m.livemode, m.account_key ORDER BY m.changed_at), 0) AS mrr_before,
        coalesce(max(m.mrr) OVER (PARTITION BY m.customer_id, m.currency, m.livemode, m.account_key ORDER BY m.changed_at ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS peak_before
    FROM subscriber_mrr AS m
)
SELECT
    CAST(c.customer_id AS varchar) AS customer_id,
    CAST(c.currency AS varchar) AS currency,
    CAST(c.livemode AS boolean) AS livemode,
    CAST(c.account AS varchar) AS account,
    CAST(c.changed_at AS timestamp) AS changed_at,
    CAST(date_trunc('month', c.changed_at) AS date) AS month,
    CAST(
        CASE
            WHEN c.mrr_before = 0 AND c.peak_before > 0 THEN 'reactivation'
            WHEN c.mrr_before = 0 THEN 'new'
            WHEN c.mrr = 0 THEN 'churned'
            WHEN c.mrr > c.mrr_before THEN 'expansion'
            ELSE 'contraction'
        END
        AS varchar
    ) AS movement,
    CAST(abs(c.mrr - c.mrr_before) AS double) AS amount,
    CAST(c.mrr_before AS double) AS mrr_before,
    CAST(c.mrr AS double) AS mrr_after
FROM changes AS c
WHERE c.mrr <> c.mrr_before
