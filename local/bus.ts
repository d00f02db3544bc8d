/**
 * The twin's EventBridge bus, with the promise EventBridge makes: an event PutEvents accepted is
 * durable. `accept` is the one way onto the bus, for the receiver's PutEvents entries and for
 * events that arrive already shaped by EventBridge (a partner event source); it resolves only once
 * the event is in the journal (lib/journal.ts), on disk. The rule's pattern then routes it to the
 * target, the archive workflow, which runs after the answer, as the rule's target does; an event
 * leaves the journal once the workflow stored or parked it. An event the workflow could do neither
 * with stays in the journal and is run again with backoff, and after a restart.
 */
import type { PutEventsRequestEntry, PutEventsResponse, PutEventsResultEntry } from "@aws-sdk/client-eventbridge";
import { matchesEventPattern } from "../components/routing/eventPattern";
import { EventBridgeEvent, toEventBridgeEvent } from "../lib/eventBridge";
import { Journal, JournaledEvent } from "../lib/journal";
import { WorkflowAborted } from "../lib/localWorkflow";

export type Outcome = "stored" | "oversize" | "ignored" | "parked" | "rejected" | "failed";

/** What happened to one request or event, for the console and for tests. */
export interface OutcomeRecord {
    outcome: Outcome;
    id?: string;
    type?: string;
    /** Lake key or dead-letter message id. */
    where?: string;
    /** The receiver's answer, for rejected and failed requests; why a run failed and when it is tried again. */
    detail?: string;
}

/** Where the rule's target left an event: stored in the lake (its key) or parked (the message id). */
export interface Delivered {
    outcome: "stored" | "parked";
    where: string;
}

/** The rule's target: the archive workflow, and what the target does before it (local/pipeline.ts). */
export interface BusTarget {
    /** Stores or parks the event; throws when it could do neither (or WorkflowAborted once stopped). */
    deliver(event: EventBridgeEvent): Promise<Delivered>;
    /** Stops the deliveries in progress; resolves once no write is half done. */
    abort(): Promise<void>;
}

export interface LocalEventBusOptions {
    /** The rule's event pattern. */
    pattern: object;
    /** Folder of the journal. */
    journalDir: string;
    target: BusTarget;
    onOutcome(record: OutcomeRecord): void;
    /** Workflow executions running at once; the others wait their turn (they are in the journal already). Default 64. */
    concurrency?: number;
    /** Wait before an event whose run failed is run again; doubles per failure up to `maxRedeliveryDelayMs`. Default 1 s. */
    redeliveryDelayMs?: number;
    /** Default 5 minutes. */
    maxRedeliveryDelayMs?: number;
}

/** What `accept` did with an event. */
export interface Accepted {
    /** The EventBridge event id. */
    eventId: string;
    /** False when the rule does not match it: acknowledged and dropped, as EventBridge does. */
    routed: boolean;
}

/** A first-in first-out queue whose `shift` does not move the rest (the backlog can be the whole journal). */
class Queue<T> {
    private items: T[] = [];
    private head = 0;

    get length(): number {
        return this.items.length - this.head;
    }

    push(item: T): void {
        this.items.push(item);
    }

    shift(): T | undefined {
        if (this.head >= this.items.length) return undefined;
        const item = this.items[this.head++];
        if (this.head > 1024 && this.head * 2 > this.items.length) {
            this.items = this.items.slice(this.head);
            this.head = 0;
        }
        return item;
    }
}

const isEventBridgeEvent = (input: EventBridgeEvent | PutEventsRequestEntry): input is EventBridgeEvent => "detail-type" in input;

export class LocalEventBus {
    private journal: Journal | undefined;
    private starting: Promise<void> | undefined;
    private stopping = false;
    private readonly queue = new Queue<JournaledEvent>();
    private readonly runs = new Set<Promise<void>>();
    /** Events whose run failed, by sequence number: failures so far and the timer of the next run. */
    private readonly redeliveries = new Map<number, { failures: number; timer?: NodeJS.Timeout }>();
    private readonly concurrency: number;
    private readonly redeliveryDelayMs: number;
    private readonly maxRedeliveryDelayMs: number;
    /** Events accepted before the last stop and run again by `start`. */
    recovered = 0;
    /** Lines of the journal that could not be read at start (a write cut short by a crash). */
    unreadable = 0;

    constructor(private readonly options: LocalEventBusOptions) {
        this.concurrency = options.concurrency ?? 64;
        this.redeliveryDelayMs = options.redeliveryDelayMs ?? 1000;
        this.maxRedeliveryDelayMs = options.maxRedeliveryDelayMs ?? 300_000;
    }

    /** Opens the journal and runs again every event it still holds; later calls wait for the first. */
    start(): Promise<void> {
        this.starting ??= (async () => {
            const journal = await Journal.open(this.options.journalDir);
            this.journal = journal;
            this.recovered = journal.recovered.length;
            this.unreadable = journal.unreadable;
            for (const entry of journal.recovered) this.enqueue(entry);
        })();
        return this.starting;
    }

    /**
     * The durable entry point: a PutEvents entry (the receiver's) or an EventBridge event (a partner
     * event source's). Resolves once the event is on disk, or was dropped because the rule does not
     * match it; rejects when it could not be journaled, and then it was not accepted.
     */
    async accept(input: EventBridgeEvent | PutEventsRequestEntry): Promise<Accepted> {
        const event = isEventBridgeEvent(input) ? input : toEventBridgeEvent(input);
        const detail = event.detail as { id?: string; type?: string };
        if (!matchesEventPattern(this.options.pattern, event)) {
            this.options.onOutcome({ outcome: "ignored", id: detail.id, type: detail.type });
            return { eventId: event.id, routed: false };
        }
        await this.start();
        if (this.stopping || !this.journal) throw Object.assign(new Error("the local bus is stopping"), { name: "ServiceUnavailableException" });
        const seq = await this.journal.append(event);
        this.enqueue({ seq, event });
        return { eventId: event.id, routed: true };
    }

    /** PutEvents: each entry accepted or refused on its own, as EventBridge answers. */
    async putEvents(entries: PutEventsRequestEntry[]): Promise<PutEventsResponse> {
        const results = await Promise.all(
            entries.map(async (entry): Promise<PutEventsResultEntry> => {
                try {
                    return { EventId: (await this.accept(entry)).eventId };
                } catch (error) {
                    return { ErrorCode: "InternalFailure", ErrorMessage: (error as Error).message };
                }
            }),
        );
        return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
    }

    /** Accepted events not yet stored or parked: waiting, running, or waiting to be run again. */
    get unfinished(): number {
        return this.journal?.unfinished ?? 0;
    }

    /** Events whose last run failed and that wait to be run again. */
    get redelivering(): number {
        return this.redeliveries.size;
    }

    /** Resolves once no workflow run is in progress or waiting its turn (events waiting to be run again do not count). */
    async idle(): Promise<void> {
        while (this.runs.size > 0) await Promise.allSettled([...this.runs]);
    }

    /**
     * Stops: no more accepts, no more runs started. Runs in progress get `graceMs` to end; then they
     * are aborted and their events stay in the journal, to run at the next start. Resolves once the
     * journal is closed.
     */
    async stop(graceMs: number): Promise<void> {
        this.stopping = true;
        for (const { timer } of this.redeliveries.values()) clearTimeout(timer);
        await this.starting?.catch(() => undefined);
        let grace: NodeJS.Timeout | undefined;
        await Promise.race([this.idle(), new Promise((resolve) => (grace = setTimeout(resolve, graceMs)))]);
        clearTimeout(grace);
        if (this.runs.size > 0) {
            await this.options.target.abort();
            await this.idle();
        }
        await this.journal?.close();
    }

    private enqueue(entry: JournaledEvent): void {
        this.queue.push(entry);
        this.pump();
    }

    private pump(): void {
        while (!this.stopping && this.runs.size < this.concurrency && this.queue.length > 0) {
            const entry = this.queue.shift()!;
            const run: Promise<void> = this.deliver(entry).finally(() => {
                this.runs.delete(run);
                this.pump();
            });
            this.runs.add(run);
        }
    }

    private async deliver({ seq, event }: JournaledEvent): Promise<void> {
        const detail = event.detail as { id?: string; type?: string };
        const about = { id: detail.id, type: detail.type };
        try {
            const delivered = await this.options.target.deliver(event);
            this.journal?.finish(seq);
            this.redeliveries.delete(seq);
            this.options.onOutcome({ ...delivered, ...about });
        } catch (error) {
            if (error instanceof WorkflowAborted || this.stopping) return;
            const failures = (this.redeliveries.get(seq)?.failures ?? 0) + 1;
            const delay = Math.min(this.maxRedeliveryDelayMs, this.redeliveryDelayMs * 2 ** (failures - 1));
            const timer = setTimeout(() => this.enqueue({ seq, event }), delay);
            this.redeliveries.set(seq, { failures, timer });
            const message = (error as Error).message;
            this.journal?.noteFailure(seq, message);
            this.options.onOutcome({ outcome: "failed", ...about, detail: `${message}; kept in the journal, run again in ${formatDelay(delay)}` });
        }
    }
}

function formatDelay(ms: number): string {
    return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
