/**
 * Redrive: sends events parked in the dead-letter queue back through the archive workflow.
 *
 * A message is deleted only once its event is safe: written to the lake, or parked anew by the
 * workflow itself (an execution that ends in the `StripeEventArchiveFailed` Fail state has already
 * sent its own copy to the queue). Anything else (an execution that failed for another reason, a
 * message that is not an event) stays in the queue and is reported.
 *
 * An event too big for the workflow's input (with ingestion "eventbridge" the rule parks such
 * events at once, since Step Functions refuses them) is written straight to its lake key instead,
 * as the webhook receiver does with oversize events: the same compact document at the same key,
 * with no Lambda involved. That needs the lake (`direct`); without it the message stays.
 */
import { objectKey } from "../components/lake/layout";
import { MAX_STATE_INPUT_BYTES } from "../components/receiver/handler";
import { stripeEventRejection, type StripeEvent } from "../components/receiver/verify";
import { ARCHIVE_FAILED_ERROR, REWRITES_FIELD, WRITE_ERROR_FIELD } from "../components/workflow/archiveStep";
import type { EventBridgeEvent } from "../lib/eventBridge";
import type { LakeWriter } from "./lake";

export interface QueuedMessage {
    /** What `delete` needs (SQS receipt handle, or the local message id). */
    handle: string;
    body: string;
    /** Why it was parked, as far as the message says (lib/lakeStore.ts parkedError). */
    error?: string;
}

/** The dead-letter queue: SQS in the cloud, a folder locally. */
export interface ParkedEvents {
    /**
     * Next batch of messages; empty when done. A redrive must end even while the fault lasts and the
     * workflow keeps parking fresh copies, so sources only hand out what was queued when it began.
     */
    receive(): Promise<QueuedMessage[]>;
    delete(handle: string): Promise<void>;
}

/** How one execution of the workflow ended: stored, parked again, or failed otherwise. */
export type ExecutionResult = { status: "stored" } | { status: "failed"; error: string };

/** The lake, for events too big for the workflow. */
export interface DirectLake {
    lake: LakeWriter;
    lakePrefix: string;
}

/** What a redrive did. It stops early when a write fails again: the fault is not cleared yet. */
export interface RedriveReport {
    received: number;
    stored: number;
    /** Of the stored events, those too big for the workflow, written straight to the lake. */
    storedDirectly?: number;
    /** The write failed again; the workflow parked a fresh copy and the old message was removed. */
    parkedAgain: number;
    /** Left in the queue: not an event, or the execution failed without parking. */
    kept: number;
    problems: string[];
    /** Why the received events had been parked, with how many of them each error parked. */
    parkedFor?: Record<string, number>;
}

/** Writes an event the workflow cannot take to its lake key: compact JSON, as States.JsonToString writes it. */
async function storeDirectly(event: EventBridgeEvent, direct: DirectLake | undefined): Promise<string | undefined> {
    const detail = event.detail as unknown as StripeEvent;
    const bytes = Buffer.byteLength(JSON.stringify(event));
    if (direct === undefined) {
        return `${bytes} bytes, more than the ${MAX_STATE_INPUT_BYTES} Step Functions takes as input; run redrive with --bucket and --lake-prefix to write it straight to the lake`;
    }
    const problem = stripeEventRejection(detail)?.message;
    if (problem !== undefined) return `too big for the workflow, and its detail is not a Stripe event (${problem})`;
    try {
        await direct.lake.put(objectKey(direct.lakePrefix, detail), JSON.stringify(detail));
    } catch (error) {
        return `too big for the workflow, and writing it to ${direct.lake.location} failed (${(error as Error).name}: ${(error as Error).message})`;
    }
    return undefined;
}

export async function redrive(queue: ParkedEvents, execute: (event: EventBridgeEvent) => Promise<ExecutionResult>, direct?: DirectLake): Promise<RedriveReport> {
    const report: RedriveReport = { received: 0, stored: 0, parkedAgain: 0, kept: 0, problems: [] };
    for (let batch = await queue.receive(); batch.length > 0 && report.parkedAgain === 0; batch = await queue.receive()) {
        for (const message of batch) {
            if (report.parkedAgain > 0) {
                break;
            }
            report.received += 1;
            if (message.error !== undefined) {
                report.parkedFor ??= {};
                report.parkedFor[message.error] = (report.parkedFor[message.error] ?? 0) + 1;
            }
            let event: EventBridgeEvent;
            try {
                // A message parked after an S3 error carries the archive step's own fields: the event runs without them.
                const { [WRITE_ERROR_FIELD]: _error, [REWRITES_FIELD]: _rewrites, ...parked } = JSON.parse(message.body);
                event = parked;
                if (typeof event?.detail !== "object" || event.detail === null) throw new Error("no detail");
            } catch {
                report.kept += 1;
                report.problems.push(`message ${message.handle}: not an EventBridge event, left in the queue`);
                continue;
            }
            if (Buffer.byteLength(JSON.stringify(event)) > MAX_STATE_INPUT_BYTES) {
                const problem = await storeDirectly(event, direct);
                if (problem === undefined) {
                    await queue.delete(message.handle);
                    report.stored += 1;
                    report.storedDirectly = (report.storedDirectly ?? 0) + 1;
                } else {
                    report.kept += 1;
                    report.problems.push(`event ${(event.detail as { id?: string }).id ?? "?"}: ${problem}, left in the queue`);
                }
                continue;
            }
            const result = await execute(event);
            if (result.status === "stored") {
                await queue.delete(message.handle);
                report.stored += 1;
            } else if (result.error === ARCHIVE_FAILED_ERROR) {
                await queue.delete(message.handle);
                report.parkedAgain += 1;
            } else {
                report.kept += 1;
                report.problems.push(`event ${(event.detail as { id?: string }).id ?? "?"}: ${result.error}, left in the queue`);
            }
        }
    }
    return report;
}
