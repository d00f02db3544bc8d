/**
 * `npm run demo -- [--lake DIR] [--stack dev]`: starts the local pipeline on a free port, signs and
 * posts the bundled samples through it over HTTP, and checks every outcome against what the
 * deployed rule and layout say should happen. Exit code 0 only if all of them match.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import Stripe from "stripe";
import { objectKey } from "../components/lake/layout";
import { matchesEventPattern } from "../components/routing/eventPattern";
import { EVENT_SOURCE } from "../components/lake/layout";
import { MAX_STATE_INPUT_BYTES, stateInputBytes } from "../components/receiver/handler";
import { toEventBridgeEvent } from "./eventBridge";
import { loadConfigFor, parseFlags, runCli } from "./cli";
import { LocalPipeline, Outcome, OutcomeRecord } from "./pipeline";
import { demoDeliveries, Delivery } from "./samples";
import { startServer } from "./server";

const USAGE = "npm run demo -- [--lake .lake] [--stack dev]\nPosts the bundled sample events through a local pipeline and checks every outcome.";

/** Posts one event, signed as Stripe signs it (stripe.webhooks.generateTestHeaderString). */
export async function postSigned(url: string, payload: string, secret: string): Promise<{ status: number; body: string }> {
    const header = new Stripe("sk_test_unused").webhooks.generateTestHeaderString({ payload, secret });
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": header }, body: payload });
    return { status: response.status, body: await response.text() };
}

type Expected = Extract<Outcome, "stored" | "oversize" | "ignored" | "rejected">;

/** Stripe posts events pretty-printed; the demo does the same. */
export function payloadOf(delivery: Delivery): string {
    return JSON.stringify(delivery.event, null, 2);
}

/** What the deployed rule and the receiver's size limit say should happen to a delivery. */
export function expectedOutcome(delivery: Delivery, pattern: Record<string, unknown>): Expected {
    if (delivery.badSignature) return "rejected";
    const event = toEventBridgeEvent({ Source: EVENT_SOURCE, DetailType: delivery.event.type, Detail: JSON.stringify(delivery.event), Time: new Date(delivery.event.created * 1000) });
    if (!matchesEventPattern(pattern, event as unknown as Record<string, unknown>)) return "ignored";
    return stateInputBytes(Buffer.byteLength(payloadOf(delivery)), delivery.event.type, EVENT_SOURCE) > MAX_STATE_INPUT_BYTES ? "oversize" : "stored";
}

export interface DemoResult {
    ok: boolean;
    lines: string[];
    summary: { received: number; stored: number; ignored: number; rejected: number };
}

/** Runs the demo against a fresh in-process pipeline writing to `lakeDir`. */
export async function runDemo(lakeDir: string, stack: string): Promise<DemoResult> {
    const config = loadConfigFor(stack);
    const secret = `whsec_demo${randomBytes(16).toString("hex")}`;
    const records: OutcomeRecord[] = [];
    const pipeline = new LocalPipeline({ settings: config.settings, lakeDir, signingSecrets: [secret], onOutcome: (r) => records.push(r) });
    const server = await startServer(pipeline, 0);
    const url = `http://127.0.0.1:${server.port}/webhook`;
    const deliveries = demoDeliveries(`x${randomBytes(4).toString("hex")}`);
    const lines: string[] = [];
    let ok = true;
    try {
        const answers = [];
        for (const delivery of deliveries) {
            answers.push(await postSigned(url, payloadOf(delivery), delivery.badSignature ? `whsec_wrong${randomBytes(8).toString("hex")}` : secret));
        }
        await pipeline.idle();
        const stored = new Set(await pipeline.lake.list(config.settings.lakePrefix));
        for (const [i, delivery] of deliveries.entries()) {
            const expected = expectedOutcome(delivery, pipeline.pattern);
            const key = objectKey(config.settings.lakePrefix, delivery.event);
            const problems: string[] = [];
            const status = answers[i].status;
            if (status !== (expected === "rejected" ? 400 : 200)) problems.push(`HTTP ${status} ${answers[i].body}`);
            if (expected === "stored" || expected === "oversize") {
                const body = stored.has(key) ? await fs.readFile(pipeline.lake.pathOf(key), "utf8") : undefined;
                if (body !== JSON.stringify(delivery.event)) problems.push(body === undefined ? `no object at ${key}` : `object at ${key} differs from the event`);
                if ([...stored].filter((k) => k.endsWith(`/${delivery.event.id}.json`)).length !== 1) problems.push("not exactly one object for the event id");
            } else if (stored.has(key)) {
                problems.push(`an object was written at ${key}`);
            }
            const outcomes = records.filter((r) => r.id === delivery.event.id).map((r) => r.outcome);
            if (expected !== "rejected" && !outcomes.includes(expected)) problems.push(`pipeline reported ${outcomes.join(", ") || "nothing"}`);
            ok &&= problems.length === 0;
            lines.push(`${problems.length === 0 ? "ok  " : "FAIL"} ${delivery.label.padEnd(34)} ${expected.padEnd(8)} ${expected === "stored" || expected === "oversize" ? key : ""}${problems.length ? `  <- ${problems.join("; ")}` : ""}`);
        }
        const parked = await pipeline.deadLetterQueue.receive();
        if (parked.length > 0 && records.some((r) => r.outcome === "parked")) {
            ok = false;
            lines.push(`FAIL ${parked.length} event(s) parked in the dead-letter queue`);
        }
    } finally {
        await new Promise((resolve) => server.close(resolve));
    }
    const c = pipeline.counts;
    return { ok, lines, summary: { received: c.received, stored: c.stored + c.oversize, ignored: c.ignored, rejected: c.rejected } };
}

if (require.main === module) {
    runCli(async () => {
        const flags = parseFlags({}, USAGE);
        const lakeDir = path.resolve(flags.lake);
        const result = await runDemo(lakeDir, flags.stack);
        for (const line of result.lines) console.log(line);
        const s = result.summary;
        console.log(`received ${s.received}, stored ${s.stored}, ignored ${s.ignored}, rejected ${s.rejected}; lake ${lakeDir}`);
        console.log(result.ok ? "demo: every outcome as expected" : "demo: some outcomes were not as expected");
        return result.ok ? 0 : 1;
    });
}
