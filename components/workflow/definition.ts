/**
 * The pipeline's own workflow: the archive step (archiveStep.ts), and with ingestion "eventbridge"
 * one state before it that supplies the time the key's `dt` is taken from.
 */
import type { IngestionMode } from "../ingestion/settings";
import { archiveStateNames, ArchiveStatesOptions, buildArchiveStates } from "./archiveStep";

/** The state that turns the Stripe event's `created` into the time the archive step reads. */
export const CREATED_TIME_STATE = "TimeOfCreated";
/** Where that state puts the ISO-8601 time of `detail.created`, the archive step's `timePath`. */
export const CREATED_TIME_PATH = "$.createdTime";

export interface ArchiveDefinitionOptions extends Pick<ArchiveStatesOptions, "bucketName" | "lakePrefix" | "deadLetterQueueUrl"> {
    /** How the events arrive (ingestion/settings.ts). Default: `webhook`. */
    ingestion?: IngestionMode;
}

/**
 * The state that makes a partner event's key equal the webhook mode's. The receiver publishes with
 * `Time` = the event's `created`, so the archive step reads the date from EventBridge's `time`; for
 * a partner event `time` is when Stripe sent it, and Stripe retries for up to three days
 * (https://docs.stripe.com/event-destinations/eventbridge). JSONPath intrinsics cannot turn unix
 * seconds into a date, so this one state uses JSONata, which a JSONPath state machine allows per
 * state (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html).
 * Its output keeps only what the archive step reads, so it is never larger than the event
 * (Step Functions' 256 KiB applies to every state's data).
 */
function createdTimeState(next: string): Record<string, unknown> {
    return {
        Type: "Pass",
        QueryLanguage: "JSONata",
        Comment: "The time of the Stripe event's created (unix seconds) as ISO-8601 UTC, for the lake key's dt",
        Output: `{% {"detail": $states.input.detail, "${CREATED_TIME_PATH.slice(2)}": $fromMillis($states.input.detail.created * 1000)} %}`,
        Next: next,
    };
}

/** The complete state machine definition of the pipeline's workflow. */
export function buildArchiveDefinition(options: ArchiveDefinitionOptions): Record<string, unknown> {
    const { ingestion = "webhook", ...archive } = options;
    // Express workflows stop at 5 minutes; the archive step's retries (10 s per attempt) stay well under 3.
    if (ingestion === "webhook") {
        return {
            Comment: "Archive one Stripe event from EventBridge into the S3 lake",
            StartAt: archiveStateNames().archive,
            TimeoutSeconds: 300,
            States: buildArchiveStates(archive),
        };
    }
    return {
        Comment: "Archive one Stripe event from Stripe's EventBridge event destination into the S3 lake",
        StartAt: CREATED_TIME_STATE,
        TimeoutSeconds: 300,
        States: {
            [CREATED_TIME_STATE]: createdTimeState(archiveStateNames().archive),
            ...buildArchiveStates({ ...archive, timePath: CREATED_TIME_PATH }),
        },
    };
}
