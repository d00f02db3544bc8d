-- Subscription MRR over time (docs/metrics.md): one row per subscription and moment its MRR may
-- change (each of its events, and each start and end of a discount on it), valid from that moment
-- to the next one (`valid_to` null: still so at the latest event of the lake). MRR counts a
-- subscription that is `active` or `past_due` (not trialing, unpaid, canceled, ...), and under the
-- `at-cancellation` rule (metric_settings, Stripe's default) not once it is set to cancel. Its items'
-- monthly amounts (tiered and metered prices add nothing) are reduced first by the item's discounts,
-- then the total by the subscription's (Stripe applies item discounts first): percentages add up (at
-- most 100%), amounts off are per invoice, normalised to a month like the price, in the coupon's
-- currency only; never below zero. A discount is in effect from its `start` to its `end` or its
-- deletion, and counts when metric_settings deducts its coupon's duration. Event payloads name the
-- coupon only (`source.coupon`, since API version 2025-09-30), so its terms come from coupon.*
-- events; older versions embed the coupon in the discount. Minor units of `currency`.
WITH settings AS (
    SELECT * FROM metric_settings
),
-- The lake is read once: for its latest event and for the coupon and discount events.
lake AS (
    SELECT e.id, e.type, e.created, e.data FROM events AS e
),
horizon AS (
    SELECT from_unixtime(max(e.created)) AS as_of FROM lake AS e
),
coupon_events AS (
    SELECT
        e.data.object.id AS coupon_id,
        e.data.object.percent_off AS percent_off,
        e.data.object.amount_off AS amount_off,
        e.data.object.currency AS currency,
        e.data.object.duration AS duration,
        row_number() OVER (PARTITION BY e.data.object.id ORDER BY e.created DESC, e.id DESC) AS newest
    FROM lake AS e
    WHERE e.type LIKE 'coupon.%'
),
discount_events AS (
    SELECT
        e.data.object.id AS discount_id,
        e.type,
        e.created,
        e.data.object.subscription AS subscription_id,
        e.data.object.subscription_item AS item_id,
        coalesce(e.data.object.source.coupon, e.data.object.coupon.id) AS coupon_id,
        e.data.object.coupon AS embedded_coupon,
        e.data.object.start AS starts,
        e.data.object."end" AS ends
    FROM lake AS e
    WHERE e.type LIKE 'customer.discount.%'
),
discounts AS (
    SELECT
        d.discount_id,
        max(d.subscription_id) AS subscription_id,
        max(d.item_id) AS item_id,
        max(d.coupon_id) AS coupon_id,
        max(d.embedded_coupon.percent_off) AS embedded_percent_off,
        max(d.embedded_coupon.amount_off) AS embedded_amount_off,
        max(d.embedded_coupon.currency) AS embedded_currency,
        max(d.embedded_coupon.duration) AS embedded_duration,
        from_unixtime(coalesce(min(d.starts), min(d.created))) AS starts_at,
        from_unixtime(max(d.ends)) AS ends_at,
        from_unixtime(min(CASE WHEN d.type = 'customer.discount.deleted' THEN d.created END)) AS deleted_at
    FROM discount_events AS d
    GROUP BY d.discount_id
),
item_subscriptions AS (
    SELECT DISTINCT s.item_id, s.subscription_id FROM subscriptions AS s
),
deducted_discounts AS (
    SELECT
        coalesce(d.subscription_id, i.subscription_id) AS subscription_id,
        d.item_id,
        coalesce(d.embedded_percent_off, c.percent_off) AS percent_off,
        coalesce(d.embedded_amount_off, c.amount_off) AS amount_off,
        coalesce(d.embedded_currency, c.currency) AS amount_currency,
        d.starts_at,
        coalesce(least(d.ends_at, d.deleted_at), d.ends_at, d.deleted_at) AS ends_at
    FROM discounts AS d
    LEFT JOIN coupon_events AS c ON c.coupon_id = d.coupon_id AND c.newest = 1
    LEFT JOIN item_subscriptions AS i ON i.item_id = d.item_id
    CROSS JOIN settings AS st
    WHERE CASE coalesce(d.embedded_duration, c.duration)
        WHEN 'forever' THEN st.deduct_forever_coupons
        WHEN 'repeating' THEN st.deduct_repeating_coupons
        WHEN 'once' THEN st.deduct_once_coupons
        ELSE false
    END
),
points AS (
    SELECT DISTINCT s.subscription_id, s.event_time AS valid_from FROM subscriptions AS s
    UNION
    SELECT d.subscription_id, d.starts_at FROM deducted_discounts AS d WHERE d.starts_at IS NOT NULL
    UNION
    SELECT d.subscription_id, d.ends_at FROM deducted_discounts AS d WHERE d.ends_at IS NOT NULL
),
state_at AS (
    -- The subscription's latest event at or before each moment; moments before its first event or
    -- after the lake's latest event have none.
    SELECT p.subscription_id, p.valid_from, max(s.version) AS version
    FROM points AS p
    CROSS JOIN horizon AS h
    JOIN subscriptions AS s ON s.subscription_id = p.subscription_id AND s.event_time <= p.valid_from
    WHERE p.valid_from <= h.as_of
    GROUP BY p.subscription_id, p.valid_from
),
items_at AS (
    SELECT
        sa.valid_from,
        s.*,
        s.is_active AND NOT (st.churn_at_cancellation AND (coalesce(s.cancel_at_period_end, false) OR s.cancel_at IS NOT NULL)) AS counted
    FROM state_at AS sa
    CROSS JOIN settings AS st
    JOIN subscriptions AS s ON s.subscription_id = sa.subscription_id AND s.version = sa.version
),
states AS (
    SELECT
        i.subscription_id,
        i.valid_from,
        max(i.customer_id) AS customer_id,
        max(i.currency) AS currency,
        max(i.status) AS status,
        bool_and(i.counted) AS counted,
        bool_and(i.livemode) AS livemode,
        max(i.account) AS account,
        max(i.periods_per_month) AS periods_per_month
    FROM items_at AS i
    GROUP BY i.subscription_id, i.valid_from
),
item_amounts AS (
    SELECT
        i.subscription_id,
        i.valid_from,
        i.item_id,
        coalesce(max(i.monthly_amount), 0) AS gross,
        greatest(
            coalesce(max(i.monthly_amount), 0) * CAST(100 - least(coalesce(sum(d.percent_off), 0), 100) AS double) / 100
                - coalesce(sum(CASE WHEN d.amount_currency = i.currency THEN d.amount_off END), 0) * coalesce(max(i.periods_per_month), 0),
            0
        ) AS net
    FROM items_at AS i
    LEFT JOIN deducted_discounts AS d ON d.item_id = i.item_id AND d.starts_at <= i.valid_from AND (d.ends_at IS NULL OR i.valid_from < d.ends_at)
    GROUP BY i.subscription_id, i.valid_from, i.item_id
),
subscription_amounts AS (
    SELECT a.subscription_id, a.valid_from, sum(a.gross) AS gross, sum(a.net) AS net
    FROM item_amounts AS a
    GROUP BY a.subscription_id, a.valid_from
),
subscription_net AS (
    SELECT
        sa.subscription_id,
        sa.valid_from,
        max(sa.gross) AS gross,
        greatest(
            max(sa.net) * CAST(100 - least(coalesce(sum(d.percent_off), 0), 100) AS double) / 100
                - coalesce(sum(CASE WHEN d.amount_currency = st.currency THEN d.amount_off END), 0) * coalesce(max(st.periods_per_month), 0),
            0
        ) AS net
    FROM subscription_amounts AS sa
    JOIN states AS st ON st.subscription_id = sa.subscription_id AND st.valid_from = sa.valid_from
    LEFT JOIN deducted_discounts AS d
        ON d.subscription_id = sa.subscription_id AND d.item_id IS NULL AND d.starts_at <= sa.valid_from AND (d.ends_at IS NULL OR sa.valid_from < d.ends_at)
    GROUP BY sa.subscription_id, sa.valid_from
)
SELECT
    CAST(n.subscription_id AS varchar) AS subscription_id,
    CAST(st.customer_id AS varchar) AS customer_id,
    CAST(st.currency AS varchar) AS currency,
    CAST(st.livemode AS boolean) AS livemode,
    CAST(st.account AS varchar) AS account,
    CAST(st.status AS varchar) AS status,
    CAST(n.valid_from AS timestamp) AS valid_from,
    CAST(lead(n.valid_from) OVER (PARTITION BY n.subscription_id ORDER BY n.valid_from) AS timestamp) AS valid_to,
    CAST(CASE WHEN st.counted THEN round(n.gross, 6) ELSE 0 END AS double) AS gross_mrr,
    CAST(CASE WHEN st.counted THEN round(n.net, 6) ELSE 0 END AS double) AS mrr
FROM subscription_net AS n
JOIN states AS st ON st.subscription_id = n.subscription_id AND st.valid_from = n.valid_from
