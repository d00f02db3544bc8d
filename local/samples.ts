/**
 * The bundled sample events (local/samples/*.json, shaped like Stripe's API) and the deliveries
 * `npm run demo` makes of them: every sample once, signed; one oversize invoice; one duplicate
 * delivery; one badly signed request.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { StripeEvent } from "../components/receiver/verify";

/** A sample is a Stripe event as the receiver sees it. */
export type SampleEvent = StripeEvent;

export const SAMPLES_DIR = path.join(__dirname, "samples");

export function loadSamples(): SampleEvent[] {
    return fs
        .readdirSync(SAMPLES_DIR)
        .filter((name) => name.endsWith(".json"))
        .sort()
        .map((name) => JSON.parse(fs.readFileSync(path.join(SAMPLES_DIR, name), "utf8")) as SampleEvent);
}

/** The invoice grown past the state machine's 256 KiB input by many line items, as large invoices are. */
export function oversize(invoice: SampleEvent, minBytes = 300 * 1024): SampleEvent {
    // The invoice sample's shape: lines is a Stripe list of line items.
    const lines = invoice.data.object.lines as { data: Record<string, unknown>[] };
    const line = lines.data[0];
    const count = Math.ceil(minBytes / JSON.stringify(line).length) + 1;
    const data = Array.from({ length: count }, (_, i) => ({ ...line, id: `${line.id}${i}` }));
    return { ...invoice, data: { object: { ...invoice.data.object, lines: { ...lines, data, total_count: count } } } };
}

/** A copy with an id unique to this run, so every run's files and checks are its own. */
export function withRunId(event: SampleEvent, runTag: string): SampleEvent {
    return { ...event, id: `${event.id}${runTag}` };
}

export interface Delivery {
    label: string;
    event: SampleEvent;
    /** Signed with a secret the pipeline does not know. */
    badSignature?: boolean;
}

export function demoDeliveries(runTag: string): Delivery[] {
    const samples = loadSamples().map((e) => withRunId(e, runTag));
    const deliveries: Delivery[] = samples.map((event) => (event.type === "invoice.paid" ? { label: "oversize invoice", event: oversize(event) } : { label: event.type, event }));
    const subscription = samples.find((e) => e.type === "customer.subscription.created");
    if (!subscription) throw new Error("samples lack customer.subscription.created");
    deliveries.push({ label: "duplicate delivery", event: subscription });
    deliveries.push({ label: "badly signed request", event: { ...subscription, id: `evt_1SdemoForged${runTag}` }, badSignature: true });
    return deliveries;
}
