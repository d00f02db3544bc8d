/**
 * The webhook receiver behind the Lambda function URL: verifies the Stripe signature over the raw
 * body and publishes the event to the pipeline's EventBridge bus, or writes it straight to the lake
 * when it is too big for the state machine. Every request ends in one JSON log line.
 *
 * `createReceiver` uses no AWS SDK: it gets `publish` and `archiveOversize` as functions, so tests
 * and the local pipeline run the same code as Lambda. `handler` wires it to the AWS SDK's
 * EventBridge client, to its S3 client once an oversize event needs it, and reads the signing
 * secret with one signed request (secrets.ts): only what every request needs is loaded up front.
 */
import type { LambdaFunctionURLEvent } from "aws-lambda";
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry, type PutEventsResponse } from "@aws-sdk/client-eventbridge";
import { DEFAULT_LAKE_PREFIX, objectKey } from "../lake/layout";
import { EVENT_SOURCE, matchesEventPattern } from "../routing/eventPattern";
import { RECEIVER_ENV } from "./env";
import { getSecretString } from "./secrets";
import { DEFAULT_TOLERANCE_SECONDS, WebhookVerifier, type Verified } from "./verify";

export interface ReceiverResponse {
    statusCode: number;
    body?: string;
    headers?: Record<string, string>;
}

/** The one structured log line of a request. It carries no payload, header value or secret. */
export interface ReceiverLogLine {
    level: "info" | "warn" | "error";
    /**
     * published: on the bus; archived: oversize, written to the lake; ignored: oversize of a type the
     * rule does not archive; rejected: 4xx; failed: 5xx, Stripe retries.
     */
    outcome: "published" | "archived" | "ignored" | "rejected" | "failed";
    status: number;
    /** Why a request was rejected or failed (`Rejected["code"]` of verify.ts, or one of the failure codes here). */
    code?: string;
    /** The function URL's request id. */
    requestId?: string;
    /** Only once the signature is verified and the id and type match Stripe's alphabet. */
    eventId?: string;
    eventType?: string;
    /** UTF-8 size of the body. */
    bytes?: number;
    latencyMs: number;
    /** Name and message of the error behind a failure; AWS errors carry no payload or secret. */
    error?: string;
}

export type PublishResult = Pick<PutEventsResponse, "FailedEntryCount" | "Entries">;

export interface ReceiverOptions {
    /** One or more `whsec_...` secrets; several during a rotation, any may match. */
    signingSecrets: string[];
    /** Sends entries to EventBridge and resolves to the PutEvents response. */
    publish(entries: PutEventsRequestEntry[]): Promise<PublishResult>;
    /** Writes a raw event straight to the lake, for events too big for the state machine. */
    archiveOversize(key: string, body: string): Promise<void>;
    /** Accepted distance between the signature timestamp and now, either way, in seconds. Default 300. */
    toleranceSeconds?: number;
    /** Current unix time in seconds. Default: the system clock, in whole seconds. */
    now?(): number;
    /** `EventBusName` of published entries. Default: none (the account's default bus). */
    eventBusName?: string;
    /** EventBridge `source` of published entries; the rule matches only this. Default: `EVENT_SOURCE`. */
    source?: string;
    /** Lake key prefix for oversize events. Default: "events". */
    lakePrefix?: string;
    /**
     * The rule's event pattern. Oversize events bypass the bus and with it the rule, so the
     * receiver applies the pattern to them itself: one the rule would drop is answered 200 and not
     * stored. Default: none (every oversize event is stored).
     */
    eventPattern?: object;
    /**
     * Re-reads the signing secrets from their store. Called when no signature matches, at most once
     * per `secretReloadIntervalSeconds`, so a warm container picks up a rotated secret without an
     * attacker being able to turn bad requests into a stream of store reads. Default: none.
     */
    reloadSigningSecrets?(): Promise<string[]>;
    /** Least time between two secret reloads, in seconds. Default: 60. */
    secretReloadIntervalSeconds?: number;
    /** Receives the log line of each request. Default: one JSON line on stdout. */
    log?(line: ReceiverLogLine): void;
}

export type Receiver = (event: LambdaFunctionURLEvent) => Promise<ReceiverResponse>;

/**
 * Largest state machine input: 256 KiB as UTF-8, for the execution input and every state
 * (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html). The input is the
 * whole EventBridge event, envelope included.
 */
export const MAX_STATE_INPUT_BYTES = 256 * 1024;

/**
 * The event EventBridge hands to the rule's target, with `detail` left out and every fixed field
 * at its longest (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html):
 * a UUID id, a 12-digit account, a second-precision time and room for any region name.
 */
const ENVELOPE_SAMPLE = {
    version: "0",
    id: "00000000-0000-0000-0000-000000000000",
    "detail-type": "",
    source: "",
    account: "000000000000",
    time: "2000-01-01T00:00:00Z",
    region: "x".repeat(32),
    resources: [],
    detail: null,
};
/** Headroom for fields EventBridge adds in some deliveries, such as `replay-name` on archive replays. */
const ENVELOPE_MARGIN_BYTES = 256;

/**
 * Room for what the workflow's tasks put around the event they embed: the object key (at most
 * 1,024 bytes), the bucket name (63), the queue URL, the execution ARN (256) and the field names.
 */
const TASK_PARAMETERS_MARGIN_BYTES = 2048;

/**
 * Upper bound of every payload Step Functions builds from an event whose `detail` takes at most
 * `escapedDetailBytes` there (Verified.escapedBytes, which counts non-ASCII text escaped and the
 * event embedded as a JSON string). The quota covers the execution input (the EventBridge event:
 * the envelope below plus `detail`) and each task's input after Parameters processing, such as the
 * park step's MessageBody, which embeds the whole event as a string and so at most doubles the
 * envelope. A task input over the quota fails with States.DataLimitExceeded, which no Catch takes
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html): the event
 * would be neither stored nor parked, so the bound covers the worst of them.
 *
 * Anything under it also fits EventBridge's own entry limit (Time's 14 bytes + Source + DetailType
 * + Detail, https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html: 256 KB
 * until January 2026, 1 MB since), so the state machine, not the bus, sets the threshold.
 */
export function stateInputBytes(escapedDetailBytes: number, detailType: string, source: string): number {
    const envelope = Buffer.byteLength(JSON.stringify({ ...ENVELOPE_SAMPLE, "detail-type": detailType, source })) - "null".length + ENVELOPE_MARGIN_BYTES;
    return 2 * envelope + TASK_PARAMETERS_MARGIN_BYTES + escapedDetailBytes;
}

const JSON_HEADERS = { "content-type": "application/json" };

interface Outcome {
    response: ReceiverResponse;
    line: Omit<ReceiverLogLine, "latencyMs" | "requestId">;
}

function respond(status: number, body: Record<string, unknown>, line: Outcome["line"], headers: Record<string, string> = {}): Outcome {
    return { response: { statusCode: status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) }, line };
}

/** `Name: message`, cut short: enough to act on without flooding the log. */
function describeError(error: unknown): string {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

/** Function URLs lower-case header names; other callers may not. Anything but a string counts as absent. */
function headerValue(headers: LambdaFunctionURLEvent["headers"] | undefined, lowerCaseName: string): string | undefined {
    if (!headers) return undefined;
    let value: unknown = headers[lowerCaseName];
    if (value === undefined) value = headers[Object.keys(headers).find((name) => name.toLowerCase() === lowerCaseName) ?? ""];
    return typeof value === "string" ? value : undefined;
}

function writeLogLine(line: ReceiverLogLine): void {
    process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** Logs the request's outcome with its id and latency, and hands back the response. */
function finish(log: (line: ReceiverLogLine) => void, request: LambdaFunctionURLEvent, started: number, outcome: Outcome): ReceiverResponse {
    const requestId = request.requestContext?.requestId;
    log({ ...outcome.line, ...(requestId && { requestId }), latencyMs: Math.round((performance.now() - started) * 1000) / 1000 });
    return outcome.response;
}

export function createReceiver(options: ReceiverOptions): Receiver {
    const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
    const now = options.now ?? (() => Math.floor(Date.now() / 1000));
    const source = options.source ?? EVENT_SOURCE;
    const lakePrefix = options.lakePrefix ?? DEFAULT_LAKE_PREFIX;
    const log = options.log ?? writeLogLine;
    const reload = options.reloadSigningSecrets && secretReloader(options.reloadSigningSecrets, options.secretReloadIntervalSeconds ?? 60, now, tolerance);
    let verifier = new WebhookVerifier(options.signingSecrets, tolerance);

    async function accept({ event, detail, bytes, escapedBytes }: Verified): Promise<Outcome> {
        const about = { eventId: event.id, eventType: event.type, bytes };
        const failed = (code: string, message: string, error: string): Outcome =>
            respond(500, { error: `${message}; Stripe will retry` }, { level: "error", outcome: "failed", status: 500, code, ...about, error });

        if (stateInputBytes(escapedBytes, event.type, source) > MAX_STATE_INPUT_BYTES) {
            if (options.eventPattern && !matchesEventPattern(options.eventPattern, { source, "detail-type": event.type, detail: event })) {
                return respond(200, { received: event.id }, { level: "info", outcome: "ignored", status: 200, ...about });
            }
            // Compact JSON, as the state machine writes it (States.JsonToString), at the key it would use.
            try {
                await options.archiveOversize(objectKey(lakePrefix, event), JSON.stringify(event));
            } catch (error) {
                return failed("archive_failed", "could not store the oversize event", describeError(error));
            }
            return respond(200, { received: event.id }, { level: "info", outcome: "archived", status: 200, ...about });
        }

        const entry: PutEventsRequestEntry = { Source: source, DetailType: event.type, Detail: detail, Time: new Date(event.created * 1000) };
        if (options.eventBusName !== undefined) entry.EventBusName = options.eventBusName;
        let result: PublishResult;
        try {
            result = await options.publish([entry]);
        } catch (error) {
            return failed("publish_failed", "could not reach the event bus", describeError(error));
        }
        // Both signals count: a failed entry is reported in FailedEntryCount and by an ErrorCode on the entry.
        const refused = result.Entries?.find((e) => e.ErrorCode);
        if ((result.FailedEntryCount ?? 0) > 0 || refused) {
            return failed("publish_refused", "the event bus refused the event", refused ? `${refused.ErrorCode}: ${refused.ErrorMessage ?? ""}` : `FailedEntryCount ${result.FailedEntryCount}`);
        }
        return respond(200, { received: event.id }, { level: "info", outcome: "published", status: 200, ...about });
    }

    async function receive(request: LambdaFunctionURLEvent): Promise<Outcome> {
        if (request.requestContext?.http?.method !== "POST") {
            return respond(405, { error: "only POST is accepted" }, { level: "warn", outcome: "rejected", status: 405, code: "method_not_allowed" }, { allow: "POST" });
        }
        const signed = { body: request.body, isBase64Encoded: request.isBase64Encoded === true, signatureHeader: headerValue(request.headers, "stripe-signature") };
        let verification = verifier.verify(signed, now());
        let reloadError: string | undefined;
        if (!verification.ok && verification.code === "signature_mismatch" && reload) {
            const reloaded = await reload();
            if (reloaded.verifier) {
                verifier = reloaded.verifier;
                verification = verifier.verify(signed, now());
            }
            reloadError = reloaded.error;
        }
        if (!verification.ok) {
            const { status, code, message } = verification;
            return respond(status, { error: message }, { level: "warn", outcome: "rejected", status, code, ...(reloadError && { error: `secret reload failed: ${reloadError}` }) });
        }
        return accept(verification);
    }

    return async (request) => {
        const started = performance.now();
        let outcome: Outcome;
        try {
            outcome = await receive(request);
        } catch (error) {
            outcome = respond(500, { error: "internal error; Stripe will retry" }, { level: "error", outcome: "failed", status: 500, code: "internal_error", error: describeError(error) });
        }
        return finish(log, request, started, outcome);
    };
}

/**
 * Rate-limited secret reloads: at most one per interval (counted from construction, when the
 * secrets were just read), one at a time. A failed or invalid reload keeps the current secrets.
 */
function secretReloader(
    load: () => Promise<string[]>,
    intervalSeconds: number,
    now: () => number,
    tolerance: number,
): () => Promise<{ verifier?: WebhookVerifier; error?: string }> {
    let lastAttempt = now();
    let inFlight: Promise<{ verifier?: WebhookVerifier; error?: string }> | undefined;
    return () => {
        if (inFlight) return inFlight;
        if (now() - lastAttempt < intervalSeconds) return Promise.resolve({});
        lastAttempt = now();
        inFlight = load()
            .then((secrets) => ({ verifier: new WebhookVerifier(secrets, tolerance) }))
            .catch((error: unknown) => ({ error: describeError(error) }))
            .finally(() => {
                inFlight = undefined;
            });
        return inFlight;
    };
}

/** Splits the stored secret: one `whsec_` value, or several separated by commas or whitespace during a rotation. */
export function parseSigningSecrets(secretString: string): string[] {
    return secretString.split(/[\s,]+/).filter((s) => s.length > 0);
}

function readEnvironment(): Record<keyof typeof RECEIVER_ENV, string> {
    const values = Object.fromEntries(Object.entries(RECEIVER_ENV).map(([key, name]) => [key, process.env[name] ?? ""]));
    const missing = Object.entries(RECEIVER_ENV).filter(([key]) => !values[key]).map(([, name]) => name);
    if (missing.length > 0) throw new Error(`environment variables not set: ${missing.join(", ")}`);
    return values as Record<keyof typeof RECEIVER_ENV, string>;
}

async function initialise(): Promise<Receiver> {
    const env = readEnvironment();
    const eventBridge = new EventBridgeClient({});
    let putObject: ((key: string, body: string) => Promise<unknown>) | undefined;
    const readSecrets = async (): Promise<string[]> => parseSigningSecrets(await getSecretString(env.signingSecretArn));
    return createReceiver({
        signingSecrets: await readSecrets(),
        reloadSigningSecrets: readSecrets,
        publish: (entries) => eventBridge.send(new PutEventsCommand({ Entries: entries })),
        archiveOversize: async (key, body) => {
            // Only oversize events need S3, and its client took a third of the cold start: it is loaded for the first of them.
            if (!putObject) {
                const { PutObjectCommand, S3Client } = require("@aws-sdk/client-s3") as typeof import("@aws-sdk/client-s3");
                const s3 = new S3Client({});
                // Written once, as the workflow writes: an oversize event already in the lake is not written again.
                putObject = (Key, Body) => s3.send(new PutObjectCommand({ Bucket: env.lakeBucket, Key, Body, ContentType: "application/json", IfNoneMatch: "*" }));
            }
            try {
                await putObject(key, body);
            } catch (error) {
                // 412: a redelivery of an event the lake has, which is success. A 409 (a concurrent write) answers 500 and Stripe retries.
                if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 412) throw error;
            }
        },
        eventBusName: env.eventBusName,
        source: env.eventSource,
        lakePrefix: env.lakePrefix,
        eventPattern: JSON.parse(env.eventPattern),
    });
}

let receiver: Promise<Receiver> | undefined;

/**
 * Lambda entry point. The EventBridge client and the signing secrets are loaded once per cold start; a start
 * that fails (secret not readable yet, bad configuration) answers 500, so Stripe retries, and the
 * next invocation starts again instead of reusing the failure.
 */
export async function handler(event: LambdaFunctionURLEvent): Promise<ReceiverResponse> {
    const started = performance.now();
    const starting = (receiver ??= initialise());
    let receive: Receiver;
    try {
        receive = await starting;
    } catch (error) {
        if (receiver === starting) receiver = undefined;
        const line = { level: "error", outcome: "failed", status: 500, code: "not_ready", error: describeError(error) } as const;
        return finish(writeLogLine, event, started, respond(500, { error: "the receiver could not start; Stripe will retry" }, line));
    }
    return receive(event);
}
