/**
 * The WebAssembly body scan (components/receiver/jsonScan.wat) against the byte-by-byte walk it
 * replaced, kept here as the reference: the same result for every input, and work that stays
 * linear in the body's size whatever the body holds.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import wabt from "wabt";
import { createJsonScanner } from "../../../components/receiver/jsonScan";
import { JSON_SCAN_WASM } from "../../../components/receiver/jsonScan.generated";
import { MAX_BODY_BYTES, MAX_JSON_DEPTH, scanJson } from "../../../components/receiver/verify";
import { formatLikeStripe, stripeEventBody } from "../../../fixtures/stripeWebhooks";
import { loadSamples } from "../../../fixtures/samples";

const RECEIVER_DIR = path.resolve(__dirname, "../../../components/receiver");
const GENERATED_PATH = path.join(RECEIVER_DIR, "jsonScan.generated.ts");

/** The scan as verify.ts ran it in JavaScript before the kernel: the definition of the result. */
function referenceScan(bytes: Uint8Array, maxDepth: number): number {
    let depth = 0;
    let escapes = 0;
    const n = bytes.length;
    for (let i = 0; i < n; i++) {
        const c = bytes[i];
        if (c <= 0x20) continue;
        if (c === 0x22) {
            for (i++; i < n; i++) {
                const d = bytes[i];
                if (d === 0x22) break;
                if (d === 0x5c) {
                    i++;
                    escapes += bytes[i] === 0x22 || bytes[i] === 0x5c ? 2 : 1;
                }
            }
            escapes += 2;
        } else if (c === 0x5b || c === 0x7b) {
            if (++depth > maxDepth) return -1;
        } else if (c === 0x5d || c === 0x7d) {
            depth--;
        }
    }
    return escapes;
}

function renderGenerated(wasm: Uint8Array): string {
    return [
        "// Generated from jsonScan.wat by wabt's wat2wasm; do not edit. After changing jsonScan.wat, rewrite",
        '// it with `UPDATE_JSON_SCAN=1 npm test -- --grep "receiver JSON scan"`, then `npm run build`.',
        `export const JSON_SCAN_WASM = "${Buffer.from(wasm).toString("base64")}";`,
        "",
    ].join("\n");
}

/** A deterministic generator, so a failing input can be found again. */
function random(seed: number): (below: number) => number {
    let state = seed;
    return (below) => {
        state = (Math.imul(state, 1103515245) + 12345) >>> 0;
        return (state >>> 8) % below;
    };
}

const SIX_MB = MAX_BODY_BYTES;

describe("receiver JSON scan", function () {
    it("runs the kernel compiled from jsonScan.wat", async function () {
        const module = (await wabt()).parseWat("jsonScan.wat", fs.readFileSync(path.join(RECEIVER_DIR, "jsonScan.wat"), "utf8"), { simd: true });
        module.validate();
        const expected = renderGenerated(module.toBinary({}).buffer);
        if (process.env.UPDATE_JSON_SCAN === "1") fs.writeFileSync(GENERATED_PATH, expected);
        assert.equal(fs.readFileSync(GENERATED_PATH, "utf8"), expected, "jsonScan.generated.ts is not jsonScan.wat compiled: see the command in its first lines");
        assert.ok(JSON_SCAN_WASM.length > 0);
    });

    it("gives the byte walk's result for Stripe events, pretty-printed or compact, at every depth limit", function () {
        const bodies = [2_000, 20_000, 200_000].map((minBytes) => stripeEventBody({ minBytes }));
        for (const sample of loadSamples()) bodies.push(formatLikeStripe(sample), JSON.stringify(sample));
        bodies.push(JSON.stringify({ a: 'quote " backslash \\ slash / newline \n tab \t [ { } ] "\\"', b: ["\\", '"', "\\\\\""] }));
        for (const body of bodies) {
            const bytes = Buffer.from(body);
            for (const maxDepth of [0, 1, 2, 5, MAX_JSON_DEPTH]) assert.equal(scanJson(bytes, maxDepth), referenceScan(bytes, maxDepth), `${body.slice(0, 60)} at ${maxDepth}`);
        }
    });

    it("gives the byte walk's result when a quote, backslash or bracket sits at any offset of a block", function () {
        const scanner = createJsonScanner();
        for (let length = 0; length <= 200; length++) {
            for (const special of ['"', "\\", "[", "]", '\\"', '"\\', "\\\\", '""']) {
                for (const filler of ["a", " ", '"', "[", "]"]) {
                    for (let at = 0; at <= length; at += length > 70 ? 7 : 1) {
                        const text = (filler.repeat(at) + special + filler.repeat(length)).slice(0, Math.max(length, at + special.length));
                        const bytes = Buffer.from(text);
                        for (const maxDepth of [2, MAX_JSON_DEPTH]) assert.equal(scanner.scan(bytes, maxDepth), referenceScan(bytes, maxDepth), JSON.stringify(text));
                    }
                }
            }
        }
    });

    it("gives the byte walk's result for random text of JSON's special bytes, valid or not", function () {
        const scanner = createJsonScanner();
        const next = random(16);
        const alphabet = ['"', "\\", "[", "]", "{", "}", "a", " ", "\n", "é", "☕", "Y", "_", "\u007f", ":", ","];
        for (let round = 0; round < 20_000; round++) {
            const symbols = 1 + next(alphabet.length);
            let text = "";
            for (let i = next(400); i > 0; i--) text += alphabet[next(symbols)];
            const bytes = Buffer.from(text);
            for (const maxDepth of [0, 3, MAX_JSON_DEPTH]) assert.equal(scanner.scan(bytes, maxDepth), referenceScan(bytes, maxDepth), JSON.stringify(text));
        }
    });

    it("reads the bytes of a view into a larger buffer, and memory left by a longer body does not leak into a shorter one", function () {
        const scanner = createJsonScanner();
        const long = Buffer.from(`"${"[".repeat(100_000)}`);
        assert.equal(scanner.scan(long, 2), referenceScan(long, 2));
        const pool = Buffer.from(`xx{"a": [1, "\\"]"], "b": {}}yy`);
        const view = pool.subarray(2, pool.length - 2);
        assert.equal(scanner.scan(view, 2), referenceScan(view, 2));
        assert.equal(scanner.scan(Buffer.from('"\\'), 2), 3);
        assert.equal(scanner.scan(new Uint8Array(0), 2), 0);
    });

    it("stays linear in the body's size on the worst bodies, and takes Stripe events 64 bytes per step", function () {
        const scanner = createJsonScanner();
        const stripe = Buffer.from(stripeEventBody({ minBytes: 200_000 }));
        scanner.scan(stripe, MAX_JSON_DEPTH);
        assert.equal(scanner.work(), Math.ceil(stripe.length / 64));

        const worst: Record<string, Buffer> = {
            "opening brackets": Buffer.alloc(SIX_MB, "["),
            "bracket pairs just under the limit": Buffer.from(`${"[".repeat(MAX_JSON_DEPTH - 1)}${"[]".repeat((SIX_MB >> 1) - MAX_JSON_DEPTH)}${"]".repeat(MAX_JSON_DEPTH - 1)}`),
            "closing brackets": Buffer.alloc(SIX_MB, "]"),
            "a string of backslashes": Buffer.from(`"${"\\".repeat(SIX_MB - 2)}"`),
            "backslashes outside strings": Buffer.alloc(SIX_MB, "\\"),
            quotes: Buffer.alloc(SIX_MB, '"'),
            "escaped quotes": Buffer.from(`"${'\\"'.repeat((SIX_MB >> 1) - 1)}"`),
            "brackets in a string": Buffer.from(`"${"[".repeat(SIX_MB - 2)}"`),
        };
        for (const [name, body] of Object.entries(worst)) {
            assert.equal(body.length <= SIX_MB, true, name);
            assert.equal(scanner.scan(body, MAX_JSON_DEPTH), referenceScan(body, MAX_JSON_DEPTH), name);
            // A block goes 64 bytes forward in one step, or walks its 64 bytes (the last one into the
            // padding), or counts its brackets: at most one step per block and one per byte.
            const blocks = Math.ceil(body.length / 64);
            assert.ok(scanner.work() <= blocks + 64 * blocks, `${name}: ${scanner.work()} steps for ${body.length} bytes`);
        }
    });
});
