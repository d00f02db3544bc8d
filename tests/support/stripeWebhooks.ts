/**
 * Stripe webhook requests as a Lambda function URL delivers them: event bodies shaped and
 * formatted like Stripe's (pretty-printed JSON with non-ASCII text), signed with the stripe
 * package's own `generateTestHeaderString`. Shared by the receiver tests and its benchmark.
 */
import type { LambdaFunctionURLEvent } from "aws-lambda";
import Stripe from "stripe";

export const SIGNING_SECRET = "whsec_receiverTestsPrimary0123456789abcdef";
export const ROTATED_SECRET = "whsec_receiverTestsRotated0123456789abcdef";

/** Unix time of the fixed clock most tests run at. */
export const NOW = 1_750_000_000;

/** An address placed in every generated event, so tests can check that logs never carry the payload. */
export const PAYLOAD_MARKER = "payload-marker@example.com";

export interface EventOptions {
    id?: string;
    type?: string;
    created?: number;
    /** Line items are added until the body is at least this many UTF-8 bytes. Default: about 2 KB. */
    minBytes?: number;
}

function lineItem(i: number): Record<string, unknown> {
    return {
        id: `li_1Q${String(i).padStart(8, "0")}AbCdEfGh`,
        object: "item",
        amount_discount: 0,
        amount_subtotal: 1500 + i,
        amount_tax: 0,
        amount_total: 1500 + i,
        currency: "eur",
        description: `Café crème n°${i} ☕ 🚀`,
        price: { id: `price_1Q${i}XyZ`, object: "price", active: true, currency: "eur", unit_amount: 1500 + i, metadata: {} },
        quantity: 1 + (i % 3),
    };
}

/** A `checkout.session.completed` event object, as the API renders it. */
export function stripeEvent(options: EventOptions = {}, lineItems = 1): Record<string, unknown> {
    const created = options.created ?? NOW - 2;
    return {
        id: options.id ?? "evt_1QAbCdEfGhIjKlMnOpQrStUv",
        object: "event",
        api_version: "2025-09-30.clover",
        created,
        data: {
            object: {
                id: "cs_test_a1B2c3D4e5F6g7H8",
                object: "checkout.session",
                amount_subtotal: 1500,
                amount_total: 1500,
                created: created - 60,
                currency: "eur",
                customer: "cus_QAbCdEfGhIjKlM",
                customer_details: { email: PAYLOAD_MARKER, name: "Zoë Ångström", address: { city: "Malmö", country: "SE" } },
                line_items: { object: "list", data: Array.from({ length: lineItems }, (_, i) => lineItem(i)), has_more: false },
                livemode: false,
                metadata: { order: "ORD-1001" },
                mode: "payment",
                payment_status: "paid",
                status: "complete",
            },
        },
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        type: options.type ?? "checkout.session.completed",
    };
}

/** Stripe sends events pretty-printed with two spaces. */
export const formatLikeStripe = (event: unknown): string => JSON.stringify(event, null, 2);

/** A body of at least `minBytes` (default about 2 KB): line items are added until it is big enough. */
export function stripeEventBody(options: EventOptions = {}): string {
    const minBytes = options.minBytes ?? 2000;
    const one = Buffer.byteLength(formatLikeStripe(stripeEvent(options, 1)));
    const perItem = Buffer.byteLength(formatLikeStripe(stripeEvent(options, 2))) - one;
    let items = Math.max(1, 1 + Math.ceil((minBytes - one) / perItem));
    let body = formatLikeStripe(stripeEvent(options, items));
    while (Buffer.byteLength(body) < minBytes) body = formatLikeStripe(stripeEvent(options, ++items));
    return body;
}

/** Grows a pretty-printed body to exactly `bytes` UTF-8 bytes with whitespace before its closing brace. */
export function padBody(body: string, bytes: number): string {
    const missing = bytes - Buffer.byteLength(body);
    if (missing < 0 || !body.endsWith("\n}")) throw new Error(`cannot pad a ${Buffer.byteLength(body)}-byte body to ${bytes} bytes`);
    return `${body.slice(0, -2)}${" ".repeat(missing)}\n}`;
}

/** The `Stripe-Signature` header Stripe would send for `payload`, from the stripe package itself. */
export function signatureHeader(payload: string, timestamp = NOW, secret = SIGNING_SECRET): string {
    return Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}

export interface RequestOptions {
    method?: string;
    headers?: Record<string, string>;
    isBase64Encoded?: boolean;
    requestId?: string;
}

/** A function URL event (payload format 2.0) carrying `body`. */
export function functionUrlEvent(body: string | undefined, options: RequestOptions = {}): LambdaFunctionURLEvent {
    const method = options.method ?? "POST";
    return {
        version: "2.0",
        routeKey: "$default",
        rawPath: "/",
        rawQueryString: "",
        headers: {
            host: "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws",
            "content-type": "application/json; charset=utf-8",
            "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            ...options.headers,
        },
        requestContext: {
            accountId: "anonymous",
            apiId: "abcdefghijklmnopqrstuvwxyz012345",
            domainName: "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws",
            domainPrefix: "abcdefghijklmnopqrstuvwxyz012345",
            http: { method, path: "/", protocol: "HTTP/1.1", sourceIp: "3.18.12.63", userAgent: "Stripe/1.0 (+https://stripe.com/docs/webhooks)" },
            requestId: options.requestId ?? "c0ffee00-1111-2222-3333-444455556666",
            routeKey: "$default",
            stage: "$default",
            time: "15/Jun/2025:14:13:20 +0000",
            timeEpoch: NOW * 1000,
        },
        body,
        isBase64Encoded: options.isBase64Encoded ?? false,
    };
}

/** A signed Stripe delivery of `body`: the request Stripe would send at `timestamp`. */
export function signedDelivery(body: string, timestamp = NOW, secret = SIGNING_SECRET, options: RequestOptions = {}): LambdaFunctionURLEvent {
    return functionUrlEvent(body, { ...options, headers: { "stripe-signature": signatureHeader(body, timestamp, secret), ...options.headers } });
}
