/**
 * The analytics settings: Athena on or off, the saved queries (each needs certain event types
 * archived), the partition projection's start, and QuickSight (owner, datasets, refresh schedule).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { StripeAnalyticsPipelineArgs } from "../args";
import { ConfigChecks, integerIn } from "../common/checks";
import { PipelineConfigError } from "../errors";
import type { EventTypeSelection } from "../events/eventTypes";
import { CANCELLATION_CHURN, CancellationChurn, COUPON_DURATIONS, CouponDuration, DEFAULT_METRIC_SETTINGS, MetricSettings } from "./metricSettings";
import { availableMetrics, METRIC_NAMES, MetricName, missingEventTypes } from "./sql";

/**
 * SPICE full-refresh intervals; QuickSight's MINUTE15 and MINUTE30 exist for incremental refresh only.
 * https://docs.aws.amazon.com/quicksight/latest/APIReference/API_RefreshFrequency.html
 */
export const REFRESH_INTERVALS = ["HOURLY", "DAILY", "WEEKLY", "MONTHLY"] as const;
export type RefreshInterval = (typeof REFRESH_INTERVALS)[number];

export interface AnalyticsSettings {
    athena: boolean;
    analyticsMetrics: MetricName[];
    analyticsStartDate: string;
    athenaResultsExpirationDays: number;
    /** What the metric_settings view holds: discounts deducted from MRR, cancellation timing. */
    metricSettings: MetricSettings;
    /** Owner of the QuickSight data sources and datasets; no QuickSight when undefined. */
    quicksightPrincipalArn?: pulumi.Input<string>;
    quicksightManifestDataSet: boolean;
    quicksightRefreshInterval: RefreshInterval;
    quicksightRefreshTime: string;
}

const QUICKSIGHT_PRINCIPAL_PATTERN = /^arn:aws[a-z-]*:quicksight:[a-z0-9-]+:\d{12}:(user|group)\/[^/]+\/.+$/;

/**
 * The saved queries to create: the requested ones, each checked against the archived event types,
 * or by default every metric whose event types are archived.
 */
function resolveMetrics(requested: string[] | undefined, athena: boolean, eventTypes: readonly string[]): MetricName[] {
    if (requested === undefined) {
        return athena ? availableMetrics(eventTypes) : [];
    }
    if (!Array.isArray(requested)) {
        throw new PipelineConfigError("analyticsMetrics", requested, "must be a list of metric names", `write it as a YAML list, e.g. pulumi config set --path 'stripe-analytics:analyticsMetrics[0]' payments`);
    }
    if (!athena && requested.length > 0) {
        throw new PipelineConfigError("analyticsMetrics", requested, "saved queries live in the Athena workgroup, which athena: false leaves out", "remove analyticsMetrics, or set athena to true (the default)");
    }
    requested.forEach((name, i) => {
        if (!(METRIC_NAMES as readonly string[]).includes(name)) {
            throw new PipelineConfigError(`analyticsMetrics[${i}]`, name, "not a metric of this component", `use one of ${METRIC_NAMES.join(", ")} (README "Analytics")`);
        }
        const missing = missingEventTypes(name as MetricName, eventTypes);
        if (missing.length > 0) {
            throw new PipelineConfigError(
                `analyticsMetrics[${i}]`,
                name,
                `it needs the event types ${missing.join(", ")}, which are not archived`,
                `add ${missing.map((t) => `"${t}"`).join(" and ")} (or the family, e.g. "${missing[0].slice(0, missing[0].lastIndexOf(".") + 1)}*") to extraEventTypes, or remove "${name}" from analyticsMetrics`,
            );
        }
    });
    return METRIC_NAMES.filter((m) => requested.includes(m));
}

function resolveStartDate(value: string): string {
    const valid = /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
    if (!valid) {
        throw new PipelineConfigError("analyticsStartDate", value, "must be a date written YYYY-MM-DD", `use the first day of your events, e.g. "2025-01-01"`);
    }
    return value;
}

function resolveCouponDurations(value: string[] | undefined): CouponDuration[] {
    if (value === undefined) return DEFAULT_METRIC_SETTINGS.mrrCouponDurations;
    if (!Array.isArray(value)) {
        throw new PipelineConfigError("mrrCouponDurations", value, "must be a list of coupon durations", `write it as a YAML list, e.g. pulumi config set --path 'stripe-analytics:mrrCouponDurations[0]' forever`);
    }
    value.forEach((duration, i) => {
        if (!(COUPON_DURATIONS as readonly string[]).includes(duration)) {
            throw new PipelineConfigError(`mrrCouponDurations[${i}]`, duration, `not a coupon duration`, `use ${COUPON_DURATIONS.join(", ")}, or an empty list for MRR at list prices (docs/metrics.md)`);
        }
    });
    return COUPON_DURATIONS.filter((d) => value.includes(d));
}

function resolveCancellationChurn(value: string): CancellationChurn {
    if (!(CANCELLATION_CHURN as readonly string[]).includes(value)) {
        throw new PipelineConfigError("cancellationChurn", value, `must be one of ${CANCELLATION_CHURN.join(", ")}`, `set "at-cancellation" (Stripe's default) or "at-period-end" (docs/metrics.md)`);
    }
    return value as CancellationChurn;
}

/** A plain principal must be a QuickSight user or group ARN; an Output is only known once deployed. */
function resolvePrincipal(principal: pulumi.Input<string> | undefined): pulumi.Input<string> | undefined {
    if (typeof principal === "string" && !QUICKSIGHT_PRINCIPAL_PATTERN.test(principal)) {
        throw new PipelineConfigError(
            "quicksightPrincipalArn",
            principal,
            "not the ARN of a QuickSight user or group",
            "use arn:aws:quicksight:<region>:<account>:user/<namespace>/<user name> (`aws quicksight list-users` shows it)",
        );
    }
    return principal;
}

/** Whether to create the S3-manifest dataset; refuses a principal that would own nothing. */
function resolveManifestDataSet(args: StripeAnalyticsPipelineArgs, athena: boolean): boolean {
    const principal = args.quicksightPrincipalArn !== undefined;
    const manifest = args.quicksightManifestDataSet ?? false;
    if (manifest && !principal) {
        throw new PipelineConfigError("quicksightManifestDataSet", manifest, "QuickSight datasets need an owner", "set quicksightPrincipalArn too, or remove quicksightManifestDataSet");
    }
    if (principal && !athena && !manifest) {
        throw new PipelineConfigError(
            "athena",
            athena,
            "the QuickSight datasets read the Athena views, which athena: false leaves out, so quicksightPrincipalArn would create nothing",
            "set athena to true (the default), or set quicksightManifestDataSet to true for the small-account S3 dataset, or remove quicksightPrincipalArn",
        );
    }
    return manifest;
}

function resolveRefreshInterval(interval: string): RefreshInterval {
    if (interval === "MINUTE15" || interval === "MINUTE30") {
        throw new PipelineConfigError("quicksightRefreshInterval", interval, "QuickSight refreshes that often only incrementally, and these datasets refresh fully", `use "HOURLY" (the most frequent full refresh) or "DAILY" (the default)`);
    }
    if (!(REFRESH_INTERVALS as readonly string[]).includes(interval)) {
        throw new PipelineConfigError("quicksightRefreshInterval", interval, `must be one of ${REFRESH_INTERVALS.join(", ")}`, `set "DAILY" (the default) or another of them`);
    }
    return interval as RefreshInterval;
}

function resolveRefreshTime(time: string): string {
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) {
        throw new PipelineConfigError("quicksightRefreshTime", time, "must be a time of day written HH:MM (24-hour, UTC)", `use e.g. "03:00"`);
    }
    return time;
}

/** `eventTypes` is routing's selection, undefined when it was refused: the metrics then go unchecked. */
export function resolveAnalyticsSettings(args: StripeAnalyticsPipelineArgs, checks: ConfigChecks, eventTypes: EventTypeSelection | undefined): AnalyticsSettings | undefined {
    const athena = args.athena ?? true;
    const metrics = eventTypes && checks.run(() => ({ analyticsMetrics: resolveMetrics(args.analyticsMetrics, athena, eventTypes.enabledEvents) }));
    const rest = checks.fields({
        analyticsStartDate: () => resolveStartDate(args.analyticsStartDate ?? "2025-01-01"),
        athenaResultsExpirationDays: () => integerIn("athenaResultsExpirationDays", args.athenaResultsExpirationDays, 1, 3650, "days", "7") ?? 7,
        mrrCouponDurations: () => resolveCouponDurations(args.mrrCouponDurations),
        cancellationChurn: () => resolveCancellationChurn(args.cancellationChurn ?? DEFAULT_METRIC_SETTINGS.cancellationChurn),
        quicksightPrincipalArn: () => resolvePrincipal(args.quicksightPrincipalArn),
        quicksightManifestDataSet: () => resolveManifestDataSet(args, athena),
        quicksightRefreshInterval: () => resolveRefreshInterval(args.quicksightRefreshInterval ?? "DAILY"),
        quicksightRefreshTime: () => resolveRefreshTime(args.quicksightRefreshTime ?? "03:00"),
    });
    if (!metrics || !rest) return undefined;
    const { mrrCouponDurations, cancellationChurn, ...others } = rest;
    return { athena, ...metrics, ...others, metricSettings: { mrrCouponDurations, cancellationChurn } };
}
