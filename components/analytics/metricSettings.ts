/**
 * The choices Stripe lets a Billing analytics user make about MRR and churn, as data: the component
 * deploys them as the Athena view `metric_settings` (one row, built from the arguments) and the
 * local report creates the same relation from its flags, so the SQL files that read it are the same
 * text on Athena and DuckDB. https://support.stripe.com/questions/metric-configurations
 */

/** Coupon durations (https://docs.stripe.com/api/coupons/object#coupon_object-duration). */
export const COUPON_DURATIONS = ["forever", "repeating", "once"] as const;
export type CouponDuration = (typeof COUPON_DURATIONS)[number];

/**
 * When a subscription set to cancel (`cancel_at_period_end`, or a `cancel_at` date) stops counting:
 * at the request, Stripe's default ("the subscription will no longer count towards your MRR after
 * the time of the API call, not at the end of the period",
 * https://support.stripe.com/questions/impact-of-subscription-cancellations-on-monthly-recurring-revenue-mrr-in-billing),
 * or when it ends.
 */
export const CANCELLATION_CHURN = ["at-cancellation", "at-period-end"] as const;
export type CancellationChurn = (typeof CANCELLATION_CHURN)[number];

export interface MetricSettings {
    /** The coupon durations whose discounts MRR deducts while they are in effect. */
    mrrCouponDurations: CouponDuration[];
    cancellationChurn: CancellationChurn;
}

/**
 * Stripe's defaults: recurring discounts (forever and repeating coupons) are deducted, one-time
 * (`once`) discounts are not, and a cancellation counts when it is requested.
 */
export const DEFAULT_METRIC_SETTINGS: MetricSettings = { mrrCouponDurations: ["forever", "repeating"], cancellationChurn: "at-cancellation" };

/** Name of the settings relation the subscription metric views read. */
export const METRIC_SETTINGS_VIEW = "metric_settings";

/** Its columns, in order: all boolean, so the SQL that reads them compares nothing as text. */
export const METRIC_SETTINGS_COLUMNS = ["deduct_forever_coupons", "deduct_repeating_coupons", "deduct_once_coupons", "churn_at_cancellation"] as const;

/** The one-row SELECT that is the relation, in the SQL both Athena and DuckDB run. */
export function metricSettingsSql(settings: MetricSettings): string {
    const values: Record<(typeof METRIC_SETTINGS_COLUMNS)[number], boolean> = {
        deduct_forever_coupons: settings.mrrCouponDurations.includes("forever"),
        deduct_repeating_coupons: settings.mrrCouponDurations.includes("repeating"),
        deduct_once_coupons: settings.mrrCouponDurations.includes("once"),
        churn_at_cancellation: settings.cancellationChurn === "at-cancellation",
    };
    return `SELECT\n${METRIC_SETTINGS_COLUMNS.map((c) => `    CAST(${values[c]} AS boolean) AS ${c}`).join(",\n")}`;
}

/**
 * Reads a comma-separated list of coupon durations (a flag's value); `none` is the empty list
 * (list prices). Returns the problem as text when it is not one.
 */
export function parseCouponDurations(value: string): CouponDuration[] | string {
    if (value.trim() === "none") return [];
    const items = value.split(",").map((d) => d.trim());
    const unknown = items.filter((d) => !(COUPON_DURATIONS as readonly string[]).includes(d));
    return unknown.length > 0 ? `${unknown.join(", ")} not among ${COUPON_DURATIONS.join(", ")} (or none)` : [...new Set(items as CouponDuration[])];
}
