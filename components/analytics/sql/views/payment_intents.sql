-- Payment intents: one row per payment_intent.* event, as that event carried the payment intent.
-- Every failed attempt is its own payment_intent.payment_failed event, so failures are counted
-- over events, not over latest states. `version` numbers a payment intent's events in order (by
-- `created`; in the same second created < other events < succeeded/canceled; then by event id) and
-- `is_latest` marks its latest event. Amounts are in minor units of `currency`.
WITH payment_intent_events AS (
    SELECT
        e.*,
        row_number() OVER (
            PARTITION BY e.data.object.id
            ORDER BY e.created, CASE e.type WHEN 'payment_intent.created' THEN 0 WHEN 'payment_intent.succeeded' THEN 2 WHEN 'payment_intent.canceled' THEN 2 ELSE 1 END, e.id
        ) AS version,
        count(*) OVER (PARTITION BY e.data.object.id) AS versions
    FROM events AS e
    WHERE e.type LIKE 'payment_intent.%'
)
SELECT
    CAST(pe.id AS varchar) AS event_id,
    CAST(pe.type AS varchar) AS event_type,
    CAST(from_unixtime(pe.created) AS timestamp) AS event_time,
    CAST(pe.dt AS varchar) AS dt,
    CAST(pe.version AS bigint) AS version,
    CAST(pe.version = pe.versions AS boolean) AS is_latest,
    CAST(coalesce(pe.livemode, false) AS boolean) AS livemode,
    CAST(pe.account AS varchar) AS account,
    CAST(pe.data.object.id AS varchar) AS payment_intent_id,
    CAST(pe.data.object.customer AS varchar) AS customer_id,
    CAST(pe.data.object.status AS varchar) AS status,
    CAST(pe.data.object.currency AS varchar) AS currency,
    CAST(pe.data.object.amount AS bigint) AS amount,
    CAST(pe.data.object.amount_received AS bigint) AS amount_received,
    CAST(pe.data.object.last_payment_error.code AS varchar) AS failure_code,
    CAST(pe.data.object.last_payment_error.decline_code AS varchar) AS decline_code,
    CAST(pe.data.object.last_payment_error.type AS varchar) AS failure_type,
    CAST(pe.data.object.cancellation_reason AS varchar) AS cancellation_reason,
    CAST(from_unixtime(pe.data.object.created) AS timestamp) AS created_at,
    CAST(from_unixtime(pe.data.object.canceled_at) AS timestamp) AS canceled_at
FROM payment_intent_events AS pe
