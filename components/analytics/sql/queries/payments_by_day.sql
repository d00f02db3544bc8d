-- Payment volume and failure rate by day (UTC) and currency: volume = amount received by the
-- payment intents that succeeded that day; every payment_intent.payment_failed event is one failed
-- attempt; failure rate = failed attempts / (failed attempts + successful payments). Minor units.
-- One row per day, currency and mode (`livemode`), and one for both modes together (`livemode` null).
SELECT
    CAST(event_time AS date) AS day,
    currency,
    livemode,
    CAST(sum(CASE WHEN event_type = 'payment_intent.succeeded' THEN amount_received ELSE 0 END) AS bigint) AS payment_volume,
    CAST(sum(CASE WHEN event_type = 'payment_intent.succeeded' THEN 1 ELSE 0 END) AS bigint) AS succeeded_payments,
    CAST(sum(CASE WHEN event_type = 'payment_intent.payment_failed' THEN 1 ELSE 0 END) AS bigint) AS failed_payments,
    CAST(sum(CASE WHEN event_type = 'payment_intent.payment_failed' THEN 1 ELSE 0 END) AS double) / count(*) AS failure_rate
FROM payment_intents
WHERE event_type IN ('payment_intent.succeeded', 'payment_intent.payment_failed')
GROUP BY GROUPING SETS ((CAST(event_time AS date), currency, livemode), (CAST(event_time AS date), currency))
ORDER BY day, currency, livemode NULLS FIRST
