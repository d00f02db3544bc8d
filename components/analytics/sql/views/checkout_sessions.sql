-- Checkout sessions: one row per checkout.session.* event, as that event carried the session.
-- `version` numbers a session's events in order (by `created`; in the same second `completed`
-- before the later async-payment and expiry events; then by event id) and `is_latest` marks its
-- latest event. Amounts are in minor units of `currency`.
WITH session_events AS (
    SELECT
        e.*,
        row_number() OVER (
            PARTITION BY e.data.object.id
            ORDER BY e.created, CASE e.type WHEN 'checkout.session.completed' THEN 0 ELSE 1 END, e.id
        ) AS version,
        count(*) OVER (PARTITION BY e.data.object.id) AS versions
    FROM events AS e
    WHERE e.type LIKE 'checkout.session.%'
)
SELECT
    CAST(se.id AS varchar) AS event_id,
    CAST(se.type AS varchar) AS event_type,
    CAST(from_unixtime(se.created) AS timestamp) AS event_time,
    CAST(se.dt AS varchar) AS dt,
    CAST(se.version AS bigint) AS version,
    CAST(se.version = se.versions AS boolean) AS is_latest,
    CAST(coalesce(se.livemode, false) AS boolean) AS livemode,
    CAST(se.account AS varchar) AS account,
    CAST(se.data.object.id AS varchar) AS session_id,
    CAST(se.data.object.customer AS varchar) AS customer_id,
    CAST(se.data.object.status AS varchar) AS status,
    CAST(se.data.object.payment_status AS varchar) AS payment_status,
    CAST(se.data.object.mode AS varchar) AS mode,
    CAST(se.data.object.currency AS varchar) AS currency,
    CAST(se.data.object.amount_subtotal AS bigint) AS amount_subtotal,
    CAST(se.data.object.amount_total AS bigint) AS amount_total,
    CAST(se.data.object.subscription AS varchar) AS subscription_id,
    CAST(se.data.object.payment_intent AS varchar) AS payment_intent_id,
    CAST(from_unixtime(se.data.object.created) AS timestamp) AS created_at
FROM session_events AS se
