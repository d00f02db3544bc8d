-- Charges: one row per charge.* event, as that event carried the charge. `amount_refunded` is the
-- charge's running total of refunds, so `refunded_amount` is what this event added to it: the
-- increase over the charge's previous event (all of it for the charge's first archived event).
-- `version` numbers a charge's events in order (by `created`; in the same second created <
-- succeeded/failed < other events; then by event id) and `is_latest` marks its latest event.
-- Amounts are in minor units of `currency`.
WITH charge_events AS (
    SELECT
        e.*,
        row_number() OVER (
            PARTITION BY e.data.object.id
            ORDER BY e.created, CASE e.type WHEN 'charge.pending' THEN 0 WHEN 'charge.succeeded' THEN 1 WHEN 'charge.failed' THEN 1 ELSE 2 END, e.id
        ) AS version,
        count(*) OVER (PARTITION BY e.data.object.id) AS versions
    FROM events AS e
    WHERE e.type LIKE 'charge.%' AND e.type NOT LIKE 'charge.dispute.%'
),
charge_history AS (
    SELECT
        ce.*,
        coalesce(lag(ce.data.object.amount_refunded) OVER (PARTITION BY ce.data.object.id ORDER BY ce.version), 0) AS previously_refunded
    FROM charge_events AS ce
)
SELECT
    CAST(ch.id AS varchar) AS event_id,
    CAST(ch.type AS varchar) AS event_type,
    CAST(from_unixtime(ch.created) AS timestamp) AS event_time,
    CAST(ch.dt AS varchar) AS dt,
    CAST(ch.version AS bigint) AS version,
    CAST(ch.version = ch.versions AS boolean) AS is_latest,
    CAST(coalesce(ch.livemode, false) AS boolean) AS livemode,
    CAST(ch.account AS varchar) AS account,
    CAST(ch.data.object.id AS varchar) AS charge_id,
    CAST(ch.data.object.customer AS varchar) AS customer_id,
    CAST(ch.data.object.payment_intent AS varchar) AS payment_intent_id,
    CAST(ch.data.object.status AS varchar) AS status,
    CAST(ch.data.object.currency AS varchar) AS currency,
    CAST(ch.data.object.amount AS bigint) AS amount,
    CAST(ch.data.object.amount_captured AS bigint) AS amount_captured,
    CAST(ch.data.object.amount_refunded AS bigint) AS amount_refunded,
    CAST(greatest(coalesce(ch.data.object.amount_refunded, 0) - ch.previously_refunded, 0) AS bigint) AS refunded_amount,
    CAST(ch.data.object.refunded AS boolean) AS refunded,
    CAST(from_unixtime(ch.data.object.created) AS timestamp) AS created_at
FROM charge_history AS ch
