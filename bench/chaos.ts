/**
 * `npm run chaos`: the twin's fault test, on loopback, by itself, in bounded loops. Every request
 * goes to 127.0.0.1. Checks the twin's promise: an event answered 200 ends in the lake or in the
 * dead-letter folder (after a restart and a redrive, if it takes those), nothing else.
 *
 * - kill -9 mid-load (--runs times): `npm start` as a child process on a fresh lake; --events
 *   distinct signed events, a tenth of them delivered twice, with --concurrency requests in flight;
 *   SIGKILL once half are answered; restart on the same lake; wait until the journal is empty; stop
 *   with Ctrl-C; redrive; count.
 * - a read-only lake: the lake folder made read-only (`chmod -R a-w`; as root the twin runs as
 *   `nobody`, since root ignores the mode bits): every event answered 200 is parked; then the lake
 *   is made writable again and redrive stores them.
 * - inputs the lake cannot hold: an oversize event, an event nested 100,000 levels deep, an id
 *   and a type far longer than Stripe's.
 *
 * Prints per run: acknowledged (answered 200), stored, parked, lost (answered 200, but neither in
 * the lake nor in the dead-letter folder), plus what else it checks (temporary files, file modes,
 * one object per event id). Exit code 1 if anything is lost or a check fails. The figures belong in
 * docs/durability.md, measured on a quiet machine.
 */
import { ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { objectKey, parseObjectKey } from "../components/lake/layout";
import { EVENT_SOURCE, matchesEventPattern } from "../components/routing/eventPattern";
import { loadSamples, oversize, SampleEvent } from "../fixtures/samples";
import { signatureHeader } from "../fixtures/stripeWebhooks";
import { CliIo, defineCommand, integerFlag, runMain } from "../lib/cli";
import { toEventBridgeEvent } from "../lib/eventBridge";
import { journalFolder, readJournal } from "../lib/journal";
import { deadLetterFolder } from "../lib/lakeStore";
import { loadStackConfig, STACK_OPTION } from "../lib/stackConfig";
import { main as redriveMain } from "../ops/redrive-cli";

export const chaosCommand = defineCommand({
    name: "chaos",
    npmScriptOnly: true,
    summary: "Fault test of the twin on loopback: kill -9 mid-load, a read-only lake, inputs the lake cannot hold.",
    description:
        "Starts `npm start` as a child process and checks that every event it answered 200 ends in the lake or the dead-letter folder " +
        "after a restart and `npm run redrive`: per run, acknowledged, stored, parked and lost (answered 200 but in neither). Exit code 1 if any is lost.",
    options: {
        events: { type: "string", default: "5000", placeholder: "N", description: "events posted per kill -9 run, 10 to 1,000,000" },
        concurrency: { type: "string", default: "50", placeholder: "C", description: "requests in flight, 1 to 1,000" },
        runs: { type: "string", default: "3", placeholder: "R", description: "kill -9 runs, 1 to 100" },
        stack: STACK_OPTION,
    },
    examples: ["npm run chaos", "npm run chaos -- --events 500 --runs 1"],
});

const REPO = path.resolve(__dirname, "..");
const NOBODY = 65534;

/** `npm start` running as a child process on loopback. */
export interface Twin {
    url: string;
    process: ChildProcess;
    /** Everything it printed so far. */
    output(): string;
    exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface TwinOptions {
    lakeDir: string;
    secret: string;
    stack?: string;
    /** Run as this user (and group); root ignores the mode bits a read-only lake is made of. */
    uid?: number;
    extraArgs?: string[];
}

/** Starts the twin on a free port; resolves once it listens. */
export function startTwin(options: TwinOptions): Promise<Twin> {
    const child = spawn(
        process.execPath,
        ["-r", require.resolve("ts-node/register/transpile-only"), path.join(REPO, "local", "start.ts"), "--port", "0", "--lake", options.lakeDir, "--stack", options.stack ?? "dev", ...(options.extraArgs ?? [])],
        {
            cwd: REPO,
            env: { ...process.env, STRIPE_WEBHOOK_SECRET: options.secret },
            stdio: ["ignore", "pipe", "pipe"],
            ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
        },
    );
    let output = "";
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    return new Promise((resolve, reject) => {
        const onData = (chunk: Buffer) => {
            output += chunk.toString("utf8");
            const listening = /listening\s+http:\/\/127\.0\.0\.1:(\d+)\/webhook/.exec(output);
            if (listening) {
                child.stdout?.off("data", onData).on("data", (more: Buffer) => (output += more.toString("utf8")));
                resolve({ url: `http://127.0.0.1:${listening[1]}/webhook`, process: child, output: () => output, exited });
            }
        };
        child.stdout?.on("data", onData);
        child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
        void exited.then(({ code, signal }) => reject(new Error(`npm start exited (${code ?? signal}) before listening:\n${output}`)));
    });
}

/** Ctrl-C, and the wait for the exit. */
export async function stopTwin(twin: Twin): Promise<void> {
    twin.process.kill("SIGINT");
    await twin.exited;
}

export interface Delivery {
    event: SampleEvent;
    /** The body exactly as posted (events are pretty-printed, as Stripe sends them). */
    payload: string;
}

/** Distinct events of types the stack archives, `duplicates` of them delivered twice (a redelivery). */
export function deliveriesFor(count: number, stack: string, duplicates = 0): Delivery[] {
    const pattern = loadStackConfig(stack).settings.eventPattern;
    const templates = loadSamples().filter((e) => matchesEventPattern(pattern, toEventBridgeEvent({ Source: EVENT_SOURCE, DetailType: e.type, Detail: JSON.stringify(e) })));
    const run = randomBytes(3).toString("hex");
    const events = Array.from({ length: count }, (_, i) => ({ ...templates[i % templates.length], id: `evt_chaos${run}${String(i).padStart(8, "0")}` }));
    const deliveries = events.map((event) => ({ event, payload: JSON.stringify(event, null, 2) }));
    // Each repeated one goes again right after its first delivery's position, as a Stripe retry would arrive mid-stream.
    return deliveries.flatMap((d, i) => (i < duplicates ? [d, d] : [d]));
}

/** Posts the deliveries with `concurrency` in flight; `stopAfter` answers, no new one starts. Returns the ids answered 200. */
export async function post(url: string, secret: string, deliveries: { payload: string; id: string }[], concurrency: number, onAnswer?: (answered: number) => void): Promise<{ acknowledged: Set<string>; answers: Map<string, number[]> }> {
    const acknowledged = new Set<string>();
    const answers = new Map<string, number[]>();
    let next = 0;
    let answered = 0;
    let stopped = false;
    const worker = async () => {
        while (!stopped && next < deliveries.length) {
            const { payload, id } = deliveries[next++];
            let status = 0;
            try {
                const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": signatureHeader(payload, Math.floor(Date.now() / 1000), secret) }, body: payload });
                await response.arrayBuffer();
                status = response.status;
            } catch {
                // The connection broke: the twin was killed. Not acknowledged.
                stopped = true;
            }
            answers.set(id, [...(answers.get(id) ?? []), status]);
            if (status === 200) acknowledged.add(id);
            onAnswer?.(++answered);
        }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { acknowledged, answers };
}

/** The event ids in the lake and in the dead-letter folder, and what else is there that should not be. */
export interface Inventory {
    stored: Set<string>;
    parked: Set<string>;
    /** Temporary files (a write cut short that the next start did not clean up). */
    temporary: string[];
    /** Files that are not 0600 or folders that are not 0700. */
    exposed: string[];
    /** Objects per event id beyond the first (a write that was not write-once). */
    extraObjects: number;
    /** Files in the lake folder that are not events at the lake layout's keys. */
    strays: string[];
}

function walk(dir: string, visit: (file: string, stat: fs.Stats) => void): void {
    if (!fs.existsSync(dir)) return;
    visit(dir, fs.statSync(dir));
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full, visit);
        else visit(full, fs.statSync(full));
    }
}

export function inventory(lakeDir: string, deadLetterDir: string, journalDir: string, prefix: string): Inventory {
    const result: Inventory = { stored: new Set(), parked: new Set(), temporary: [], exposed: [], extraObjects: 0, strays: [] };
    const check = (file: string, stat: fs.Stats) => {
        if (file.endsWith(".tmp")) result.temporary.push(file);
        const mode = stat.mode & 0o777;
        if (mode !== (stat.isDirectory() ? 0o700 : 0o600)) result.exposed.push(`${file} ${mode.toString(8)}`);
    };
    walk(lakeDir, (file, stat) => {
        check(file, stat);
        if (!stat.isFile() || file.endsWith(".tmp")) return;
        const key = path.relative(lakeDir, file).split(path.sep).join("/");
        const id = parseObjectKey(prefix, key)?.id;
        if (id === undefined) return void result.strays.push(key);
        if (result.stored.has(id)) result.extraObjects += 1;
        result.stored.add(id);
    });
    walk(deadLetterDir, (file, stat) => {
        check(file, stat);
        if (!stat.isFile() || !file.endsWith(".json")) return;
        const message = JSON.parse(fs.readFileSync(file, "utf8")) as { body: string };
        const id = (JSON.parse(message.body) as { detail?: { id?: string } }).detail?.id;
        if (id) result.parked.add(id);
    });
    walk(journalDir, check);
    return result;
}

/** Waits until the journal has no unfinished event (the restarted twin has run them all), for at most `timeoutMs`. */
async function journalDrained(journalDir: string, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
        if ((await readJournal(journalDir)).unfinished.length === 0) return true;
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return false;
}

/** `npm run redrive` in this process, on the same folders; its output. */
async function redriveLake(lakeDir: string, stack: string): Promise<string> {
    let out = "";
    const io: CliIo = {
        stdout: { write: (text: string) => (out += text) },
        stderr: { write: (text: string) => (out += text) },
        env: {},
        cwd: REPO,
        exec: () => "",
        now: () => new Date(),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    };
    await redriveMain(["--lake", lakeDir, "--stack", stack], io);
    return out;
}

export interface RunResult {
    label: string;
    acknowledged: number;
    stored: number;
    parked: number;
    lost: number;
    /** What else was wrong: temporary files, exposed files, extra objects, answers other than expected. */
    problems: string[];
    notes: string[];
}

function count(label: string, acknowledged: Set<string>, found: Inventory, problems: string[], notes: string[]): RunResult {
    const stored = [...acknowledged].filter((id) => found.stored.has(id)).length;
    const parked = [...acknowledged].filter((id) => !found.stored.has(id) && found.parked.has(id)).length;
    const lost = acknowledged.size - stored - parked;
    if (found.temporary.length > 0) problems.push(`${found.temporary.length} temporary file(s) left, e.g. ${found.temporary[0]}`);
    if (found.exposed.length > 0) problems.push(`${found.exposed.length} file(s) or folder(s) readable by others, e.g. ${found.exposed[0]}`);
    if (found.extraObjects > 0) problems.push(`${found.extraObjects} event id(s) with more than one object`);
    if (found.strays.length > 0) problems.push(`${found.strays.length} file(s) in the lake that are not events, e.g. ${found.strays[0]}`);
    return { label, acknowledged: acknowledged.size, stored, parked, lost, problems, notes };
}

/** A fresh folder for one run's lake, dead-letter folder and journal (beside each other, as by default), and a look at them. */
function freshFolders(stack: string, owner?: number): { base: string; lakeDir: string; deadLetterDir: string; journalDir: string; look(): Inventory } {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), "stripe-chaos-"));
    if (owner !== undefined) fs.chownSync(base, owner, owner);
    const lakeDir = path.join(base, "lake");
    const deadLetterDir = deadLetterFolder(lakeDir);
    const journalDir = journalFolder(lakeDir);
    const prefix = loadStackConfig(stack).settings.lakePrefix;
    return { base, lakeDir, deadLetterDir, journalDir, look: () => inventory(lakeDir, deadLetterDir, journalDir, prefix) };
}

export interface KillOptions {
    events: number;
    concurrency: number;
    stack: string;
    /** Kill once this many requests are answered. Default: half of them. */
    killAfter?: number;
}

/** One kill -9 run: load, SIGKILL mid-load, restart, wait, stop, redrive, count. */
export async function killMidLoad(options: KillOptions, label = "kill -9"): Promise<RunResult> {
    const { base, lakeDir, journalDir, look } = freshFolders(options.stack);
    const secret = `whsec_chaos${randomBytes(12).toString("hex")}`;
    const deliveries = deliveriesFor(options.events, options.stack, Math.floor(options.events / 10)).map((d) => ({ payload: d.payload, id: d.event.id }));
    const killAfter = options.killAfter ?? Math.floor(deliveries.length / 2);
    const problems: string[] = [];
    try {
        const first = await startTwin({ lakeDir, secret, stack: options.stack });
        let killed = false;
        const { acknowledged } = await post(first.url, secret, deliveries, options.concurrency, (answered) => {
            if (!killed && answered >= killAfter) {
                killed = true;
                first.process.kill("SIGKILL");
            }
        });
        await first.exited;
        const temporaryAtKill = look().temporary.length;

        const second = await startTwin({ lakeDir, secret, stack: options.stack });
        if (!(await journalDrained(journalDir, 120_000))) problems.push("the restarted twin did not empty its journal within 120 s");
        await stopTwin(second);
        const resumed = /resumed\s+(\d+) accepted event/.exec(second.output())?.[1] ?? "0";
        const redrive = await redriveLake(lakeDir, options.stack);
        const notes = [`killed after ${killAfter} answers`, `${resumed} resumed from the journal`, `${temporaryAtKill} temporary file(s) at the kill, cleaned at restart`, redrive.split("\n")[0]];
        return count(label, acknowledged, look(), problems, notes);
    } finally {
        fs.rmSync(base, { recursive: true, force: true });
    }
}

function chmodTree(dir: string, writable: boolean): void {
    walk(dir, (file, stat) => fs.chmodSync(file, writable ? stat.mode | 0o200 : stat.mode & ~0o222));
}

function chownTree(dir: string, uid: number): void {
    walk(dir, (file) => fs.chownSync(file, uid, uid));
}

/** The lake folder read-only: answered events must be parked, and redrive stores them once it is writable again. */
export async function readOnlyLake(options: { events: number; stack: string }): Promise<RunResult> {
    const asRoot = process.getuid?.() === 0;
    const owner = asRoot ? NOBODY : undefined;
    const { base, lakeDir, look } = freshFolders(options.stack, owner);
    const secret = `whsec_chaos${randomBytes(12).toString("hex")}`;
    const deliveries = deliveriesFor(options.events, options.stack).map((d) => ({ payload: d.payload, id: d.event.id }));
    const problems: string[] = [];
    try {
        fs.mkdirSync(lakeDir, { mode: 0o700 });
        if (owner !== undefined) fs.chownSync(lakeDir, owner, owner);
        chmodTree(lakeDir, false);
        const twin = await startTwin({ lakeDir, secret, stack: options.stack, uid: owner });
        const { acknowledged } = await post(twin.url, secret, deliveries, 10);
        // The archive step's retries (5 s, then 10 s) come first; then each event is parked.
        const deadline = Date.now() + 90_000;
        while (Date.now() < deadline && look().parked.size < acknowledged.size) await new Promise((resolve) => setTimeout(resolve, 500));
        await stopTwin(twin);
        const parkedWhileReadOnly = look().parked.size;
        chmodTree(lakeDir, true);
        if (owner !== undefined) chownTree(base, process.getuid!());
        const redrive = await redriveLake(lakeDir, options.stack);
        const notes = [`${parkedWhileReadOnly} parked while the lake was read-only${asRoot ? " (the twin ran as nobody)" : ""}`, redrive.split("\n")[0]];
        return count("read-only lake", acknowledged, look(), problems, notes);
    } finally {
        chmodTree(lakeDir, true);
        fs.rmSync(base, { recursive: true, force: true });
    }
}

/** A body nested `depth` levels deep in arrays, validly signed: Stripe never sends one, but no input may make an acknowledged event vanish. */
function deepEvent(template: SampleEvent, depth: number): string {
    return JSON.stringify({ ...template, id: `${template.id}deep`, data: { object: "__DEEP__" } }).replace('"__DEEP__"', `${"[".repeat(depth)}${"]".repeat(depth)}`);
}

/** Inputs the lake cannot hold as they are: each must be refused, or stored, or parked; never acknowledged and lost. */
export async function awkwardInputs(options: { stack: string }): Promise<RunResult> {
    const { base, lakeDir, journalDir, look } = freshFolders(options.stack);
    const secret = `whsec_chaos${randomBytes(12).toString("hex")}`;
    const pattern = loadStackConfig(options.stack).settings.eventPattern;
    const archived = (type: string) => matchesEventPattern(pattern, { source: EVENT_SOURCE, "detail-type": type, detail: {} });
    const [template] = deliveriesFor(1, options.stack).map((d) => d.event);
    const invoice = loadSamples().find((e) => e.type === "invoice.paid") ?? template;
    const big = oversize({ ...invoice, id: `${template.id}big` });
    // A family the rule matches by prefix, so that the long type is archived, not dropped by the rule.
    const family = loadSamples().find((e) => archived(`${e.type}${"x".repeat(2000)}`)) ?? template;
    const inputs = [
        { label: "oversize", id: big.id, type: big.type, payload: JSON.stringify(big, null, 2) },
        { label: "nested 100,000 deep", id: `${template.id}deep`, type: template.type, payload: deepEvent(template, 100_000) },
        { label: "id of evt_ + 255 characters", id: `evt_${"a".repeat(255)}`, type: template.type, payload: JSON.stringify({ ...template, id: `evt_${"a".repeat(255)}` }, null, 2) },
        { label: "type of 2,000 characters", id: `${template.id}type`, type: `${family.type}${"x".repeat(2000)}`, payload: JSON.stringify({ ...family, id: `${template.id}type`, type: `${family.type}${"x".repeat(2000)}` }, null, 2) },
    ];
    const problems: string[] = [];
    try {
        const twin = await startTwin({ lakeDir, secret, stack: options.stack });
        const { acknowledged, answers } = await post(twin.url, secret, inputs, 1);
        if (!(await journalDrained(journalDir, 60_000))) problems.push("the twin did not empty its journal within 60 s");
        await stopTwin(twin);
        await redriveLake(lakeDir, options.stack);
        const notes = inputs.map((input) => `${input.label}: answered ${answers.get(input.id)?.join(",")}${archived(input.type) ? "" : " (a type the rule does not archive: dropped, as EventBridge does)"}`);
        const found = look();
        if (!found.stored.has(big.id)) problems.push(`the oversize event is not at ${objectKey(loadStackConfig(options.stack).settings.lakePrefix, big)}`);
        const toArchive = new Set(inputs.filter((input) => acknowledged.has(input.id) && archived(input.type)).map((input) => input.id));
        return count("inputs the lake cannot hold", toArchive, found, problems, notes);
    } finally {
        fs.rmSync(base, { recursive: true, force: true });
    }
}

export function formatRun(r: RunResult): string {
    return [
        `${r.label.padEnd(28)} acknowledged ${String(r.acknowledged).padStart(6)}   stored ${String(r.stored).padStart(6)}   parked ${String(r.parked).padStart(6)}   lost ${String(r.lost).padStart(6)}`,
        ...r.notes.map((n) => `    ${n}`),
        ...r.problems.map((p) => `    PROBLEM: ${p}`),
    ].join("\n");
}

export async function main(argv: string[], io: CliIo): Promise<number> {
    return chaosCommand.run(argv, io, async (flags) => {
        const events = integerFlag("events", flags.events, 10, 1_000_000);
        const concurrency = integerFlag("concurrency", flags.concurrency, 1, 1000);
        const runs = integerFlag("runs", flags.runs, 1, 100);
        const results: RunResult[] = [];
        const report = (result: RunResult) => {
            results.push(result);
            io.stdout.write(`${formatRun(result)}\n`);
        };
        io.stdout.write(`node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, stack ${flags.stack}, ${events} events per kill -9 run (a tenth delivered twice), ${concurrency} in flight\n`);
        for (let run = 1; run <= runs; run++) report(await killMidLoad({ events, concurrency, stack: flags.stack }, `kill -9 run ${run}/${runs}`));
        report(await readOnlyLake({ events: 20, stack: flags.stack }));
        report(await awkwardInputs({ stack: flags.stack }));
        const failed = results.filter((r) => r.lost > 0 || r.problems.length > 0);
        io.stdout.write(failed.length === 0 ? "chaos: every acknowledged event is in the lake or the dead-letter folder\n" : `chaos: FAILED in ${failed.map((r) => r.label).join(", ")}\n`);
        return failed.length === 0 ? 0 : 1;
    });
}

if (require.main === module) {
    runMain(main);
}
