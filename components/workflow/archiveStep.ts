/**
 * The archive step, public so other teams can splice it into their own state machines (README:
 * Reuse): the states (Amazon States Language, built by pure functions so tests and the local
 * pipeline execute exactly what gets deployed) and the IAM statements the role running them needs.
 * The pipeline's own workflow is this step alone (definition.ts).
 *
 * Input: by default the EventBridge event a rule delivers (`detail` is the Stripe event, `time` is
 * the event's `created`, set by the receiver). The object key is the lake layout of lake/layout.ts,
 * rebuilt with intrinsics: `dt` is the date part of `time`.
 */
import { kmsWriteStatements, lakeObjectsArn, PolicyStatement } from "../common/iam";
import { PipelineConfigError } from "../errors";
import { KeyField, keyTemplate, validateLakePrefix } from "../lake/layout";

/** Error name of the Fail state an execution ends in when its event was parked. */
export const ARCHIVE_FAILED_ERROR = "StripeEventArchiveFailed";

/**
 * Error name of the Fail state an execution ends in when its event could be neither written nor
 * parked (S3 and then SQS kept failing): the event is then only in the bus's archive. The Cause
 * names it (NOT_PARKED_CAUSE), so the failed executions' log records list what to replay.
 */
export const NOT_PARKED_ERROR = "StripeEventNotStoredNorParked";

/**
 * The Cause of NOT_PARKED_ERROR: the Stripe event's id and type and the EventBridge event's time
 * (which an archive replay selects by), never its payload. `{}` are filled in that order.
 */
export const NOT_PARKED_CAUSE = "event {} type {} time {}: neither in the lake nor parked";

/**
 * Error name under which Step Functions reports the S3 errors the SDK does not model: 412 among
 * them, with the HTTP status only in the Cause, in the AWS SDK for Java's "(Service: S3, Status
 * Code: 412, Request ID: ...)" form; so does a 500 or 503, which is why the name alone is no ground
 * to retry. That naming is one third party's measurement of a deployed state machine
 * (edu-llm/platform 782b4ea, tools/probe_conditional_write.py), not AWS documentation. If S3
 * errors arrive under other names instead, the step still never overwrites and never loses an
 * event: a 412 under another name is retried twice and parked, and redrive stores nothing twice.
 */
export const S3_GENERIC_ERROR = "S3.S3Exception";

/** Writes of an S3_GENERIC_ERROR the Cause says S3 may accept when tried again, after the first. */
export const MAX_REWRITES = 5;

/**
 * How the Cause of an S3_GENERIC_ERROR tells the outcomes apart
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html):
 * - 412 Precondition Failed: the key exists, the event is stored; success.
 * - 409 ConditionalRequestConflict: a concurrent write of the key; S3 says to retry.
 * - 5xx: S3 unavailable or throttling (503 SlowDown); retry.
 * - anything else (403, 400, ...): park.
 */
export const ALREADY_STORED_CAUSES = ["*Status Code: 412*", "*PreconditionFailed*"];
export const RETRYABLE_WRITE_CAUSES = ["*Status Code: 409*", "*ConditionalRequestConflict*", "*Status Code: 5*"];

/** Resource ARNs of the two service integrations the workflow calls. */
export const S3_PUT_OBJECT_RESOURCE = "arn:aws:states:::aws-sdk:s3:putObject";
export const SQS_SEND_MESSAGE_RESOURCE = "arn:aws:states:::sqs:sendMessage";

/** Where an EventBridge rule target finds the Stripe event and its time. */
export const DEFAULT_EVENT_PATH = "$.detail";
export const DEFAULT_TIME_PATH = "$.time";

export interface ArchiveStatesOptions {
    bucketName: string;
    /** Lake prefix, validated as lake/layout.ts does (it goes into a States.Format template). */
    lakePrefix: string;
    /** Queue that keeps events whose write kept failing, for `npm run redrive`. */
    deadLetterQueueUrl: string;
    /**
     * State to continue with after a successful write; it receives the archive step's input
     * unchanged. The archive step ends the workflow when omitted.
     */
    next?: string;
    /** Prefix of the generated state names, so the states can be spliced into a larger workflow. */
    statePrefix?: string;
    /** JSONPath of the Stripe event in the state input. Default `$.detail` (an EventBridge event). */
    eventPath?: string;
    /**
     * JSONPath of an ISO-8601 UTC timestamp whose date part becomes the `dt` partition. Default
     * `$.time`: for events published by this component's receiver that is the Stripe event's
     * `created`, so keys equal lake/layout.ts's `objectKey` exactly.
     */
    timePath?: string;
}

export interface ArchiveStateNames {
    /** The PutObject task the step starts with (the state local tests stub with taskResourceLocalHandlers). */
    archive: string;
    park: string;
    failed: string;
    /** Reads the Cause of an S3_GENERIC_ERROR. */
    checkWrite: string;
    /** A 412: the event is in the lake already. */
    alreadyStored: string;
    /** Counts the writes tried again after a retryable S3_GENERIC_ERROR, and parks after MAX_REWRITES. */
    countRewrites: string;
    firstRewrite: string;
    nextRewrite: string;
    /** Backs off before the next write: 1, 2, 3 ... seconds. */
    waitRewrite: string;
    /** Builds the Cause of `notParked` from the event. */
    nameUnparked: string;
    /** Ends the execution with NOT_PARKED_ERROR. */
    notParked: string;
}

export function archiveStateNames(statePrefix = ""): ArchiveStateNames {
    return {
        archive: `${statePrefix}ArchiveStripeEvent`,
        park: `${statePrefix}ParkInDeadLetterQueue`,
        failed: `${statePrefix}ArchiveFailed`,
        checkWrite: `${statePrefix}CheckWriteError`,
        alreadyStored: `${statePrefix}AlreadyInLake`,
        countRewrites: `${statePrefix}CountRewrites`,
        firstRewrite: `${statePrefix}FirstRewrite`,
        nextRewrite: `${statePrefix}NextRewrite`,
        waitRewrite: `${statePrefix}WaitBeforeRewrite`,
        nameUnparked: `${statePrefix}NameUnparkedEvent`,
        notParked: `${statePrefix}ArchiveAndParkFailed`,
    };
}

/**
 * Top-level fields the archive step adds to its state data after an S3_GENERIC_ERROR: the error
 * it reads, and the count of writes tried again. Redrive removes them before running an event again.
 */
export const WRITE_ERROR_FIELD = "archiveWriteError";
export const REWRITES_FIELD = "archiveWriteRetries";
const WRITE_ERROR_PATH = `$.${WRITE_ERROR_FIELD}`;
const REWRITES_PATH = `$.${REWRITES_FIELD}`;

/** Plain member paths only: they are spliced into intrinsic function calls. */
const REFERENCE_PATH_PATTERN = /^\$(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

function validatePath(key: string, path: string): string {
    if (!REFERENCE_PATH_PATTERN.test(path)) {
        throw new PipelineConfigError(key, path, "must be a JSONPath of plain member names, such as $.detail or $.request.event", "write it as $ followed by .name segments (letters, digits, _), without brackets, filters or wildcards");
    }
    return path;
}

/** The States.Format expression that rebuilds lake/layout.ts's `objectKey` from the state input. */
export function objectKeyExpression(lakePrefix: string, eventPath = DEFAULT_EVENT_PATH, timePath = DEFAULT_TIME_PATH): string {
    const { template, fields } = keyTemplate("{}");
    const value: Record<KeyField, string> = {
        type: `${eventPath}.type`,
        // The date part of an ISO-8601 time, as lake/layout.ts's eventDate takes it from `created`.
        dt: `States.ArrayGetItem(States.StringSplit(${timePath}, 'T'), 0)`,
        id: `${eventPath}.id`,
    };
    return `States.Format('${lakePrefix}/${template}', ${fields.map((field) => value[field]).join(", ")})`;
}

/** A Choice rule matching the write error's Cause against any of `patterns`. */
function causeMatches(patterns: string[], next: string): Record<string, unknown> {
    return { Or: patterns.map((pattern) => ({ Variable: `${WRITE_ERROR_PATH}.Cause`, StringMatches: pattern })), Next: next };
}

/**
 * The archive states: PutObject of the Stripe event as compact JSON, written once (S3's
 * `If-None-Match: *`), then `next` (or the end) with the original input. A second write of the
 * same id (a redelivery, a replay, a backfill) finds the key taken and counts as stored: no
 * overwrite, no new object version. Transient failures are retried with backoff; anything still
 * failing parks the step's input in the dead-letter queue and fails the execution, so an event is
 * either in the lake or in the queue, never dropped. If even parking fails, the execution fails
 * with NOT_PARKED_ERROR and a Cause naming the event, so that it can be replayed.
 *
 * Retry is evaluated before Catch (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html),
 * so the first retrier takes S3_GENERIC_ERROR with MaxAttempts 0 ("never retried", ASL
 * specification): a 412 must reach the Catch, which hands the error to a Choice on its Cause.
 * A Choice reads only the state data, so that error is kept at WRITE_ERROR_PATH (and the count of
 * writes tried again at REWRITES_PATH): after an S3_GENERIC_ERROR the input `next` receives, and
 * a parked message, carry those two fields as well.
 */
export function buildArchiveStates(options: ArchiveStatesOptions): Record<string, Record<string, unknown>> {
    const names = archiveStateNames(options.statePrefix);
    const eventPath = validatePath("eventPath", options.eventPath ?? DEFAULT_EVENT_PATH);
    const timePath = validatePath("timePath", options.timePath ?? DEFAULT_TIME_PATH);
    const onward = options.next ? { Next: options.next } : { End: true };
    return {
        [names.archive]: {
            Type: "Task",
            Comment: "Write the Stripe event to the lake, one object per event id, only if that key is free",
            Resource: S3_PUT_OBJECT_RESOURCE,
            Parameters: {
                Bucket: options.bucketName,
                "Key.$": objectKeyExpression(validateLakePrefix(options.lakePrefix), eventPath, timePath),
                // Athena's JSON SerDe reads one document per line: compact JSON, no pretty-printing.
                "Body.$": `States.JsonToString(${eventPath})`,
                ContentType: "application/json",
                IfNoneMatch: "*",
            },
            // Keep the event itself as the state's output, for `next` and for the Catch below.
            ResultPath: null,
            TimeoutSeconds: 10,
            Retry: [
                // Never retried by name: it may be a 412 (see above). The Choice after the Catch decides.
                { ErrorEquals: [S3_GENERIC_ERROR], MaxAttempts: 0 },
                {
                    // Throttling, 5xx and network errors, by the `S3.<Code>Exception` names Step Functions gives modelled
                    // S3 errors. Those may never be raised (a 503 arrives as S3_GENERIC_ERROR and is retried by the
                    // states below); they stay for the day S3 models them, and for the SDK's own client errors.
                    ErrorEquals: ["S3.SlowDownException", "S3.ServiceUnavailableException", "S3.InternalErrorException", "S3.SdkClientException", "States.Timeout"],
                    IntervalSeconds: 1,
                    BackoffRate: 2,
                    MaxAttempts: 6,
                    MaxDelaySeconds: 20,
                    JitterStrategy: "FULL",
                },
                {
                    // Anything else (for example AccessDenied while a fresh role propagates) gets two slower tries.
                    ErrorEquals: ["States.ALL"],
                    IntervalSeconds: 5,
                    BackoffRate: 2,
                    MaxAttempts: 2,
                },
            ],
            Catch: [
                { ErrorEquals: [S3_GENERIC_ERROR], ResultPath: WRITE_ERROR_PATH, Next: names.checkWrite },
                // ResultPath null: the parked message is the step's input exactly, as EventBridge's own DLQ messages are.
                { ErrorEquals: ["States.ALL"], ResultPath: null, Next: names.park },
            ],
            ...onward,
        },
        [names.checkWrite]: {
            Type: "Choice",
            Choices: [
                // A Choice rule on a missing path is a runtime error, so the rules below run only with a Cause.
                // (Not IsPresent rather than IsPresent false: aws-local-stepfunctions 3.0 never matches the latter.)
                { Not: { Variable: `${WRITE_ERROR_PATH}.Cause`, IsPresent: true }, Next: names.park },
                causeMatches(ALREADY_STORED_CAUSES, names.alreadyStored),
                causeMatches(RETRYABLE_WRITE_CAUSES, names.countRewrites),
            ],
            Default: names.park,
        },
        [names.alreadyStored]: options.next
            ? { Type: "Pass", Comment: "412: this event id is in the lake already (a redelivery)", Next: options.next }
            : { Type: "Succeed", Comment: "412: this event id is in the lake already (a redelivery)" },
        [names.countRewrites]: {
            Type: "Choice",
            Choices: [
                { Not: { Variable: REWRITES_PATH, IsPresent: true }, Next: names.firstRewrite },
                { Variable: `${REWRITES_PATH}.count`, NumericGreaterThanEquals: MAX_REWRITES, Next: names.park },
            ],
            Default: names.nextRewrite,
        },
        [names.firstRewrite]: { Type: "Pass", Result: { count: 1 }, ResultPath: REWRITES_PATH, Next: names.waitRewrite },
        [names.nextRewrite]: {
            Type: "Pass",
            Parameters: { "count.$": `States.MathAdd(${REWRITES_PATH}.count, 1)` },
            ResultPath: REWRITES_PATH,
            Next: names.waitRewrite,
        },
        [names.waitRewrite]: { Type: "Wait", Comment: "409 or 5xx: S3 may take the write in a moment", SecondsPath: `${REWRITES_PATH}.count`, Next: names.archive },
        [names.park]: {
            Type: "Task",
            Comment: "Park the event for redrive; the execution's logs hold the write error",
            Resource: SQS_SEND_MESSAGE_RESOURCE,
            Parameters: {
                QueueUrl: options.deadLetterQueueUrl,
                "MessageBody.$": "States.JsonToString($)",
                MessageAttributes: {
                    ERROR_CODE: { DataType: "String", StringValue: ARCHIVE_FAILED_ERROR },
                    EXECUTION_ARN: { DataType: "String", "StringValue.$": "$$.Execution.Id" },
                },
            },
            ResultPath: null,
            Retry: [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 5, JitterStrategy: "FULL" }],
            Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: null, Next: names.nameUnparked }],
            Next: names.failed,
        },
        [names.failed]: {
            Type: "Fail",
            Error: ARCHIVE_FAILED_ERROR,
            Cause: "Writing the Stripe event to the lake kept failing; it was parked in the dead-letter queue (see README: redrive).",
        },
        // The Cause is built here and not by a States.Format in the Fail state's CausePath (which Step
        // Functions allows) so that aws-local-stepfunctions, which reads CausePath only as a path, runs it too.
        [names.nameUnparked]: {
            Type: "Pass",
            Comment: "Name the event (id, type, time; no payload) in the execution's failure",
            Parameters: { "cause.$": `States.Format('${NOT_PARKED_CAUSE}', ${eventPath}.id, ${eventPath}.type, ${timePath})` },
            Next: names.notParked,
        },
        [names.notParked]: { Type: "Fail", Error: NOT_PARKED_ERROR, CausePath: "$.cause" },
    };
}

export interface ArchiveStepPolicyOptions {
    bucketArn: string;
    /** Validated as lake/layout.ts does, since it becomes part of the object ARN. */
    lakePrefix: string;
    deadLetterQueueArn: string;
    kmsKeyArn?: string;
}

/**
 * What the role of any state machine running the archive states above needs:
 * PutObject under the lake prefix, SendMessage to the parking queue, and the KMS key of an
 * SSE-KMS bucket. For callers splicing those states into their own workflow (README: Reuse).
 */
export function archiveStepStatements(o: ArchiveStepPolicyOptions): PolicyStatement[] {
    return [
        { Sid: "ArchiveEvents", Effect: "Allow", Action: "s3:PutObject", Resource: lakeObjectsArn(o.bucketArn, validateLakePrefix(o.lakePrefix)) },
        { Sid: "ParkFailedEvents", Effect: "Allow", Action: "sqs:SendMessage", Resource: o.deadLetterQueueArn },
        ...kmsWriteStatements(o.kmsKeyArn),
    ];
}
