/**
 * Benchmark of the receiver's hot path: verifying and parsing one signed Stripe event.
 *
 *   npm run bench:receiver            (BENCH_ROUNDS=N for more or fewer rounds; default 61)
 *
 * For bodies of about 2 KB, 20 KB and 200 KB it times three paths on the same signed request:
 * - ours: `WebhookVerifier.verify`, exactly what the receiver runs before publishing (size and
 *   header checks, timestamp, HMAC, constant-time compare, JSON.parse, event shape);
 * - `stripe.webhooks.constructEvent`, the stripe package's verification;
 * - the floor: one HMAC-SHA256 over `t.` + body and one JSON.parse, the least any verifier must do.
 * The paths take turns in short rounds (about 10 ms each). The figures are each path's best round,
 * as Python's timeit reports: other load on a shared machine only ever adds time, and a burst of it
 * lands on whichever path happens to run, so best rounds compare the paths and medians compare the
 * neighbours. The median is printed too, to show the spread. A script, not a test: it reports, it
 * does not assert.
 */
import { createHmac, createSecretKey } from "node:crypto";
import { deepStrictEqual } from "node:assert/strict";
import * as os from "node:os";
import Stripe from "stripe";
import { bundleReceiver } from "../components/receiver/bundle";
import { WebhookVerifier } from "../components/receiver/verify";
import { NOW, SIGNING_SECRET, signatureHeader, stripeEventBody } from "../fixtures/stripeWebhooks";

const SIZES = [2_000, 20_000, 200_000];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 61);
const ROUND_MS = 10;
const GOAL_VS_FLOOR = 1.2;

interface Path {
    name: string;
    run(): unknown;
}

/** Microseconds per call of `fn` over `iterations` calls. */
function time(fn: () => unknown, iterations: number): number {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn();
    return Number(process.hrtime.bigint() - start) / 1000 / iterations;
}

const median = (values: number[]): number => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

interface Timing {
    best: number;
    median: number;
}

/** µs per call of each path, best and median round, the paths interleaved round by round. */
function measure(paths: Path[]): Timing[] {
    const iterations = paths.map((p) => {
        time(p.run, 50); // warm up, then size a round to about ROUND_MS
        return Math.max(3, Math.round((ROUND_MS * 1000) / time(p.run, 100)));
    });
    const samples: number[][] = paths.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
        for (let k = 0; k < paths.length; k++) {
            const i = (round + k) % paths.length;
            samples[i].push(time(paths[i].run, iterations[i]));
        }
    }
    return samples.map((s) => ({ best: Math.min(...s), median: median(s) }));
}

const fmt = (n: number, digits = 0): string => n.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
const pad = (s: string, width: number, right = false): string => (right ? s.padStart(width) : s.padEnd(width));

console.log("Receiver benchmark: verify + parse one signed Stripe event, single-threaded");
console.log(`machine: ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, ${os.platform()} ${os.arch()}; Node ${process.version}, OpenSSL ${process.versions.openssl}`);
console.log(`best of ${ROUNDS} interleaved rounds of ~${ROUND_MS} ms per path and size (median in the last column)`);
console.log(`receiver bundle (esbuild, AWS SDK left to the runtime): ${fmt(Buffer.byteLength(bundleReceiver()))} bytes`);
console.log("");
console.log(
    `${pad("payload", 11)}${pad("path", 28)}${pad("µs/event", 10, true)}${pad("events/s", 10, true)}${pad("vs floor", 10, true)}${pad("vs constructEvent", 19, true)}${pad("median µs", 11, true)}`,
);

const verdicts: string[] = [];
for (const size of SIZES) {
    const body = stripeEventBody({ minBytes: size });
    const header = signatureHeader(body, NOW);
    const verifier = new WebhookVerifier([SIGNING_SECRET]);
    // The floor gets the cheapest HMAC there is: the key imported once, the body hashed as it is.
    const floorKey = createSecretKey(Buffer.from(SIGNING_SECRET, "utf8"));
    const request = { body, isBase64Encoded: false, signatureHeader: header };
    const paths: Path[] = [
        {
            name: "ours (WebhookVerifier)",
            run: () => {
                const result = verifier.verify(request, NOW);
                if (!result.ok) throw new Error(result.message);
                return result.event;
            },
        },
        { name: "stripe constructEvent", run: () => Stripe.webhooks.constructEvent(body, header, SIGNING_SECRET, 300, undefined, NOW * 1000) },
        {
            name: "floor (HMAC + JSON.parse)",
            run: () => {
                createHmac("sha256", floorKey).update(`${NOW}.`).update(body).digest();
                return JSON.parse(body);
            },
        },
    ];
    // All three must agree on the event, or the comparison means nothing.
    const expected = JSON.parse(body);
    for (const p of paths) deepStrictEqual(p.run(), expected, p.name);

    const timings = measure(paths);
    const [ours, stripe, floor] = timings.map((t) => t.best);
    const bytes = Buffer.byteLength(body);
    timings.forEach(({ best, median: mid }, i) => {
        const label = i === 0 ? `${fmt(bytes)} B` : "";
        console.log(
            `${pad(label, 11)}${pad(paths[i].name, 28)}${pad(fmt(best, 1), 10, true)}${pad(fmt(1e6 / best), 10, true)}${pad(`${(best / floor).toFixed(2)}x`, 10, true)}${pad(`${(best / stripe).toFixed(2)}x`, 19, true)}${pad(fmt(mid, 1), 11, true)}`,
        );
    });
    const meetsFloor = ours / floor <= GOAL_VS_FLOOR;
    const meetsStripe = ours <= stripe;
    verdicts.push(`${fmt(bytes)} B: ours/floor ${(ours / floor).toFixed(2)}x ${meetsFloor ? "<=" : ">"} ${GOAL_VS_FLOOR}x, ours/constructEvent ${(ours / stripe).toFixed(2)}x ${meetsStripe ? "<=" : ">"} 1x`);
}
console.log("");
console.log("goals (ours within 1.2x of the floor, never slower than constructEvent):");
for (const verdict of verdicts) console.log(`  ${verdict}`);
