/**
 * The whole data path on this machine, built from the deployed pieces: the receiver from
 * `createReceiver`, the rule's pattern from the settings, and the archive definition run by
 * LocalWorkflow. Only AWS is replaced: EventBridge by a durable in-process bus with EventBridge's
 * semantics (local/bus.ts: PutEvents accepts once the event is journaled, the rule filters, the
 * target runs asynchronously), S3 and SQS by two separate folders (lib/lakeStore.ts).
 */
import type { PutEventsRequestEntry, PutEventsResponse } from "@aws-sdk/client-eventbridge";
import type { LambdaFunctionURLEvent } from "aws-lambda";
import { PipelineSettings } from "../components/settings";
import { EVENT_SOURCE, StripeEventPattern } from "../components/routing/eventPattern";
import { createReceiver, ReceiverResponse } from "../components/receiver/handler";
import { removeTemporaryFiles } from "../lib/atomicWrite";
import { journalFolder } from "../lib/journal";
import { LocalDeadLetterQueue, LocalLake } from "../lib/lakeStore";
import { LocalWorkflow } from "../lib/localWorkflow";
import { LocalEventBus, Outcome, OutcomeRecord } from "./bus";

export type { Outcome, OutcomeRecord } from "./bus";

export interface LocalPipelineOptions {
    settings: PipelineSettings;
    lakeDir: string;
    /** The dead-letter folder; default beside the lake (lib/lakeStore.ts `deadLetterFolder`). */
    deadLetterDir?: string;
    /** The bus's journal folder; default beside the lake (lib/journal.ts `journalFolder`). */
    journalDir?: string;
    signingSecrets: string[];
    /** See LocalWorkflowOptions.retryDelayMs. */
    retryDelayMs?: number;
    /** See LocalEventBusOptions.redeliveryDelayMs. */
    redeliveryDelayMs?: number;
    onOutcome?(record: OutcomeRecord): void;
}

/** What `start` found: the work a crash or a stop left behind. */
export interface StartReport {
    /** Accepted events that were in the journal, not yet stored or parked: run again now. */
    recovered: number;
    /** Temporary files of interrupted writes, removed. */
    temporaryFilesRemoved: number;
    /** Journal lines that could not be read (a write cut short by the crash, never an acknowledged one). */
    unreadableJournalLines: number;
}

export class LocalPipeline {
    readonly lake: LocalLake;
    readonly deadLetterQueue: LocalDeadLetterQueue;
    readonly workflow: LocalWorkflow;
    readonly bus: LocalEventBus;
    readonly pattern: StripeEventPattern;
    readonly journalDir: string;
    /** Injected faults: the bus refusing PutEvents; lake write failures live on `lake.failWrites`. */
    readonly faults = { busUnavailable: false };
    readonly counts: Record<Outcome | "received", number> = { received: 0, stored: 0, oversize: 0, ignored: 0, parked: 0, rejected: 0, failed: 0 };
    private readonly receive: (event: LambdaFunctionURLEvent) => Promise<ReceiverResponse>;
    private starting: Promise<StartReport> | undefined;

    constructor(private readonly options: LocalPipelineOptions) {
        this.lake = new LocalLake(options.lakeDir);
        this.deadLetterQueue = LocalDeadLetterQueue.forLake(options.lakeDir, options.deadLetterDir);
        this.journalDir = journalFolder(options.lakeDir, options.journalDir);
        this.workflow = new LocalWorkflow({ lake: this.lake, deadLetterQueue: this.deadLetterQueue, lakePrefix: options.settings.lakePrefix, retryDelayMs: options.retryDelayMs });
        this.pattern = options.settings.eventPattern;
        this.bus = new LocalEventBus({
            pattern: this.pattern,
            journalDir: this.journalDir,
            workflow: this.workflow,
            redeliveryDelayMs: options.redeliveryDelayMs,
            onOutcome: (record) => this.record(record),
        });
        this.receive = createReceiver({
            signingSecrets: options.signingSecrets,
            publish: (entries) => this.putEvents(entries),
            archiveOversize: async (key, body) => {
                await this.start();
                // Written once, as the receiver's own PutObject is: a redelivery finds it there.
                await this.lake.putIfAbsent(key, body);
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

    /**
     * Cleans up after a crash and takes up where the last run stopped: removes the temporary files
     * of writes that were cut short, opens the journal and runs every event still in it again.
     * The first request starts the pipeline too; later calls return the first one's report.
     */
    start(): Promise<StartReport> {
        this.starting ??= (async () => {
            let temporaryFilesRemoved = 0;
            for (const dir of [this.lake.root, this.deadLetterQueue.dir, this.journalDir]) temporaryFilesRemoved += await removeTemporaryFiles(dir);
            await this.bus.start();
            return { recovered: this.bus.recovered, temporaryFilesRemoved, unreadableJournalLines: this.bus.unreadable };
        })();
        return this.starting;
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

    /** Resolves once every accepted event has reached its end (stored, ignored or parked) or waits to be run again. */
    async idle(): Promise<void> {
        await this.starting;
        await this.bus.idle();
    }

    /** See LocalEventBus.stop: what is not finished within `graceMs` stays in the journal for the next start. */
    async stop(graceMs = 2000): Promise<void> {
        await this.bus.stop(graceMs);
    }

    private record(record: OutcomeRecord): void {
        this.counts[record.outcome] += 1;
        this.options.onOutcome?.(record);
    }

    private async putEvents(entries: PutEventsRequestEntry[]): Promise<PutEventsResponse> {
        if (this.faults.busUnavailable) {
            throw Object.assign(new Error("injected fault: EventBridge is unavailable"), { name: "ServiceUnavailableException" });
        }
        await this.start();
        return this.bus.putEvents(entries);
    }
}
