-- Refunds by day (UTC) and currency: every charge.refunded event is a refund, of the amount it
-- added to the charge's refunded total (charges.refunded_amount). Minor units.
-- One row per day, currency and mode (`livemode`), and one for both modes together (`livemode` null).
SELECT
    CAST(event_time AS date) AS day,
    currency,
    livemode,
    CAST(count(*) AS bigint) AS refunds,
    CAST(sum(refunded_amount) AS bigint) AS refunded_amount
FROM charges
WHERE event_type = 'charge.refunded'
GROUP BY GROUPING SETS ((CAST(event_time AS date), currency, livemode), (CAST(event_time AS date), currency))
ORDER BY day, currency, livemode NULLS FIRST
