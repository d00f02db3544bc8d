import * as pulumi from "@pulumi/pulumi";
import { availableMetrics, METRIC_NAMES, MetricName, missingEventTypes } from "./analytics/sql";
import { PipelineConfigError } from "./errors";
import { EventTypeSelection, selectEventTypes } from "./events/eventTypes";
import { ExistingResources, resolveExistingResources } from "./existingResources";
import { DEFAULT_LAKE_PREFIX, validateLakePrefix } from "./lake/layout";
import { buildEventPattern } from "./routing/eventPattern";

/**
 * Arguments of a StripeAnalyticsPipeline. Each field is also a `stripe-analytics:<field>` stack
 * config key of this project (see index.ts and the README's config reference).
 *
 * Fields that decide which resources exist or that must be checked before anything is planned
 * (event types, sizes, retention) are plain values, so `pulumi preview` validates them; fields
 * that only flow into resource properties are `Input`s.
 */
export interface StripeAnalyticsPipelineArgs {
    /**
     * Stripe event types to archive on top of `checkout.session.completed` and
     * `customer.subscription.created`: exact types (`customer.subscription.deleted`) or a family
     * wildcard (`payment_intent.*`), which the rule matches as a prefix and the webhook endpoint
     * gets expanded. Unknown types fail with the nearest real one.
     * Default: none. https://docs.stripe.com/api/events/types
     */
    extraEventTypes?: string[];
    /**
     * Stripe API version the webhook endpoint renders events with, e.g. `2025-10-29.clover`.
     * Pin it so the lake's JSON shape does not change when the account's default version does.
     * Default: the account's default API version. https://docs.stripe.com/api/versioning
     */
    stripeApiVersion?: pulumi.Input<string>;
    /**
     * Key prefix of the event objects in the bucket: segments of letters, digits, `-`, `_`
     * separated by `/`, no leading or trailing `/`. Default: `events`.
     */
    lakePrefix?: string;
    /**
     * ARN of a customer-managed KMS key for the bucket's default encryption (SSE-KMS with an S3
     * Bucket Key). The writers get `kms:GenerateDataKey`/`kms:Decrypt` on it; its key policy must
     * allow this account's IAM policies. Default: SSE-S3 (AES256).
     */
    kmsKeyArn?: pulumi.Input<string>;
    /** Days after which event objects expire. Default: never; the lake keeps every event. */
    expireEventsAfterDays?: number;
    /**
     * Days an overwritten or deleted object version is kept (versioning is always on).
     * Default: 30.
     */
    noncurrentVersionExpirationDays?: number;
    /**
     * Keep the bucket and its protections (encryption, public access block, TLS policy) when the
     * component or stack is destroyed, since it holds the data. Default: true.
     */
    retainBucketOnDelete?: boolean;
    /**
     * Step Functions workflow type: `EXPRESS` (at-least-once, $1 per million requests plus
     * duration; fine because writes are idempotent) or `STANDARD` (exactly-once, $25 per million
     * state transitions, execution history in the console). Default: `EXPRESS`.
     */
    workflowType?: string;
    /**
     * Retention of the receiver's and the workflow's CloudWatch log groups, in days; one of the
     * values CloudWatch accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...). Default: 30.
     */
    logRetentionDays?: number;
    /** Memory of the receiver function in MB (128 to 10240); CPU scales with it. Default: 256. */
    receiverMemoryMb?: number;
    /**
     * How long EventBridge keeps retrying delivery to the state machine, in seconds (60 to
     * 86400), before the event goes to the dead-letter queue. Default: 86400 (24 h).
     */
    retryMaximumEventAgeSeconds?: number;
    /** Delivery retries EventBridge makes before the dead-letter queue (0 to 185). Default: 185. */
    retryMaximumAttempts?: number;
    /** Days the dead-letter queue keeps parked events (1 to 14, the SQS maximum). Default: 14. */
    deadLetterRetentionDays?: number;
    /**
     * Create the Athena side of the analytics: a Glue database, a table over the lake (partition
     * projection, so no crawler), a view per configured event family, an Athena workgroup with its
     * own encrypted results bucket, and the saved metric queries. None of it costs anything until
     * queried (Athena bills per byte scanned). Default: true.
     */
    athena?: boolean;
    /**
     * Saved queries (Athena named queries) to create: `mrr`, `active_subscriptions`,
     * `subscription_movements`, `payments` (README "Analytics"). Each needs certain event types
     * archived; naming one whose types are not configured fails. Default: every metric whose event
     * types are configured (none with the default event types).
     */
    analyticsMetrics?: string[];
    /**
     * First day (`YYYY-MM-DD`, UTC) of events Athena sees: the start of the `dt` partition
     * projection. Every day from it to today is a partition a full-history query lists, so set it
     * to the day the lake starts. Default: `2025-01-01`.
     */
    analyticsStartDate?: string;
    /** Days the Athena results bucket keeps query results (1 to 3650). Default: 7. */
    athenaResultsExpirationDays?: number;
    /**
     * ARN of the QuickSight user or group that owns the data source and datasets, e.g.
     * `arn:aws:quicksight:us-east-1:123456789012:user/default/alice`. When set, the component
     * creates an Athena data source and one SPICE dataset per configured event family's view.
     * Default: no QuickSight.
     */
    quicksightPrincipalArn?: pulumi.Input<string>;
    /**
     * Also create the original walkthrough's QuickSight S3-manifest data source and dataset (top-level
     * event fields only). QuickSight reads at most 1,000 files through a manifest, so this works only
     * for a small test account's lake. Needs `quicksightPrincipalArn`. Default: false.
     */
    quicksightManifestDataSet?: boolean;
    /**
     * How often SPICE refreshes the datasets: `HOURLY`, `DAILY`, `WEEKLY` (Mondays) or `MONTHLY`
     * (on the 1st); a full refresh each time. Default: `DAILY`.
     */
    quicksightRefreshInterval?: string;
    /** Time of day (`HH:MM`, UTC) of daily, weekly and monthly refreshes. Default: `03:00`. */
    quicksightRefreshTime?: string;
    /** Tags added to every taggable resource. Default: none. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * ARN of an existing SNS topic the alarms notify (on ALARM and back to OK). Its policy must let
     * `cloudwatch.amazonaws.com` publish, and if it is encrypted, its KMS key must let CloudWatch
     * use it. Cannot be combined with `createAlarmTopic`. Default: none.
     */
    alarmTopicArn?: pulumi.Input<string>;
    /**
     * Create an SNS topic for the alarms, encrypted with its own KMS key whose policy, like the
     * topic's, lets CloudWatch alarms of this account publish. Default: false (the alarms exist
     * and show in the CloudWatch console, but notify no one unless `alarmTopicArn` is set).
     */
    createAlarmTopic?: boolean;
    /**
     * Email address subscribed to the created alarm topic; AWS mails a confirmation link first.
     * Needs `createAlarmTopic: true`. Default: none.
     */
    alarmEmail?: string;
    /**
     * Alarm when no Stripe event has reached the archive workflow for this many hours (1 to 168,
     * CloudWatch's 7-day evaluation limit). Meant for accounts with steady traffic; a quiet account
     * would page for nothing. Default: off.
     */
    noEventsAlarmHours?: number;
    /**
     * Days the EventBridge archive of the bus keeps events for `npm run replay` (1 to 36500).
     * Default: 30.
     */
    archiveRetentionDays?: number;
    /**
     * Name of an existing S3 bucket (same account and region) to write the lake into instead of
     * creating one. The component then changes nothing about that bucket: its public access block,
     * encryption, versioning, lifecycle and policy stay its owner's (README: Reuse). Cannot be
     * combined with `kmsKeyArn`, `quicksightPrincipalArn`, `retainBucketOnDelete`,
     * `expireEventsAfterDays` or `noncurrentVersionExpirationDays`. Default: create the bucket.
     */
    existingBucketName?: string;
    /**
     * ARN of the KMS key an existing bucket (`existingBucketName`) encrypts with (SSE-KMS); the
     * writers get `kms:GenerateDataKey`/`kms:Decrypt` on it, nothing else changes. Default: none
     * (the existing bucket uses SSE-S3).
     */
    existingBucketKmsKeyArn?: pulumi.Input<string>;
    /**
     * Name of an existing custom EventBridge bus (same account and region) for the receiver to
     * publish to and the rule to live on, instead of creating one. Needs `existingEventBusArn`.
     * Default: create the bus.
     */
    existingEventBusName?: string;
    /** ARN of the bus named by `existingEventBusName`; the IAM policies use it. Default: none. */
    existingEventBusArn?: string;
}

/** Bytes of the event pattern the receiver's environment can hold (Lambda: 4 KB for all variables). */
export const MAX_PATTERN_BYTES = 2048;

/** The workflow types Step Functions offers. */
export const WORKFLOW_TYPES = ["EXPRESS", "STANDARD"] as const;

/**
 * SPICE full-refresh intervals; QuickSight's MINUTE15 and MINUTE30 exist for incremental refresh only.
 * https://docs.aws.amazon.com/quicksight/latest/APIReference/API_RefreshFrequency.html
 */
export const REFRESH_INTERVALS = ["HOURLY", "DAILY", "WEEKLY", "MONTHLY"] as const;

/** Retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** Validated arguments with every default applied: what the parts are built from. */
export interface PipelineSettings extends ExistingResources {
    eventTypes: EventTypeSelection;
    lakePrefix: string;
    expireEventsAfterDays?: number;
    noncurrentVersionExpirationDays: number;
    retainBucketOnDelete: boolean;
    workflowType: (typeof WORKFLOW_TYPES)[number];
    logRetentionDays: number;
    receiverMemoryMb: number;
    retryMaximumEventAgeSeconds: number;
    retryMaximumAttempts: number;
    deadLetterRetentionDays: number;
    createAlarmTopic: boolean;
    alarmEmail?: string;
    noEventsAlarmHours?: number;
    archiveRetentionDays: number;
    athena: boolean;
    analyticsMetrics: MetricName[];
    analyticsStartDate: string;
    athenaResultsExpirationDays: number;
    quicksightManifestDataSet: boolean;
    quicksightRefreshInterval: (typeof REFRESH_INTERVALS)[number];
    quicksightRefreshTime: string;
}

/** Enough to catch a missing `@` or domain; SNS itself rejects what this lets through. */
const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/**
 * Component names become the start of every physical name (S3 buckets: lowercase, at most 63
 * characters with Pulumi's suffix; IAM roles: 64), hence the short lowercase form.
 */
const COMPONENT_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,22}[a-z0-9])?$/;

function integerIn(key: string, value: number | undefined, min: number, max: number, unit: string, byDefault: string): number | undefined {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
        throw new PipelineConfigError(key, value, `must be a whole number of ${unit} from ${min} to ${max}`, `set it within that range, or remove it for the default (${byDefault})`);
    }
    return value;
}

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

function resolveQuickSight(args: StripeAnalyticsPipelineArgs, athena: boolean) {
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
    const interval = args.quicksightRefreshInterval ?? "DAILY";
    if (interval === "MINUTE15" || interval === "MINUTE30") {
        throw new PipelineConfigError("quicksightRefreshInterval", interval, "QuickSight refreshes that often only incrementally, and these datasets refresh fully", `use "HOURLY" (the most frequent full refresh) or "DAILY" (the default)`);
    }
    if (!(REFRESH_INTERVALS as readonly string[]).includes(interval)) {
        throw new PipelineConfigError("quicksightRefreshInterval", interval, `must be one of ${REFRESH_INTERVALS.join(", ")}`, `set "DAILY" (the default) or another of them`);
    }
    const time = args.quicksightRefreshTime ?? "03:00";
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) {
        throw new PipelineConfigError("quicksightRefreshTime", time, "must be a time of day written HH:MM (24-hour, UTC)", `use e.g. "03:00"`);
    }
    return { quicksightManifestDataSet: manifest, quicksightRefreshInterval: interval as PipelineSettings["quicksightRefreshInterval"], quicksightRefreshTime: time };
}

/** Validates the arguments and applies defaults; throws PipelineConfigError on the first bad value. */
export function resolveSettings(name: string, args: StripeAnalyticsPipelineArgs): PipelineSettings {
    if (!COMPONENT_NAME_PATTERN.test(name)) {
        throw new PipelineConfigError(
            "name",
            name,
            "the component name must be 1 to 24 lowercase letters, digits or '-', starting and ending with a letter or digit, because it begins every bucket, role and function name",
            `use a short name such as "stripe" or "billing-events"`,
        );
    }
    const workflowType = args.workflowType ?? "EXPRESS";
    if (!(WORKFLOW_TYPES as readonly string[]).includes(workflowType)) {
        throw new PipelineConfigError("workflowType", workflowType, `must be one of ${WORKFLOW_TYPES.join(", ")}`, `set "EXPRESS" (default, cheapest) or "STANDARD"`);
    }
    const logRetentionDays = args.logRetentionDays ?? 30;
    if (!LOG_RETENTION_DAYS.includes(logRetentionDays)) {
        const nearest = LOG_RETENTION_DAYS.reduce((a, b) => (Math.abs(b - logRetentionDays) < Math.abs(a - logRetentionDays) ? b : a));
        throw new PipelineConfigError("logRetentionDays", logRetentionDays, "CloudWatch Logs accepts only certain retention periods", `use ${nearest} or another of ${LOG_RETENTION_DAYS.join(", ")}`);
    }
    const createAlarmTopic = args.createAlarmTopic ?? false;
    if (createAlarmTopic && args.alarmTopicArn !== undefined) {
        throw new PipelineConfigError("createAlarmTopic", true, "alarmTopicArn is set as well, and the alarms notify one topic", "remove createAlarmTopic to use the existing topic, or remove alarmTopicArn to create one");
    }
    const alarmEmail = args.alarmEmail;
    if (alarmEmail !== undefined) {
        if (!createAlarmTopic) {
            throw new PipelineConfigError("alarmEmail", alarmEmail, "only the topic this component creates is subscribed", "set createAlarmTopic: true, or subscribe the address to your own alarmTopicArn topic where that topic is managed");
        }
        if (!EMAIL_PATTERN.test(alarmEmail)) {
            throw new PipelineConfigError("alarmEmail", alarmEmail, "not an email address", "use an address such as \"oncall@example.com\"");
        }
    }
    const extraEventTypes = args.extraEventTypes ?? [];
    if (!Array.isArray(extraEventTypes)) {
        throw new PipelineConfigError("extraEventTypes", extraEventTypes, "must be a list of event types", `write it as a YAML list, e.g. pulumi config set --path 'stripe-analytics:extraEventTypes[0]' payment_intent.*`);
    }
    const eventTypes = selectEventTypes(extraEventTypes);
    // The receiver gets the rule's pattern in an environment variable, and Lambda allows 4 KB for all of them.
    const patternBytes = Buffer.byteLength(JSON.stringify(buildEventPattern(eventTypes)));
    if (patternBytes > MAX_PATTERN_BYTES) {
        throw new PipelineConfigError(
            "extraEventTypes",
            extraEventTypes,
            `the rule's event pattern would take ${patternBytes} bytes, more than the ${MAX_PATTERN_BYTES} the receiver's environment leaves for it`,
            `replace exact types by family wildcards such as "invoice.*"`,
        );
    }
    const lakePrefix = validateLakePrefix(args.lakePrefix ?? DEFAULT_LAKE_PREFIX);
    const athena = args.athena ?? true;
    return {
        eventTypes,
        lakePrefix,
        expireEventsAfterDays: integerIn("expireEventsAfterDays", args.expireEventsAfterDays, 1, 36500, "days", "never expire"),
        noncurrentVersionExpirationDays: integerIn("noncurrentVersionExpirationDays", args.noncurrentVersionExpirationDays, 1, 36500, "days", "30") ?? 30,
        retainBucketOnDelete: args.retainBucketOnDelete ?? true,
        workflowType: workflowType as PipelineSettings["workflowType"],
        logRetentionDays,
        receiverMemoryMb: integerIn("receiverMemoryMb", args.receiverMemoryMb, 128, 10240, "MB", "256") ?? 256,
        retryMaximumEventAgeSeconds: integerIn("retryMaximumEventAgeSeconds", args.retryMaximumEventAgeSeconds, 60, 86400, "seconds", "86400") ?? 86400,
        retryMaximumAttempts: integerIn("retryMaximumAttempts", args.retryMaximumAttempts, 0, 185, "attempts", "185") ?? 185,
        deadLetterRetentionDays: integerIn("deadLetterRetentionDays", args.deadLetterRetentionDays, 1, 14, "days", "14") ?? 14,
        createAlarmTopic,
        alarmEmail,
        noEventsAlarmHours: integerIn("noEventsAlarmHours", args.noEventsAlarmHours, 1, 168, "hours", "off"),
        archiveRetentionDays: integerIn("archiveRetentionDays", args.archiveRetentionDays, 1, 36500, "days", "30") ?? 30,
        athena,
        analyticsMetrics: resolveMetrics(args.analyticsMetrics, athena, eventTypes.enabledEvents),
        analyticsStartDate: resolveStartDate(args.analyticsStartDate ?? "2025-01-01"),
        athenaResultsExpirationDays: integerIn("athenaResultsExpirationDays", args.athenaResultsExpirationDays, 1, 3650, "days", "7") ?? 7,
        ...resolveQuickSight(args, athena),
        ...resolveExistingResources(args, lakePrefix),
    };
}
