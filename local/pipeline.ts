/**
 * The whole data path on this machine, built from the deployed pieces: the receiver from
 * `createReceiver`, the rule's pattern from the settings, and the archive definition run by
 * LocalWorkflow. Only AWS is replaced: EventBridge by an in-process bus with EventBridge's
 * semantics (PutEvents accepts, the rule filters, the target runs asynchronously and parks what it
 * cannot start), S3 and SQS by folders (lib/lakeStore.ts).
 *
 * With ingestion "eventbridge" there is no receiver: a request stands in for Stripe's delivery to
 * EventBridge, and its Stripe event goes onto the bus as the partner event Stripe's event
 * destination would put there (lib/eventBridge.ts toPartnerEvent).
 */
import type { PutEventsRequestEntry, PutEventsResponse } from "@aws-sdk/client-eventbridge";
import type { LambdaFunctionURLEvent } from "aws-lambda";
import { IngestionMode } from "../components/ingestion/settings";
import { PipelineSettings } from "../components/settings";
import { buildEventPattern, EVENT_SOURCE, matchesEventPattern, StripeEventPattern } from "../components/routing/eventPattern";
import { createReceiver, MAX_STATE_INPUT_BYTES, ReceiverResponse } from "../components/receiver/handler";
import { stripeEventRejection } from "../components/receiver/verify";
import { EventBridgeEvent, LOCAL_PARTNER_SOURCE, toEventBridgeEvent, toPartnerEvent } from "../lib/eventBridge";
import { LocalDeadLetterQueue, LocalLake } from "../lib/lakeStore";
import { LocalWorkflow } from "../lib/localWorkflow";

export type Outcome = "stored" | "oversize" | "ignored" | "parked" | "rejected" | "failed";

/** The local rule's pattern: the receiver's source, or with ingestion "eventbridge" the local partner source, for the same event types. */
export function localRulePattern(settings: Pick<PipelineSettings, "ingestion" | "eventPattern" | "eventTypes">): StripeEventPattern {
    return settings.ingestion === "eventbridge" ? buildEventPattern(settings.eventTypes, LOCAL_PARTNER_SOURCE) : settings.eventPattern;
}

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
    /** The receiver's `whsec_` secrets; ingestion "webhook" only, which needs at least one. */
    signingSecrets?: string[];
    /** See LocalWorkflowOptions.retryDelayMs. */
    retryDelayMs?: number;
    onOutcome?(record: OutcomeRecord): void;
}

export class LocalPipeline {
    readonly lake: LocalLake;
    readonly deadLetterQueue: LocalDeadLetterQueue;
    readonly workflow: LocalWorkflow;
    readonly ingestion: IngestionMode;
    readonly pattern: StripeEventPattern;
    /** Injected faults: the bus refusing PutEvents; lake write failures live on `lake.failWrites`. */
    readonly faults = { busUnavailable: false };
    readonly counts: Record<Outcome | "received", number> = { received: 0, stored: 0, oversize: 0, ignored: 0, parked: 0, rejected: 0, failed: 0 };
    private readonly inFlight = new Set<Promise<void>>();
    private readonly receive: (event: LambdaFunctionURLEvent) => Promise<ReceiverResponse>;

    constructor(private readonly options: LocalPipelineOptions) {
        this.lake = new LocalLake(options.lakeDir);
        this.deadLetterQueue = new LocalDeadLetterQueue(options.lakeDir);
        this.ingestion = options.settings.ingestion;
        this.workflow = new LocalWorkflow({ lake: this.lake, deadLetterQueue: this.deadLetterQueue, lakePrefix: options.settings.lakePrefix, ingestion: this.ingestion, retryDelayMs: options.retryDelayMs });
        this.pattern = localRulePattern(options.settings);
        if (this.ingestion === "eventbridge") {
            this.receive = async (request) => this.deliveredByStripe(request);
            return;
        }
        this.receive = createReceiver({
            signingSecrets: options.signingSecrets ?? [],
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
            this.publish(event);
            return { EventId: event.id };
        });
        return { FailedEntryCount: 0, Entries: results };
    }

    /**
     * Ingestion "eventbridge": the request body is the Stripe event (what `stripe listen` or the
     * demo posts), put on the bus as Stripe's event destination would; nothing checks a signature,
     * since on AWS the partner delivery is the trust boundary.
     */
    private deliveredByStripe(request: LambdaFunctionURLEvent): ReceiverResponse {
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
        this.publish(toPartnerEvent(stripeEvent));
        return answer(200, { received: stripeEvent.id });
    }

    /** The bus: the rule filters, and its target runs after the put has been answered, as on EventBridge. */
    private publish(event: EventBridgeEvent): void {
        const detail = event.detail as { id: string; type: string };
        if (!matchesEventPattern(this.pattern, event)) {
            this.record({ outcome: "ignored", id: detail.id, type: detail.type });
            return;
        }
        const delivery = this.deliver(event)
            .then(
                (record) => this.record({ ...record, id: detail.id, type: detail.type }),
                (error: Error) => this.record({ outcome: "failed", id: detail.id, type: detail.type, detail: error.message }),
            )
            .finally(() => this.inFlight.delete(delivery));
        this.inFlight.add(delivery);
    }

    /**
     * The rule's target. Step Functions refuses an execution input over 256 KiB, and EventBridge
     * does not retry that refusal: the event goes to the target's dead-letter queue at once
     * (https://repost.aws/knowledge-center/eventbridge-resolve-failedinvocation-errors).
     */
    private async deliver(event: EventBridgeEvent): Promise<Pick<OutcomeRecord, "outcome" | "where">> {
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
