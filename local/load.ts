/**
 * `npm run load -- --events N --concurrency C [--stack dev] [--lake DIR]`: posts N distinct signed
 * events through the local pipeline with C requests in flight, checks that exactly N distinct
 * objects exist afterwards, and prints throughput, latency and peak memory next to the floor
 * (writing the same N objects directly). Client and pipeline share one Node process, as the local
 * pipeline is meant to be run; the peak memory is that process's.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import Stripe from "stripe";
import { objectKey } from "../components/lake/layout";
import { matchesEventPattern } from "../components/routing/eventPattern";
import { integerFlag, loadConfigFor, parseFlags, runCli } from "./cli";
import { toEventBridgeEvent } from "./eventBridge";
import { LocalLake } from "./lake";
import { LocalPipeline } from "./pipeline";
import { loadSamples, SampleEvent } from "./samples";
import { startServer } from "./server";

const USAGE = "npm run load -- --events N --concurrency C [--stack dev] [--lake DIR (default: a fresh temporary folder)]";

function percentile(sorted: number[], p: number): number {
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Runs `task(i)` for i in [0, n) with at most `concurrency` running at once. */
async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(concurrency, n) }, async () => {
        while (next < n) await task(next++);
    }));
}

runCli(async () => {
    const flags = parseFlags({ events: { type: "string", default: "1000" }, concurrency: { type: "string", default: "50" } }, USAGE);
    const n = integerFlag("events", String(flags.events), 1, 10_000_000);
    const concurrency = integerFlag("concurrency", String(flags.concurrency), 1, 10_000);
    const config = loadConfigFor(flags.stack);
    const prefix = config.settings.lakePrefix;
    const lakeDir = process.argv.includes("--lake") ? path.resolve(flags.lake) : fs.mkdtempSync(path.join(os.tmpdir(), "stripe-load-"));
    const secret = `whsec_load${randomBytes(16).toString("hex")}`;

    const pipeline = new LocalPipeline({ settings: config.settings, lakeDir, signingSecrets: [secret] });
    // Only types the stack's rule archives, so every event must end in the lake.
    const templates = loadSamples().filter((e) => matchesEventPattern(pipeline.pattern, toEventBridgeEvent({ Source: "stripe-analytics.webhook", DetailType: e.type, Detail: JSON.stringify(e) }) as never));
    if (templates.length === 0) throw new Error(`stack ${flags.stack} archives none of the bundled sample types`);
    const run = randomBytes(3).toString("hex");
    const events: SampleEvent[] = Array.from({ length: n }, (_, i) => ({ ...templates[i % templates.length], id: `evt_load${run}${String(i).padStart(8, "0")}` }));
    const signer = new Stripe("sk_test_unused").webhooks;
    const requests = events.map((event) => {
        const payload = JSON.stringify(event, null, 2);
        return { payload, header: signer.generateTestHeaderString({ payload, secret }) };
    });

    const server = await startServer(pipeline, 0);
    const url = `http://127.0.0.1:${server.port}/webhook`;
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
    const latencies: number[] = new Array(n);
    let failures = 0;
    const started = performance.now();
    await pool(n, concurrency, async (i) => {
        const t = performance.now();
        const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": requests[i].header }, body: requests[i].payload });
        await response.arrayBuffer();
        latencies[i] = performance.now() - t;
        if (response.status !== 200) failures += 1;
    });
    await pipeline.idle();
    const elapsed = (performance.now() - started) / 1000;
    clearInterval(sampler);
    await new Promise((resolve) => server.close(resolve));

    const lake = new LocalLake(lakeDir);
    const stored = new Set(await lake.list(prefix));
    const missing = events.filter((e) => !stored.has(objectKey(prefix, e))).length;

    // The floor: the same objects written straight into a fresh folder, same concurrency.
    const floorDir = fs.mkdtempSync(path.join(os.tmpdir(), "stripe-floor-"));
    const floorLake = new LocalLake(floorDir);
    const floorStarted = performance.now();
    await pool(n, concurrency, (i) => floorLake.putObject(objectKey(prefix, events[i]), JSON.stringify(events[i])));
    const floorElapsed = (performance.now() - floorStarted) / 1000;
    fs.rmSync(floorDir, { recursive: true, force: true });

    latencies.sort((a, b) => a - b);
    const rate = n / elapsed;
    const floorRate = n / floorElapsed;
    console.log(`node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, stack ${flags.stack}`);
    console.log(`events ${n}, concurrency ${concurrency}, lake ${lakeDir}`);
    console.log(`pipeline  ${rate.toFixed(0).padStart(7)} events/s   p50 ${percentile(latencies, 50).toFixed(2)} ms   p99 ${percentile(latencies, 99).toFixed(2)} ms   peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB   (${elapsed.toFixed(2)} s until all stored)`);
    console.log(`floor     ${floorRate.toFixed(0).padStart(7)} events/s   (the same ${n} objects written directly, ${floorElapsed.toFixed(2)} s)`);
    console.log(`ratio     pipeline takes ${(floorRate / rate).toFixed(1)}x the floor's time per event`);
    const ok = failures === 0 && missing === 0 && stored.size === n;
    console.log(ok ? `check     ${n} distinct objects in the lake, as posted` : `check     FAILED: ${failures} non-200 answers, ${missing} events missing, ${stored.size} objects for ${n} events`);
    if (!process.argv.includes("--lake")) fs.rmSync(lakeDir, { recursive: true, force: true });
    return ok ? 0 : 1;
});
