import type * as pulumi from "@pulumi/pulumi";

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
     * How Stripe delivers events: `webhook`, to a Stripe webhook endpoint at the receiver's Lambda
     * function URL, which checks the signature and publishes to the pipeline's own bus; or
     * `eventbridge`, through a Stripe event destination of type `amazon_eventbridge` to a partner
     * event bus in the deploying account and region, with no receiver, function URL or signing
     * secret. `eventbridge` cannot be combined with `receiverMemoryMb`, `existingEventBusName` or
     * `existingEventBusArn` (docs/ingestion.md compares the two). Default: `webhook`.
     * https://docs.stripe.com/event-destinations/eventbridge
     */
    ingestion?: string;
    /**
     * Stripe API version the webhook endpoint (or, with `ingestion: "eventbridge"`, the event
     * destination's snapshot payload) renders events with, e.g. `2025-10-29.clover`. Pin it so the
     * lake's JSON shape does not change when the account's default version does. Changing it
     * replaces the endpoint or the destination (docs/ingestion.md).
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
    /** Memory of the receiver function in MB (128 to 10240); CPU scales with it. Webhook ingestion only. Default: 256. */
    receiverMemoryMb?: number;
    /**
     * Concurrent executions reserved for the receiver, which are also its cap: a flood of requests
     * to the public function URL is throttled there (Stripe retries throttled deliveries) instead
     * of using up the account's Lambda concurrency and money. 1 to 900, or -1 for no reservation
     * and no cap. Lambda keeps at least 100 (fewer on new, low-quota accounts) of the account's
     * concurrency unreserved, so on an account with a small quota any reservation fails with
     * `InvalidParameterValueException: ... decreases account's UnreservedConcurrentExecution below
     * its minimum value`: set -1 there, or raise the quota. Default: 10.
     * https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html
     */
    receiverReservedConcurrency?: number;
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
     * The coupon durations whose discounts MRR deducts while they are in effect: any of `forever`,
     * `repeating`, `once`; `[]` for list prices. Stripe's Billing analytics lets you subtract
     * "recurring" and/or "one-time" discounts
     * (https://support.stripe.com/questions/metric-configurations); the default, like Stripe's,
     * deducts the recurring ones. Needs `customer.discount.*` and `coupon.*` archived (docs/metrics.md).
     * Default: `["forever", "repeating"]`.
     */
    mrrCouponDurations?: string[];
    /**
     * When a subscription set to cancel (`cancel_at_period_end` or `cancel_at`) leaves MRR and
     * churns: `at-cancellation`, when the cancellation is requested (Stripe's default:
     * https://support.stripe.com/questions/impact-of-subscription-cancellations-on-monthly-recurring-revenue-mrr-in-billing),
     * or `at-period-end`, when it ends. Default: `at-cancellation`.
     */
    cancellationChurn?: string;
    /**
     * Keep a compacted copy of the lake for the views: an Apache Iceberg table (Parquet, partitioned
     * by event type and month) that a Step Functions workflow fills daily with Athena `MERGE INTO`,
     * so a metric query reads a few large files plus the last days' raw objects instead of one
     * object per event. The raw lake stays the source of truth. Needs `athena: true`.
     * docs/compaction.md. Default: false.
     */
    compaction?: boolean;
    /**
     * When the merge runs: an EventBridge Scheduler `cron(...)` (six fields, UTC) or `rate(...)`
     * expression. The views' raw tail moves once a day, so more often than daily only costs more.
     * Default: `cron(30 0 * * ? *)` (00:30 UTC daily).
     * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
     */
    compactionSchedule?: string;
    /**
     * When OPTIMIZE (bin-packing the daily merges' small files) and VACUUM (deleting the files it
     * replaced) run, as a Scheduler expression. Default: `cron(0 3 ? * SUN *)` (Sundays 03:00 UTC).
     * https://docs.aws.amazon.com/athena/latest/ug/querying-iceberg-data-optimization.html
     */
    compactionMaintenanceSchedule?: string;
    /**
     * Days before each merge's day whose events the views keep reading from the raw lake, because a
     * late delivery may still add to them: at least 3 (Stripe retries a live event for up to 3 days,
     * https://docs.stripe.com/webhooks) plus `retryMaximumEventAgeSeconds` in whole days,
     * at most 31. Default: that minimum (4 with the default EventBridge retries).
     */
    compactionLookbackDays?: number;
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
     * Webhook ingestion only. Default: create the bus.
     */
    existingEventBusName?: string;
    /** ARN of the bus named by `existingEventBusName`; the IAM policies use it. Default: none. */
    existingEventBusArn?: string;
}
