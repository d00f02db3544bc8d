/** The pipeline's own workflow: the archive step (archiveStep.ts) and nothing else. */
import { archiveStateNames, ArchiveStatesOptions, buildArchiveStates } from "./archiveStep";

/** The complete state machine definition of the pipeline's workflow. */
export function buildArchiveDefinition(options: Pick<ArchiveStatesOptions, "bucketName" | "lakePrefix" | "deadLetterQueueUrl">): Record<string, unknown> {
    return {
        Comment: "Archive one Stripe event from EventBridge into the S3 lake",
        StartAt: archiveStateNames().archive,
        // Express workflows stop at 5 minutes; the archive step's retries (10 s per attempt) stay well under 3.
        TimeoutSeconds: 300,
        States: buildArchiveStates(options),
    };
}
