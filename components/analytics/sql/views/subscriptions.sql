-- Subscriptions: one row per subscription item per customer.subscription.* event, as that event
-- carried the subscription. `version` numbers a subscription's events in order (by `created`; in
-- the same second created < updated < deleted; then by event id) and `is_latest` marks the rows of
-- its latest event, i.e. its current state. `monthly_amount` is the item's contribution to MRR in
-- minor units (docs/metrics.md): amount per period x periods per year / 12 / interval_count;
-- null for items without a per-unit amount or quantity (tiered prices) and for metered prices.
-- `periods_per_month` is the same factor for one billing period (a coupon's amount_off is per invoice).
WITH subscription_events AS (
    -- Only the fields the view needs: the item expansion below copies every column of a row.
    SELECT
        e.id,
        e.type,
        e.created,
        e.dt,
        e.livemode,
        e.account,
        e.data.object.id AS subscription_id,
        e.data.object.customer AS customer_id,
        e.data.object.status AS status,
        e.data.object.currency AS currency,
        e.data.object.cancel_at_period_end AS cancel_at_period_end,
        e.data.object.cancel_at AS cancel_at,
        e.data.object.created AS subscription_created,
        e.data.object.canceled_at AS canceled_at,
        e.data.object.ended_at AS ended_at,
        e.data.object.items.data AS items,
        row_number() OVER (
            PARTITION BY e.data.object.id
            ORDER BY e.created, CASE e.type WHEN 'customer.subscription.created' THEN 0 WHEN 'customer.subscription.deleted' THEN 2 ELSE 1 END, e.id
        ) AS version,
        count(*) OVER (PARTITION BY e.data.object.id) AS versions
    FROM events AS e
    WHERE e.type LIKE 'customer.subscription.%'
),
subscription_items AS (
    SELECT s.*, s.items[i.item_index] AS item
    FROM subscription_events AS s
    CROSS JOIN UNNEST(CASE WHEN cardinality(s.items) > 0 THEN sequence(1, cardinality(s.items)) END) AS i (item_index)
)
SELECT
    CAST(si.id AS varchar) AS event_id,
    CAST(si.type AS varchar) AS event_type,
    CAST(from_unixtime(si.created) AS timestamp) AS event_time,
    CAST(si.dt AS varchar) AS dt,
    CAST(si.version AS bigint) AS version,
    CAST(si.version = si.versions AS boolean) AS is_latest,
    CAST(coalesce(si.livemode, false) AS boolean) AS livemode,
    CAST(si.account AS varchar) AS account,
    CAST(si.subscription_id AS varchar) AS subscription_id,
    CAST(si.customer_id AS varchar) AS customer_id,
    CAST(si.status AS varchar) AS status,
    CAST(si.status IN ('active', 'past_due') AS boolean) AS is_active,
    CAST(si.currency AS varchar) AS currency,
    CAST(si.item.id AS varchar) AS item_id,
    CAST(si.item.price.id AS varchar) AS price_id,
    CAST(si.item.price.product AS varchar) AS product_id,
    CAST(si.item.price.unit_amount AS bigint) AS unit_amount,
    CAST(si.item.price.recurring."interval" AS varchar) AS billing_interval,
    CAST(si.item.price.recurring.interval_count AS bigint) AS interval_count,
    CAST(si.item.quantity AS bigint) AS quantity,
    CAST(si.item.price.recurring.usage_type AS varchar) AS usage_type,
    CAST(
        CASE WHEN si.item.price.recurring.usage_type = 'metered' THEN NULL ELSE
        CASE si.item.price.recurring."interval" WHEN 'day' THEN 365 WHEN 'week' THEN 52 WHEN 'month' THEN 12 WHEN 'year' THEN 1 END
        * CAST(si.item.price.unit_amount * si.item.quantity AS double) / (12 * si.item.price.recurring.interval_count)
        END
        AS double
    ) AS monthly_amount,
    CAST(
        CAST(CASE si.item.price.recurring."interval" WHEN 'day' THEN 365 WHEN 'week' THEN 52 WHEN 'month' THEN 12 WHEN 'year' THEN 1 END AS double)
        / (12 * si.item.price.recurring.interval_count)
        AS double
    ) AS periods_per_month,
    CAST(si.cancel_at_period_end AS boolean) AS cancel_at_period_end,
    CAST(from_unixtime(si.cancel_at) AS timestamp) AS cancel_at,
    CAST(from_unixtime(si.subscription_created) AS timestamp) AS created_at,
    CAST(from_unixtime(si.canceled_at) AS timestamp) AS canceled_at,
    CAST(from_unixtime(si.ended_at) AS timestamp) AS ended_at
FROM subscription_items AS si
