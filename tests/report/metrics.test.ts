/**
 * The subscription metrics (docs/metrics.md) on small histories that each exercise one rule, with
 * every expected figure computed by hand in the comments: discounts by coupon duration, percent and
 * amount, subscription- and item-level; MRR movements (new, expansion, contraction, churned,
 * reactivation); Stripe's subscriber churn rate; ARPU; the cancellation timing; two currencies
 * including JPY; live and test events mixed; a connected account.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execFileSync } from "child_process";
import { MetricSettings } from "../../components/analytics/metricSettings";
import { stripeEvent, TestEvent } from "../../fixtures/stripeEvents";
import { at, coupon, CouponSpec, discount, DiscountSpec, ItemSpec, paymentIntent, PriceSpec, subscription, SubscriptionSpec, writeLake } from "../../fixtures/stripeObjects";
import { renderText } from "../../report/cli";
import { openLake, query } from "../../report/lake";
import { buildReport, CurrencySummary, LakeReport, summarize } from "../../report/metrics";

const ROOT = path.resolve(__dirname, "../..");

const price = (id: string, unitAmount: number, interval: PriceSpec["interval"] = "month", currency = "usd"): PriceSpec => ({ id, product: `prod_${id}`, currency, unitAmount, interval });
const item = (id: string, p: PriceSpec, quantity = 1, discounts?: string[]): ItemSpec => ({ id, price: p, quantity, discounts });

/** A subscription's events: created, then each change of its state. */
function history(base: SubscriptionSpec, changes: [string, string, Partial<SubscriptionSpec>][] = [], options: { livemode?: boolean; account?: string } = {}): TestEvent[] {
    let state = { ...base, livemode: options.livemode };
    const events = [stripeEvent("customer.subscription.created", subscription(state), base.created, options)];
    for (const [type, time, set] of changes) {
        state = { ...state, ...set };
        events.push(stripeEvent(type, subscription(state), at(time), options));
    }
    return events;
}

const sub = (id: string, customer: string, time: string, items: ItemSpec[], extra: Partial<SubscriptionSpec> = {}): SubscriptionSpec => ({
    id,
    customer,
    currency: items[0].price.currency,
    status: "active",
    created: at(time),
    items,
    ...extra,
});

const couponEvent = (c: Omit<CouponSpec, "created">, time: string) => stripeEvent("coupon.created", coupon({ ...c, created: at(time) }), at(time));
const discountEvent = (type: string, d: DiscountSpec, time: string) => stripeEvent(type, discount(d), at(time));
/** A payment in the lake's last days, so the lake's latest event (the metrics' "now") is after every change. */
const lastPayment = (time: string, livemode = false) =>
    stripeEvent("payment_intent.succeeded", { ...paymentIntent({ id: `pi_${time}`, customer: null, currency: "usd", amount: 100, amountReceived: 100, status: "succeeded", created: at(time) }), livemode }, at(time), { livemode });

interface Result {
    report: LakeReport;
    summary: Record<string, CurrencySummary>;
}

const dirs: string[] = [];
function lakeOf(events: TestEvent[]): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "metrics-lake-"));
    dirs.push(dir);
    writeLake(dir, events);
    return dir;
}

async function metricsOf(dir: string, options: { metricSettings?: MetricSettings; liveOnly?: boolean } = {}): Promise<Result> {
    const lake = await openLake(dir, undefined, options);
    try {
        const report = await buildReport(lake);
        return { report, summary: summarize(report) };
    } finally {
        lake.close();
    }
}

const none = { new: 0, expansion: 0, contraction: 0, churned: 0, reactivation: 0 };

after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe("subscription metrics: discounts", function () {
    const monthly = price("usd100", 10000);
    const yearly = price("usd1200y", 120000, "year");
    const events = [
        couponEvent({ id: "co_quarter_forever", duration: "forever", percentOff: 25 }, "2025-01-01T00:00:00"),
        couponEvent({ id: "co_half_2_months", duration: "repeating", durationInMonths: 2, percentOff: 50 }, "2025-01-01T00:00:00"),
        couponEvent({ id: "co_free_once", duration: "once", percentOff: 100 }, "2025-01-01T00:00:00"),
        couponEvent({ id: "co_120_off_forever", duration: "forever", amountOff: 12000, currency: "usd" }, "2025-01-01T00:00:00"),
        couponEvent({ id: "co_half_forever", duration: "forever", percentOff: 50 }, "2025-01-01T00:00:00"),
        couponEvent({ id: "co_tenth_forever", duration: "forever", percentOff: 10 }, "2025-01-01T00:00:00"),
        // Forever 25%: 10000 → 7500.
        ...history(sub("sub_forever", "cus_forever", "2025-01-10T10:00:00", [item("si_forever", monthly)], { discounts: ["di_forever"] })),
        discountEvent("customer.discount.created", { id: "di_forever", coupon: "co_quarter_forever", customer: "cus_forever", subscription: "sub_forever", start: at("2025-01-10T10:00:00") }, "2025-01-10T10:00:00"),
        // Repeating 50% for two months: 5000 from Jan 10 to Mar 10, then 10000.
        ...history(sub("sub_repeat", "cus_repeat", "2025-01-10T11:00:00", [item("si_repeat", monthly)], { discounts: ["di_repeat"] })),
        discountEvent(
            "customer.discount.created",
            { id: "di_repeat", coupon: "co_half_2_months", customer: "cus_repeat", subscription: "sub_repeat", start: at("2025-01-10T11:00:00"), end: at("2025-03-10T11:00:00") },
            "2025-01-10T11:00:00",
        ),
        // Once 100%, removed after its invoice: a one-time discount, which Stripe's default leaves in MRR.
        ...history(sub("sub_once", "cus_once", "2025-01-10T12:00:00", [item("si_once", monthly)], { discounts: ["di_once"] })),
        discountEvent("customer.discount.created", { id: "di_once", coupon: "co_free_once", customer: "cus_once", subscription: "sub_once", start: at("2025-01-10T12:00:00") }, "2025-01-10T12:00:00"),
        discountEvent("customer.discount.deleted", { id: "di_once", coupon: "co_free_once", customer: "cus_once", subscription: "sub_once", start: at("2025-01-10T12:00:00") }, "2025-02-10T12:00:00"),
        // 120.00 off each (yearly) invoice, forever: 120000 / 12 - 12000 / 12 = 10000 - 1000 = 9000.
        ...history(sub("sub_amount", "cus_amount", "2025-01-10T13:00:00", [item("si_amount", yearly)], { discounts: ["di_amount"] })),
        discountEvent("customer.discount.created", { id: "di_amount", coupon: "co_120_off_forever", customer: "cus_amount", subscription: "sub_amount", start: at("2025-01-10T13:00:00") }, "2025-01-10T13:00:00"),
        // Item-level 50% on B (5000 x 2 → 5000), then 10% on the subscription: (10000 + 5000) x 0.9 = 13500.
        ...history(
            sub("sub_items", "cus_items", "2025-01-10T14:00:00", [item("si_items_a", monthly), item("si_items_b", price("usd50", 5000), 2, ["di_item"])], { discounts: ["di_sub"] }),
        ),
        discountEvent(
            "customer.discount.created",
            { id: "di_item", coupon: "co_half_forever", customer: "cus_items", subscription: "sub_items", subscriptionItem: "si_items_b", start: at("2025-01-10T14:00:00") },
            "2025-01-10T14:00:00",
        ),
        discountEvent("customer.discount.created", { id: "di_sub", coupon: "co_tenth_forever", customer: "cus_items", subscription: "sub_items", start: at("2025-01-10T14:00:00") }, "2025-01-10T14:00:00"),
        // A coupon the lake has no event of: nothing to deduct, and the report says so.
        ...history(sub("sub_unknown", "cus_unknown", "2025-01-10T15:00:00", [item("si_unknown", monthly)], { discounts: ["di_unknown"] })),
        discountEvent("customer.discount.created", { id: "di_unknown", coupon: "co_missing", customer: "cus_unknown", subscription: "sub_unknown", start: at("2025-01-10T15:00:00") }, "2025-01-10T15:00:00"),
        lastPayment("2025-04-15T00:00:00"),
    ];
    let dir: string;
    before(() => {
        dir = lakeOf(events);
    });

    it("deducts forever and repeating coupons while in effect, percent and amount, item and subscription level (Stripe's default)", async function () {
        const { summary, report } = await metricsOf(dir);
        assert.deepEqual(summary.usd, {
            // 7500 + 10000 (the repeating discount ended on Mar 10) + 10000 (once: not deducted) + 9000 + 13500 + 10000 (unknown coupon).
            mrr: 60000,
            activeSubscriptions: 6,
            newSubscriptions: 6,
            churnedSubscriptions: 0,
            paymentVolume: 100,
            failedPayments: 0,
            arpu: 10000, // 60000 / 6
            movements: {
                // 7500 + 5000 + 10000 + 9000 + 13500 + 10000.
                "2025-01": { ...none, new: 55000 },
                // The repeating discount ends: 5000 → 10000.
                "2025-03": { ...none, expansion: 5000 },
            },
            churnRate: { "2025-01": 0, "2025-02": 0, "2025-03": 0, "2025-04": 0 },
        });
        assert.deepEqual(report.caveats.slice(1), [
            '1 discount in the lake names 1 coupon without a coupon.* event, so MRR does not deduct it. Archive "coupon.*", or fetch the coupons with npm run backfill -- --objects coupons.',
        ]);
    });

    it("deducts once coupons too when configured, while the discount lasts", async function () {
        const { summary } = await metricsOf(dir, { metricSettings: { mrrCouponDurations: ["forever", "repeating", "once"], cancellationChurn: "at-cancellation" } });
        assert.equal(summary.usd.mrr, 60000);
        assert.deepEqual(summary.usd.movements, {
            // sub_once starts at 0 (100% off), so it is not new until its discount goes on Feb 10.
            "2025-01": { ...none, new: 45000 },
            "2025-02": { ...none, new: 10000 },
            "2025-03": { ...none, expansion: 5000 },
        });
    });

    it("gives list prices with no coupon durations deducted", async function () {
        const { summary } = await metricsOf(dir, { metricSettings: { mrrCouponDurations: [], cancellationChurn: "at-cancellation" } });
        // 10000 x 4 + 10000 (yearly) + 20000 (items: 10000 + 5000 x 2).
        assert.equal(summary.usd.mrr, 70000);
        assert.deepEqual(summary.usd.movements, { "2025-01": { ...none, new: 70000 } });
    });

    it("reads the settings from the flags", function () {
        this.timeout(120000);
        const json = (args: string[]) => JSON.parse(execFileSync("npm", ["run", "--silent", "report", "--", "--lake", dir, "--json", ...args], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
        assert.equal(json([]).usd.mrr, 60000);
        assert.equal(json(["--coupon-durations", "none"]).usd.mrr, 70000);
    });
});

describe("subscription metrics: movements, churn rate, cancellation timing, currencies and modes", function () {
    const p100 = price("usd100", 10000);
    const p200 = price("usd200", 20000);
    const p50 = price("usd50", 5000);
    const p120 = price("usd120", 12000);
    const yen = price("jpy1000", 1000, "month", "jpy");
    const canceled = (time: string): Partial<SubscriptionSpec> => ({ status: "canceled", canceledAt: at(time), endedAt: at(time) });
    const events = [
        // trialing → active (new, Jan 19) → past_due (still MRR) → canceled (churned, Mar 8).
        ...history(sub("sub_life", "cus_life", "2025-01-05T09:00:00", [item("si_life", p100)], { status: "trialing", trialEnd: at("2025-01-19T09:00:00") }), [
            ["customer.subscription.updated", "2025-01-19T09:00:00", { status: "active" }],
            ["customer.subscription.updated", "2025-02-20T09:00:00", { status: "past_due" }],
            ["customer.subscription.deleted", "2025-03-08T09:00:00", canceled("2025-03-08T09:00:00")],
        ]),
        // A downgrade: 20000 → 10000 on Feb 14 (contraction).
        ...history(sub("sub_down", "cus_down", "2025-01-03T09:00:00", [item("si_down", p200)]), [["customer.subscription.updated", "2025-02-14T09:00:00", { items: [item("si_down", p100)] }]]),
        // An item removed on Feb 9: 15000 → 10000 (contraction), on a connected account.
        ...history(
            sub("sub_items", "cus_items", "2025-01-04T09:00:00", [item("si_items_a", p100), item("si_items_b", p50)]),
            [["customer.subscription.updated", "2025-02-09T09:00:00", { items: [item("si_items_a", p100)] }]],
            { account: "acct_1Connected" },
        ),
        // Churned on Feb 6, back with a new subscription on Mar 12 (reactivation, 12000).
        ...history(sub("sub_react_1", "cus_react", "2025-01-06T09:00:00", [item("si_react_1", p100)]), [["customer.subscription.deleted", "2025-02-06T09:00:00", canceled("2025-02-06T09:00:00")]]),
        ...history(sub("sub_react_2", "cus_react", "2025-03-12T09:00:00", [item("si_react_2", p120)])),
        // Set to cancel at period end on Feb 25, ended Mar 7.
        ...history(sub("sub_cape", "cus_cape", "2025-01-07T09:00:00", [item("si_cape", p100)]), [
            ["customer.subscription.updated", "2025-02-25T09:00:00", { cancelAtPeriodEnd: true }],
            ["customer.subscription.deleted", "2025-03-07T09:00:00", canceled("2025-03-07T09:00:00")],
        ]),
        // A zero-decimal currency: ¥1000 a month.
        ...history(sub("sub_yen", "cus_yen", "2025-01-08T09:00:00", [item("si_yen", yen)])),
        // A live-mode subscriber.
        ...history(sub("sub_live", "cus_live", "2025-01-09T09:00:00", [item("si_live", p100)]), [], { livemode: true }),
        lastPayment("2025-03-30T00:00:00", true),
    ];
    let dir: string;
    before(() => {
        dir = lakeOf(events);
    });

    it("classifies every change of a subscriber's MRR and gives Stripe's churn rate (cancellation counted when requested)", async function () {
        const { summary } = await metricsOf(dir);
        assert.deepEqual(summary.usd, {
            // cus_down 10000, cus_items 10000, cus_react 12000, cus_live 10000.
            mrr: 42000,
            activeSubscriptions: 4, // sub_down, sub_items, sub_react_2, sub_live
            newSubscriptions: 7, // every created event but ¥'s
            churnedSubscriptions: 3, // deleted: sub_life, sub_react_1, sub_cape
            paymentVolume: 100,
            failedPayments: 0,
            arpu: 10500, // 42000 / 4
            movements: {
                // life 10000 (at its trial's end), down 20000, items 15000, react 10000, cape 10000, live 10000.
                "2025-01": { ...none, new: 75000 },
                // down 20000 → 10000, items 15000 → 10000; react deleted, cape set to cancel.
                "2025-02": { ...none, contraction: 15000, churned: 20000 },
                // life canceled; react back at 12000.
                "2025-03": { ...none, churned: 10000, reactivation: 12000 },
            },
            churnRate: {
                "2025-01": 0, // 0 / (0 + 6 new)
                "2025-02": 2 / 6, // react and cape / 6 active on Feb 1
                "2025-03": 1 / 4, // life / (life, down, items, live on Mar 1); react's return is no new subscriber
            },
        });
        assert.deepEqual(summary.jpy, {
            mrr: 1000,
            activeSubscriptions: 1,
            newSubscriptions: 1,
            churnedSubscriptions: 0,
            paymentVolume: 0,
            failedPayments: 0,
            arpu: 1000,
            movements: { "2025-01": { ...none, new: 1000 } },
            churnRate: { "2025-01": 0, "2025-02": 0, "2025-03": 0 },
        });
    });

    it("counts a cancellation at period end when the subscription ends, when configured", async function () {
        const { summary } = await metricsOf(dir, { metricSettings: { mrrCouponDurations: ["forever", "repeating"], cancellationChurn: "at-period-end" } });
        assert.equal(summary.usd.mrr, 42000);
        assert.deepEqual(summary.usd.movements["2025-02"], { ...none, contraction: 15000, churned: 10000 });
        assert.deepEqual(summary.usd.movements["2025-03"], { ...none, churned: 20000, reactivation: 12000 });
        assert.deepEqual(summary.usd.churnRate, { "2025-01": 0, "2025-02": 1 / 6, "2025-03": 2 / 5 });
    });

    it("leaves test-mode events out with --live-only, and shows the modes apart when the lake holds both", async function () {
        const { summary } = await metricsOf(dir, { liveOnly: true });
        assert.deepEqual(Object.keys(summary), ["usd"]);
        assert.deepEqual(summary.usd.movements, { "2025-01": { ...none, new: 10000 } });
        assert.equal(summary.usd.mrr, 10000);
        const both = await metricsOf(dir);
        assert.deepEqual(both.report.modes, [false, true]);
        assert.equal(summarize(both.report, true).usd.mrr, 10000);
        assert.equal(summarize(both.report, false).usd.mrr, 32000);
        const text = renderText(both.report, both.summary, "lake");
        assert.ok(text.includes("Note: The lake holds live and test events"), text);
        assert.ok(text.split("\n").some((l) => /^live \+ test\s+usd\s+420\.00 USD/.test(l)), text);
        assert.ok(text.split("\n").some((l) => /^live\s+usd\s+100\.00 USD/.test(l)), text);
        assert.ok(text.split("\n").some((l) => /^test\s+jpy\s+1,000 JPY/.test(l)), text);
    });

    it("counts an event without livemode once, as test mode", async function () {
        const bare = history(sub("sub_bare", "cus_bare", "2025-01-08T09:00:00", [item("si_bare", p100)])).map((e) => {
            const { livemode, ...rest } = e;
            return rest as TestEvent;
        });
        const { summary, report } = await metricsOf(lakeOf(bare));
        assert.deepEqual(report.modes, [false]);
        assert.equal(summary.usd.mrr, 10000);
        assert.equal(summary.usd.newSubscriptions, 1);
        assert.deepEqual(summary.usd.movements, { "2025-01": { ...none, new: 10000 } });
    });

    it("keeps the connected account of every row", async function () {
        const lake = await openLake(dir);
        try {
            const rows = await query(lake.connection, "SELECT DISTINCT customer_id, account FROM mrr_movements WHERE account IS NOT NULL");
            assert.deepEqual(rows, [{ customer_id: "cus_items", account: "acct_1Connected" }]);
            const views = await query(lake.connection, "SELECT count(*) AS n FROM subscriptions WHERE account = 'acct_1Connected'");
            assert.equal(views[0].n, 3, "two items in its first event, one once an item was removed");
        } finally {
            lake.close();
        }
    });
});
