/**
 * Stripe objects as webhook events carry them, for the analytics tests and the report benchmark:
 * they have the fields of the real API objects (checked against the `stripe` package's types with
 * `satisfies`, so a misspelt or mistyped field fails to compile). Wrap them in events with
 * `stripeEvent` (./stripeEvents.ts); `writeLake` stores events the way the pipeline does: one
 * compact JSON document per event at `objectKey(prefix, event)`.
 */
import * as fs from "fs";
import * as path from "path";
import type Stripe from "stripe";
import { DEFAULT_LAKE_PREFIX, objectKey } from "../../components/lake/layout";
import { TestEvent } from "./stripeEvents";

/** Every object field optional, but the ones given must have the SDK's names and types. */
type Shape<T> = T extends readonly (infer U)[] ? Shape<U>[] : T extends object ? { [K in keyof T]?: Shape<T[K]> } : T;

/** Unix seconds of a UTC date-time written `YYYY-MM-DDTHH:MM:SS`. */
export function at(isoUtc: string): number {
    return Date.parse(`${isoUtc}Z`) / 1000;
}

export interface PriceSpec {
    id: string;
    product: string;
    currency: string;
    /** Per-unit amount in minor units; null for tiered prices. */
    unitAmount: number | null;
    interval: Stripe.Price.Recurring.Interval;
    intervalCount?: number;
    usageType?: Stripe.Price.Recurring.UsageType;
}

export interface ItemSpec {
    id: string;
    price: PriceSpec;
    /** Absent for metered prices, as in the API. */
    quantity?: number;
}

export interface SubscriptionSpec {
    id: string;
    customer: string;
    currency: string;
    status: Stripe.Subscription.Status;
    created: number;
    items: ItemSpec[];
    cancelAtPeriodEnd?: boolean;
    canceledAt?: number;
    endedAt?: number;
    trialEnd?: number;
}

function price(p: PriceSpec, created: number) {
    return {
        id: p.id,
        object: "price",
        active: true,
        billing_scheme: p.unitAmount === null ? "tiered" : "per_unit",
        created,
        currency: p.currency,
        livemode: false,
        lookup_key: null,
        metadata: {},
        nickname: null,
        product: p.product,
        recurring: { interval: p.interval, interval_count: p.intervalCount ?? 1, meter: null, usage_type: p.usageType ?? "licensed" },
        tax_behavior: "unspecified",
        type: "recurring",
        unit_amount: p.unitAmount,
        unit_amount_decimal: p.unitAmount === null ? null : String(p.unitAmount),
    } satisfies Shape<Stripe.Price>;
}

/** A subscription object; the item's current period starts at the subscription's creation, as for a new subscription. */
export function subscription(s: SubscriptionSpec) {
    return {
        id: s.id,
        object: "subscription",
        application: null,
        billing_cycle_anchor: s.created,
        cancel_at: null,
        cancel_at_period_end: s.cancelAtPeriodEnd ?? false,
        canceled_at: s.canceledAt ?? null,
        collection_method: "charge_automatically",
        created: s.created,
        currency: s.currency,
        customer: s.customer,
        default_payment_method: null,
        description: null,
        ended_at: s.endedAt ?? null,
        items: {
            object: "list",
            data: s.items.map((item) => ({
                id: item.id,
                object: "subscription_item",
                created: s.created,
                current_period_end: s.created + 30 * 86400,
                current_period_start: s.created,
                discounts: [],
                metadata: {},
                price: price(item.price, s.created),
                ...(item.quantity === undefined ? {} : { quantity: item.quantity }),
                subscription: s.id,
                tax_rates: [],
            })),
            has_more: false,
            url: `/v1/subscription_items?subscription=${s.id}`,
        },
        latest_invoice: `in_${s.id.slice(4)}`,
        livemode: false,
        metadata: {},
        start_date: s.created,
        status: s.status,
        trial_end: s.trialEnd ?? null,
        trial_start: s.trialEnd === undefined ? null : s.created,
    } satisfies Shape<Stripe.Subscription>;
}

export interface PaymentIntentSpec {
    id: string;
    customer: string | null;
    currency: string;
    amount: number;
    amountReceived?: number;
    status: Stripe.PaymentIntent.Status;
    created: number;
    /** Decline of the latest failed attempt. */
    failure?: { code: string; declineCode?: string };
    canceledAt?: number;
    cancellationReason?: Stripe.PaymentIntent.CancellationReason;
}

export function paymentIntent(p: PaymentIntentSpec) {
    return {
        id: p.id,
        object: "payment_intent",
        amount: p.amount,
        amount_capturable: 0,
        amount_received: p.amountReceived ?? 0,
        application: null,
        canceled_at: p.canceledAt ?? null,
        cancellation_reason: p.cancellationReason ?? null,
        capture_method: "automatic",
        client_secret: `${p.id}_secret_test`,
        confirmation_method: "automatic",
        created: p.created,
        currency: p.currency,
        customer: p.customer,
        description: null,
        last_payment_error: p.failure
            ? {
                  type: "card_error",
                  code: p.failure.code,
                  decline_code: p.failure.declineCode,
                  message: "Your card was declined.",
                  doc_url: `https://docs.stripe.com/error-codes/${p.failure.code.replace(/_/g, "-")}`,
              }
            : null,
        latest_charge: p.status === "succeeded" ? `ch_${p.id.slice(3)}` : null,
        livemode: false,
        metadata: {},
        payment_method: p.status === "requires_payment_method" && !p.failure ? null : `pm_${p.id.slice(3)}`,
        payment_method_types: ["card"],
        status: p.status,
    } satisfies Shape<Stripe.PaymentIntent>;
}

export interface CheckoutSessionSpec {
    id: string;
    customer: string | null;
    currency: string;
    amountTotal: number;
    mode: Stripe.Checkout.Session.Mode;
    created: number;
    subscription?: string;
    paymentIntent?: string;
}

export function checkoutSession(c: CheckoutSessionSpec) {
    return {
        id: c.id,
        object: "checkout.session",
        amount_subtotal: c.amountTotal,
        amount_total: c.amountTotal,
        created: c.created,
        currency: c.currency,
        customer: c.customer,
        expires_at: c.created + 86400,
        livemode: false,
        metadata: {},
        mode: c.mode,
        payment_intent: c.paymentIntent ?? null,
        payment_status: "paid",
        status: "complete",
        subscription: c.subscription ?? null,
        url: null,
    } satisfies Shape<Stripe.Checkout.Session>;
}

export interface InvoiceSpec {
    id: string;
    customer: string;
    subscription: string;
    currency: string;
    amountDue: number;
    amountPaid: number;
    status: Stripe.Invoice.Status;
    created: number;
}

export function invoice(i: InvoiceSpec) {
    return {
        id: i.id,
        object: "invoice",
        amount_due: i.amountDue,
        amount_paid: i.amountPaid,
        amount_remaining: i.amountDue - i.amountPaid,
        billing_reason: "subscription_cycle",
        collection_method: "charge_automatically",
        created: i.created,
        currency: i.currency,
        customer: i.customer,
        livemode: false,
        metadata: {},
        number: `${i.id.slice(3, 11).toUpperCase()}-0001`,
        parent: { type: "subscription_details", quote_details: null, subscription_details: { metadata: {}, subscription: i.subscription } },
        period_end: i.created,
        period_start: i.created - 30 * 86400,
        status: i.status,
    } satisfies Shape<Stripe.Invoice>;
}

/** Writes events into a lake folder as the pipeline does: compact JSON at the layout's key. */
export function writeLake(lakeDir: string, events: readonly TestEvent[], lakePrefix = DEFAULT_LAKE_PREFIX): void {
    const dirs = new Set<string>();
    for (const event of events) {
        const file = path.join(lakeDir, objectKey(lakePrefix, event));
        const dir = path.dirname(file);
        if (!dirs.has(dir)) {
            fs.mkdirSync(dir, { recursive: true });
            dirs.add(dir);
        }
        fs.writeFileSync(file, JSON.stringify(event));
    }
}
