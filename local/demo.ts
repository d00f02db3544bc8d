/**
 * `npm run demo -- [--lake DIR] [--stack dev] [--ingestion webhook|eventbridge]`: starts the local
 * pipeline on a free port, signs and posts the bundled samples through it over HTTP, and checks
 * every outcome against what the deployed rule and layout say should happen. Exit code 0 only if
 * all of them match. With ingestion "eventbridge" nothing is signed (Stripe's EventBridge delivery
 * has no signature, so there is no badly signed request either) and the oversize invoice, which
 * the rule cannot start the workflow with, is expected in the dead-letter folder.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { objectKey } from "../components/lake/layout";
import { EVENT_SOURCE, matchesEventPattern } from "../components/routing/eventPattern";
import { MAX_STATE_INPUT_BYTES, stateInputBytes } from "../components/receiver/handler";
import { escapedJsonBytes } from "../components/receiver/verify";
import { demoDeliveries, Delivery } from "../fixtures/samples";
import { signatureHeader } from "../fixtures/stripeWebhooks";
import { CliIo, defineCommand, runMain, UsageError } from "../lib/cli";
import { EventBridgeEvent, toEventBridgeEvent, toPartnerEvent } from "../lib/eventBridge";
import { DEAD_LETTER_OPTION, LAKE_OPTION, LocalDeadLetterQueue, LocalLake } from "../lib/lakeStore";
import { INGESTION_OPTION, loadStackConfig, LocalStackConfig, STACK_OPTION, withIngestion } from "../lib/stackConfig";
import { localRulePattern, LocalPipeline, Outcome, OutcomeRecord } from "./pipeline";
import { startServer, stopServer } from "./server";
import { localSigningSecret } from "./start";

export const demoCommand = defineCommand({
    name: "demo",
    summary: "Posts the bundled sample events through a local pipeline and checks every outcome.",
    description:
        "Signs and posts the samples of fixtures/samples/ (subscriptions, checkout, payment intents, an oversize invoice, " +
        "a type the rule ignores, a duplicate, a badly signed request) and checks each outcome against what the deployed rule " +
        "and layout say should happen: through a pipeline it starts itself, or with --url through a running `npm start` " +
        "(same --stack and --lake, and STRIPE_WEBHOOK_SECRET set to the secret it printed). " +
        "--ingestion eventbridge posts the events unsigned to a pipeline in that mode and expects the oversize invoice in the dead-letter folder. " +
        "Exit code 0 only if every outcome is as expected. " +
        "The samples keep their ids and times, so a lake holds each of them once however often the demo runs (the report counts them once).",
    options: {
        lake: LAKE_OPTION,
        "dead-letter": DEAD_LETTER_OPTION,
        stack: STACK_OPTION,
        url: { type: "string", placeholder: "URL", defaultText: "a pipeline of its own on a free port", description: "webhook URL of a running npm start" },
        ingestion: INGESTION_OPTION,
    },
    examples: ["npm run demo", "STRIPE_WEBHOOK_SECRET=whsec_... npm run demo -- --url http://127.0.0.1:4242/webhook --lake .lake", "npm run demo -- --ingestion eventbridge"],
});

/** Posts one event as Stripe does: signed with `secret` (stripe.webhooks.generateTestHeaderString), or unsigned without one. */
export async function postEvent(url: string, payload: string, secret?: string): Promise<{ status: number; body: string }> {
    const signature: Record<string, string> = secret === undefined ? {} : { "stripe-signature": signatureHeader(payload, Math.floor(Date.now() / 1000), secret) };
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json; charset=utf-8", ...signature }, body: payload });
    return { status: response.status, body: await response.text() };
}

/** Posts one event, signed as Stripe signs it. */
export function postSigned(url: string, payload: string, secret: string): Promise<{ status: number; body: string }> {
    return postEvent(url, payload, secret);
}

type Expected = Extract<Outcome, "stored" | "oversize" | "ignored" | "rejected" | "parked">;

/** Stripe posts events pretty-printed; the demo does the same. */
export function payloadOf(delivery: Delivery): string {
    return JSON.stringify(delivery.event, null, 2);
}

/**
 * What the deployed rule and the size limits say should happen to a delivery: the receiver's bound
 * (oversize events go straight to the lake), or with ingestion "eventbridge" Step Functions' own
 * input limit (the rule parks what it cannot start the workflow with).
 */
export function expectedOutcome(delivery: Delivery, settings: LocalStackConfig["settings"]): Expected {
    if (delivery.badSignature) return "rejected";
    const eventBridge = settings.ingestion === "eventbridge";
    const event: EventBridgeEvent = eventBridge
        ? toPartnerEvent(delivery.event)
        : toEventBridgeEvent({ Source: EVENT_SOURCE, DetailType: delivery.event.type, Detail: JSON.stringify(delivery.event), Time: new Date(delivery.event.created * 1000) });
    if (!matchesEventPattern(localRulePattern(settings), event)) return "ignored";
    if (eventBridge) return Buffer.byteLength(JSON.stringify(event)) > MAX_STATE_INPUT_BYTES ? "parked" : "stored";
    const payload = payloadOf(delivery);
    return stateInputBytes(escapedJsonBytes(Buffer.from(payload), payload.length), delivery.event.type, EVENT_SOURCE) > MAX_STATE_INPUT_BYTES ? "oversize" : "stored";
}

export interface DemoResult {
    ok: boolean;
    lines: string[];
    /** Deliveries by what was observed: HTTP answer, and whether their object is in the lake (or, parked, in the dead-letter folder). */
    summary: { received: number; stored: number; ignored: number; rejected: number; parked?: number };
}

/** A running pipeline to post to: `npm start`'s, given by --url, or one the demo starts itself. */
export interface DemoTarget {
    url: string;
    /** The receiver's signing secret; none with ingestion "eventbridge", where nothing is signed. */
    secret?: string;
    /** Resolves once every accepted event has reached its end: the `expectedKeys` in the lake, the `parkedIds` in the dead-letter folder. */
    settle(expectedKeys: string[], parkedIds?: string[]): Promise<void>;
    /** What the pipeline reported per event id, when it runs in this process. */
    outcomes?(id: string): string[];
    close(): Promise<void>;
}

/** A fresh pipeline in this process on a free port, writing to `lakeDir` (and `deadLetterDir`, default beside it). */
export async function inProcessTarget(lakeDir: string, settings: LocalStackConfig["settings"], deadLetterDir?: string): Promise<DemoTarget> {
    const secret = settings.ingestion === "eventbridge" ? undefined : `whsec_demo${randomBytes(16).toString("hex")}`;
    const records: OutcomeRecord[] = [];
    const pipeline = new LocalPipeline({ settings, lakeDir, deadLetterDir, signingSecrets: secret === undefined ? [] : [secret], onOutcome: (r) => records.push(r) });
    const server = await startServer(pipeline, 0);
    return {
        url: `http://127.0.0.1:${server.port}/webhook`,
        secret,
        settle: () => pipeline.idle(),
        outcomes: (id) => records.filter((r) => r.id === id).map((r) => r.outcome),
        close: async () => {
            await stopServer(server);
            await pipeline.stop();
        },
    };
}

/** Bodies of the dead-letter folder's messages. */
async function parkedBodies(queue: LocalDeadLetterQueue): Promise<string[]> {
    return (await queue.receive()).map((m) => m.body);
}

/**
 * A pipeline already running elsewhere (`npm start`): the demo cannot see its workflow finish, so it
 * waits until the expected objects and parked events appear in the shared lake folder, for at most `timeoutMs`.
 */
export function runningTarget(url: string, secret: string | undefined, lake: LocalLake, timeoutMs = 15000, deadLetterDir?: string): DemoTarget {
    const queue = LocalDeadLetterQueue.forLake(lake.root, deadLetterDir);
    return {
        url,
        secret,
        settle: async (expectedKeys, parkedIds = []) => {
            const deadline = Date.now() + timeoutMs;
            const arrived = async () => {
                const parked = parkedIds.length === 0 ? [] : await parkedBodies(queue);
                return expectedKeys.every((key) => existsSync(lake.pathOf(key))) && parkedIds.every((id) => parked.some((body) => body.includes(id)));
            };
            while (Date.now() < deadline && !(await arrived())) {
                await new Promise((resolve) => setTimeout(resolve, 100));
            }
        },
        close: async () => undefined,
    };
}

const isStored = (outcome: Expected) => outcome === "stored" || outcome === "oversize";

/** Posts every delivery through the target and checks each outcome against the deployed rule and layout. */
export async function runDemo(lakeDir: string, config: LocalStackConfig, target?: DemoTarget, deadLetterDir?: string): Promise<DemoResult> {
    const { lakePrefix } = config.settings;
    const eventBridge = config.settings.ingestion === "eventbridge";
    const lake = new LocalLake(lakeDir);
    const deliveries = demoDeliveries()
        // Stripe's EventBridge delivery carries no signature to get wrong.
        .filter((delivery) => !(eventBridge && delivery.badSignature))
        .map((delivery) => ({ ...delivery, expected: expectedOutcome(delivery, config.settings), key: objectKey(lakePrefix, delivery.event) }));
    // The samples' keys are the demo's own (stable ids): an earlier run's objects go, so this run's checks see only what it wrote.
    await Promise.all(deliveries.map((d) => fs.rm(lake.pathOf(d.key), { force: true })));
    target ??= await inProcessTarget(lakeDir, config.settings, deadLetterDir);
    const lines: string[] = [];
    // Only Stripe's EventBridge delivery parks a demo event (the oversize invoice): only then is there a count of them.
    const summary: DemoResult["summary"] = { received: 0, stored: 0, ignored: 0, rejected: 0, ...(eventBridge && { parked: 0 }) };
    try {
        const answers = [];
        for (const delivery of deliveries) {
            answers.push(await postEvent(target.url, payloadOf(delivery), delivery.badSignature ? `whsec_wrong${randomBytes(8).toString("hex")}` : target.secret));
        }
        await target.settle(
            deliveries.filter((d) => isStored(d.expected)).map((d) => d.key),
            deliveries.filter((d) => d.expected === "parked").map((d) => d.event.id),
        );
        const stored = new Set(await lake.list(lakePrefix));
        const parked = await parkedBodies(LocalDeadLetterQueue.forLake(lakeDir, deadLetterDir));
        const parkedCopies = (id: string) => parked.filter((body) => body.includes(id)).length;
        for (const [i, { label, event, expected, key }] of deliveries.entries()) {
            const problems: string[] = [];
            const status = answers[i].status;
            summary.received += 1;
            if (status >= 400) summary.rejected += 1;
            else if (stored.has(key)) summary.stored += 1;
            else if (summary.parked !== undefined && parkedCopies(event.id) > 0) summary.parked += 1;
            else summary.ignored += 1;
            if (status !== (expected === "rejected" ? 400 : 200)) problems.push(`HTTP ${status} ${answers[i].body}`);
            if (isStored(expected)) {
                const body = stored.has(key) ? await fs.readFile(lake.pathOf(key), "utf8") : undefined;
                if (body !== JSON.stringify(event)) problems.push(body === undefined ? `no object at ${key}` : `object at ${key} differs from the event`);
                if ([...stored].filter((k) => k.endsWith(`/${event.id}.json`)).length !== 1) problems.push("not exactly one object for the event id");
            } else if (stored.has(key)) {
                problems.push(`an object was written at ${key}`);
            }
            if (expected === "parked" && parkedCopies(event.id) !== 1) problems.push(`${parkedCopies(event.id)} messages in the dead-letter folder, expected 1`);
            const outcomes = target.outcomes?.(event.id);
            if (outcomes && expected !== "rejected" && !outcomes.includes(expected)) problems.push(`pipeline reported ${outcomes.join(", ") || "nothing"}`);
            lines.push(`${problems.length === 0 ? "ok  " : "FAIL"} ${label.padEnd(34)} ${expected.padEnd(8)} ${isStored(expected) ? key : ""}${problems.length ? `  <- ${problems.join("; ")}` : ""}`);
        }
        const unexpected = parked.filter((body) => deliveries.some((d) => d.expected !== "parked" && body.includes(d.event.id)));
        if (unexpected.length > 0) lines.push(`FAIL ${unexpected.length} demo event(s) parked in the dead-letter queue`);
    } finally {
        await target.close();
    }
    return { ok: lines.every((line) => line.startsWith("ok")), lines, summary };
}

export async function main(argv: string[], io: CliIo): Promise<number> {
    return demoCommand.run(argv, io, async (flags) => {
        const lakeDir = path.resolve(io.cwd, flags.lake);
        const deadLetterDir = flags["dead-letter"] === undefined ? undefined : path.resolve(io.cwd, flags["dead-letter"]);
        const config = withIngestion(loadStackConfig(flags.stack), flags.ingestion);
        const eventBridge = config.settings.ingestion === "eventbridge";
        let target: DemoTarget | undefined;
        if (flags.url !== undefined) {
            if (eventBridge) {
                target = runningTarget(flags.url, undefined, new LocalLake(lakeDir), undefined, deadLetterDir);
            } else {
                const { secret, generated } = localSigningSecret(io.env);
                if (generated) throw new UsageError("--url posts to a running npm start: set STRIPE_WEBHOOK_SECRET to the secret it printed");
                target = runningTarget(flags.url, secret, new LocalLake(lakeDir), undefined, deadLetterDir);
            }
        }
        const result = await runDemo(lakeDir, config, target, deadLetterDir);
        const s = result.summary;
        const counts = `received ${s.received}, stored ${s.stored}, ignored ${s.ignored}, rejected ${s.rejected}${s.parked === undefined ? "" : `, parked ${s.parked}`}; lake ${lakeDir}`;
        io.stdout.write(
            [...result.lines, counts, result.ok ? "demo: every outcome as expected" : "demo: some outcomes were not as expected"]
                .map((line) => `${line}\n`)
                .join(""),
        );
        return result.ok ? 0 : 1;
    });
}

if (require.main === module) {
    runMain(main);
}
