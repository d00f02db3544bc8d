/**
 * EventBridge as the pipeline sees it, on this machine: PutEvents entries become the events a
 * rule matches and a target receives, with the envelope EventBridge adds.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html
 */
import { randomUUID } from "node:crypto";
import type { PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";

export const LOCAL_ACCOUNT = "000000000000";
export const LOCAL_REGION = "local";

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

export function toEventBridgeEvent(entry: PutEventsRequestEntry, id: string = randomUUID()): EventBridgeEvent {
    if (!entry.Source || !entry.DetailType || !entry.Detail) {
        throw new Error("PutEvents entry needs Source, DetailType and Detail");
    }
    const time = (entry.Time ?? new Date()).toISOString().replace(/\.\d{3}Z$/, "Z");
    return {
        version: "0",
        id,
        "detail-type": entry.DetailType,
        source: entry.Source,
        account: LOCAL_ACCOUNT,
        time,
        region: LOCAL_REGION,
        resources: entry.Resources ?? [],
        detail: JSON.parse(entry.Detail),
    };
}
