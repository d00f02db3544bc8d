import { selectEventTypes } from "../../../components/events/eventTypes";
import { STRIPE_EVENT_TYPES } from "../../../components/events/catalog.generated";
import { buildEventPattern, EVENT_SOURCE } from "../../../components/routing/eventPattern";
import { buildArchiveDefinition } from "../../../components/workflow/definition";
import * as assert from "node:assert/strict";
import { createHmac, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { StateMachine } from "aws-local-stepfunctions";
import { createReceiver, MAX_STATE_INPUT_BYTES, parseSigningSecrets, type PublishResult, type ReceiverLogLine, type ReceiverOptions, type ReceiverResponse, stateInputBytes } from "../../../components/receiver/handler";
import {
    escapedJsonBytes,
    MAX_BODY_BYTES,
    MAX_JSON_DEPTH,
    MAX_SIGNATURE_HEADER_LENGTH,
    parseSignatureHeader,
    scanJson,
    WebhookVerifier,
} from "../../../components/receiver/verify";
import {
    MAX_EVENT_ID_LENGTH,
    MAX_EVENT_TYPE_LENGTH,
    MAX_LAKE_PREFIX_LENGTH,
    MAX_LOCAL_NAME_BYTES,
    MAX_OBJECT_KEY_BYTES,
    objectKey,
    validateLakePrefix,
} from "../../../components/lake/layout";
import {
    formatLikeStripe,
    functionUrlEvent,
    NOW,
    padBody,
    PAYLOAD_MARKER,
    ROTATED_SECRET,
    SIGNING_SECRET,
    signatureHeader,
    signedDelivery,
    stripeEventBody,
    webhookEvent,
} from "../../../fixtures/stripeWebhooks";
import { stripeEvent } from "../../../fixtures/stripeEvents";

const BUS = "stripe-bus-a1b2c3d";
const accepted = (entries: PutEventsRequestEntry[]): PublishResult => ({ FailedEntryCount: 0, Entries: entries.map((_, i) => ({ EventId: `0000000${i}-eb` })) });

/** A receiver with recording fakes and a settable clock. */
function harness(overrides: Partial<ReceiverOptions> = {}) {
    const h = {
        clock: NOW,
        published: [] as PutEventsRequestEntry[][],
        archived: [] as { key: string; body: string }[],
        lines: [] as ReceiverLogLine[],
        receive: undefined as unknown as ReturnType<typeof createReceiver>,
    };
    h.receive = createReceiver({
        signingSecrets: [SIGNING_SECRET],
        publish: async (entries) => {
            h.published.push(entries);
            return accepted(entries);
        },
        archiveOversize: async (key, body) => {
            h.archived.push({ key, body });
        },
        now: () => h.clock,
        eventBusName: BUS,
        source: EVENT_SOURCE,
        lakePrefix: "events",
        log: (line) => h.lines.push(line),
        ...overrides,
    });
    return h;
}

const bodyOf = (response: ReceiverResponse): Record<string, unknown> => JSON.parse(response.body ?? "");

/** The receiver's bound on a body's size inside Step Functions. */
const escapedSize = (body: string): number => escapedJsonBytes(Buffer.from(body, "utf8"), body.length);

/** JSON as a serialiser that escapes every non-ASCII character would write it: the worst case for its size. */
const escapeNonAscii = (json: string): string => json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
const worstJson = (value: unknown): string => escapeNonAscii(JSON.stringify(value));
const worstJsonBytes = (value: unknown): number => Buffer.byteLength(worstJson(value));

/** The event a rule hands to the state machine, with the longest real envelope: replays carry `replay-name` (up to 64 characters). */
function deliveredEvent(detail: { type: string; created: number }): Record<string, unknown> {
    return {
        version: "0",
        id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": detail.type,
        source: EVENT_SOURCE,
        account: "123456789012",
        time: new Date(detail.created * 1000).toISOString().replace(".000Z", "Z"),
        region: "ap-southeast-7",
        resources: [],
        "replay-name": "r".repeat(64),
        detail,
    };
}

/** The longest execution ARN: 80-character state machine and execution names. */
const EXECUTION_ARN = `arn:aws:states:ap-southeast-7:123456789012:express:${"s".repeat(80)}:${"e".repeat(80)}:${"u".repeat(36)}`;

/** Arrays nested `levels` deep, as JSON text. */
const nestedArrays = (levels: number): string => "[".repeat(levels) + "]".repeat(levels);

/** A signed body whose `data.object` carries `extra` as raw JSON text. */
function bodyWith(extra: string, options: { id?: string; type?: string } = {}): string {
    const event = webhookEvent(options);
    return formatLikeStripe(event).replace('"object": "checkout.session",', `"object": "checkout.session",\n      "extra": ${extra},`);
}

/**
 * A header string that counts the characters the parser examines: indexOf counts what it scans,
 * charCodeAt and slice what they read. The parser's work is then measured, not timed.
 */
class CountingHeader extends String {
    examined = 0;
    override indexOf(search: string, from = 0): number {
        const found = super.indexOf(search, from);
        this.examined += (found < 0 ? this.length : found + search.length) - from;
        return found;
    }
    override charCodeAt(index: number): number {
        this.examined += 1;
        return super.charCodeAt(index);
    }
    override slice(start?: number, end?: number): string {
        const text = super.slice(start, end);
        this.examined += text.length;
        return text;
    }
}

/** Asserts a 4xx with the given log code, nothing published or archived, and an error body that names the problem. */
function assertRejected(h: ReturnType<typeof harness>, response: ReceiverResponse, status: number, code: string, message: RegExp): void {
    assert.equal(response.statusCode, status, response.body);
    assert.equal(response.headers?.["content-type"], "application/json");
    assert.match(String(bodyOf(response).error), message);
    assert.deepEqual(h.published, []);
    assert.deepEqual(h.archived, []);
    const line = h.lines.at(-1)!;
    assert.deepEqual({ level: line.level, outcome: line.outcome, status: line.status, code: line.code }, { level: "warn", outcome: "rejected", status, code });
    assert.equal(line.eventId, undefined, "a rejected request's claimed event id must not be logged");
}

describe("receiver", function () {
    describe("accepting a signed event", function () {
        it("publishes one entry: the event type, the body as received, its created time, the bus and the source", async function () {
            const h = harness();
            const body = stripeEventBody();
            const response = await h.receive(signedDelivery(body));

            assert.equal(response.statusCode, 200);
            assert.deepEqual(response.headers, { "content-type": "application/json" });
            assert.deepEqual(bodyOf(response), { received: "evt_1QAbCdEfGhIjKlMnOpQrStUv" });
            assert.deepEqual(h.published, [
                [{ Source: "stripe-analytics.webhook", DetailType: "checkout.session.completed", Detail: body, Time: new Date((NOW - 2) * 1000), EventBusName: BUS }],
            ]);
            assert.deepEqual(h.archived, []);
        });

        it("answers 200 again when Stripe redelivers the same event, publishing it again (the lake key is the event id)", async function () {
            const h = harness();
            const body = stripeEventBody();
            const first = await h.receive(signedDelivery(body, NOW - 60));
            const again = await h.receive(signedDelivery(body, NOW));
            assert.deepEqual([first.statusCode, again.statusCode], [200, 200]);
            assert.equal(h.published.length, 2);
            assert.deepEqual(h.published[0], h.published[1]);
        });

        it("finds the Stripe-Signature header whatever the case of its name", async function () {
            for (const name of ["stripe-signature", "Stripe-Signature", "STRIPE-SIGNATURE"]) {
                const h = harness();
                const body = stripeEventBody();
                const response = await h.receive(functionUrlEvent(body, { headers: { [name]: signatureHeader(body) } }));
                assert.equal(response.statusCode, 200, name);
            }
        });

        it("accepts a header with several v1 signatures when any one matches, and ignores other schemes", async function () {
            const body = stripeEventBody();
            const good = signatureHeader(body).split(",")[1];
            const bad = `v1=${"0".repeat(64)}`;
            for (const header of [`t=${NOW},${bad},${good}`, `t=${NOW},${good},${bad}`, `t=${NOW}, v0=${"a".repeat(64)}, ${good}`, `t=${NOW},${good},t=${NOW}`]) {
                const h = harness();
                assert.equal((await h.receive(functionUrlEvent(body, { headers: { "stripe-signature": header } }))).statusCode, 200, header);
            }
        });

        it("verifies the raw bytes: the same event re-serialised does not carry the signature", async function () {
            const h = harness();
            const body = stripeEventBody();
            const compact = JSON.stringify(JSON.parse(body));
            const response = await h.receive(functionUrlEvent(body, { headers: { "stripe-signature": signatureHeader(compact) } }));
            assertRejected(h, response, 400, "signature_mismatch", /no v1 signature matches/);
        });

        it("decodes base64 bodies and publishes the decoded text", async function () {
            const h = harness();
            const body = stripeEventBody();
            const response = await h.receive(
                functionUrlEvent(Buffer.from(body, "utf8").toString("base64"), { isBase64Encoded: true, headers: { "stripe-signature": signatureHeader(body) } }),
            );
            assert.equal(response.statusCode, 200, response.body);
            assert.equal(h.published[0][0].Detail, body);
        });

        it("logs one line with the request id, event id, type, size and latency", async function () {
            const h = harness();
            const body = stripeEventBody();
            await h.receive(signedDelivery(body, NOW, SIGNING_SECRET, { requestId: "req-1" }));
            assert.equal(h.lines.length, 1);
            const { latencyMs, ...line } = h.lines[0];
            assert.deepEqual(line, {
                level: "info",
                outcome: "published",
                status: 200,
                requestId: "req-1",
                eventId: "evt_1QAbCdEfGhIjKlMnOpQrStUv",
                eventType: "checkout.session.completed",
                bytes: Buffer.byteLength(body),
            });
            assert.ok(typeof latencyMs === "number" && latencyMs >= 0);
        });
    });

    describe("secret rotation", function () {
        it("accepts events signed with any of the configured secrets, including Stripe's two-signature headers", async function () {
            const h = harness({ signingSecrets: [SIGNING_SECRET, ROTATED_SECRET] });
            const body = stripeEventBody();
            const both = `${signatureHeader(body, NOW, SIGNING_SECRET)},${signatureHeader(body, NOW, ROTATED_SECRET).split(",")[1]}`;
            const responses = [
                await h.receive(signedDelivery(body, NOW, SIGNING_SECRET)),
                await h.receive(signedDelivery(body, NOW, ROTATED_SECRET)),
                await h.receive(functionUrlEvent(body, { headers: { "stripe-signature": both } })),
            ];
            assert.deepEqual(responses.map((r) => r.statusCode), [200, 200, 200]);
            const other = await h.receive(signedDelivery(body, NOW, "whsec_someoneElse"));
            assert.equal(other.statusCode, 400);
        });

        it("reloads the secrets once when no signature matches, at most once a minute, and then accepts the new secret", async function () {
            let reads = 0;
            const h = harness({
                reloadSigningSecrets: async () => {
                    reads++;
                    return [ROTATED_SECRET];
                },
            });
            const body = stripeEventBody();
            // Within a minute of the cold start's read, the stored secret is taken as current.
            assertRejected(h, await h.receive(signedDelivery(body, NOW, ROTATED_SECRET)), 400, "signature_mismatch", /no v1 signature matches/);
            assert.equal(reads, 0);

            h.clock = NOW + 60;
            const response = await h.receive(signedDelivery(body, NOW + 60, ROTATED_SECRET));
            assert.equal(response.statusCode, 200);
            assert.equal(reads, 1);
            // The old secret is gone now, as in the store.
            assert.equal((await h.receive(signedDelivery(body, NOW + 60, SIGNING_SECRET))).statusCode, 400);
            assert.equal(reads, 1);
        });

        it("cannot be made to read the store more than once per interval by a flood of bad signatures", async function () {
            let reads = 0;
            const h = harness({
                secretReloadIntervalSeconds: 30,
                reloadSigningSecrets: async () => {
                    reads++;
                    return [SIGNING_SECRET];
                },
            });
            const body = stripeEventBody();
            for (let second = 0; second < 120; second++) {
                h.clock = NOW + second;
                await Promise.all([1, 2, 3].map(() => h.receive(signedDelivery(body, h.clock, "whsec_attacker"))));
            }
            assert.equal(reads, 3, "one read at +30 s, +60 s and +90 s");
            assert.ok(h.lines.every((l) => l.status === 400));
        });

        it("keeps the current secrets when a reload fails or finds no valid secret, and logs why", async function () {
            const results: (() => Promise<string[]>)[] = [async () => Promise.reject(new Error("ThrottlingException: slow down")), async () => [], async () => ["not-a-whsec"]];
            const reloadErrors = ["Error: ThrottlingException: slow down", "Error: at least one signing secret is needed", "Error: signing secret #1 is not a whsec_... value"];
            const h = harness({ secretReloadIntervalSeconds: 1, reloadSigningSecrets: () => results.shift()!() });
            const body = stripeEventBody();
            for (let i = 1; i <= 3; i++) {
                h.clock = NOW + i;
                assert.equal((await h.receive(signedDelivery(body, h.clock, ROTATED_SECRET))).statusCode, 400);
                assert.deepEqual([h.lines.at(-1)!.code, h.lines.at(-1)!.error], ["signature_mismatch", `secret reload failed: ${reloadErrors[i - 1]}`]);
                assert.equal((await h.receive(signedDelivery(body, h.clock, SIGNING_SECRET))).statusCode, 200);
            }
            assert.ok(!JSON.stringify(h.lines).includes("not-a-whsec"), "the log names the secret's position, not its value");
        });
    });

    describe("timestamp tolerance", function () {
        const cases: [string, number, number, number, string?][] = [
            ["300 s old", 300, 300, 200],
            ["301 s old", 300, 301, 400, "stale_timestamp"],
            ["300 s in the future", 300, -300, 200],
            ["301 s in the future", 300, -301, 400, "future_timestamp"],
            ["10 s old with a 10 s tolerance", 10, 10, 200],
            ["11 s old with a 10 s tolerance", 10, 11, 400, "stale_timestamp"],
        ];
        for (const [name, toleranceSeconds, age, status, code] of cases) {
            it(`answers ${status} to a signature ${name}`, async function () {
                const h = harness({ toleranceSeconds });
                const body = stripeEventBody();
                const response = await h.receive(signedDelivery(body, NOW - age));
                if (code) assertRejected(h, response, status, code, /signature timestamp is more than \d+ s/);
                else assert.equal(response.statusCode, status);
            });
        }
    });

    describe("refusing what is not a signed Stripe event", function () {
        it("answers 405 with an Allow header to anything but POST", async function () {
            for (const method of ["GET", "PUT", "HEAD", "OPTIONS", "DELETE", "PATCH"]) {
                const h = harness();
                const body = stripeEventBody();
                const response = await h.receive(signedDelivery(body, NOW, SIGNING_SECRET, { method }));
                assertRejected(h, response, 405, "method_not_allowed", /only POST/);
                assert.equal(response.headers?.allow, "POST");
            }
        });

        it("answers 400 to a missing, empty or garbled Stripe-Signature header", async function () {
            const body = stripeEventBody();
            const v1 = signatureHeader(body).split(",")[1];
            const hex = v1.slice(3);
            const h = harness();
            assertRejected(h, await h.receive(functionUrlEvent(body)), 400, "missing_signature", /header is missing/);
            assertRejected(h, await h.receive(functionUrlEvent(body, { headers: { "stripe-signature": "" } })), 400, "missing_signature", /header is missing/);
            for (const garbled of [
                "garbage",
                `t=${NOW}`,
                v1,
                `t=abc,${v1}`,
                `t=-${NOW},${v1}`,
                `t=0${NOW},${v1}`,
                `t=${NOW},v1=${hex.toUpperCase()}`,
                `t=${NOW},v1=${hex.slice(1)}`,
                `t=${NOW},v1=${hex}00`,
                `t=${NOW},v0=${hex}`,
                `t=${NOW},${v1},t=${NOW - 1}`,
                "t=,v1=",
                "\u0000\u00ff\ufffd",
            ]) {
                assertRejected(h, await h.receive(functionUrlEvent(body, { headers: { "stripe-signature": garbled } })), 400, "malformed_signature", /not of the form t=<unix seconds>,v1=<hex signature>/);
            }
        });

        it("answers 400 when no signature matches: another secret, or a body changed by one byte", async function () {
            const h = harness();
            const body = stripeEventBody();
            assertRejected(h, await h.receive(signedDelivery(body, NOW, "whsec_otherEndpoint")), 400, "signature_mismatch", /no v1 signature matches/);
            const tampered = body.replace('"amount_total": 1500', '"amount_total": 1501');
            assert.notEqual(tampered, body);
            assertRejected(h, await h.receive(functionUrlEvent(tampered, { headers: { "stripe-signature": signatureHeader(body) } })), 400, "signature_mismatch", /no v1 signature matches/);
        });

        it("answers 400 to an empty body, whether absent, empty or base64 of nothing", async function () {
            const h = harness();
            const header = { "stripe-signature": signatureHeader("") };
            assertRejected(h, await h.receive(functionUrlEvent(undefined, { headers: header })), 400, "empty_body", /body is empty/);
            assertRejected(h, await h.receive(functionUrlEvent("", { headers: header })), 400, "empty_body", /body is empty/);
            assertRejected(h, await h.receive(functionUrlEvent("====", { isBase64Encoded: true, headers: header })), 400, "empty_body", /body is empty/);
        });

        it("answers 400 to binary garbage, signed or not", async function () {
            const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256));
            const h = harness();
            const base64 = garbage.toString("base64");
            const unsigned = functionUrlEvent(base64, { isBase64Encoded: true, headers: { "stripe-signature": `t=${NOW},v1=${"ab".repeat(32)}` } });
            assertRejected(h, await h.receive(unsigned), 400, "signature_mismatch", /no v1 signature matches/);
            // generateTestHeaderString signs strings (as UTF-8); bytes that are not UTF-8 are signed by hand, by the same scheme.
            const rawSignature = createHmac("sha256", SIGNING_SECRET).update(`${NOW}.`).update(garbage).digest("hex");
            assertRejected(h, await h.receive(functionUrlEvent(base64, { isBase64Encoded: true, headers: { "stripe-signature": `t=${NOW},v1=${rawSignature}` } })), 400, "body_not_utf8", /not UTF-8/);
            const latin1 = garbage.toString("latin1");
            assertRejected(h, await h.receive(functionUrlEvent(latin1, { headers: { "stripe-signature": `t=${NOW},v1=${"ab".repeat(32)}` } })), 400, "signature_mismatch", /no v1 signature matches/);
            assertRejected(h, await h.receive(functionUrlEvent(latin1, { headers: { "stripe-signature": signatureHeader(latin1) } })), 400, "body_not_json", /not JSON/);
        });

        it("answers 413 to a body larger than a function URL accepts, before any hashing", async function () {
            const h = harness();
            const header = { "stripe-signature": `t=${NOW},v1=${"ab".repeat(32)}` };
            const text = "x".repeat(MAX_BODY_BYTES + 1);
            assertRejected(h, await h.receive(functionUrlEvent(text, { headers: header })), 413, "body_too_large", /larger than 6291456 bytes/);
            // Multi-byte characters: fewer UTF-16 units than the limit, more bytes.
            assertRejected(h, await h.receive(functionUrlEvent("é".repeat(MAX_BODY_BYTES / 2 + 1), { headers: header })), 413, "body_too_large", /larger than/);
            const base64 = Buffer.alloc(MAX_BODY_BYTES + 1, 0x20).toString("base64");
            assertRejected(h, await h.receive(functionUrlEvent(base64, { isBase64Encoded: true, headers: header })), 413, "body_too_large", /larger than/);
        });

        it("answers 400 to a signed body that is not JSON", async function () {
            const h = harness();
            for (const body of ["not json", '{"id": "evt_1", ', "\ufeff{}"]) {
                assertRejected(h, await h.receive(signedDelivery(body)), 400, "body_not_json", /not JSON/);
            }
        });

        it("answers 400 to signed JSON that is not a Stripe event, naming the field", async function () {
            const valid = stripeEvent("checkout.session.completed", {}, NOW - 2);
            const cases: [unknown, RegExp][] = [
                [[valid], /not a JSON object/],
                ["evt_1", /not a JSON object/],
                [null, /not a JSON object/],
                [{ ...valid, id: undefined }, /`id` is not an event id/],
                [{ ...valid, id: "ch_1QAbCd" }, /`id` is not an event id/],
                [{ ...valid, id: "evt_../../x" }, /`id` is not an event id/],
                [{ ...valid, type: undefined }, /`type` is not an event type/],
                [{ ...valid, type: "Checkout Session" }, /`type` is not an event type/],
                [{ ...valid, created: "1750000000" }, /`created` is not a unix timestamp/],
                [{ ...valid, created: 1.5 }, /`created` is not a unix timestamp/],
                [{ ...valid, created: -1 }, /`created` is not a unix timestamp/],
                [{ ...valid, created: 1e15 }, /`created` is not a unix timestamp/],
                [{ ...valid, data: undefined }, /`data.object` is not an object/],
                [{ ...valid, data: { object: null } }, /`data.object` is not an object/],
                [{ ...valid, data: { object: [] } }, /`data.object` is not an object/],
                [{ ...valid, data: { previous_attributes: {} } }, /`data.object` is not an object/],
            ];
            for (const [event, message] of cases) {
                const h = harness();
                assertRejected(h, await h.receive(signedDelivery(JSON.stringify(event, null, 2))), 400, "not_a_stripe_event", message);
            }
        });

        it("never echoes the payload, the header or a secret in a response or a log line", async function () {
            const h = harness();
            const body = stripeEventBody();
            const header = signatureHeader(body);
            const responses = [
                await h.receive(functionUrlEvent(body, { headers: { "stripe-signature": header.slice(0, -1) + (header.endsWith("0") ? "1" : "0") } })),
                await h.receive(signedDelivery(body, NOW - 3600)),
                await h.receive(signedDelivery(body.replace('"checkout.session.completed"', '"Bad Type"'))),
                await h.receive(signedDelivery(body)),
            ];
            const seen = JSON.stringify({ responses, lines: h.lines });
            for (const secret of [SIGNING_SECRET, PAYLOAD_MARKER, header.slice(-64)]) assert.ok(!seen.includes(secret));
        });
    });

    describe("nothing lost", function () {
        it("answers 500 when publish throws, so Stripe retries", async function () {
            const h = harness({ publish: async () => Promise.reject(new Error("connect ETIMEDOUT 10.0.0.1:443")) });
            const response = await h.receive(signedDelivery(stripeEventBody()));
            assert.equal(response.statusCode, 500);
            assert.deepEqual(bodyOf(response), { error: "could not reach the event bus; Stripe will retry" });
            const line = h.lines[0];
            assert.deepEqual([line.level, line.outcome, line.code, line.eventId, line.error], ["error", "failed", "publish_failed", "evt_1QAbCdEfGhIjKlMnOpQrStUv", "Error: connect ETIMEDOUT 10.0.0.1:443"]);
        });

        it("answers 500 when the bus reports a failed entry, by count or by entry error code", async function () {
            const results: PublishResult[] = [
                { FailedEntryCount: 1, Entries: [{ ErrorCode: "InternalFailure", ErrorMessage: "Internal service error" }] },
                { FailedEntryCount: 1, Entries: [] },
                { FailedEntryCount: 0, Entries: [{ ErrorCode: "ThrottlingException", ErrorMessage: "Rate exceeded" }] },
            ];
            const errors = ["InternalFailure: Internal service error", "FailedEntryCount 1", "ThrottlingException: Rate exceeded"];
            for (const [i, result] of results.entries()) {
                const h = harness({ publish: async () => result });
                const response = await h.receive(signedDelivery(stripeEventBody()));
                assert.equal(response.statusCode, 500);
                assert.deepEqual(bodyOf(response), { error: "the event bus refused the event; Stripe will retry" });
                assert.deepEqual([h.lines[0].code, h.lines[0].error], ["publish_refused", errors[i]]);
            }
        });

        it("writes an event too big for the state machine to its lake key as compact JSON, and answers 200 only after the write", async function () {
            let finishWrite!: () => void;
            const writes: { key: string; body: string }[] = [];
            const h = harness({
                archiveOversize: (key, body) => {
                    writes.push({ key, body });
                    return new Promise<void>((resolve) => (finishWrite = resolve));
                },
            });
            const body = stripeEventBody({ minBytes: 300_000 });
            let settled = false;
            const pending = h.receive(signedDelivery(body)).finally(() => (settled = true));
            await new Promise((resolve) => setImmediate(resolve));
            assert.equal(settled, false, "answered before the write finished");
            finishWrite();
            const response = await pending;

            assert.equal(response.statusCode, 200);
            assert.deepEqual(bodyOf(response), { received: "evt_1QAbCdEfGhIjKlMnOpQrStUv" });
            assert.deepEqual(h.published, []);
            const event = JSON.parse(body);
            assert.deepEqual(writes, [{ key: objectKey("events", event), body: JSON.stringify(event) }]);
            assert.equal(writes[0].key, `events/type=checkout.session.completed/dt=${new Date((NOW - 2) * 1000).toISOString().slice(0, 10)}/evt_1QAbCdEfGhIjKlMnOpQrStUv.json`);
            assert.deepEqual([h.lines[0].outcome, h.lines[0].bytes], ["archived", Buffer.byteLength(body)]);
        });

        it("applies the rule's pattern to oversize events, which bypass the bus: a type the rule drops is acknowledged, not stored", async function () {
            const pattern = buildEventPattern(selectEventTypes(["invoice.*"])) as unknown as Record<string, unknown>;
            const dropped = harness({ eventPattern: pattern });
            const response = await dropped.receive(signedDelivery(stripeEventBody({ minBytes: 300_000, type: "payment_intent.succeeded" })));
            assert.equal(response.statusCode, 200);
            assert.deepEqual([dropped.archived, dropped.published], [[], []]);
            assert.deepEqual([dropped.lines[0].outcome, dropped.lines[0].eventType], ["ignored", "payment_intent.succeeded"]);

            const kept = harness({ eventPattern: pattern });
            assert.equal((await kept.receive(signedDelivery(stripeEventBody({ minBytes: 300_000, type: "invoice.paid" })))).statusCode, 200);
            assert.equal(kept.archived.length, 1);
            assert.equal(kept.lines[0].outcome, "archived");

            // Events of normal size still go to the bus, where the rule itself filters them.
            const small = harness({ eventPattern: pattern });
            assert.equal((await small.receive(signedDelivery(stripeEventBody({ type: "payment_intent.succeeded" })))).statusCode, 200);
            assert.equal(small.published.length, 1);
        });

        it("answers 500 when the oversize write fails", async function () {
            const h = harness({ archiveOversize: async () => Promise.reject(Object.assign(new Error("Access Denied"), { name: "AccessDenied" })) });
            const response = await h.receive(signedDelivery(stripeEventBody({ minBytes: 300_000 })));
            assert.equal(response.statusCode, 500);
            assert.deepEqual(bodyOf(response), { error: "could not store the oversize event; Stripe will retry" });
            assert.deepEqual([h.lines[0].code, h.lines[0].error], ["archive_failed", "AccessDenied: Access Denied"]);
        });

        it("publishes up to the last byte the state machine takes and archives from the next one", async function () {
            const base = stripeEventBody({ minBytes: 200_000 });
            // Whitespace is neither escaped nor non-ASCII: each byte of padding adds exactly one byte to the bound.
            const limit = Buffer.byteLength(base) + MAX_STATE_INPUT_BYTES - stateInputBytes(escapedSize(base), "checkout.session.completed", EVENT_SOURCE);
            const h = harness();
            assert.equal((await h.receive(signedDelivery(padBody(base, limit)))).statusCode, 200);
            assert.equal((await h.receive(signedDelivery(padBody(base, limit + 1)))).statusCode, 200);
            assert.deepEqual([h.published.length, h.archived.length], [1, 1]);
            assert.equal(Buffer.byteLength(h.published[0][0].Detail!), limit);
        });

        it("bounds every payload Step Functions builds from the event: the delivered event and the task inputs that embed it", function () {
            const body = stripeEventBody({ minBytes: 20_000 });
            const detail = JSON.parse(body);
            const bound = stateInputBytes(escapedSize(body), detail.type, EVENT_SOURCE);
            const key = objectKey("stripe/prod-events", detail);
            // `detail` compacted, or kept as received; either way with every non-ASCII character escaped.
            const sizes = [worstJson(detail), escapeNonAscii(body)].map((detailText) => {
                const input = JSON.stringify(deliveredEvent(detail)).replace(JSON.stringify(detail), () => detailText);
                // The archive step's PutObject and the park step's SendMessage, as definition.ts builds them.
                return {
                    input: Buffer.byteLength(input),
                    putObject: worstJsonBytes({ Bucket: "b".repeat(63), Key: key, Body: detailText, ContentType: "application/json" }),
                    sendMessage: worstJsonBytes({
                        QueueUrl: `https://sqs.ap-southeast-7.amazonaws.com/123456789012/${"q".repeat(80)}`,
                        MessageBody: input,
                        MessageAttributes: {
                            ERROR_CODE: { DataType: "String", StringValue: "StripeEventArchiveFailed" },
                            EXECUTION_ARN: { DataType: "String", StringValue: EXECUTION_ARN },
                        },
                    }),
                };
            });
            const largest = Math.max(...sizes.flatMap((s) => Object.values(s)));
            assert.ok(largest <= bound, `${JSON.stringify(sizes)} vs bound ${bound}`);
            assert.ok(bound - largest <= 4096, `the bound gives away ${bound - largest} bytes`);
            // Every published entry also fits EventBridge's entry limit (Time 14 bytes + Source + DetailType + Detail).
            assert.ok(14 + EVENT_SOURCE.length + detail.type.length + Buffer.byteLength(body) < bound);
        });

        it("answers 500 when publish throws synchronously instead of rejecting", async function () {
            const h = harness({
                publish: () => {
                    throw new TypeError("entries.map is not a function");
                },
            });
            const response = await h.receive(signedDelivery(stripeEventBody()));
            assert.equal(response.statusCode, 500);
            assert.deepEqual([h.lines[0].code, h.lines[0].error], ["publish_failed", "TypeError: entries.map is not a function"]);
        });

        it("answers 500 instead of throwing when an injected dependency breaks", async function () {
            const h = harness({
                now: () => {
                    throw new RangeError("clock unavailable");
                },
            });
            const response = await h.receive(signedDelivery(stripeEventBody()));
            assert.equal(response.statusCode, 500);
            assert.deepEqual(bodyOf(response), { error: "internal error; Stripe will retry" });
            assert.deepEqual([h.lines[0].level, h.lines[0].code, h.lines[0].error], ["error", "internal_error", "RangeError: clock unavailable"]);
        });
    });


    describe("refusing what the lake cannot hold, before answering 200", function () {
        it("answers 400 to an event id longer than the lake's keys hold, and publishes one at the longest", async function () {
            const h = harness();
            const longest = `evt_${"a".repeat(MAX_EVENT_ID_LENGTH - 4)}`;
            assert.equal((await h.receive(signedDelivery(stripeEventBody({ id: longest })))).statusCode, 200);
            assert.equal(h.published[0][0].DetailType, "checkout.session.completed");
            for (const id of [`${longest}b`, `evt_${"a".repeat(255)}`]) {
                const refused = harness();
                const response = await refused.receive(signedDelivery(stripeEventBody({ id })));
                assertRejected(refused, response, 400, "event_id_too_long", /^the event id is longer than 200 characters, more than the lake's keys hold$/);
            }
        });

        it("answers 400 to an event type longer than EventBridge takes, and publishes one at the longest", async function () {
            const h = harness();
            const longest = `invoice.${"p".repeat(MAX_EVENT_TYPE_LENGTH - 8)}`;
            assert.equal((await h.receive(signedDelivery(stripeEventBody({ type: longest })))).statusCode, 200);
            assert.equal(h.published[0][0].DetailType, longest);
            for (const type of [`${longest}d`, `invoice.${"p".repeat(2000)}`]) {
                const refused = harness();
                const response = await refused.receive(signedDelivery(stripeEventBody({ type })));
                assertRejected(refused, response, 400, "event_type_too_long", /^the event type is longer than 128 characters, more than EventBridge and the lake take$/);
            }
        });

        it("keeps the type cap well above every type Stripe sends", function () {
            const longest = Math.max(...STRIPE_EVENT_TYPES.map((type) => type.length));
            assert.equal(longest, 70, "the catalog's longest type changed: check MAX_EVENT_TYPE_LENGTH's margin in lake/layout.ts");
            assert.ok(longest * 1.5 < MAX_EVENT_TYPE_LENGTH);
        });

        it("answers 400 to arrays and objects nested deeper than the pipeline stores, and publishes the deepest it takes", async function () {
            // data.object is the third level: the extra field's arrays start at the fourth.
            const deepest = bodyWith(nestedArrays(MAX_JSON_DEPTH - 3));
            const h = harness();
            assert.equal((await h.receive(signedDelivery(deepest))).statusCode, 200);
            assert.equal(h.published[0][0].Detail, deepest);
            const refused = harness();
            const response = await refused.receive(signedDelivery(bodyWith(`{"a": ${nestedArrays(MAX_JSON_DEPTH - 3)}}`)));
            assertRejected(refused, response, 400, "body_too_deep", /^the request body nests arrays and objects deeper than 64 levels, more than the pipeline stores$/);
        });

        it("refuses a body nested 100,000 levels deep without overflowing the stack", async function () {
            const body = `{"id": "evt_1QDeep", "object": "event", "type": "invoice.paid", "created": ${NOW}, "data": {"object": {"x": ${nestedArrays(100_000)}}}}`;
            assert.ok(Buffer.byteLength(body) > 200_000);
            const h = harness();
            assertRejected(h, await h.receive(signedDelivery(body)), 400, "body_too_deep", /deeper than 64 levels/);
            assert.equal(scanJson(Buffer.from(body)), -1);
        });

        it("counts nesting outside strings only, and escapes as JSON writes them", function () {
            const count = (text: string) => scanJson(Buffer.from(text), 2);
            assert.equal(count('{"a": "[[[{{{"}'), 4);
            assert.equal(count('{"a": "\\"[[[", "b": "\\\\"}'), 12);
            assert.equal(count('{"a": "x\\n\\u00e9"}'), 6);
            assert.equal(count('{"a": [[]]}'), -1);
            assert.equal(count('[[], [], {"a": 1}]'), 2);
            assert.equal(count("[[[ ]]]"), -1);
        });

        it("lets an event at every cap through to the bus, and to the lake when it is oversize", async function () {
            const id = `evt_${"I".repeat(MAX_EVENT_ID_LENGTH - 4)}`;
            const type = `treasury.${"t".repeat(MAX_EVENT_TYPE_LENGTH - 9)}`;
            const body = bodyWith(nestedArrays(MAX_JSON_DEPTH - 3), { id, type });
            const h = harness();
            assert.equal((await h.receive(signedDelivery(body))).statusCode, 200);
            assert.deepEqual(
                h.published.map(([entry]) => [entry.DetailType, entry.Detail]),
                [[type, body]],
            );
            assert.deepEqual([h.lines[0].outcome, h.lines[0].eventId, h.lines[0].eventType], ["published", id, type]);

            const prefix = ["p".repeat(MAX_LOCAL_NAME_BYTES), "q".repeat(MAX_LOCAL_NAME_BYTES), "r".repeat(MAX_LAKE_PREFIX_LENGTH - 2 * MAX_LOCAL_NAME_BYTES - 2)].join("/");
            const oversize = harness({ lakePrefix: validateLakePrefix(prefix) });
            const big = bodyWith(`[${nestedArrays(MAX_JSON_DEPTH - 4)}, "${"x".repeat(300_000)}"]`, { id, type });
            assert.equal((await oversize.receive(signedDelivery(big))).statusCode, 200);
            assert.deepEqual(oversize.archived.map((a) => a.key), [`${prefix}/type=${type}/dt=2025-06-15/${id}.json`]);
        });

        it("keeps the longest accepted id, type and prefix within S3's 1,024-byte key and a 255-byte local file name", function () {
            assert.equal(MAX_OBJECT_KEY_BYTES, 1024);
            const id = `evt_${"i".repeat(MAX_EVENT_ID_LENGTH - 4)}`;
            const type = `a.${"t".repeat(MAX_EVENT_TYPE_LENGTH - 2)}`;
            const prefix = ["p".repeat(MAX_LOCAL_NAME_BYTES), "q".repeat(MAX_LOCAL_NAME_BYTES), "r".repeat(MAX_LAKE_PREFIX_LENGTH - 2 * MAX_LOCAL_NAME_BYTES - 2)].join("/");
            assert.equal(validateLakePrefix(prefix), prefix);
            const key = objectKey(prefix, { id, type, created: 253402300799 });
            assert.equal(Buffer.byteLength(key), MAX_OBJECT_KEY_BYTES);
            // A longer prefix, segment, id or type is refused before it can make a longer key.
            assert.throws(() => validateLakePrefix(`${prefix}r`), /at most 670 characters, with no segment over 255/);
            assert.throws(() => validateLakePrefix("s".repeat(MAX_LOCAL_NAME_BYTES + 1)), /no segment over 255/);
            assert.throws(() => objectKey(prefix, { id: `${id}i`, type, created: 0 }), /Refusing to build a lake key/);
            assert.throws(() => objectKey(prefix, { id, type: `${type}t`, created: 0 }), /Refusing to build a lake key/);

            // Every segment is a folder or a file of the local lake, the file also under the name the
            // atomic write gives it first (`<file>.<uuid>.tmp`): the file system takes each of them.
            const fileName = `${id}.json`;
            const temporary = `${fileName}.${randomUUID()}.tmp`;
            assert.ok(Buffer.byteLength(temporary) <= MAX_LOCAL_NAME_BYTES, `${Buffer.byteLength(temporary)} bytes`);
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lake-names-"));
            try {
                const folder = path.join(dir, ...key.split("/").slice(0, -1));
                fs.mkdirSync(folder, { recursive: true });
                fs.writeFileSync(path.join(folder, temporary), "{}");
                fs.renameSync(path.join(folder, temporary), path.join(folder, fileName));
                assert.deepEqual(fs.readdirSync(folder), [fileName]);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });

    describe("the Stripe-Signature header parser", function () {
        it("refuses a 1 MB header of commas without reading it", async function () {
            const header = new CountingHeader(",".repeat(1024 * 1024));
            assert.equal(parseSignatureHeader(header as unknown as string), undefined);
            assert.equal(header.examined, 0);
            const h = harness();
            const response = await h.receive(functionUrlEvent(stripeEventBody(), { headers: { "stripe-signature": ",".repeat(1024 * 1024) } }));
            assertRejected(h, response, 400, "malformed_signature", /not of the form t=<unix seconds>,v1=<hex signature>/);
        });

        it("reads each character of a header up to the cap a bounded number of times", function () {
            const v1 = `v1=${"ab".repeat(32)}`;
            for (const shape of [",", "=", ",=", "==,", "t", " ", "v1=,", `${v1},`, `t=${NOW},`]) {
                const text = shape.repeat(Math.ceil(MAX_SIGNATURE_HEADER_LENGTH / shape.length)).slice(0, MAX_SIGNATURE_HEADER_LENGTH);
                const header = new CountingHeader(text);
                parseSignatureHeader(header as unknown as string);
                assert.ok(header.examined <= 3 * text.length, `${JSON.stringify(shape)}: ${header.examined} characters examined for ${text.length}`);
            }
        });

        it("accepts a header of exactly the cap and refuses one character more", async function () {
            const body = stripeEventBody();
            const signed = signatureHeader(body);
            const padded = (length: number) => `${signed},v0=${"0".repeat(length - signed.length - 4)}`;
            assert.equal((await harness().receive(functionUrlEvent(body, { headers: { "stripe-signature": padded(MAX_SIGNATURE_HEADER_LENGTH) } }))).statusCode, 200);
            const h = harness();
            const response = await h.receive(functionUrlEvent(body, { headers: { "stripe-signature": padded(MAX_SIGNATURE_HEADER_LENGTH + 1) } }));
            assertRejected(h, response, 400, "malformed_signature", /not of the form/);
        });
    });

    describe("non-ASCII text and the state machine's 256 KiB", function () {
        /** A signed event carrying `count` two-byte characters: each grows from 2 bytes to 7 at worst, the most any character grows. */
        const accented = (count: number) => bodyWith(JSON.stringify("é".repeat(count)), { type: "invoice.paid" });
        const published = async (body: string) => {
            const h = harness();
            assert.equal((await h.receive(signedDelivery(body))).statusCode, 200);
            return h.published.length === 1;
        };
        let largest = "";

        before(async function () {
            // Asked of the receiver itself, so that the checks below do not take its bound on trust.
            let low = 0;
            let high = MAX_STATE_INPUT_BYTES / 2;
            assert.ok((await published(accented(low))) && !(await published(accented(high))));
            while (high - low > 1) {
                const mid = (low + high) >> 1;
                if (await published(accented(mid))) low = mid;
                else high = mid;
            }
            largest = accented(low);
        });

        it("publishes the largest body of multi-byte text under the bound and archives one character more", async function () {
            const h = harness();
            assert.equal((await h.receive(signedDelivery(largest))).statusCode, 200);
            assert.equal((await h.receive(signedDelivery(largest.replace('"é', '"éé')))).statusCode, 200);
            assert.deepEqual([h.published.length, h.archived.length], [1, 1]);
            // The bound costs such text no more than its worst case: 7 bytes a character.
            assert.ok(Buffer.byteLength(largest) > (2 / 7) * (MAX_STATE_INPUT_BYTES - 4096), `${Buffer.byteLength(largest)} bytes`);
        });

        it("fits that body into 256 KiB with every non-ASCII character escaped, through the archive definition's tasks", async function () {
            const event = JSON.parse(largest);
            const input = deliveredEvent(event);
            assert.ok(worstJsonBytes(input) <= MAX_STATE_INPUT_BYTES, `execution input: ${worstJsonBytes(input)} bytes`);

            const taskInputs: Record<string, unknown>[] = [];
            const machine = new StateMachine(buildArchiveDefinition({ bucketName: "b".repeat(63), lakePrefix: "stripe/prod-events", deadLetterQueueUrl: `https://sqs.ap-southeast-7.amazonaws.com/123456789012/${"q".repeat(80)}` }) as never, {
                validationOptions: { checkArn: true, checkPaths: true },
            });
            for (const putFails of [false, true]) {
                const execution = machine.run(input as never, {
                    context: { Execution: { Id: EXECUTION_ARN } },
                    overrides: {
                        taskResourceLocalHandlers: {
                            ArchiveStripeEvent: (request) => {
                                taskInputs.push(request as Record<string, unknown>);
                                if (putFails) throw Object.assign(new Error("Access Denied"), { name: "S3.AccessDeniedException" });
                                return { ETag: '"etag"' };
                            },
                            ParkInDeadLetterQueue: (request) => {
                                taskInputs.push(request as Record<string, unknown>);
                                return { MessageId: "m-1" };
                            },
                        },
                        retryIntervalOverrides: { ArchiveStripeEvent: 0, ParkInDeadLetterQueue: 0 },
                    },
                });
                const output = await execution.result.catch((error: Error) => error.message);
                if (putFails) assert.match(String(output), /Writing the Stripe event to the lake kept failing/);
                else assert.deepEqual(output, input);
            }
            const put = taskInputs.find((t) => "Body" in t)!;
            const park = taskInputs.find((t) => "MessageBody" in t)!;
            assert.deepEqual(JSON.parse(String(put.Body)), event);
            assert.deepEqual(JSON.parse(String(park.MessageBody)), input);
            // At worst, JsonToString escapes the non-ASCII text too, and the task input escapes it once more.
            for (const [name, task, embedded] of [["PutObject", put, "Body"], ["SendMessage", park, "MessageBody"]] as const) {
                const worst = worstJsonBytes({ ...task, [embedded]: worstJson(JSON.parse(String(task[embedded]))) });
                assert.ok(worst <= MAX_STATE_INPUT_BYTES, `${name} input: ${worst} bytes`);
            }
        });
    });

    describe("configuration", function () {
        it("refuses to start without a valid whsec_ secret, naming its position only", function () {
            const options = { publish: async () => accepted([]), archiveOversize: async () => undefined };
            assert.throws(() => createReceiver({ ...options, signingSecrets: [] }), /at least one signing secret is needed/);
            assert.throws(() => createReceiver({ ...options, signingSecrets: [SIGNING_SECRET, "sk_test_oops"] }), (e: Error) => {
                assert.equal(e.message, "signing secret #2 is not a whsec_... value");
                return true;
            });
            assert.throws(() => createReceiver({ ...options, signingSecrets: [SIGNING_SECRET], toleranceSeconds: -1 }), /toleranceSeconds must be a number >= 0/);
        });

        it("splits a stored secret on commas and whitespace, for rotations", function () {
            assert.deepEqual(parseSigningSecrets("whsec_a"), ["whsec_a"]);
            assert.deepEqual(parseSigningSecrets(" whsec_a,whsec_b\nwhsec_c , "), ["whsec_a", "whsec_b", "whsec_c"]);
            assert.deepEqual(parseSigningSecrets(""), []);
        });

        it("parses Stripe's header into a timestamp and decoded signatures", function () {
            const header = signatureHeader("{}");
            const parsed = parseSignatureHeader(header)!;
            assert.equal(parsed.timestamp, NOW);
            assert.deepEqual(parsed.signatures.map((s) => Buffer.from(s).toString("hex")), [header.split("v1=")[1]]);
        });

        it("verifies with the verifier alone, as the benchmark does", function () {
            const body = stripeEventBody();
            const result = new WebhookVerifier([SIGNING_SECRET]).verify({ body, isBase64Encoded: false, signatureHeader: signatureHeader(body) }, NOW);
            assert.ok(result.ok);
            assert.deepEqual(result.event, JSON.parse(body));
            assert.equal(result.detail, body);
        });
    });
});
