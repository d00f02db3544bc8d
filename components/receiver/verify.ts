/**
 * Stripe webhook verification over the raw request body: the hot path of the receiver, kept to
 * one HMAC-SHA256 per signing secret and one JSON.parse, with nothing re-serialised.
 *
 * Scheme (https://docs.stripe.com/webhooks#verify-manually): the `Stripe-Signature` header is
 * `t=<unix seconds>,v1=<hex HMAC-SHA256>[,v1=...]`; the signed content is `t + "." + raw body`
 * and the key is the endpoint's whole `whsec_...` string. Several `v1` appear while Stripe signs
 * with an old and a new secret during a rotation.
 */
import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from "node:crypto";
import { EVENT_ID_PATTERN, EVENT_TYPE_PATTERN, MAX_EVENT_ID_LENGTH, MAX_EVENT_TYPE_LENGTH } from "../lake/layout";
import { createJsonScanner, type JsonScanner } from "./jsonScan";

/** Stripe's own default tolerance between the signature timestamp and now. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/**
 * Largest request body a buffered function URL passes to the function: 6 MB is the synchronous
 * invocation payload quota (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html,
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html). The whole event counts
 * against it, so on Lambda a body this big never arrives; the check guards other callers (the
 * local pipeline) and keeps the limit explicit.
 */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;

/**
 * Longest `Stripe-Signature` header parsed. Real ones are `t=` and a timestamp followed by a
 * handful of `,v1=<64 hex>` (one per signing secret, two while a secret is rolled, a `v0` in test
 * mode): about 220 characters. 1,024 holds 14 signatures; anything longer is refused before any
 * of it is read, since the header is unauthenticated.
 */
export const MAX_SIGNATURE_HEADER_LENGTH = 1024;

/**
 * Deepest nesting of arrays and objects accepted in a body. Stripe's events are far shallower:
 * the deepest resource in Stripe's own API fixtures (stripe/openapi, openapi/fixtures3.json: an
 * invoice) nests 9 levels, 11 inside an event. After the 200 the event must survive every JSON
 * reader and writer on its way: EventBridge's PutEvents processes at most 1,000 levels
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html); Jackson, if
 * Step Functions reads and writes with its default constraints (unverified), stops at 1,000
 * (https://github.com/FasterXML/jackson-core/wiki/StreamReadConstraints); the local twin's
 * aws-local-stepfunctions ran out of stack between 3,000 and 4,000 levels. 64 is almost six
 * times Stripe's depth and more than fifteen times below the lowest of those.
 */
export const MAX_JSON_DEPTH = 64;

/** Last second of year 9999: beyond it the lake's `dt=YYYY-MM-DD` partition stops being a date. */
const MAX_CREATED = 253402300799;

/** The fields of a Stripe event the pipeline relies on; the rest travels untouched. */
export interface StripeEvent {
    id: string;
    type: string;
    created: number;
    data: { object: Record<string, unknown> };
    [field: string]: unknown;
}

/** The parts of a function URL request that verification reads. */
export interface SignedRequest {
    body: string | undefined;
    isBase64Encoded: boolean;
    /** The `Stripe-Signature` header value, if the request had one. */
    signatureHeader: string | undefined;
}

export interface Verified {
    ok: true;
    event: StripeEvent;
    /** The body as received, decoded to text: what goes to EventBridge as `Detail`. */
    detail: string;
    /** UTF-8 size of `detail`, the raw body's size. */
    bytes: number;
    /** The most bytes `detail` can take inside Step Functions: see `escapedJsonBytes`. */
    escapedBytes: number;
}

/** Why a request was refused; `message` is fixed text, never the payload, a header or a secret. */
export interface Rejected {
    ok: false;
    status: 400 | 413;
    code:
        | "empty_body"
        | "body_too_large"
        | "body_not_utf8"
        | "missing_signature"
        | "malformed_signature"
        | "stale_timestamp"
        | "future_timestamp"
        | "signature_mismatch"
        | "body_not_json"
        | "body_too_deep"
        | "not_a_stripe_event"
        | "event_id_too_long"
        | "event_type_too_long";
    message: string;
}

export type Verification = Verified | Rejected;

const reject = (code: Rejected["code"], message: string, status: Rejected["status"] = 400): Rejected => ({ ok: false, status, code, message });

export interface ParsedSignatureHeader {
    timestamp: number;
    /** The `v1` signatures, decoded from hex. */
    signatures: Uint8Array[];
}

/**
 * Unix seconds without sign or leading zeros (the signed prefix is the timestamp as Stripe wrote
 * it, and Number() would drop them), at most 12 digits. Checked by hand, like the hex below: the
 * header is parsed on every request, and on small events regexes and Buffer.from(hex) showed.
 */
function isTimestamp(value: string): boolean {
    if (value.length === 0 || value.length > 12 || (value.length > 1 && value.charCodeAt(0) === 48)) return false;
    for (let i = 0; i < value.length; i++) {
        const c = value.charCodeAt(i);
        if (c < 48 || c > 57) return false;
    }
    return true;
}

/** Value of each lower-case hex digit by char code, -1 for anything else (Stripe writes lower case). */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX_VALUE["0123456789abcdef".charCodeAt(i)] = i;

/** The 32 bytes of a hex SHA-256 digest, or undefined when `hex` is not one. */
function decodeDigest(hex: string): Uint8Array | undefined {
    if (hex.length !== 64) return undefined;
    const bytes = new Uint8Array(32);
    for (let i = 0; i < 32; i++) {
        const hi = hex.charCodeAt(2 * i);
        const lo = hex.charCodeAt(2 * i + 1);
        const value = hi < 128 && lo < 128 ? (HEX_VALUE[hi] << 4) | HEX_VALUE[lo] : -1;
        if (value < 0) return undefined;
        bytes[i] = value;
    }
    return bytes;
}

/**
 * Parses `t=...,v1=...[,v1=...]` as Stripe's own parser does (pairs split on ",", key and value on
 * the first "="), ignoring other schemes (`v0`) and `v1` values that cannot be a SHA-256 hex
 * digest. Undefined when there is no usable timestamp or no usable `v1`, when the header carries
 * two different timestamps (a function URL joins repeated headers with commas, and which one was
 * signed would then be a guess), or when it is longer than MAX_SIGNATURE_HEADER_LENGTH.
 */
export function parseSignatureHeader(header: string): ParsedSignatureHeader | undefined {
    if (header.length > MAX_SIGNATURE_HEADER_LENGTH) return undefined;
    let timestamp: string | undefined;
    const signatures: Uint8Array[] = [];
    // An indexOf walk rather than split/map: this runs on every request, and allocates less. Each
    // pair is read once: its "=" is looked for within the pair only, as an indexOf over the rest of
    // the header made a header of commas quadratic.
    for (let start = 0; start < header.length; ) {
        let end = header.indexOf(",", start);
        if (end < 0) end = header.length;
        let eq = start;
        while (eq < end && header.charCodeAt(eq) !== 61 /* = */) eq++;
        if (eq < end) {
            const key = header.slice(start, eq).trim();
            const value = header.slice(eq + 1, end).trim();
            if (key === "t") {
                if (!isTimestamp(value) || (timestamp !== undefined && timestamp !== value)) return undefined;
                timestamp = value;
            } else if (key === "v1") {
                const signature = decodeDigest(value);
                if (signature) signatures.push(signature);
            }
        }
        start = end + 1;
    }
    return timestamp === undefined || signatures.length === 0 ? undefined : { timestamp: Number(timestamp), signatures };
}

/** The first way `value` falls short of a Stripe event the lake can hold, or undefined when it is one. */
export function stripeEventRejection(value: unknown): Rejected | undefined {
    const notAnEvent = (problem: string) => reject("not_a_stripe_event", `the request body is not a Stripe event: ${problem}`);
    if (typeof value !== "object" || value === null || Array.isArray(value)) return notAnEvent("it is not a JSON object");
    const e = value as Record<string, unknown>;
    if (typeof e.id !== "string" || !EVENT_ID_PATTERN.test(e.id)) return notAnEvent("`id` is not an event id (evt_...)");
    if (e.id.length > MAX_EVENT_ID_LENGTH) return reject("event_id_too_long", `the event id is longer than ${MAX_EVENT_ID_LENGTH} characters, more than the lake's keys hold`);
    if (typeof e.type !== "string" || !EVENT_TYPE_PATTERN.test(e.type)) return notAnEvent("`type` is not an event type (such as invoice.paid)");
    if (e.type.length > MAX_EVENT_TYPE_LENGTH) {
        return reject("event_type_too_long", `the event type is longer than ${MAX_EVENT_TYPE_LENGTH} characters, more than EventBridge and the lake take`);
    }
    if (typeof e.created !== "number" || !Number.isInteger(e.created) || e.created < 0 || e.created > MAX_CREATED) return notAnEvent("`created` is not a unix timestamp");
    const data = e.data as Record<string, unknown> | null | undefined;
    if (typeof data !== "object" || data === null || typeof data.object !== "object" || data.object === null || Array.isArray(data.object)) {
        return notAnEvent("`data.object` is not an object");
    }
    return undefined;
}

/** Created on the first scan, so a cold start that answers 400 before any body is scanned compiles nothing. */
let scanner: JsonScanner | undefined;

/**
 * One pass over the UTF-8 bytes of a JSON text, without recursion or allocation: -1 as soon as
 * arrays and objects nest deeper than `maxDepth` (brackets inside strings do not count), else what
 * escaping the text once more as a JSON string adds: one byte per quote and per backslash. The
 * kernel (jsonScan.wat) reads 64 bytes per step, a fraction of what the HMAC costs; the body is
 * scanned before it is parsed.
 */
export function scanJson(bytes: Uint8Array, maxDepth = MAX_JSON_DEPTH): number {
    scanner ??= createJsonScanner();
    return scanner.scan(bytes, maxDepth);
}

/**
 * The most UTF-8 bytes a JSON text can take inside Step Functions, or -1 when it nests deeper than
 * MAX_JSON_DEPTH. EventBridge and Step Functions re-serialise it, and nothing says either keeps
 * non-ASCII characters as they are: at worst each UTF-16 unit becomes a 6-byte `\uXXXX`. A task
 * that embeds it as a JSON string (States.JsonToString into an S3 Body or an SQS MessageBody)
 * escapes every quote and backslash once more, the one of each `\uXXXX` included: 7 bytes per
 * non-ASCII unit. That growth is bounded without counting: a character of k UTF-8 bytes and u
 * UTF-16 units adds k - u to `bytes - utf16Length` and grows by 7u - k, at most 5 per byte it adds
 * (2-byte characters: 5 for 1, 4-byte ones: 10 for 2, exact; 3-byte ones: 4 for 2, generous).
 */
export function escapedJsonBytes(bytes: Uint8Array, utf16Length: number): number {
    const escapes = scanJson(bytes);
    return escapes < 0 ? -1 : bytes.length + escapes + 5 * (bytes.length - utf16Length);
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** Largest base64 text that can decode to `bytes` bytes (padding included). */
const base64Length = (bytes: number): number => Math.ceil(bytes / 3) * 4;

/** Reused target of the UTF-8 encoding of plain bodies; bodies that do not fit get their own buffer. */
const SCRATCH_BYTES = 1024 * 1024;
let scratch: Buffer | undefined;

/**
 * The UTF-8 bytes of `text`. Encoding once into a reused buffer yields both the exact size and the
 * HMAC input for the cost of the encoding an HMAC over the string does anyway; Buffer.byteLength
 * would be a second full pass over the body. The result is only valid until the next call.
 */
function utf8Bytes(text: string): Buffer {
    scratch ??= Buffer.allocUnsafe(SCRATCH_BYTES);
    const { read, written } = encoder.encodeInto(text, scratch);
    return read === text.length ? scratch.subarray(0, written) : Buffer.from(text, "utf8");
}

/**
 * Checks signatures for a fixed set of signing secrets. Immutable: a secret reload builds a new
 * verifier, so a request never sees half of an old and half of a new set.
 */
export class WebhookVerifier {
    /** Imported once: creating an HMAC from a KeyObject skips importing the key on every request. */
    private readonly keys: readonly KeyObject[];

    constructor(
        signingSecrets: readonly string[],
        readonly toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
    ) {
        if (signingSecrets.length === 0) throw new Error("at least one signing secret is needed");
        signingSecrets.forEach((secret, i) => {
            // The message names the position only: the value is a secret.
            if (typeof secret !== "string" || !/^whsec_\S+$/.test(secret)) throw new Error(`signing secret #${i + 1} is not a whsec_... value`);
        });
        if (!Number.isFinite(toleranceSeconds) || toleranceSeconds < 0) throw new Error(`toleranceSeconds must be a number >= 0, got ${toleranceSeconds}`);
        this.keys = signingSecrets.map((secret) => createSecretKey(Buffer.from(secret, "utf8")));
    }

    /**
     * Verifies and parses one request: body size, header, timestamp, signature, then encoding,
     * nesting, JSON and the event's shape. The timestamp is checked before any hashing, so stale
     * replays cost no HMAC; the body is decoded, scanned and parsed only once it is known to come
     * from Stripe.
     */
    verify(request: SignedRequest, nowSeconds: number): Verification {
        const { body, isBase64Encoded, signatureHeader } = request;
        if (typeof body !== "string" || body.length === 0) return reject("empty_body", "the request body is empty");
        let decoded: Buffer | undefined;
        if (isBase64Encoded) {
            if (body.length > base64Length(MAX_BODY_BYTES)) return tooLarge();
            decoded = Buffer.from(body, "base64");
            if (decoded.length === 0) return reject("empty_body", "the request body is empty");
            if (decoded.length > MAX_BODY_BYTES) return tooLarge();
        } else if (body.length > MAX_BODY_BYTES) {
            // A string never has more UTF-16 units than UTF-8 bytes: too large before it is even encoded.
            return tooLarge();
        }

        if (signatureHeader === undefined || signatureHeader === "") return reject("missing_signature", "the Stripe-Signature header is missing");
        const header = parseSignatureHeader(signatureHeader);
        if (!header) return reject("malformed_signature", "the Stripe-Signature header is not of the form t=<unix seconds>,v1=<hex signature>");
        const age = nowSeconds - header.timestamp;
        if (age > this.toleranceSeconds) return reject("stale_timestamp", `the signature timestamp is more than ${this.toleranceSeconds} s old`);
        if (-age > this.toleranceSeconds) return reject("future_timestamp", `the signature timestamp is more than ${this.toleranceSeconds} s in the future`);

        // What gets hashed is what Stripe signed: the raw bytes, never a re-serialised object.
        const signed = decoded ?? utf8Bytes(body);
        const bytes = signed.length;
        if (bytes > MAX_BODY_BYTES) return tooLarge();
        if (!this.matches(header, signed)) return reject("signature_mismatch", "no v1 signature matches the endpoint's signing secret");

        let detail = body;
        if (decoded) {
            try {
                detail = utf8.decode(decoded);
            } catch {
                return reject("body_not_utf8", "the request body is not UTF-8 text");
            }
        }
        // Before parsing: a body too deep for the pipeline is refused without being parsed.
        const escapedBytes = escapedJsonBytes(signed, detail.length);
        if (escapedBytes < 0) return reject("body_too_deep", `the request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels, more than the pipeline stores`);
        let event: unknown;
        try {
            event = JSON.parse(detail);
        } catch {
            return reject("body_not_json", "the request body is not JSON");
        }
        const rejection = stripeEventRejection(event);
        if (rejection) return rejection;
        return { ok: true, event: event as StripeEvent, detail, bytes, escapedBytes };
    }

    private matches(header: ParsedSignatureHeader, payload: Buffer): boolean {
        const prefix = `${header.timestamp}.`;
        for (const key of this.keys) {
            const expected = createHmac("sha256", key).update(prefix).update(payload).digest();
            // timingSafeEqual: the comparison takes as long whether the first or the last byte differs.
            for (const given of header.signatures) if (timingSafeEqual(expected, given)) return true;
        }
        return false;
    }
}

function tooLarge(): Rejected {
    return reject("body_too_large", `the request body is larger than ${MAX_BODY_BYTES} bytes, the function URL limit`, 413);
}
