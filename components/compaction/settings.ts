/**
 * The compaction's settings: on or off, when the daily merge and the weekly OPTIMIZE/VACUUM run,
 * and the lookback, the days a late event may take to reach the lake (docs/compaction.md).
 */
import type { StripeAnalyticsPipelineArgs } from "../args";
import { ConfigChecks } from "../common/checks";
import { PipelineConfigError } from "../errors";

export interface CompactionSettings {
    compaction: boolean;
    /** EventBridge Scheduler expression of the merge. */
    compactionSchedule: string;
    /** EventBridge Scheduler expression of OPTIMIZE and VACUUM. */
    compactionMaintenanceSchedule: string;
    /** Days before the scheduled day whose events the views keep reading raw (the seam's distance). */
    compactionLookbackDays: number;
}

/** Daily, just after midnight UTC: the seam moves once a day, so merging more often only rereads the tail. */
export const DEFAULT_COMPACTION_SCHEDULE = "cron(30 0 * * ? *)";
/** Weekly, Sunday night UTC, away from the daily merge. */
export const DEFAULT_COMPACTION_MAINTENANCE_SCHEDULE = "cron(0 3 ? * SUN *)";
/** Stripe retries a live event's delivery for up to three days. https://docs.stripe.com/webhooks ("Automatic retries") */
export const STRIPE_RETRY_DAYS = 3;
const MAX_LOOKBACK_DAYS = 31;

/**
 * Days an event can take from its `created` to the lake: Stripe's retries, then EventBridge's
 * retries of the workflow target (retryMaximumEventAgeSeconds), rounded up to whole days.
 */
export function deliveryDays(retryMaximumEventAgeSeconds: number): number {
    return STRIPE_RETRY_DAYS + Math.ceil(retryMaximumEventAgeSeconds / 86400);
}

/**
 * Recurring schedule expressions of EventBridge Scheduler (a one-time `at(...)` would compact once).
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
 */
const SCHEDULE_PATTERN = /^(cron\((\S+ ){5}\S+\)|rate\([1-9]\d* (minute|minutes|hour|hours|day|days)\))$/;

function resolveSchedule(key: string, value: string | undefined, byDefault: string, compaction: boolean): string {
    if (value === undefined) return byDefault;
    if (!compaction) {
        throw new PipelineConfigError(key, value, "it schedules the compaction, which is off", `set compaction: true, or remove ${key}`);
    }
    if (typeof value !== "string" || !SCHEDULE_PATTERN.test(value)) {
        throw new PipelineConfigError(key, value, "must be an EventBridge Scheduler cron(...) expression with six fields or a rate(...) expression", `use e.g. "${byDefault}" (the default, UTC)`);
    }
    return value;
}

function resolveLookback(value: number | undefined, minimum: number, compaction: boolean): number {
    if (value === undefined) return minimum;
    if (!compaction) {
        throw new PipelineConfigError("compactionLookbackDays", value, "it sets the compaction's seam, and compaction is off", "set compaction: true, or remove compactionLookbackDays");
    }
    if (!Number.isInteger(value) || value < minimum || value > MAX_LOOKBACK_DAYS) {
        throw new PipelineConfigError(
            "compactionLookbackDays",
            value,
            `must be a whole number of days from ${minimum} to ${MAX_LOOKBACK_DAYS}: an event can reach the lake up to ${minimum} days after it was created ` +
                `(Stripe retries for ${STRIPE_RETRY_DAYS} days, then EventBridge for retryMaximumEventAgeSeconds), and a shorter lookback would leave such events out of the views`,
            `set it within that range, or remove it for the default (${minimum})`,
        );
    }
    return value;
}

function resolveCompaction(value: boolean | undefined, athena: boolean): boolean {
    const compaction = value ?? false;
    if (compaction && !athena) {
        throw new PipelineConfigError("compaction", compaction, "the compacted table lives in the Athena side's Glue database and workgroup, which athena: false leaves out", "set athena to true (the default), or remove compaction");
    }
    return compaction;
}

/** `retryMaximumEventAgeSeconds` is routing's, undefined when it was refused: the lookback then goes unchecked. */
export function resolveCompactionSettings(args: StripeAnalyticsPipelineArgs, checks: ConfigChecks, retryMaximumEventAgeSeconds: number | undefined): CompactionSettings | undefined {
    const compaction = checks.run(() => ({ compaction: resolveCompaction(args.compaction, args.athena ?? true) }));
    // As asked for: a refused `compaction: true` must not also make its settings "without compaction".
    const on = args.compaction === true;
    const lookback = retryMaximumEventAgeSeconds === undefined ? undefined : checks.run(() => ({ compactionLookbackDays: resolveLookback(args.compactionLookbackDays, deliveryDays(retryMaximumEventAgeSeconds), on) }));
    const schedules = checks.fields({
        compactionSchedule: () => resolveSchedule("compactionSchedule", args.compactionSchedule, DEFAULT_COMPACTION_SCHEDULE, on),
        compactionMaintenanceSchedule: () => resolveSchedule("compactionMaintenanceSchedule", args.compactionMaintenanceSchedule, DEFAULT_COMPACTION_MAINTENANCE_SCHEDULE, on),
    });
    return compaction && lookback && schedules && { ...compaction, ...lookback, ...schedules };
}
