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
    archive: string;
    park: string;
    failed: string;
}

export function archiveStateNames(statePrefix = ""): ArchiveStateNames {
    return {
        archive: `${statePrefix}ArchiveStripeEvent`,
        park: `${statePrefix}ParkInDeadLetterQueue`,
        failed: `${statePrefix}ArchiveFailed`,
    };
}

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

/**
 * The archive states: PutObject of the Stripe event as compact JSON, then `next` (or the end)
 * with the original input untouched. Transient S3 failures are retried with backoff; anything
 * still failing parks the step's original input in the dead-letter queue and fails the
 * execution, so an event is either in the lake or in the queue, never dropped.
 */
export function buildArchiveStates(options: ArchiveStatesOptions): Record<string, Record<string, unknown>> {
    const names = archiveStateNames(options.statePrefix);
    const eventPath = validatePath("eventPath", options.eventPath ?? DEFAULT_EVENT_PATH);
    const timePath = validatePath("timePath", options.timePath ?? DEFAULT_TIME_PATH);
    return {
        [names.archive]: {
            Type: "Task",
            Comment: "Write the Stripe event to the lake, one object per event id",
            Resource: S3_PUT_OBJECT_RESOURCE,
            Parameters: {
                Bucket: options.bucketName,
                "Key.$": objectKeyExpression(validateLakePrefix(options.lakePrefix), eventPath, timePath),
                // Athena's JSON SerDe reads one document per line: compact JSON, no pretty-printing.
                "Body.$": `States.JsonToString(${eventPath})`,
                ContentType: "application/json",
            },
            // Keep the event itself as the state's output, for `next` and for the Catch below.
            ResultPath: null,
            TimeoutSeconds: 10,
            Retry: [
                {
                    // Throttling, 5xx and network errors (S3 error names get Step Functions' `S3.<Code>Exception` form).
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
            // ResultPath null: the parked message is the step's input exactly, as EventBridge's own DLQ messages are.
            Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: null, Next: names.park }],
            ...(options.next ? { Next: options.next } : { End: true }),
        },
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
            Next: names.failed,
        },
        [names.failed]: {
            Type: "Fail",
            Error: ARCHIVE_FAILED_ERROR,
            Cause: "Writing the Stripe event to the lake kept failing; it was parked in the dead-letter queue (see README: redrive).",
        },
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
