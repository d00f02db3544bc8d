/**
 * Backfilling the lake from Stripe's API: events Stripe still keeps (the last 30 days of
 * `/v1/events`), or, for older history, the objects themselves (subscriptions, payment intents,
 * checkout sessions) turned into events of the configured types.
 *
 * Every document goes to `objectKey(lakePrefix, event)`, the key live delivery uses, as compact
 * JSON, written once (ops/lake.ts): an event that was also delivered live is found there and kept
 * as it is, instead of appearing twice or being replaced.
 * Paging is newest first with `starting_after`; after each page is stored the position is saved
 * in a checkpoint file, so an interrupted run resumes after the last stored page. A 429 from
 * Stripe is waited out with exponential backoff (the SDK retries network errors and 5xx itself,
 * but not rate limiting: https://docs.stripe.com/rate-limits#handling-limiting-gracefully).
 */
import * as fs from "node:fs";
import type Stripe from "stripe";
import { objectKey } from "../components/lake/layout";
import { writeFileAtomically } from "../lib/atomicWrite";
import { runPool } from "../lib/pool";
import type { LakeWriter } from "./lake";

/** `/v1/events` keeps 30 days: https://docs.stripe.com/api/events/list */
export const EVENTS_RETENTION_DAYS = 30;
/** `types[]` takes at most 20 exact types: https://docs.stripe.com/api/events/list#list_events-types */
export const MAX_TYPES_PER_REQUEST = 20;
/** The largest page Stripe's list endpoints return. */
export const PAGE_SIZE = 100;

const BASE_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 32000;

/** The fields of a listed Stripe item the backfill relies on. */
export interface Listed {
    id: string;
    created: number;
}

/** A lake document: a Stripe event, as delivered or as synthesized from a listed object. */
export interface EventDocument extends Listed {
    type: string;
}

export interface ListParams {
    limit: number;
    starting_after?: string;
    created: { gte: number; lt: number };
}

/** One page of a Stripe list endpoint, newest first. */
export type ListPage = (params: ListParams) => Promise<{ data: Listed[]; has_more: boolean }>;

/** Something to page through: a list endpoint and the lake documents each of its items becomes. */
export interface BackfillSource {
    label: string;
    list: ListPage;
    documents(item: Listed): EventDocument[];
}

/** `/v1/events` for one batch of at most 20 exact types; the events are stored as they come. */
export function eventSources(stripe: Pick<Stripe, "events">, eventTypes: readonly string[]): BackfillSource[] {
    const batches: string[][] = [];
    for (let i = 0; i < eventTypes.length; i += MAX_TYPES_PER_REQUEST) {
        batches.push(eventTypes.slice(i, i + MAX_TYPES_PER_REQUEST));
    }
    return batches.map((types, i) => ({
        label: `events ${i + 1}/${batches.length}`,
        list: (params) => stripe.events.list({ ...params, types }),
        documents: (event) => [event as EventDocument],
    }));
}

/**
 * Objects that can be listed for history older than the events Stripe keeps. Coupons and discounts
 * are what MRR needs to be net of discounts (docs/metrics.md); Stripe has no list of discounts, so
 * `discounts` lists subscriptions with their discounts (and their items') expanded.
 */
export const OBJECT_KINDS = ["subscriptions", "payment_intents", "checkout_sessions", "coupons", "discounts"] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];
/** The kinds whose objects stand for the lifecycle events of the metrics; the backfill's note suggests them. */
export const LIFECYCLE_KINDS: readonly ObjectKind[] = ["subscriptions", "payment_intents", "checkout_sessions"];

/**
 * The events a listed object stands for, with the object's current state as `data.object` and the
 * best timestamp the object has. Ids are `evt_listed_<object id>_<what>`, stable across runs, so
 * re-running finds them there; `listed: true` tells them apart from events Stripe sent.
 */
export function listedEvents(kind: ObjectKind, object: Listed & Record<string, unknown>, apiVersion: string): EventDocument[] {
    const event = (type: string, created: number, of: { id: string } & Record<string, unknown> = object) => ({
        id: `evt_listed_${of.id}_${type.slice(type.lastIndexOf(".") + 1)}`,
        object: "event",
        api_version: apiVersion,
        created,
        data: { object: of },
        livemode: object.livemode === true,
        pending_webhooks: 0,
        request: { id: null, idempotency_key: null },
        type,
        listed: true,
    });
    const at = (field: string) => (typeof object[field] === "number" ? (object[field] as number) : undefined);
    switch (kind) {
        case "subscriptions": {
            const ended = object.status === "canceled" ? at("ended_at") : undefined;
            return [event("customer.subscription.created", object.created), ...(ended === undefined ? [] : [event("customer.subscription.deleted", ended)])];
        }
        case "payment_intents": {
            const canceled = object.status === "canceled" ? at("canceled_at") : undefined;
            return [
                event("payment_intent.created", object.created),
                // A payment intent has no success timestamp; its creation time stands in.
                ...(object.status === "succeeded" ? [event("payment_intent.succeeded", object.created)] : []),
                ...(canceled === undefined ? [] : [event("payment_intent.canceled", canceled)]),
            ];
        }
        case "checkout_sessions": {
            const expired = object.status === "expired" ? at("expires_at") : undefined;
            return [
                ...(object.status === "complete" ? [event("checkout.session.completed", object.created)] : []),
                ...(expired === undefined ? [] : [event("checkout.session.expired", expired)]),
            ];
        }
        case "coupons":
            return [event("coupon.created", object.created)];
        case "discounts": {
            // The subscription's discounts and its items', as far as the listing expanded them (ids are left out).
            type Discount = { id: string; start?: number } & Record<string, unknown>;
            const expanded = (list: unknown) => (Array.isArray(list) ? list.filter((d): d is Discount => typeof d === "object" && d !== null && typeof (d as Discount).id === "string") : []);
            const items = ((object.items as { data?: { discounts?: unknown }[] } | undefined)?.data ?? []).flatMap((item) => expanded(item.discounts));
            return [...expanded(object.discounts), ...items].map((d) => event("customer.discount.created", typeof d.start === "number" ? d.start : object.created, d));
        }
    }
}

/** The list endpoint of each object kind; subscriptions need `status: "all"` to include canceled ones. */
/** `apiVersion` is the version the objects are listed with, recorded in each listed event. */
export function objectSources(stripe: Pick<Stripe, "subscriptions" | "paymentIntents" | "checkout" | "coupons">, kinds: readonly ObjectKind[], apiVersion: string): BackfillSource[] {
    const lists: Record<ObjectKind, ListPage> = {
        subscriptions: (params) => stripe.subscriptions.list({ ...params, status: "all" }),
        payment_intents: (params) => stripe.paymentIntents.list(params),
        checkout_sessions: (params) => stripe.checkout.sessions.list(params),
        coupons: (params) => stripe.coupons.list(params),
        // Four levels deep at most: https://docs.stripe.com/expand#lists
        discounts: (params) => stripe.subscriptions.list({ ...params, status: "all", expand: ["data.discounts", "data.items.data.discounts"] }),
    };
    return kinds.map((kind) => ({
        label: kind,
        list: lists[kind],
        documents: (item) => listedEvents(kind, item as Listed & Record<string, unknown>, apiVersion),
    }));
}

/** Where an interrupted backfill stands. */
export interface Checkpoint {
    version: 1;
    /** What the backfill is (mode, types or kinds, window start, destination); a different job never resumes from it. */
    job: string;
    since: number;
    /** Exclusive end of the window, fixed at the first run so resumed paging sees the same list. */
    until: number;
    /** Index of the source being paged. */
    source: number;
    /** Id of the last item stored from that source. */
    startingAfter?: string;
    stored: number;
    pages: number;
}

export interface CheckpointStore {
    readonly location: string;
    load(): Checkpoint | undefined;
    save(checkpoint: Checkpoint): Promise<void>;
    clear(): void;
}

export function fileCheckpoint(file: string): CheckpointStore {
    return {
        location: file,
        load: () => (fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as Checkpoint) : undefined),
        save: (checkpoint) => writeFileAtomically(file, JSON.stringify(checkpoint, null, 2)),
        clear: () => fs.rmSync(file, { force: true }),
    };
}

/** Calls `call`, waiting out HTTP 429 with exponential backoff (1 s, 2 s, ... up to 32 s) at most `maxRetries` times. */
export async function withRateLimitBackoff<T>(call: () => Promise<T>, sleep: (ms: number) => Promise<void>, onRetry: (delayMs: number) => void, maxRetries: number): Promise<T> {
    for (let attempt = 0; ; attempt++) {
        try {
            return await call();
        } catch (error) {
            if ((error as { statusCode?: number }).statusCode !== 429 || attempt >= maxRetries) {
                throw error;
            }
            const delay = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempt);
            onRetry(delay);
            await sleep(delay);
        }
    }
}

export interface BackfillProgress {
    /** Share of the whole job done, assuming items spread evenly over the window. */
    fraction: number;
    source: string;
    stored: number;
    pages: number;
    /** `created` of the oldest item stored so far in the current source. */
    reached?: number;
}

export interface BackfillOptions {
    job: string;
    sources: BackfillSource[];
    /** Unix seconds, inclusive. */
    since: number;
    /** Unix seconds, exclusive; a resumed run keeps the checkpoint's. */
    until: number;
    /** Which event types go to the lake (the stack's selection); others are skipped. */
    selected(type: string): boolean;
    lake: LakeWriter;
    lakePrefix: string;
    checkpoint: CheckpointStore;
    sleep(ms: number): Promise<void>;
    /** Parallel writes within a page. */
    concurrency: number;
    maxRateLimitRetries: number;
    onPage?(progress: BackfillProgress): void;
    onRateLimited?(delayMs: number): void;
}

export interface BackfillResult {
    stored: number;
    skipped: number;
    pages: number;
    rateLimitedRetries: number;
    /** The checkpoint a run resumed from, if any. */
    resumedFrom?: Checkpoint;
    until: number;
}

/**
 * Pages through every source and stores each page before saving its position; the checkpoint is
 * removed once everything is stored. Throws (keeping the checkpoint) on any failure.
 */
export async function runBackfill(o: BackfillOptions): Promise<BackfillResult> {
    const saved = o.checkpoint.load();
    if (saved && saved.job !== o.job) {
        throw new Error(`${o.checkpoint.location} belongs to another backfill (${saved.job}); rerun that one with the same flags, or delete the file to start this one`);
    }
    let state: Checkpoint = saved ?? { version: 1, job: o.job, since: o.since, until: o.until, source: 0, stored: 0, pages: 0 };
    const { since, until } = state;
    let skipped = 0;
    let rateLimitedRetries = 0;
    for (let s = state.source; s < o.sources.length; s++) {
        const source = o.sources[s];
        let startingAfter = s === state.source ? state.startingAfter : undefined;
        for (;;) {
            const page = await withRateLimitBackoff(
                () => source.list({ limit: PAGE_SIZE, created: { gte: since, lt: until }, ...(startingAfter ? { starting_after: startingAfter } : {}) }),
                o.sleep,
                (delay) => {
                    rateLimitedRetries++;
                    o.onRateLimited?.(delay);
                },
                o.maxRateLimitRetries,
            );
            const documents = page.data.flatMap((item) => source.documents(item));
            const kept = documents.filter((d) => o.selected(d.type));
            skipped += documents.length - kept.length;
            await runPool(kept, o.concurrency, (d) => o.lake.put(objectKey(o.lakePrefix, d), JSON.stringify(d)));
            const last = page.data[page.data.length - 1];
            startingAfter = last?.id ?? startingAfter;
            state = { ...state, source: s, startingAfter, stored: state.stored + kept.length, pages: state.pages + 1 };
            await o.checkpoint.save(state);
            const reached = last?.created;
            const withinSource = reached === undefined || !page.has_more ? 1 : (until - reached) / Math.max(1, until - since);
            o.onPage?.({ fraction: (s + Math.min(1, withinSource)) / o.sources.length, source: source.label, stored: state.stored, pages: state.pages, reached });
            if (!page.has_more || !last) {
                break;
            }
        }
        state = { ...state, source: s + 1, startingAfter: undefined };
        await o.checkpoint.save(state);
    }
    o.checkpoint.clear();
    return { stored: state.stored, skipped, pages: state.pages, rateLimitedRetries, resumedFrom: saved, until };
}
