import * as pulumi from "@pulumi/pulumi";
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
     * ARN of the QuickSight user or group that owns the data source and dataset, e.g.
     * `arn:aws:quicksight:us-east-1:123456789012:user/default/alice`. When set, the component
     * creates the QuickSight S3 manifest, data source and SPICE dataset. Default: no QuickSight.
     */
    quicksightPrincipalArn?: pulumi.Input<string>;
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
        ...resolveExistingResources(args, lakePrefix),
    };
}
