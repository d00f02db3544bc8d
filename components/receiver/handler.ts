/**
 * The webhook receiver behind the Lambda function URL: verifies the Stripe signature over the raw
 * body and publishes the event to the pipeline's EventBridge bus.
 *
 * `createReceiver` is pure of AWS: it gets `publish` and `archiveOversize` as functions, so tests
 * and the local pipeline run the same code as Lambda. `handler` wires it to the AWS SDK.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { LambdaFunctionURLEvent } from "aws-lambda";
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry, type PutEventsResponse } from "@aws-sdk/client-eventbridge";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { DEFAULT_LAKE_PREFIX, EVENT_ID_PATTERN, EVENT_SOURCE, EVENT_TYPE_PATTERN, objectKey } from "../lake/layout";

/** Environment variables the component sets on the function; the handler reads nothing else. */
export const RECEIVER_ENV = {
    eventBusName: "EVENT_BUS_NAME",
    eventSource: "EVENT_SOURCE",
    lakeBucket: "LAKE_BUCKET",
    lakePrefix: "LAKE_PREFIX",
    signingSecretArn: "SIGNING_SECRET_ARN",
} as const;

export interface ReceiverResponse {
    statusCode: number;
    body?: string;
    headers?: Record<string, string>;
}

export interface ReceiverOptions {
    /** One or more `whsec_...` secrets; several during a rotation, any may match. */
    signingSecrets: string[];
    /** Sends entries to EventBridge and resolves to the PutEvents response. */
    publish(entries: PutEventsRequestEntry[]): Promise<Pick<PutEventsResponse, "FailedEntryCount" | "Entries">>;
    /** Writes a raw event straight to the lake, for events too big for the state machine. */
    archiveOversize(key: string, body: string): Promise<void>;
    /** Accepted distance between the signature timestamp and now, in seconds. Default 300. */
    toleranceSeconds?: number;
    /** Current unix time in seconds. */
    now?(): number;
    eventBusName?: string;
    /** EventBridge `source` of published entries; the rule matches only this. */
    source?: string;
    /** Lake key prefix for oversize events. Default "events". */
    lakePrefix?: string;
}

/** Largest state machine input (Step Functions quota), which includes the EventBridge envelope. */
export const MAX_STATE_INPUT_BYTES = 256 * 1024;
/** Room left for the envelope EventBridge wraps around `detail` (ids, ARNs, time, region, source). */
const ENVELOPE_ALLOWANCE_BYTES = 2 * 1024;

interface StripeEvent {
    id: string;
    type: string;
    created: number;
    data: { object: unknown };
}

const json = (statusCode: number, body: Record<string, unknown>): ReceiverResponse => ({
    statusCode,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
});

/** Parses `t=...,v1=...[,v1=...]`; undefined when the header is not of that shape. */
export function parseSignatureHeader(header: string): { timestamp: number; signatures: string[] } | undefined {
    let timestamp: number | undefined;
    const signatures: string[] = [];
    for (const part of header.split(",")) {
        const eq = part.indexOf("=");
        const key = part.slice(0, eq).trim();
        const value = part.slice(eq + 1).trim();
        if (key === "t" && /^\d{1,12}$/.test(value)) timestamp = Number(value);
        else if (key === "v1" && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
    }
    return timestamp === undefined || signatures.length === 0 ? undefined : { timestamp, signatures };
}

function isStripeEvent(value: unknown): value is StripeEvent {
    const e = value as StripeEvent;
    return (
        typeof e === "object" && e !== null && !Array.isArray(e) &&
        typeof e.id === "string" && EVENT_ID_PATTERN.test(e.id) &&
        typeof e.type === "string" && EVENT_TYPE_PATTERN.test(e.type) &&
        Number.isSafeInteger(e.created) &&
        typeof e.data === "object" && e.data !== null && "object" in e.data
    );
}

export function createReceiver(options: ReceiverOptions): (event: LambdaFunctionURLEvent) => Promise<ReceiverResponse> {
    const tolerance = options.toleranceSeconds ?? 300;
    const now = options.now ?? (() => Math.floor(Date.now() / 1000));
    const source = options.source ?? EVENT_SOURCE;
    const lakePrefix = options.lakePrefix ?? DEFAULT_LAKE_PREFIX;
    const keys = options.signingSecrets.map((s) => Buffer.from(s, "utf8"));
    if (keys.length === 0) {
        throw new Error("createReceiver needs at least one signing secret");
    }

    return async (event) => {
        if (event.requestContext?.http?.method !== "POST") {
            return { ...json(405, { error: "only POST is accepted" }), headers: { "content-type": "application/json", allow: "POST" } };
        }
        const header = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === "stripe-signature")?.[1];
        const parsed = header ? parseSignatureHeader(header) : undefined;
        if (!parsed) {
            return json(400, { error: "missing or malformed Stripe-Signature header" });
        }
        if (Math.abs(now() - parsed.timestamp) > tolerance) {
            return json(400, { error: "signature timestamp outside the tolerance" });
        }
        const raw = Buffer.from(event.body ?? "", event.isBase64Encoded ? "base64" : "utf8");
        const signedPayload = Buffer.concat([Buffer.from(`${parsed.timestamp}.`, "utf8"), raw]);
        const expected = keys.map((key) => createHmac("sha256", key).update(signedPayload).digest());
        const matches = parsed.signatures.some((hex) => {
            const given = Buffer.from(hex, "hex");
            return expected.some((e) => timingSafeEqual(e, given));
        });
        if (!matches) {
            return json(400, { error: "no signature matches" });
        }

        let stripeEvent: unknown;
        try {
            stripeEvent = JSON.parse(raw.toString("utf8"));
        } catch {
            return json(400, { error: "body is not JSON" });
        }
        if (!isStripeEvent(stripeEvent)) {
            return json(400, { error: "body is not a Stripe event" });
        }

        const detail = raw.toString("utf8");
        if (Buffer.byteLength(JSON.stringify(stripeEvent)) + ENVELOPE_ALLOWANCE_BYTES > MAX_STATE_INPUT_BYTES) {
            await options.archiveOversize(objectKey(lakePrefix, stripeEvent), JSON.stringify(stripeEvent));
            return json(200, { received: stripeEvent.id, archived: "oversize" });
        }
        try {
            const result = await options.publish([
                { Source: source, DetailType: stripeEvent.type, Detail: detail, Time: new Date(stripeEvent.created * 1000), EventBusName: options.eventBusName },
            ]);
            if ((result.FailedEntryCount ?? 0) > 0) {
                return json(500, { error: "the event bus refused the event; Stripe will retry" });
            }
        } catch {
            return json(500, { error: "the event bus is unavailable; Stripe will retry" });
        }
        return json(200, { received: stripeEvent.id });
    };
}

/** Splits the stored secret: one `whsec_` value, or several separated by commas or newlines during a rotation. */
export function parseSigningSecrets(secretString: string): string[] {
    return secretString.split(/[\s,]+/).filter((s) => s.length > 0);
}

let receiver: Promise<(event: LambdaFunctionURLEvent) => Promise<ReceiverResponse>> | undefined;

async function initialise(): Promise<(event: LambdaFunctionURLEvent) => Promise<ReceiverResponse>> {
    const env = (name: string): string => {
        const value = process.env[name];
        if (!value) throw new Error(`environment variable ${name} is not set`);
        return value;
    };
    const secret = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: env(RECEIVER_ENV.signingSecretArn) }));
    const eventBridge = new EventBridgeClient({});
    const s3 = new S3Client({});
    const bucket = env(RECEIVER_ENV.lakeBucket);
    return createReceiver({
        signingSecrets: parseSigningSecrets(secret.SecretString ?? ""),
        publish: (entries) => eventBridge.send(new PutEventsCommand({ Entries: entries })),
        archiveOversize: async (key, body) => {
            await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: "application/json" }));
        },
        eventBusName: env(RECEIVER_ENV.eventBusName),
        source: env(RECEIVER_ENV.eventSource),
        lakePrefix: env(RECEIVER_ENV.lakePrefix),
    });
}

/** Lambda entry point; the clients and the signing secrets are loaded once per cold start. */
export async function handler(event: LambdaFunctionURLEvent): Promise<ReceiverResponse> {
    receiver ??= initialise().catch((error) => {
        receiver = undefined; // let the next invocation retry a failed cold start
        throw error;
    });
    return (await receiver)(event);
}
