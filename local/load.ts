/**
 * `npm run load -- --events N --concurrency C [--stack dev] [--lake DIR]`: posts N distinct signed
 * events through the local pipeline with C requests in flight, checks that exactly N distinct
 * objects exist afterwards, and prints throughput, latency and peak memory next to the floor.
 *
 * The pipeline runs as `npm start` does, durably: each event is in the journal, flushed to disk,
 * before it is answered, and written once to the lake. The requests come from a worker thread, as
 * they would from `stripe listen` in a process of its own, so the figures are the pipeline's and not
 * the HTTP client's. The floor is the same disk work done directly, at the same concurrency:
 * appending the same journal entries (flushed, in group commits) and writing the same lake files.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { objectKey } from "../components/lake/layout";
import { EVENT_SOURCE, matchesEventPattern } from "../components/routing/eventPattern";
import { loadSamples, SampleEvent } from "../fixtures/samples";
import { signatureHeader } from "../fixtures/stripeWebhooks";
import { CliIo, defineCommand, integerFlag, runMain } from "../lib/cli";
import { toEventBridgeEvent } from "../lib/eventBridge";
import { Journal } from "../lib/journal";
import { besideLake, LAKE_OPTION, LocalLake } from "../lib/lakeStore";
import { runPool } from "../lib/pool";
import { loadStackConfig, STACK_OPTION } from "../lib/stackConfig";
import { LocalPipeline } from "./pipeline";
import { startServer, stopServer } from "./server";

export const loadCommand = defineCommand({
    name: "load",
    summary: "Load test of the local pipeline: posts N distinct signed events with C requests in flight.",
    description:
        "Checks that exactly N distinct objects are in the lake afterwards and prints throughput, latency and peak memory next " +
        "to the floor (the same journal entries and lake files written directly). The pipeline is durable, as npm start is: " +
        "an event is answered once it is flushed to the journal. Only sample types the stack archives are posted. Exit code 1 when the check fails.",
    options: {
        events: { type: "string", default: "1000", placeholder: "N", description: "events to post, 1 to 10,000,000" },
        concurrency: { type: "string", default: "50", placeholder: "C", description: "requests in flight, 1 to 10,000" },
        stack: STACK_OPTION,
        lake: { ...LAKE_OPTION, default: undefined, defaultText: "a fresh temporary folder, removed afterwards" },
    },
    examples: ["npm run load -- --events 200 --concurrency 20", "npm run load -- --events 10000 --concurrency 50"],
});

/**
 * CPU time of this process's main thread in ms, from Linux's /proc (undefined elsewhere): the
 * pipeline's own thread, which the figures do not share with the HTTP client. CPU time, unlike
 * wall time, is barely changed by other load on the machine.
 */
function mainThreadCpuMs(): number | undefined {
    try {
        const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        // utime and stime, fields 14 and 15 of proc_pid_stat(5), in clock ticks of 10 ms.
        return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
        return undefined;
    }
}

function percentile(sorted: number[], p: number): number {
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * The HTTP client, in plain JavaScript for a worker thread: posts every request with `concurrency`
 * in flight and sends back each one's latency and status.
 */
const CLIENT = `
const http = require("node:http");
const { parentPort, workerData } = require("node:worker_threads");
const { url, requests, concurrency } = workerData;
// node:http with kept-alive connections: the lightest client there is, so the figures are the pipeline's.
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const latencies = new Array(requests.length);
const statuses = new Array(requests.length);
let next = 0;
function post(request) {
    return new Promise((resolve, reject) => {
        const req = http.request(url, { method: "POST", agent, headers: { "content-type": "application/json", "stripe-signature": request.header, "content-length": Buffer.byteLength(request.payload) } }, (response) => {
            response.resume();
            response.on("end", () => resolve(response.statusCode));
        });
        req.on("error", reject);
        req.end(request.payload);
    });
}
async function worker() {
    while (next < requests.length) {
        const i = next++;
        const t = performance.now();
        statuses[i] = await post(requests[i]);
        latencies[i] = performance.now() - t;
    }
}
Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, worker)).then(() => {
    agent.destroy();
    parentPort.postMessage({ latencies, statuses });
});
`;

function postFromWorker(url: string, requests: { payload: string; header: string }[], concurrency: number): Promise<{ latencies: number[]; statuses: number[] }> {
    const worker = new Worker(CLIENT, { eval: true, workerData: { url, requests, concurrency } });
    return new Promise((resolve, reject) => {
        worker.once("message", (result) => {
            resolve(result);
            void worker.terminate();
        });
        worker.once("error", reject);
    });
}

/** The floor: the twin's disk work for each event, without HTTP, receiver or workflow. */
async function floor(events: SampleEvent[], concurrency: number, prefix: string): Promise<number> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stripe-floor-"));
    try {
        const lake = new LocalLake(path.join(dir, "lake"));
        const journal = await Journal.open(path.join(dir, "journal"));
        const started = performance.now();
        await runPool(events, concurrency, async (event) => {
            const seq = await journal.append(toEventBridgeEvent({ Source: EVENT_SOURCE, DetailType: event.type, Detail: JSON.stringify(event), Time: new Date(event.created * 1000) }));
            await lake.putObject(objectKey(prefix, event), JSON.stringify(event), { ifNoneMatch: "*" });
            journal.finish(seq);
        });
        const elapsed = (performance.now() - started) / 1000;
        await journal.close();
        return elapsed;
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

export async function main(argv: string[], io: CliIo): Promise<number> {
    return loadCommand.run(argv, io, async (flags) => {
        const print = (line: string) => io.stdout.write(`${line}\n`);
        const n = integerFlag("events", flags.events, 1, 10_000_000);
        const concurrency = integerFlag("concurrency", flags.concurrency, 1, 10_000);
        const config = loadStackConfig(flags.stack);
        const prefix = config.settings.lakePrefix;
        const lakeDir = flags.lake !== undefined ? path.resolve(io.cwd, flags.lake) : fs.mkdtempSync(path.join(os.tmpdir(), "stripe-load-"));
        const secret = `whsec_load${randomBytes(16).toString("hex")}`;

        const pipeline = new LocalPipeline({ settings: config.settings, lakeDir, signingSecrets: [secret] });
        // Only types the stack's rule archives, so every event must end in the lake.
        const templates = loadSamples().filter((e) => matchesEventPattern(pipeline.pattern, toEventBridgeEvent({ Source: EVENT_SOURCE, DetailType: e.type, Detail: JSON.stringify(e) })));
        if (templates.length === 0) throw new Error(`stack ${flags.stack} archives none of the bundled sample types`);
        const run = randomBytes(3).toString("hex");
        const events: SampleEvent[] = Array.from({ length: n }, (_, i) => ({ ...templates[i % templates.length], id: `evt_load${run}${String(i).padStart(8, "0")}` }));
        const requests = events.map((event) => {
            const payload = JSON.stringify(event, null, 2);
            return { payload, header: signatureHeader(payload, Math.floor(Date.now() / 1000), secret) };
        });

        await pipeline.start();
        const server = await startServer(pipeline, 0);
        const url = `http://127.0.0.1:${server.port}/webhook`;
        let peakRss = process.memoryUsage.rss();
        const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
        const started = performance.now();
        const cpuBefore = process.cpuUsage();
        const mainBefore = mainThreadCpuMs();
        const { latencies, statuses } = await postFromWorker(url, requests, concurrency);
        await pipeline.idle();
        const elapsed = (performance.now() - started) / 1000;
        const cpu = process.cpuUsage(cpuBefore);
        const mainAfter = mainThreadCpuMs();
        clearInterval(sampler);
        await stopServer(server);
        await pipeline.stop();

        const lake = new LocalLake(lakeDir);
        const stored = new Set(await lake.list(prefix));
        const missing = events.filter((e) => !stored.has(objectKey(prefix, e))).length;
        const failures = statuses.filter((s) => s !== 200).length;
        const floorElapsed = await floor(events, concurrency, prefix);

        latencies.sort((a, b) => a - b);
        const rate = n / elapsed;
        const floorRate = n / floorElapsed;
        print(`node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, stack ${flags.stack}, durable (journal flushed before each answer)`);
        print(`events ${n}, concurrency ${concurrency}, lake ${lakeDir}`);
        print(`pipeline  ${rate.toFixed(0).padStart(7)} events/s   p50 ${percentile(latencies, 50).toFixed(2)} ms   p99 ${percentile(latencies, 99).toFixed(2)} ms   peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB   (${elapsed.toFixed(2)} s until all stored)`);
        const mainCpu = mainBefore === undefined || mainAfter === undefined ? "" : `, of which the pipeline's thread ${((mainAfter - mainBefore) / n).toFixed(2)} ms`;
        print(`cpu       ${((cpu.user + cpu.system) / 1000 / n).toFixed(2)} ms per event in all threads (client and disk calls included)${mainCpu}`);
        print(`floor     ${floorRate.toFixed(0).padStart(7)} events/s   (the same ${n} journal entries and lake files written directly, ${floorElapsed.toFixed(2)} s)`);
        print(`ratio     pipeline takes ${(floorRate / rate).toFixed(1)}x the floor's time per event`);
        const ok = failures === 0 && missing === 0 && stored.size === n;
        print(ok ? `check     ${n} distinct objects in the lake, as posted` : `check     FAILED: ${failures} non-200 answers, ${missing} events missing, ${stored.size} objects for ${n} events`);
        if (flags.lake === undefined) {
            for (const dir of [lakeDir, besideLake(lakeDir, ".dead-letter"), pipeline.journalDir]) fs.rmSync(dir, { recursive: true, force: true });
        }
        return ok ? 0 : 1;
    });
}

if (require.main === module) {
    runMain(main);
}
