/**
 * `npm run demo -- [--lake DIR] [--stack dev] [--ingestion webhook|eventbridge]`: starts the local
 * pipeline on a free port, signs and posts the bundled samples through it over HTTP, and checks
 * every outcome against what the deployed rule and layout say should happen. Exit code 0 only if
 * all of them match. With ingestion "eventbridge" nothing is signed (Stripe's EventBridge delivery
 * has no signature, so there is no badly signed request either) and the oversize invoice, which
 * the rule cannot start the workflow with, is expected in the dead-letter folder.
 */
import { randomBytes } from "node:crypto";
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
import { readJournal } from "../lib/journal";
import { DEAD_LETTER_OPTION, deadLetterFolder, LAKE_OPTION, LocalDeadLetterQueue, LocalLake, ParkedMessage, parkedError, parkedEventId } from "../lib/lakeStore";
import { INGESTION_OPTION, loadStackConfig, LocalStackConfig, STACK_OPTION, withIngestion } from "../lib/stackConfig";
import { localRulePattern, LocalPipeline, Outcome, OutcomeRecord } from "./pipeline";
import { startServer, stopServer, TWIN_INFO_PATH, TwinInfo, WEBHOOK_PATH } from "./server";
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

/** A request the twin did not answer: which URL, why, and how to get a twin there. */
function unreachable(url: string, error: unknown): Error {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    return new Error(`cannot reach ${url} (${why}): is npm start running? Start it with npm start, or pass the --url it printed`);
}

/** fetch, with a refused or failed connection reported as `shown` being unreachable. */
async function request(url: string, init?: RequestInit, shown = url): Promise<{ status: number; body: string }> {
    let response: Response;
    try {
        response = await fetch(url, init);
    } catch (error) {
        throw unreachable(shown, error);
    }
    return { status: response.status, body: await response.text() };
}

/** Posts one event as Stripe does: signed with `secret` (stripe.webhooks.generateTestHeaderString), or unsigned without one. */
export async function postEvent(url: string, payload: string, secret?: string): Promise<{ status: number; body: string }> {
    const signature: Record<string, string> = secret === undefined ? {} : { "stripe-signature": signatureHeader(payload, Math.floor(Date.now() / 1000), secret) };
    return request(url, { method: "POST", headers: { "content-type": "application/json; charset=utf-8", ...signature }, body: payload });
}

/** Where the twin whose webhook is `url` keeps its events (GET TWIN_INFO_PATH); an error saying what to do when no twin answers. */
export async function twinInfo(url: string): Promise<TwinInfo> {
    const infoUrl = new URL(TWIN_INFO_PATH, url).href;
    const answer = await request(infoUrl, undefined, url);
    try {
        if (answer.status === 200) return JSON.parse(answer.body) as TwinInfo;
    } catch {
        // Not the twin's JSON: reported below.
    }
    throw new Error(`${url} is not a running npm start (GET ${infoUrl} answered ${answer.status}): pass the --url npm start printed, ending in ${WEBHOOK_PATH}`);
}

/**
 * The demo reads back what the twin wrote, so it must look where the twin writes: every difference
 * between the twin's folders and settings and the demo's, with the flag that fixes it.
 */
export function twinMismatches(url: string, twin: TwinInfo, mine: Omit<TwinInfo, "deadLetter" | "journal"> & { deadLetter?: string; stack: string }): string[] {
    const differences: string[] = [];
    const webhook = new URL(WEBHOOK_PATH, url).href;
    if (new URL(url).pathname !== WEBHOOK_PATH) differences.push(`the twin takes Stripe events at ${webhook}, not ${url}: pass --url ${webhook}`);
    if (twin.lake !== mine.lake) differences.push(`the twin at ${url} writes to ${twin.lake}, not ${mine.lake}: pass --lake ${twin.lake}`);
    // Without --dead-letter the demo reads the folder beside the lake, once the lake is the twin's.
    const deadLetter = mine.deadLetter ?? deadLetterFolder(twin.lake);
    if (twin.deadLetter !== deadLetter) differences.push(`the twin at ${url} parks events in ${twin.deadLetter}, not ${deadLetter}: pass --dead-letter ${twin.deadLetter}`);
    if (twin.ingestion !== mine.ingestion) differences.push(`the twin at ${url} runs ingestion ${twin.ingestion}, not ${mine.ingestion}: pass --ingestion ${twin.ingestion}`);
    if (twin.lakePrefix !== mine.lakePrefix) {
        differences.push(`the twin at ${url} writes under the lake prefix ${twin.lakePrefix}, not ${mine.lakePrefix} (stack ${mine.stack}): pass the --stack it was started with`);
    }
    return differences;
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
    summary: { received: number; stored: number; ignored: number; rejected: number; parked?: number; unfinished?: number };
    /** Per event (id) not where it should be, why: the error that parked it, or why its run is unfinished. */
    causes: string[];
}

/** Why an event the twin accepted is neither stored nor parked yet, by Stripe event id. */
export type Unfinished = Map<string, string>;

/** A running pipeline to post to: `npm start`'s, given by --url, or one the demo starts itself. */
export interface DemoTarget {
    url: string;
    /** The receiver's signing secret; none with ingestion "eventbridge", where nothing is signed. */
    secret?: string;
    /** Resolves once each of these events reached its end (stored or parked), or failed a run: with those that did not reach it. */
    settle(eventIds: string[]): Promise<Unfinished>;
    /** What the pipeline reported per event id, when it runs in this process. */
    outcomes?(id: string): string[];
    close(): Promise<void>;
}

/** The events of `eventIds` the journal still holds, each with its last run's error (if one failed). */
async function inJournal(journalDir: string, eventIds: string[]): Promise<Map<string, string | undefined>> {
    const wanted = new Set(eventIds);
    const held = new Map<string, string | undefined>();
    for (const { event, lastError } of (await readJournal(journalDir)).unfinished) {
        const id = (event.detail as { id?: string }).id;
        if (id !== undefined && wanted.has(id)) held.set(id, lastError);
    }
    return held;
}

const neitherStoredNorParked = (error: string) => `neither stored nor parked (${error}); the twin keeps it in its journal and runs it again`;

/** A fresh pipeline in this process on a free port, writing to `lakeDir` (and `deadLetterDir`, default beside it). */
export async function inProcessTarget(lakeDir: string, settings: LocalStackConfig["settings"], deadLetterDir?: string, retryDelayMs?: number): Promise<DemoTarget> {
    const secret = settings.ingestion === "eventbridge" ? undefined : `whsec_demo${randomBytes(16).toString("hex")}`;
    const records: OutcomeRecord[] = [];
    const pipeline = new LocalPipeline({ settings, lakeDir, deadLetterDir, retryDelayMs, signingSecrets: secret === undefined ? [] : [secret], onOutcome: (r) => records.push(r) });
    const server = await startServer(pipeline, 0);
    return {
        url: `http://127.0.0.1:${server.port}${WEBHOOK_PATH}`,
        secret,
        settle: async (eventIds) => {
            await pipeline.idle();
            const held = await inJournal(pipeline.journalDir, eventIds);
            return new Map([...held].map(([id, error]) => [id, neitherStoredNorParked(error ?? "its run was stopped")]));
        },
        outcomes: (id) => records.filter((r) => r.id === id).map((r) => r.outcome),
        close: async () => {
            await stopServer(server);
            await pipeline.stop();
        },
    };
}

/**
 * A pipeline already running elsewhere (`npm start`, described by its TWIN_INFO_PATH): the demo
 * cannot see its workflow finish, so it watches the twin's journal until none of the demo's events
 * is still waiting for its first run to end, for at most `timeoutMs` (the deployed retries of a
 * failing write take about a minute).
 */
export function runningTarget(url: string, secret: string | undefined, twin: TwinInfo, timeoutMs = 120_000): DemoTarget {
    return {
        url,
        secret,
        settle: async (eventIds) => {
            const deadline = Date.now() + timeoutMs;
            for (;;) {
                const held = await inJournal(twin.journal, eventIds);
                const running = [...held.values()].filter((error) => error === undefined).length;
                if (running === 0 || Date.now() >= deadline) {
                    return new Map(
                        [...held].map(([id, error]) => [id, error === undefined ? `still running in the twin after ${timeoutMs / 1000} s (its workflow is retrying: see npm start's output)` : neitherStoredNorParked(error)]),
                    );
                }
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
    const queue = LocalDeadLetterQueue.forLake(lakeDir, deadLetterDir);
    const deliveries = demoDeliveries()
        // Stripe's EventBridge delivery carries no signature to get wrong.
        .filter((delivery) => !(eventBridge && delivery.badSignature))
        .map((delivery) => ({ ...delivery, expected: expectedOutcome(delivery, config.settings), key: objectKey(lakePrefix, delivery.event) }));
    const demoIds = new Set(deliveries.map((d) => d.event.id));
    const demoMessages = async () => (await queue.receive()).filter((m) => demoIds.has(parkedEventId(m) ?? ""));
    // The samples' keys and ids are the demo's own (stable ids): an earlier run's objects and parked copies go,
    // so this run's checks see only what it wrote.
    const notThere = (error: NodeJS.ErrnoException) => {
        // A folder on the way that is a file (ENOTDIR) holds no object either; the run reports why it cannot write.
        if (error.code !== "ENOTDIR") throw error;
    };
    await Promise.all(deliveries.map((d) => fs.rm(lake.pathOf(d.key), { force: true }).catch(notThere)));
    await Promise.all((await demoMessages()).map((m) => queue.delete(m.messageId)));
    target ??= await inProcessTarget(lakeDir, config.settings, deadLetterDir);
    const lines: string[] = [];
    const causes = new Map<string, string>();
    // Only Stripe's EventBridge delivery parks a demo event (the oversize invoice): only then, or when a fault parked some, is there a count of them.
    const summary: DemoResult["summary"] = { received: 0, stored: 0, ignored: 0, rejected: 0, ...(eventBridge && { parked: 0 }) };
    try {
        const answers = [];
        for (const delivery of deliveries) {
            answers.push(await postEvent(target.url, payloadOf(delivery), delivery.badSignature ? `whsec_wrong${randomBytes(8).toString("hex")}` : target.secret));
        }
        const unfinished = await target.settle(deliveries.filter((d) => d.expected !== "rejected").map((d) => d.event.id));
        const stored = new Set(await lake.list(lakePrefix));
        const parked = new Map<string, ParkedMessage[]>();
        for (const message of await demoMessages()) {
            const id = parkedEventId(message) ?? "";
            parked.set(id, [...(parked.get(id) ?? []), message]);
        }
        for (const [i, { label, event, expected, key }] of deliveries.entries()) {
            const problems: string[] = [];
            const status = answers[i].status;
            const copies = parked.get(event.id) ?? [];
            const why = unfinished.get(event.id);
            summary.received += 1;
            if (status >= 400) summary.rejected += 1;
            else if (stored.has(key)) summary.stored += 1;
            else if (copies.length > 0) summary.parked = (summary.parked ?? 0) + 1;
            else if (why !== undefined) summary.unfinished = (summary.unfinished ?? 0) + 1;
            else summary.ignored += 1;
            if (status !== (expected === "rejected" ? 400 : 200)) problems.push(`HTTP ${status} ${answers[i].body}`);
            // Why an event that should be in the lake is not, or is there and parked too: the parking error, or the failed run's.
            const reasons = [...(expected === "parked" ? [] : copies.map((m) => `parked (${parkedError(m) ?? "no error recorded"})`)), ...(why === undefined ? [] : [why])];
            if (isStored(expected)) {
                const body = stored.has(key) ? await fs.readFile(lake.pathOf(key), "utf8") : undefined;
                if (body === undefined && reasons.length === 0) problems.push(`no object at ${key}`);
                else if (body !== undefined && body !== JSON.stringify(event)) problems.push(`object at ${key} differs from the event`);
                if (body !== undefined && [...stored].filter((k) => k.endsWith(`/${event.id}.json`)).length !== 1) problems.push("more than one object for the event id");
            } else if (stored.has(key)) {
                problems.push(`an object was written at ${key}`);
            }
            if (expected === "parked" && copies.length !== 1) problems.push(`${copies.length} messages in the dead-letter folder, expected 1`);
            problems.push(...reasons);
            if (reasons.length > 0 && !causes.has(event.id)) causes.set(event.id, reasons[0]);
            const outcomes = target.outcomes?.(event.id);
            if (outcomes && expected !== "rejected" && !outcomes.includes(expected)) problems.push(`pipeline reported ${outcomes.join(", ") || "nothing"}`);
            lines.push(`${problems.length === 0 ? "ok  " : "FAIL"} ${label.padEnd(34)} ${expected.padEnd(8)} ${isStored(expected) ? key : ""}${problems.length ? `  <- ${problems.join("; ")}` : ""}`);
        }
    } finally {
        await target.close();
    }
    return { ok: lines.every((line) => line.startsWith("ok")), lines, summary, causes: [...causes.values()] };
}

export async function main(argv: string[], io: CliIo): Promise<number> {
    return demoCommand.run(argv, io, async (flags) => {
        const lakeDir = path.resolve(io.cwd, flags.lake);
        const deadLetterDir = flags["dead-letter"] === undefined ? undefined : path.resolve(io.cwd, flags["dead-letter"]);
        const config = withIngestion(loadStackConfig(flags.stack), flags.ingestion);
        let target: DemoTarget | undefined;
        if (flags.url !== undefined) {
            const { secret, generated } = config.settings.ingestion === "eventbridge" ? { secret: undefined, generated: false } : localSigningSecret(io.env);
            if (generated) throw new UsageError("--url posts to a running npm start: set STRIPE_WEBHOOK_SECRET to the secret it printed");
            const twin = await twinInfo(flags.url);
            const mine = { lake: lakeDir, deadLetter: deadLetterDir, lakePrefix: config.settings.lakePrefix, ingestion: config.settings.ingestion, stack: config.stack };
            const differences = twinMismatches(flags.url, twin, mine);
            if (differences.length > 0) throw new UsageError(differences.join("\n"));
            target = runningTarget(flags.url, secret, twin);
        }
        const result = await runDemo(lakeDir, config, target, deadLetterDir);
        const s = result.summary;
        const counts =
            `received ${s.received}, stored ${s.stored}, ignored ${s.ignored}, rejected ${s.rejected}` +
            `${s.parked === undefined ? "" : `, parked ${s.parked}`}${s.unfinished === undefined ? "" : `, unfinished ${s.unfinished}`}; lake ${lakeDir}`;
        io.stdout.write([...result.lines, counts, result.ok ? "demo: every outcome as expected" : "demo: some outcomes were not as expected"].map((line) => `${line}\n`).join(""));
        if (result.causes.length > 0) {
            // The FAIL lines say it per event; this says it once, with what to do.
            const redriveFlags = deadLetterDir === undefined ? `--lake ${flags.lake}` : `--lake ${flags.lake} --dead-letter ${flags["dead-letter"]}`;
            io.stderr.write(
                `error: ${result.causes.length} demo event(s) are not stored in the lake; the first: ${result.causes[0]}\n` +
                    `Fix that cause (docs/durability.md), then store the parked events with: npm run redrive -- ${redriveFlags}\n`,
            );
        }
        return result.ok ? 0 : 1;
    });
}

if (require.main === module) {
    runMain(main);
}
