/**
 * The pipeline's CloudWatch alarms as data: which metric each one watches, on which dimensions,
 * and what an operator does when it fires (the description travels in every notification).
 * Generic over the dimension values, so the component passes resource outputs and tests pass
 * plain strings; which alarms exist depends only on plain settings.
 *
 * Metric names and dimensions are the ones the services publish:
 * - AWS/Lambda function URL metrics (Url5xxCount, by FunctionName): https://docs.aws.amazon.com/lambda/latest/dg/urls-monitoring.html
 * - AWS/Lambda Throttles (by FunctionName): https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html
 * - AWS/Events rule metrics; a rule on a custom bus reports with EventBusName and RuleName:
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
 * - AWS/States execution metrics (by StateMachineArn), of the archive and the compaction workflow:
 *   https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html
 * - AWS/SQS ApproximateNumberOfMessagesVisible (by QueueName): https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
 * - the receiver's own RejectedRequests, counted from its JSON log lines by the metric filters of
 *   buildReceiverMetricFilters: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/MonitoringPolicyExamples.html
 */
import type { IngestionMode } from "../ingestion/settings";
import { NOT_PARKED_ERROR } from "../workflow/archiveStep";

/** The resources the alarms watch. */
export interface AlarmTargets<T> {
    /** The webhook receiver; without one (ingestion "eventbridge") there are no receiver alarms. */
    receiverFunctionName?: T;
    eventBusName: T;
    ruleName: T;
    stateMachineArn: T;
    deadLetterQueueName: T;
    /**
     * Namespace of the receiver's log metrics (receiverMetricsNamespace of the function's name);
     * the rejected-requests alarm exists only when it is given, with the receiver.
     */
    receiverMetricsNamespace?: T;
    /** The compaction workflow (components/compaction); no compaction alarms when absent. */
    compactionStateMachineArn?: T;
}

export interface AlarmSpec<T> {
    /** Child name suffix: the alarm is `${name}-alarm-<role>`. */
    role: string;
    /**
     * What happened and what to do; CloudWatch sends it with every notification. At most 1024
     * characters: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
     */
    description: string;
    /** A service's namespace, or one of this pipeline's own (its log metrics). */
    namespace: string | T;
    metricName: string;
    dimensions: Record<string, T>;
    statistic: "Sum" | "Maximum";
    /** Seconds per datapoint. */
    period: number;
    evaluationPeriods: number;
    datapointsToAlarm: number;
    threshold: number;
    comparisonOperator: "GreaterThanOrEqualToThreshold" | "LessThanThreshold";
    /** How a period without datapoints counts; most of these metrics are only published when non-zero. */
    treatMissingData: "notBreaching" | "breaching";
}

export interface AlarmOptions {
    /** Hours without a single workflow execution before the no-events alarm fires; no such alarm when undefined. */
    noEventsAlarmHours?: number;
    /** How the events arrive, for what the descriptions tell the operator to check. Default: `webhook`. */
    ingestion?: IngestionMode;
}

const FIVE_MINUTES = 300;
const ONE_HOUR = 3600;

/** The metric the receiver's log lines with `"outcome":"rejected"` (its 4xx answers) are counted in. */
export const REJECTED_REQUESTS_METRIC = "RejectedRequests";
/**
 * Rejected requests in five minutes that raise the alarm. Stripe never sends a request the receiver
 * rejects, and the function URL's random host name draws few scanners: ten in five minutes is a
 * flood, a wrong or rotated signing secret, or a misconfigured sender.
 */
export const REJECTED_REQUESTS_THRESHOLD = 10;

/**
 * Namespace of one receiver's log metrics. The metric filters can only take dimension values from
 * the log line, and none there names the function, so the namespace does: two pipelines in one
 * account (say a dev and a prod stack) never count into the same metric. The function's name is
 * 1 to 64 letters, digits, `-` and `_`, all allowed in a namespace:
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricDatum.html
 */
export function receiverMetricsNamespace(functionName: string): string {
    return `StripeAnalytics/${functionName}`;
}

/** A CloudWatch Logs metric filter, as data (aws.cloudwatch.LogMetricFilter's inputs). */
export interface MetricFilterSpec<T> {
    /** Child name suffix: the filter is `${name}-<role>`. */
    role: string;
    pattern: string;
    metricTransformation: { name: string; namespace: T; value: string; defaultValue?: string; dimensions?: Record<string, string> };
}

/** The receiver's log lines are one JSON object each (components/receiver/handler.ts ReceiverLogLine). */
const REJECTED_PATTERN = '{ $.outcome = "rejected" }';

/**
 * The receiver's rejected requests, from its log group: a count for the alarm (a 0 every minute
 * with traffic, so the alarm sees a rate) and the same count by `code` (which check refused them:
 * `signature_mismatch`, `missing_signature`, `method_not_allowed`, ...) for diagnosis, which can
 * have no default value as it has a dimension. Both come from the same lines, so their sums agree.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 */
export function buildReceiverMetricFilters<T>(namespace: T): MetricFilterSpec<T>[] {
    return [
        { role: "receiver-rejected", pattern: REJECTED_PATTERN, metricTransformation: { name: REJECTED_REQUESTS_METRIC, namespace, value: "1", defaultValue: "0" } },
        { role: "receiver-rejected-by-code", pattern: REJECTED_PATTERN, metricTransformation: { name: REJECTED_REQUESTS_METRIC, namespace, value: "1", dimensions: { Code: "$.code" } } },
    ];
}

/** An alarm that fires on the first occurrence of something that should never happen. */
function onAnyOccurrence<T>(role: string, namespace: string | T, metricName: string, dimensions: Record<string, T>, description: string): AlarmSpec<T> {
    return {
        role,
        description,
        namespace,
        metricName,
        dimensions,
        statistic: "Sum",
        period: FIVE_MINUTES,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
    };
}

/** The alarms on the receiver, the public door: none without a receiver (ingestion "eventbridge"). */
function receiverAlarms<T>(targets: AlarmTargets<T>): AlarmSpec<T>[] {
    const receiverFunctionName = targets.receiverFunctionName;
    if (receiverFunctionName === undefined) return [];
    const specs: AlarmSpec<T>[] = [
        onAnyOccurrence(
            "receiver-5xx",
            "AWS/Lambda",
            "Url5xxCount",
            { FunctionName: receiverFunctionName },
            "The Stripe webhook receiver answered 5xx: the event bus refused events, or the function failed or timed out. " +
                "Stripe retries each event for up to 3 days, so nothing is lost yet. Read the receiver's log group for the error and fix it; " +
                "Stripe's retries then deliver the events.",
        ),
        onAnyOccurrence(
            "receiver-throttles",
            "AWS/Lambda",
            "Throttles",
            { FunctionName: receiverFunctionName },
            "Lambda throttled the Stripe webhook receiver: the account's concurrency is used up. Stripe gets 429 and retries for up to 3 days. " +
                "Find what else uses the concurrency, or ask for a higher Lambda concurrency quota.",
        ),
    ];
    if (targets.receiverMetricsNamespace !== undefined) {
        specs.push({
            ...onAnyOccurrence(
                "receiver-rejected",
                targets.receiverMetricsNamespace,
                REJECTED_REQUESTS_METRIC,
                {},
                `The Stripe webhook receiver rejected ${REJECTED_REQUESTS_THRESHOLD} or more requests (4xx) in five minutes. Stripe never sends such requests: ` +
                    "a flood of unsigned requests, a wrong or rotated signing secret (signature_mismatch), or a sender that is not Stripe. " +
                    "See which check refused them in the RejectedRequests metric by Code, or in the receiver's log group; " +
                    "for a rotated secret put the new whsec_ in the signing secret, and Stripe's retries deliver the refused events.",
            ),
            threshold: REJECTED_REQUESTS_THRESHOLD,
        });
    }
    return specs;
}

/**
 * Without the receiver, events too big for Step Functions reach the rule, which cannot start the
 * workflow with them (its input limit is 256 KiB, EventBridge's 1 MB) and parks them at once.
 */
const PARTNER_OVERSIZE_NOTE =
    " Events over Step Functions' 256 KiB input are parked at once (EventBridge does not retry that refusal): " +
    "`npm run redrive -- ... --bucket <bucketName> --lake-prefix <lakePrefix>` writes those straight to their lake keys.";

/** Every alarm of one pipeline, in a stable order. */
export function buildAlarmSpecs<T>(targets: AlarmTargets<T>, options: AlarmOptions = {}): AlarmSpec<T>[] {
    const rule = { EventBusName: targets.eventBusName, RuleName: targets.ruleName };
    const stateMachine = { StateMachineArn: targets.stateMachineArn };
    const eventBridge = options.ingestion === "eventbridge";
    const oversizeNote = eventBridge ? PARTNER_OVERSIZE_NOTE : "";
    const specs: AlarmSpec<T>[] = [
        ...receiverAlarms(targets),
        onAnyOccurrence(
            "delivery-failed",
            "AWS/Events",
            "FailedInvocations",
            rule,
            "EventBridge gave up delivering Stripe events to the archive workflow after its retries; they are in the dead-letter queue. " +
                "Check the workflow and the rule target's role, then run `npm run redrive`." +
                oversizeNote,
        ),
        onAnyOccurrence(
            "dlq-delivery-failed",
            "AWS/Events",
            "InvocationsFailedToBeSentToDlq",
            rule,
            "EventBridge could neither deliver Stripe events nor park them in the dead-letter queue: these events are not in the lake. " +
                "Fix the dead-letter queue's policy, then run `npm run replay -- --from <first failure> --to <now>` or `npm run backfill`.",
        ),
        onAnyOccurrence(
            "workflow-failed",
            "AWS/States",
            "ExecutionsFailed",
            stateMachine,
            "Archive workflow executions failed: S3 kept refusing the write. Each event was parked in the dead-letter queue " +
                "(dlq-not-empty fires too: fix the S3 error from the workflow's log group, then run `npm run redrive`), unless parking " +
                `failed as well: those executions end with ${NOT_PARKED_ERROR}, whose Cause names the event, and are not in the queue; ` +
                "export them from Logs Insights and run `npm run replay -- --events <export>`.",
        ),
        onAnyOccurrence(
            "workflow-timed-out",
            "AWS/States",
            "ExecutionsTimedOut",
            stateMachine,
            "Archive workflow executions timed out before writing their event. Check S3 latency and the workflow's log group, " +
                "then replay the affected window with `npm run replay`.",
        ),
        {
            ...onAnyOccurrence(
                "dlq-not-empty",
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                { QueueName: targets.deadLetterQueueName },
                "Stripe events are parked in the dead-letter queue and not in the lake. Fix the cause (see the delivery and workflow alarms), " +
                    "then run `npm run redrive` before the queue's retention runs out." +
                    oversizeNote,
            ),
            // A level, not a count: any message waiting is worth an alarm.
            statistic: "Maximum",
        },
    ];
    if (targets.compactionStateMachineArn !== undefined) {
        const compaction = { StateMachineArn: targets.compactionStateMachineArn };
        const views = "The views stay complete: they read every event from the seam on from the raw lake, and the seam moves only after a merge succeeded.";
        specs.push(
            onAnyOccurrence(
                "compaction-failed",
                "AWS/States",
                "ExecutionsFailed",
                compaction,
                `A compaction run failed (its failed state in the Step Functions console shows the Athena error). ${views} ` +
                    "Fix the cause; the next scheduled run merges everything from the seam again (MERGE is idempotent), or run `npm run compact -- --from <seam> --to <today>` now. " +
                    "CompactionAlreadyRunning means two runs overlapped: nothing to fix.",
            ),
            onAnyOccurrence(
                "compaction-timed-out",
                "AWS/States",
                "ExecutionsTimedOut",
                compaction,
                `A compaction run took longer than its 6-hour limit: a long history being caught up 30 days at a time, or a stuck Athena query. ${views} ` +
                    "Every window it merged moved the seam, so the next scheduled run goes on from there; the execution's history in the Step Functions console shows the slow query.",
            ),
        );
    }
    if (options.noEventsAlarmHours !== undefined) {
        const hours = options.noEventsAlarmHours;
        specs.push({
            role: "no-events",
            description: eventBridge
                ? `No Stripe event reached the archive workflow for ${hours} hours. Check the event destination in the Stripe Dashboard ` +
                  "(disabled? its event source deleted or no longer associated with the partner bus?) and the rule's metrics; " +
                  "then `npm run backfill -- --since <last good day>` fetches what was missed."
                : `No Stripe event reached the archive workflow for ${hours} hours. Check the webhook endpoint in the Stripe Dashboard ` +
                  "(disabled? failing deliveries?), the receiver's 4xx responses (a rotated signing secret?) and its log group; " +
                  "then `npm run backfill -- --since <last good day>` fetches what was missed.",
            namespace: "AWS/States",
            metricName: "ExecutionsStarted",
            dimensions: stateMachine,
            statistic: "Sum",
            // Period x EvaluationPeriods may reach 7 days for periods of an hour or more:
            // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html
            period: ONE_HOUR,
            evaluationPeriods: hours,
            datapointsToAlarm: hours,
            threshold: 1,
            comparisonOperator: "LessThanThreshold",
            // ExecutionsStarted is not published for an hour without executions: silence is the breach.
            treatMissingData: "breaching",
        });
    }
    return specs;
}
