-- Invoices: one row per invoice.* event, as that event carried the invoice. invoice.upcoming is
-- left out: it describes a preview that has no id. `version` numbers an invoice's events in order
-- (by `created`; in the same second created < other events < paid/voided/uncollectible/deleted;
-- then by event id) and `is_latest` marks its latest event. Amounts are in minor units of
-- `currency`. The subscription moved to `parent.subscription_details` in API version 2025-03-31.
WITH invoice_events AS (
    SELECT
        e.*,
        row_number() OVER (
            PARTITION BY e.data.object.id
            ORDER BY e.created, CASE WHEN e.type = 'invoice.created' THEN 0 WHEN e.type IN ('invoice.paid', 'invoice.voided', 'invoice.marked_uncollectible', 'invoice.deleted') THEN 2 ELSE 1 END, e.id
        ) AS version,
        count(*) OVER (PARTITION BY e.data.object.id) AS versions
    FROM events AS e
    WHERE e.type LIKE 'invoice.%' AND e.type <> 'invoice.upcoming'
)
SELECT
    CAST(ie.id AS varchar) AS event_id,
    CAST(ie.type AS varchar) AS event_type,
    CAST(from_unixtime(ie.created) AS timestamp) AS event_time,
    CAST(ie.dt AS varchar) AS dt,
    CAST(ie.version AS bigint) AS version,
    CAST(ie.version = ie.versions AS boolean) AS is_latest,
    CAST(coalesce(ie.livemode, false) AS boolean) AS livemode,
    CAST(ie.account AS varchar) AS account,
    CAST(ie.data.object.id AS varchar) AS invoice_id,
    CAST(ie.data.object.customer AS varchar) AS customer_id,
    CAST(coalesce(ie.data.object.parent.subscription_details.subscription, ie.data.object.subscription) AS varchar) AS subscription_id,
    CAST(ie.data.object.status AS varchar) AS status,
    CAST(ie.data.object.billing_reason AS varchar) AS billing_reason,
    CAST(ie.data.object.currency AS varchar) AS currency,
    CAST(ie.data.object.amount_due AS bigint) AS amount_due,
    CAST(ie.data.object.amount_paid AS bigint) AS amount_paid,
    CAST(ie.data.object.amount_remaining AS bigint) AS amount_remaining,
    CAST(from_unixtime(ie.data.object.created) AS timestamp) AS created_at,
    CAST(from_unixtime(ie.data.object.period_start) AS timestamp) AS period_start,
    CAST(from_unixtime(ie.data.object.period_end) AS timestamp) AS period_end
FROM invoice_events AS ie
