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
import { objectKey } from "../components/lake/layout";
import { EVENT_SOURCE, matchesEventPattern } from "../components/routing/eventPattern";
import { loadSamples, SampleEvent } from "../fixtures/samples";
import { signatureHeader } from "../fixtures/stripeWebhooks";
import { CliIo, defineCommand, integerFlag, runMain } from "../lib/cli";
import { toEventBridgeEvent } from "../lib/eventBridge";
import { LAKE_OPTION, LocalLake } from "../lib/lakeStore";
import { runPool } from "../lib/pool";
import { loadStackConfig, STACK_OPTION } from "../lib/stackConfig";
import { LocalPipeline } from "./pipeline";
import { startServer } from "./server";

export const loadCommand = defineCommand({
    name: "load",
    summary: "Load test of the local pipeline: posts N distinct signed events with C requests in flight.",
    description:
        "Checks that exactly N distinct objects are in the lake afterwards and prints throughput, latency and peak memory next " +
        "to the floor (the same N objects written directly). Only sample types the stack archives are posted. Exit code 1 when the check fails.",
    options: {
        events: { type: "string", default: "1000", placeholder: "N", description: "events to post, 1 to 10,000,000" },
        concurrency: { type: "string", default: "50", placeholder: "C", description: "requests in flight, 1 to 10,000" },
        stack: STACK_OPTION,
        lake: { ...LAKE_OPTION, default: undefined, defaultText: "a fresh temporary folder, removed afterwards" },
    },
    examples: ["npm run load -- --events 200 --concurrency 20"],
});

function percentile(sorted: number[], p: number): number {
    return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
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

        const server = await startServer(pipeline, 0);
        const url = `http://127.0.0.1:${server.port}/webhook`;
        let peakRss = process.memoryUsage().rss;
        const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
        const latencies: number[] = new Array(n);
        let failures = 0;
        const started = performance.now();
        await runPool(requests, concurrency, async (request, i) => {
            const t = performance.now();
            const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": request.header }, body: request.payload });
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
        await runPool(events, concurrency, (event) => floorLake.putObject(objectKey(prefix, event), JSON.stringify(event)));
        const floorElapsed = (performance.now() - floorStarted) / 1000;
        fs.rmSync(floorDir, { recursive: true, force: true });

        latencies.sort((a, b) => a - b);
        const rate = n / elapsed;
        const floorRate = n / floorElapsed;
        print(`node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, stack ${flags.stack}`);
        print(`events ${n}, concurrency ${concurrency}, lake ${lakeDir}`);
        print(`pipeline  ${rate.toFixed(0).padStart(7)} events/s   p50 ${percentile(latencies, 50).toFixed(2)} ms   p99 ${percentile(latencies, 99).toFixed(2)} ms   peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB   (${elapsed.toFixed(2)} s until all stored)`);
        print(`floor     ${floorRate.toFixed(0).padStart(7)} events/s   (the same ${n} objects written directly, ${floorElapsed.toFixed(2)} s)`);
        print(`ratio     pipeline takes ${(floorRate / rate).toFixed(1)}x the floor's time per event`);
        const ok = failures === 0 && missing === 0 && stored.size === n;
        print(ok ? `check     ${n} distinct objects in the lake, as posted` : `check     FAILED: ${failures} non-200 answers, ${missing} events missing, ${stored.size} objects for ${n} events`);
        if (flags.lake === undefined) fs.rmSync(lakeDir, { recursive: true, force: true });
        return ok ? 0 : 1;
    });
}

if (require.main === module) {
    runMain(main);
}
