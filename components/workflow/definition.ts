/**
 * The archive workflow as Amazon States Language, built by pure functions so tests and the local
 * pipeline execute exactly what gets deployed.
 *
 * Input: the EventBridge event the rule delivers (`detail` is the Stripe event, `time` is the
 * event's `created`, set by the receiver). The object key is the lake layout of lake/layout.ts,
 * rebuilt with intrinsics: `dt` is the date part of `time`.
 */

/** Error name of the Fail state an execution ends in when its event was parked. */
export const ARCHIVE_FAILED_ERROR = "StripeEventArchiveFailed";

/** Resource ARNs of the two service integrations the workflow calls. */
export const S3_PUT_OBJECT_RESOURCE = "arn:aws:states:::aws-sdk:s3:putObject";
export const SQS_SEND_MESSAGE_RESOURCE = "arn:aws:states:::sqs:sendMessage";

export interface ArchiveStatesOptions {
    bucketName: string;
    /** Validated lake prefix (lake/layout.ts); it goes into a States.Format template unescaped. */
    lakePrefix: string;
    /** Queue that keeps events whose write kept failing, for `npm run redrive`. */
    deadLetterQueueUrl: string;
    /** State to continue with after a successful write; the archive step ends the workflow when omitted. */
    next?: string;
    /** Prefix of the generated state names, so the states can be spliced into a larger workflow. */
    statePrefix?: string;
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

/** The States.Format expression that rebuilds lake/layout.ts's `objectKey` from an EventBridge event. */
export function objectKeyExpression(lakePrefix: string): string {
    return `States.Format('${lakePrefix}/type={}/dt={}/{}.json', $.detail.type, States.ArrayGetItem(States.StringSplit($.time, 'T'), 0), $.detail.id)`;
}

/**
 * The archive states: PutObject of the Stripe event as compact JSON, then `next` (or the end)
 * with the original input untouched. Transient S3 failures are retried with backoff; anything
 * still failing parks the step's original input in the dead-letter queue and fails the
 * execution, so an event is either in the lake or in the queue, never dropped.
 */
export function buildArchiveStates(options: ArchiveStatesOptions): Record<string, Record<string, unknown>> {
    const names = archiveStateNames(options.statePrefix);
    return {
        [names.archive]: {
            Type: "Task",
            Comment: "Write the Stripe event to the lake, one object per event id",
            Resource: S3_PUT_OBJECT_RESOURCE,
            Parameters: {
                Bucket: options.bucketName,
                "Key.$": objectKeyExpression(options.lakePrefix),
                // Athena's JSON SerDe reads one document per line: compact JSON, no pretty-printing.
                "Body.$": "States.JsonToString($.detail)",
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

/** The complete state machine definition of the pipeline's workflow. */
export function buildArchiveDefinition(options: Omit<ArchiveStatesOptions, "next" | "statePrefix">): Record<string, unknown> {
    return {
        Comment: "Archive one Stripe event from EventBridge into the S3 lake",
        StartAt: archiveStateNames().archive,
        // Express workflows stop at 5 minutes; the retries above (10 s per attempt) stay well under 3.
        TimeoutSeconds: 300,
        States: buildArchiveStates(options),
    };
}
