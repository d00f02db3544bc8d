/**
 * A small, hand-checkable Stripe history from January to March 2025 in four currencies, covering
 * what the metrics must get right: a quantity change, a price upgrade, a yearly, a quarterly, a
 * weekly and a daily price, a two-item subscription, a metered item, a trial that converts, an
 * incomplete subscription, a past-due one, cancellations, two events of one subscription in the
 * same second, failed payment attempts and a partially captured payment. tests/report/report.test.ts
 * states the metrics it must give, computed by hand.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stripeEvent, TestEvent } from "../../fixtures/stripeEvents";
import { at, checkoutSession, invoice, ItemSpec, paymentIntent, PaymentIntentSpec, PriceSpec, subscription, SubscriptionSpec, writeLake } from "../../fixtures/stripeObjects";

const price = (id: string, currency: string, unitAmount: number | null, interval: PriceSpec["interval"], intervalCount = 1, usageType: PriceSpec["usageType"] = "licensed"): PriceSpec => ({
    id,
    product: `prod_${id.slice(6)}`,
    currency,
    unitAmount,
    interval,
    intervalCount,
    usageType,
});

const PRICES = {
    usdMonthly20: price("price_usdMonthly20", "usd", 2000, "month"),
    usdYearly240: price("price_usdYearly240", "usd", 24000, "year"),
    usdMonthly10: price("price_usdMonthly10", "usd", 1000, "month"),
    usdMonthly50: price("price_usdMonthly50", "usd", 5000, "month"),
    usdQuarterly100: price("price_usdQuarterly100", "usd", 10000, "month", 3),
    usdMonthly15: price("price_usdMonthly15", "usd", 1500, "month"),
    usdMetered: price("price_usdMetered", "usd", 5, "month", 1, "metered"),
    eurMonthly15: price("price_eurMonthly15", "eur", 1500, "month"),
    eurWeekly5: price("price_eurWeekly5", "eur", 500, "week"),
    eurMonthly30: price("price_eurMonthly30", "eur", 3000, "month"),
    eurMonthly12: price("price_eurMonthly12", "eur", 1200, "month"),
    gbpYearly99: price("price_gbpYearly99", "gbp", 9900, "year"),
    gbpDaily1: price("price_gbpDaily1", "gbp", 100, "day"),
};

const item = (id: string, p: PriceSpec, quantity?: number): ItemSpec => ({ id, price: p, quantity });

let sequence = 0;
/** Event ids as Stripe makes them: `evt_` and 24 alphanumerics; `suffix` lets a test fix their sort order. */
function eventId(suffix?: string): string {
    sequence += 1;
    return suffix ? `evt_1Sample${suffix}` : `evt_1Sample${String(sequence).padStart(13, "0")}`;
}

function subscriptionEvents(base: SubscriptionSpec, changes: { type: string; time: string; set: Partial<SubscriptionSpec>; id?: string }[]): TestEvent[] {
    let state = base;
    const events = [stripeEvent("customer.subscription.created", subscription(base), base.created, { id: eventId() })];
    for (const change of changes) {
        const previous = state;
        state = { ...state, ...change.set };
        const changed = Object.fromEntries(Object.keys(change.set).map((k) => [k, (previous as unknown as Record<string, unknown>)[k]]));
        events.push(stripeEvent(change.type, subscription(state), at(change.time), { id: change.id ?? eventId(), previousAttributes: changed }));
    }
    return events;
}

function paymentEvents(base: Omit<PaymentIntentSpec, "status" | "created">, steps: { type: string; time: string; set: Partial<PaymentIntentSpec> }[]): TestEvent[] {
    let state: PaymentIntentSpec = { ...base, status: "requires_payment_method", created: at(steps[0].time) };
    return steps.map((step) => {
        state = { ...state, ...step.set };
        return stripeEvent(step.type, paymentIntent(state), at(step.time), { id: eventId() });
    });
}

const sub = (id: string, customer: string, currency: string, status: SubscriptionSpec["status"], time: string, items: ItemSpec[], extra: Partial<SubscriptionSpec> = {}): SubscriptionSpec => ({
    id,
    customer,
    currency,
    status,
    created: at(time),
    items,
    ...extra,
});

export function sampleEvents(): TestEvent[] {
    sequence = 0;
    return [
        // A: $20/month; quantity 1 → 3 on Feb 10.
        ...subscriptionEvents(sub("sub_A", "cus_A", "usd", "active", "2025-01-05T10:00:00", [item("si_A1", PRICES.usdMonthly20, 1)]), [
            { type: "customer.subscription.updated", time: "2025-02-10T09:00:00", set: { items: [item("si_A1", PRICES.usdMonthly20, 3)] } },
        ]),
        // B: $240/year; set to cancel at period end on Mar 20 (still active).
        ...subscriptionEvents(sub("sub_B", "cus_B", "usd", "active", "2025-01-10T12:00:00", [item("si_B1", PRICES.usdYearly240, 1)]), [
            { type: "customer.subscription.updated", time: "2025-03-20T08:00:00", set: { cancelAtPeriodEnd: true } },
        ]),
        // C: $10/month, upgraded to $50/month on Feb 1, canceled on Mar 5.
        ...subscriptionEvents(sub("sub_C", "cus_C", "usd", "active", "2025-01-15T15:30:00", [item("si_C1", PRICES.usdMonthly10, 1)]), [
            { type: "customer.subscription.updated", time: "2025-02-01T00:00:05", set: { items: [item("si_C1", PRICES.usdMonthly50, 1)] } },
            { type: "customer.subscription.deleted", time: "2025-03-05T11:00:00", set: { status: "canceled", canceledAt: at("2025-03-05T11:00:00"), endedAt: at("2025-03-05T11:00:00") } },
        ]),
        // D: two items, €15/month x2 and €5/week.
        ...subscriptionEvents(sub("sub_D", "cus_D", "eur", "active", "2025-02-03T07:00:00", [item("si_D1", PRICES.eurMonthly15, 2), item("si_D2", PRICES.eurWeekly5, 1)]), []),
        // E: never paid, stays incomplete.
        ...subscriptionEvents(sub("sub_E", "cus_E", "eur", "incomplete", "2025-02-20T13:00:00", [item("si_E1", PRICES.eurMonthly30, 1)]), []),
        // F: $100 every 3 months, trialing from Mar 1, active from Mar 15.
        ...subscriptionEvents(sub("sub_F", "cus_F", "usd", "trialing", "2025-03-01T09:00:00", [item("si_F1", PRICES.usdQuarterly100, 1)], { trialEnd: at("2025-03-15T09:00:00") }), [
            { type: "customer.subscription.trial_will_end", time: "2025-03-12T09:00:00", set: {} },
            { type: "customer.subscription.updated", time: "2025-03-15T09:00:00", set: { status: "active" } },
        ]),
        // G: £99/year x2, canceled on Feb 25.
        ...subscriptionEvents(sub("sub_G", "cus_G", "gbp", "active", "2025-01-20T10:00:00", [item("si_G1", PRICES.gbpYearly99, 2)]), [
            { type: "customer.subscription.deleted", time: "2025-02-25T16:00:00", set: { status: "canceled", canceledAt: at("2025-02-25T16:00:00"), endedAt: at("2025-02-25T16:00:00") } },
        ]),
        // H: $15/month, past due from Mar 20 (still counted).
        ...subscriptionEvents(sub("sub_H", "cus_H", "usd", "active", "2025-03-10T10:00:00", [item("si_H1", PRICES.usdMonthly15, 1)]), [
            { type: "customer.subscription.updated", time: "2025-03-20T10:00:00", set: { status: "past_due" } },
        ]),
        // I: created incomplete and updated to active in the same second; the update's event id sorts first.
        stripeEvent("customer.subscription.created", subscription(sub("sub_I", "cus_I", "eur", "incomplete", "2025-03-12T12:00:00", [item("si_I1", PRICES.eurMonthly12, 1)])), at("2025-03-12T12:00:00"), {
            id: eventId("ZZZZZZZZZZZZZ"),
        }),
        stripeEvent("customer.subscription.updated", subscription(sub("sub_I", "cus_I", "eur", "active", "2025-03-12T12:00:00", [item("si_I1", PRICES.eurMonthly12, 1)])), at("2025-03-12T12:00:00"), {
            id: eventId("AAAAAAAAAAAAA"),
            previousAttributes: { status: "incomplete" },
        }),
        // J: metered usage only: active, no recurring amount.
        ...subscriptionEvents(sub("sub_J", "cus_J", "usd", "active", "2025-03-18T10:00:00", [item("si_J1", PRICES.usdMetered)]), []),
        // K: £1/day.
        ...subscriptionEvents(sub("sub_K", "cus_K", "gbp", "active", "2025-03-22T10:00:00", [item("si_K1", PRICES.gbpDaily1, 1)]), []),

        ...paymentEvents({ id: "pi_1", customer: "cus_A", currency: "usd", amount: 2000 }, [
            { type: "payment_intent.created", time: "2025-01-05T10:00:01", set: {} },
            { type: "payment_intent.succeeded", time: "2025-01-05T10:00:03", set: { status: "succeeded", amountReceived: 2000 } },
        ]),
        ...paymentEvents({ id: "pi_2", customer: "cus_B", currency: "usd", amount: 24000 }, [
            { type: "payment_intent.succeeded", time: "2025-01-10T12:00:02", set: { status: "succeeded", amountReceived: 24000 } },
        ]),
        ...paymentEvents({ id: "pi_3", customer: "cus_C", currency: "usd", amount: 1000 }, [
            { type: "payment_intent.payment_failed", time: "2025-01-15T15:30:02", set: { failure: { code: "card_declined", declineCode: "insufficient_funds" } } },
            { type: "payment_intent.succeeded", time: "2025-01-15T15:35:00", set: { status: "succeeded", amountReceived: 1000 } },
        ]),
        ...paymentEvents({ id: "pi_4", customer: "cus_H", currency: "usd", amount: 1500 }, [
            { type: "payment_intent.payment_failed", time: "2025-03-20T10:00:01", set: { failure: { code: "card_declined", declineCode: "generic_decline" } } },
            { type: "payment_intent.payment_failed", time: "2025-03-21T10:00:00", set: { failure: { code: "expired_card" } } },
            { type: "payment_intent.canceled", time: "2025-03-28T10:00:00", set: { status: "canceled", canceledAt: at("2025-03-28T10:00:00"), cancellationReason: "failed_invoice" } },
        ]),
        ...paymentEvents({ id: "pi_5", customer: "cus_D", currency: "eur", amount: 3500 }, [
            { type: "payment_intent.succeeded", time: "2025-02-03T07:00:02", set: { status: "succeeded", amountReceived: 3500 } },
        ]),
        ...paymentEvents({ id: "pi_6", customer: "cus_E", currency: "eur", amount: 3000 }, [
            { type: "payment_intent.payment_failed", time: "2025-02-20T13:00:02", set: { failure: { code: "card_declined", declineCode: "do_not_honor" } } },
        ]),
        // Captured for less than authorised: volume is what was received.
        ...paymentEvents({ id: "pi_7", customer: "cus_G", currency: "gbp", amount: 20000 }, [
            { type: "payment_intent.succeeded", time: "2025-01-20T10:00:02", set: { status: "succeeded", amountReceived: 19800 } },
        ]),
        ...paymentEvents({ id: "pi_8", customer: null, currency: "jpy", amount: 5000 }, [
            { type: "payment_intent.succeeded", time: "2025-02-14T03:00:00", set: { status: "succeeded", amountReceived: 5000 } },
        ]),

        stripeEvent("checkout.session.completed", checkoutSession({ id: "cs_A", customer: "cus_A", currency: "usd", amountTotal: 2000, mode: "subscription", created: at("2025-01-05T09:58:00"), subscription: "sub_A" }), at("2025-01-05T09:59:58"), { id: eventId() }),
        stripeEvent("checkout.session.completed", checkoutSession({ id: "cs_8", customer: null, currency: "jpy", amountTotal: 5000, mode: "payment", created: at("2025-02-14T02:55:00"), paymentIntent: "pi_8" }), at("2025-02-14T03:00:01"), { id: eventId() }),
        stripeEvent("invoice.paid", invoice({ id: "in_A1", customer: "cus_A", subscription: "sub_A", currency: "usd", amountDue: 2000, amountPaid: 2000, status: "paid", created: at("2025-01-05T10:00:00") }), at("2025-01-05T10:00:04"), { id: eventId() }),
        // A preview of the next invoice has no id; the invoices view leaves it out.
        stripeEvent("invoice.upcoming", { ...invoice({ id: "in_upcoming", customer: "cus_B", subscription: "sub_B", currency: "usd", amountDue: 24000, amountPaid: 0, status: "draft", created: at("2025-03-07T12:00:00") }), id: undefined }, at("2025-03-07T12:00:00"), { id: eventId() }),
    ];
}

/**
 * Writes the sample into a fresh lake folder, plus an event in the local dead-letter folder that
 * the report must not read (it would add a $999/month subscription).
 */
export function writeSampleLake(): string {
    const lakeDir = fs.mkdtempSync(path.join(os.tmpdir(), "sample-lake-"));
    writeLake(lakeDir, sampleEvents());
    const parked = stripeEvent("customer.subscription.created", subscription(sub("sub_X", "cus_X", "usd", "active", "2025-03-30T10:00:00", [item("si_X1", PRICES.usdMonthly20, 50)])), at("2025-03-30T10:00:00"), {
        id: "evt_1SampleDeadLetter0",
    });
    fs.mkdirSync(path.join(lakeDir, ".dead-letter"));
    fs.writeFileSync(path.join(lakeDir, ".dead-letter", `${parked.id}.json`), JSON.stringify(parked));
    return lakeDir;
}
