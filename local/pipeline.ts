/**
 * The whole data path on this machine, built from the deployed pieces: the receiver from
 * `createReceiver`, the rule's pattern from the settings, and the archive definition run by
 * LocalWorkflow. Only AWS is replaced: EventBridge by a durable in-process bus with EventBridge's
 * semantics (local/bus.ts: PutEvents accepts once the event is journaled, the rule filters, the
 * target runs asynchronously and parks what it cannot start), S3 and SQS by two separate folders
 * (lib/lakeStore.ts).
 *
 * With ingestion "eventbridge" there is no receiver: a request stands in for Stripe's delivery to
 * EventBridge, and its Stripe event goes onto the bus, through the bus's one durable entry point,
 * as the partner event Stripe's event destination would put there (lib/eventBridge.ts toPartnerEvent).
 */
import type { PutEventsRequestEntry, PutEventsResponse } from "@aws-sdk/client-eventbridge";
import type { LambdaFunctionURLEvent } from "aws-lambda";
import { IngestionMode } from "../components/ingestion/settings";
import { PipelineSettings } from "../components/settings";
import { buildEventPattern, EVENT_SOURCE, StripeEventPattern } from "../components/routing/eventPattern";
import { createReceiver, MAX_STATE_INPUT_BYTES, ReceiverResponse } from "../components/receiver/handler";
import { stripeEventRejection } from "../components/receiver/verify";
import { removeTemporaryFiles } from "../lib/atomicWrite";
import { EventBridgeEvent, LOCAL_PARTNER_SOURCE, toPartnerEvent } from "../lib/eventBridge";
import { journalFolder } from "../lib/journal";
import { LocalDeadLetterQueue, LocalLake } from "../lib/lakeStore";
import { LocalWorkflow } from "../lib/localWorkflow";
import { Delivered, LocalEventBus, Outcome, OutcomeRecord } from "./bus";

export type { Outcome, OutcomeRecord } from "./bus";

/** The local rule's pattern: the receiver's source, or with ingestion "eventbridge" the local partner source, for the same event types. */
export function localRulePattern(settings: Pick<PipelineSettings, "ingestion" | "eventPattern" | "eventTypes">): StripeEventPattern {
    return settings.ingestion === "eventbridge" ? buildEventPattern(settings.eventTypes, LOCAL_PARTNER_SOURCE) : settings.eventPattern;
}

export interface LocalPipelineOptions {
    settings: PipelineSettings;
    lakeDir: string;
    /** The dead-letter folder; default beside the lake (lib/lakeStore.ts `deadLetterFolder`). */
    deadLetterDir?: string;
    /** The bus's journal folder; default beside the lake (lib/journal.ts `journalFolder`). */
    journalDir?: string;
    /** The receiver's `whsec_` secrets; ingestion "webhook" only, which needs at least one. */
    signingSecrets?: string[];
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
    readonly ingestion: IngestionMode;
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
        this.ingestion = options.settings.ingestion;
        this.workflow = new LocalWorkflow({ lake: this.lake, deadLetterQueue: this.deadLetterQueue, lakePrefix: options.settings.lakePrefix, ingestion: this.ingestion, retryDelayMs: options.retryDelayMs });
        this.pattern = localRulePattern(options.settings);
        this.bus = new LocalEventBus({
            pattern: this.pattern,
            journalDir: this.journalDir,
            target: { deliver: (event) => this.deliver(event), abort: () => this.workflow.abort() },
            redeliveryDelayMs: options.redeliveryDelayMs,
            onOutcome: (record) => this.record(record),
        });
        if (this.ingestion === "eventbridge") {
            this.receive = (request) => this.deliveredByStripe(request);
            return;
        }
        this.receive = createReceiver({
            signingSecrets: options.signingSecrets ?? [],
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

    /** Where this twin keeps its events, for clients that read them back (the demo). */
    info(): { lake: string; deadLetter: string; journal: string; lakePrefix: string; ingestion: IngestionMode } {
        return { lake: this.lake.root, deadLetter: this.deadLetterQueue.dir, journal: this.journalDir, lakePrefix: this.options.settings.lakePrefix, ingestion: this.ingestion };
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

    /**
     * Ingestion "eventbridge": the request body is the Stripe event (what `stripe listen` or the
     * demo posts), put on the bus as Stripe's event destination would; nothing checks a signature,
     * since on AWS the partner delivery is the trust boundary. Answered 200 once the bus has it on disk.
     */
    private async deliveredByStripe(request: LambdaFunctionURLEvent): Promise<ReceiverResponse> {
        const answer = (status: number, body: object): ReceiverResponse => ({ statusCode: status, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
        let event: unknown;
        try {
            event = JSON.parse(request.isBase64Encoded ? Buffer.from(request.body ?? "", "base64").toString("utf8") : request.body ?? "");
        } catch {
            event = undefined;
        }
        // The receiver's own rules, so both modes refuse what the lake could not hold.
        const problem = event === undefined ? "not a Stripe event: the body is not JSON" : stripeEventRejection(event)?.message;
        if (problem !== undefined) {
            this.record({ outcome: "rejected", detail: `400 ${problem}` });
            return answer(400, { error: problem });
        }
        const stripeEvent = event as { id: string; type: string };
        try {
            await this.start();
            await this.bus.accept(toPartnerEvent(stripeEvent));
        } catch (error) {
            this.record({ outcome: "failed", id: stripeEvent.id, type: stripeEvent.type, detail: `500 ${(error as Error).message}` });
            return answer(500, { error: "the local bus could not take the event; Stripe will retry" });
        }
        return answer(200, { received: stripeEvent.id });
    }

    /**
     * The rule's target. Step Functions refuses an execution input over 256 KiB, and EventBridge
     * does not retry that refusal: the event goes to the target's dead-letter queue at once
     * (https://repost.aws/knowledge-center/eventbridge-resolve-failedinvocation-errors).
     */
    private async deliver(event: EventBridgeEvent): Promise<Delivered> {
        const input = JSON.stringify(event);
        if (Buffer.byteLength(input) > MAX_STATE_INPUT_BYTES) {
            // EventBridge's own error code for this refusal is not documented; the message says what happened.
            const where = await this.deadLetterQueue.send(input, {
                ERROR_MESSAGE: { DataType: "String", StringValue: `the event is larger than the ${MAX_STATE_INPUT_BYTES} bytes Step Functions accepts as execution input` },
            });
            return { outcome: "parked", where };
        }
        const result = await this.workflow.run(event);
        return result.status === "stored" ? { outcome: "stored", where: result.key } : { outcome: "parked", where: result.messageId };
    }
}
