/**
 * The whole data path on this machine, built from the deployed pieces: the receiver from
 * `createReceiver`, the rule's pattern from the settings, and the archive definition run by
 * LocalWorkflow. Only AWS is replaced: EventBridge by an in-process bus with EventBridge's
 * semantics (PutEvents accepts, the rule filters, the target runs asynchronously), S3 and SQS by
 * folders (lib/lakeStore.ts).
 */
import type { PutEventsRequestEntry, PutEventsResponse } from "@aws-sdk/client-eventbridge";
import type { LambdaFunctionURLEvent } from "aws-lambda";
import { PipelineSettings } from "../components/settings";
import { EVENT_SOURCE, matchesEventPattern, StripeEventPattern } from "../components/routing/eventPattern";
import { createReceiver, ReceiverResponse } from "../components/receiver/handler";
import { toEventBridgeEvent } from "../lib/eventBridge";
import { LocalDeadLetterQueue, LocalLake } from "../lib/lakeStore";
import { LocalWorkflow } from "../lib/localWorkflow";

export type Outcome = "stored" | "oversize" | "ignored" | "parked" | "rejected" | "failed";

/** What happened to one request or event, for the console and for tests. */
export interface OutcomeRecord {
    outcome: Outcome;
    id?: string;
    type?: string;
    /** Lake key or dead-letter message id. */
    where?: string;
    /** The receiver's answer, for rejected and failed requests. */
    detail?: string;
}

export interface LocalPipelineOptions {
    settings: PipelineSettings;
    lakeDir: string;
    signingSecrets: string[];
    /** See LocalWorkflowOptions.retryDelayMs. */
    retryDelayMs?: number;
    onOutcome?(record: OutcomeRecord): void;
}

export class LocalPipeline {
    readonly lake: LocalLake;
    readonly deadLetterQueue: LocalDeadLetterQueue;
    readonly workflow: LocalWorkflow;
    readonly pattern: StripeEventPattern;
    /** Injected faults: the bus refusing PutEvents; lake write failures live on `lake.failWrites`. */
    readonly faults = { busUnavailable: false };
    readonly counts: Record<Outcome | "received", number> = { received: 0, stored: 0, oversize: 0, ignored: 0, parked: 0, rejected: 0, failed: 0 };
    private readonly inFlight = new Set<Promise<void>>();
    private readonly receive: (event: LambdaFunctionURLEvent) => Promise<ReceiverResponse>;

    constructor(private readonly options: LocalPipelineOptions) {
        this.lake = new LocalLake(options.lakeDir);
        this.deadLetterQueue = new LocalDeadLetterQueue(options.lakeDir);
        this.workflow = new LocalWorkflow({ lake: this.lake, deadLetterQueue: this.deadLetterQueue, lakePrefix: options.settings.lakePrefix, retryDelayMs: options.retryDelayMs });
        this.pattern = options.settings.eventPattern;
        this.receive = createReceiver({
            signingSecrets: options.signingSecrets,
            publish: (entries) => this.putEvents(entries),
            archiveOversize: async (key, body) => {
                await this.lake.putObject(key, body);
                const event = JSON.parse(body) as { id: string; type: string };
                this.record({ outcome: "oversize", id: event.id, type: event.type, where: key });
            },
            eventBusName: "local",
            source: EVENT_SOURCE,
            lakePrefix: options.settings.lakePrefix,
            eventPattern: this.pattern,
            // Published and archived events are reported where they end: by the bus, the workflow, archiveOversize.
            log: (line) => {
                if (line.outcome === "ignored") this.record({ outcome: "ignored", id: line.eventId, type: line.eventType });
                else if (line.outcome === "rejected" || line.outcome === "failed") this.record({ outcome: line.outcome, detail: `${line.status} ${line.code}` });
            },
        });
    }

    /** The function URL's view of one HTTP request. */
    async handle(request: LambdaFunctionURLEvent): Promise<ReceiverResponse> {
        this.counts.received += 1;
        return this.receive(request);
    }

    /** A request the function URL itself refuses (too large) never reaches the receiver. */
    refusedByFunctionUrl(detail: string): void {
        this.counts.received += 1;
        this.record({ outcome: "rejected", detail });
    }

    /** Resolves once every accepted event has reached its end (stored, ignored or parked). */
    async idle(): Promise<void> {
        while (this.inFlight.size > 0) {
            await Promise.all([...this.inFlight]);
        }
    }

    private record(record: OutcomeRecord): void {
        this.counts[record.outcome] += 1;
        this.options.onOutcome?.(record);
    }

    private async putEvents(entries: PutEventsRequestEntry[]): Promise<PutEventsResponse> {
        if (this.faults.busUnavailable) {
            throw Object.assign(new Error("injected fault: EventBridge is unavailable"), { name: "ServiceUnavailableException" });
        }
        const results = entries.map((entry) => {
            const event = toEventBridgeEvent(entry);
            const detail = event.detail as { id: string; type: string };
            if (!matchesEventPattern(this.pattern, event)) {
                this.record({ outcome: "ignored", id: detail.id, type: detail.type });
                return { EventId: event.id };
            }
            // Like the rule's target, the workflow runs after PutEvents has answered.
            const delivery = this.workflow
                .run(event)
                .then(
                    (result) => this.record(result.status === "stored" ? { outcome: "stored", id: detail.id, type: detail.type, where: result.key } : { outcome: "parked", id: detail.id, type: detail.type, where: result.messageId }),
                    (error: Error) => this.record({ outcome: "failed", id: detail.id, type: detail.type, detail: error.message }),
                )
                .finally(() => this.inFlight.delete(delivery));
            this.inFlight.add(delivery);
            return { EventId: event.id };
        });
        return { FailedEntryCount: 0, Entries: results };
    }
}
