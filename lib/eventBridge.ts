/**
 * EventBridge as the pipeline sees it, on this machine: PutEvents entries (the receiver's) and the
 * Stripe events a Stripe event destination delivers become the events a rule matches and a target
 * receives, with the envelope EventBridge adds.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html
 */
import { randomUUID } from "node:crypto";
import type { PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";

export const LOCAL_ACCOUNT = "000000000000";
export const LOCAL_REGION = "local";
/** The twin's stand-in for Stripe's partner event source (`aws.partner/stripe.com/ed_test_...` in test mode). */
export const LOCAL_PARTNER_SOURCE = "aws.partner/stripe.com/ed_test_local";

/** The event EventBridge delivers for one PutEvents entry. */
export interface EventBridgeEvent {
    version: "0";
    id: string;
    "detail-type": string;
    source: string;
    account: string;
    /** RFC 3339 in seconds precision, as EventBridge renders the entry's `Time`. */
    time: string;
    region: string;
    resources: string[];
    detail: Record<string, unknown>;
}

/** RFC 3339 in seconds precision, as EventBridge renders times. */
function eventBridgeTime(time: Date): string {
    return time.toISOString().replace(/\.\d{3}Z$/, "Z");
}

export function toEventBridgeEvent(entry: PutEventsRequestEntry, id: string = randomUUID()): EventBridgeEvent {
    if (!entry.Source || !entry.DetailType || !entry.Detail) {
        throw new Error("PutEvents entry needs Source, DetailType and Detail");
    }
    return {
        version: "0",
        id,
        "detail-type": entry.DetailType,
        source: entry.Source,
        account: LOCAL_ACCOUNT,
        time: eventBridgeTime(entry.Time ?? new Date()),
        region: LOCAL_REGION,
        resources: entry.Resources ?? [],
        detail: JSON.parse(entry.Detail),
    };
}

export interface PartnerEventOptions {
    source?: string;
    /** When Stripe sent it, which is not the event's `created` (Stripe retries for up to three days). Default: now. */
    time?: Date;
    id?: string;
}

/**
 * The event Stripe's event destination (snapshot payload) puts on the partner bus for one Stripe
 * event: `detail-type` is the event's type, `detail` the event itself, `source` the partner event
 * source. https://docs.stripe.com/event-destinations/eventbridge
 */
export function toPartnerEvent(stripeEvent: { type: string; [field: string]: unknown }, { source = LOCAL_PARTNER_SOURCE, time = new Date(), id = randomUUID() }: PartnerEventOptions = {}): EventBridgeEvent {
    return {
        version: "0",
        id,
        "detail-type": stripeEvent.type,
        source,
        account: LOCAL_ACCOUNT,
        time: eventBridgeTime(time),
        region: LOCAL_REGION,
        resources: [],
        detail: stripeEvent,
    };
}
