-- MRR and subscriber metrics by currency and calendar month (UTC) (docs/metrics.md), from
-- metrics_by_month: MRR and active subscribers at the month's end, the MRR movements and the
-- subscribers who came, came back and churned in it, Stripe's subscriber churn rate (churned /
-- (active at the start + new); null without either) and ARPU (MRR / active subscribers). One row per
-- month, currency and mode (`livemode`), and one for both modes together (`livemode` null); months
-- without movements are included. Amounts are rounded to whole minor units of `currency` once.
SELECT
    month,
    currency,
    livemode,
    CAST(round(sum(mrr)) AS bigint) AS mrr,
    sum(active_subscribers) AS active_subscribers,
    sum(active_subscribers_at_start) AS active_subscribers_at_start,
    sum(new_subscribers) AS new_subscribers,
    sum(churned_subscribers) AS churned_subscribers,
    sum(reactivated_subscribers) AS reactivated_subscribers,
    CAST(round(sum(new_mrr)) AS bigint) AS new_mrr,
    CAST(round(sum(expansion_mrr)) AS bigint) AS expansion_mrr,
    CAST(round(sum(contraction_mrr)) AS bigint) AS contraction_mrr,
    CAST(round(sum(churned_mrr)) AS bigint) AS churned_mrr,
    CAST(round(sum(reactivation_mrr)) AS bigint) AS reactivation_mrr,
    CAST(sum(churned_subscribers) AS double) / nullif(sum(active_subscribers_at_start) + sum(new_subscribers), 0) AS churn_rate,
    CAST(round(sum(mrr)) AS double) / nullif(sum(active_subscribers), 0) AS arpu
FROM metrics_by_month
GROUP BY GROUPING SETS ((month, currency, livemode), (month, currency))
ORDER BY month, currency, livemode NULLS FIRST
