import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { objectKey, parseObjectKey } from "../../components/lake/layout";
import { renderText } from "../../report/cli";
import { renderHtml } from "../../report/html";
import { LakeDatabase, openLake } from "../../report/lake";
import { buildReport, LakeReport, summarize } from "../../report/metrics";
import { writeSampleLake } from "../support/sampleLake";
import { stripeEvent } from "../../fixtures/stripeEvents";
import { at, subscription, writeLake } from "../../fixtures/stripeObjects";

const ROOT = path.resolve(__dirname, "../..");

/**
 * The metrics of tests/support/sampleLake.ts, computed by hand from the events listed there.
 * Monthly amounts: amount x periods per year / 12 / interval_count, rounded once per currency.
 */
const EXPECTED_SUMMARY = {
    eur: {
        // D: 1500 x 2 + 500/week x 52/12 = 3000 + 2166.67; I (active after its same-second update): 1200.
        // E is incomplete. 3000 + 2166.67 + 1200 = 6366.67 → 6367.
        mrr: 6367,
        activeSubscriptions: 2, // D, I
        newSubscriptions: 3, // D, E, I
        churnedSubscriptions: 0,
        paymentVolume: 3500, // pi_5
        failedPayments: 1, // pi_6
    },
    gbp: {
        // K: 100/day x 365/12 = 3041.67 → 3042. G was canceled.
        mrr: 3042,
        activeSubscriptions: 1, // K
        newSubscriptions: 2, // G, K
        churnedSubscriptions: 1, // G
        paymentVolume: 19800, // pi_7: 20000 authorised, 19800 received
        failedPayments: 0,
    },
    jpy: {
        mrr: 0,
        activeSubscriptions: 0,
        newSubscriptions: 0,
        churnedSubscriptions: 0,
        paymentVolume: 5000, // pi_8, zero-decimal currency: ¥5000
        failedPayments: 0,
    },
    usd: {
        // A: 2000 x 3 = 6000; B: 24000/year / 12 = 2000; F: 10000 per 3 months / 3 = 3333.33;
        // H (past due): 1500; J (metered): 0; C canceled. 6000 + 2000 + 3333.33 + 1500 = 12833.33 → 12833.
        mrr: 12833,
        activeSubscriptions: 5, // A, B, F, H, J
        newSubscriptions: 6, // A, B, C, F, H, J
        churnedSubscriptions: 1, // C
        paymentVolume: 27000, // pi_1 2000 + pi_2 24000 + pi_3 1000
        failedPayments: 3, // pi_3 once, pi_4 twice
    },
};

describe("local report over the sample lake (DuckDB, the deployed SQL)", function () {
    let lakeDir: string;
    let lake: LakeDatabase;
    let report: LakeReport;

    before(async function () {
        lakeDir = writeSampleLake();
        lake = await openLake(lakeDir);
        report = await buildReport(lake);
    });

    after(function () {
        lake.close();
        fs.rmSync(lakeDir, { recursive: true, force: true });
    });

    it("reads every event under the prefix and nothing from the dead-letter folder", function () {
        // 20 subscription, 12 payment intent, 2 checkout session and 2 invoice events; the parked one in .dead-letter/ would make 37.
        assert.equal(lake.eventCount, 36);
    });

    it("gives the hand-computed metrics per currency", function () {
        assert.deepEqual(summarize(report), EXPECTED_SUMMARY);
    });

    it("gives MRR at the end of each month from each subscription's state then", function () {
        assert.deepEqual(report.mrrByMonth, [
            // January: A 2000 (quantity 1), B 24000/12 = 2000, C 1000; G 9900 x 2 / 12 = 1650.
            { month: "2025-01-01", currency: "gbp", mrr: 1650, activeSubscriptions: 1 },
            { month: "2025-01-01", currency: "usd", mrr: 5000, activeSubscriptions: 3 },
            // February: D 5166.67 → 5167 (E incomplete); A 2000 x 3 = 6000, B 2000, C upgraded to 5000 = 13000; G canceled.
            { month: "2025-02-01", currency: "eur", mrr: 5167, activeSubscriptions: 1 },
            { month: "2025-02-01", currency: "usd", mrr: 13000, activeSubscriptions: 3 },
            // March: the current state, as in the summary.
            { month: "2025-03-01", currency: "eur", mrr: 6367, activeSubscriptions: 2 },
            { month: "2025-03-01", currency: "gbp", mrr: 3042, activeSubscriptions: 1 },
            { month: "2025-03-01", currency: "usd", mrr: 12833, activeSubscriptions: 5 },
        ]);
    });

    it("counts new and churned subscriptions per month", function () {
        assert.deepEqual(report.subscriptionMovements, [
            { month: "2025-01-01", currency: "gbp", newSubscriptions: 1, churnedSubscriptions: 0 }, // G
            { month: "2025-01-01", currency: "usd", newSubscriptions: 3, churnedSubscriptions: 0 }, // A, B, C
            { month: "2025-02-01", currency: "eur", newSubscriptions: 2, churnedSubscriptions: 0 }, // D, E
            { month: "2025-02-01", currency: "gbp", newSubscriptions: 0, churnedSubscriptions: 1 }, // G
            { month: "2025-03-01", currency: "eur", newSubscriptions: 1, churnedSubscriptions: 0 }, // I
            { month: "2025-03-01", currency: "gbp", newSubscriptions: 1, churnedSubscriptions: 0 }, // K
            { month: "2025-03-01", currency: "usd", newSubscriptions: 3, churnedSubscriptions: 1 }, // F, H, J; C
        ]);
    });

    it("gives payment volume and failure rate per day", function () {
        const row = (day: string, currency: string, paymentVolume: number, succeededPayments: number, failedPayments: number, failureRate: number) => ({
            day,
            currency,
            paymentVolume,
            succeededPayments,
            failedPayments,
            failureRate,
        });
        assert.deepEqual(report.paymentsByDay, [
            row("2025-01-05", "usd", 2000, 1, 0, 0), // pi_1; its payment_intent.created event is not a payment
            row("2025-01-10", "usd", 24000, 1, 0, 0),
            row("2025-01-15", "usd", 1000, 1, 1, 0.5), // pi_3 failed once, then succeeded: 1 / (1 + 1)
            row("2025-01-20", "gbp", 19800, 1, 0, 0),
            row("2025-02-03", "eur", 3500, 1, 0, 0),
            row("2025-02-14", "jpy", 5000, 1, 0, 0),
            row("2025-02-20", "eur", 0, 0, 1, 1),
            row("2025-03-20", "usd", 0, 0, 1, 1), // pi_4, first attempt
            row("2025-03-21", "usd", 0, 0, 1, 1), // pi_4, second attempt; its cancellation is not a failure
        ]);
    });

    it("has no caveats when subscription updates are archived", function () {
        assert.deepEqual(report.caveats, []);
    });

    it("prints the table per currency and by month", function () {
        const text = renderText(report, summarize(report), "the-lake");
        const lines = text.split("\n");
        assert.equal(lines[0], "Stripe metrics of the-lake: 36 events. MRR and active subscriptions as of the latest event.");
        assert.deepEqual(lines.slice(2, 8), [
            "currency         MRR  active  new  churned  payment volume  failed payments",
            "--------  ----------  ------  ---  -------  --------------  ---------------",
            "eur        63.67 EUR       2    3        0       35.00 EUR                1",
            "gbp        30.42 GBP       1    2        1      198.00 GBP                0",
            "jpy            0 JPY       0    0        0       5,000 JPY                0",
            "usd       128.33 USD       5    6        1      270.00 USD                3",
        ]);
        assert.ok(lines.includes("2025-02  gbp               0.00 GBP       0    0        1"), text);
    });

    it("renders an HTML page with the figures and four charts per currency that has subscriptions and payments", function () {
        const html = renderHtml(report, summarize(report), "<lake>");
        assert.match(html, /^<!doctype html>/);
        assert.ok(html.includes("36 events in &#60;lake&#62;."), "the source is escaped");
        const sections = html.split("<section>").slice(1);
        assert.deepEqual(sections.map((s) => s.match(/<h2>(\w+)<\/h2>/)![1]), ["EUR", "GBP", "JPY", "USD"]);
        assert.deepEqual(sections.map((s) => s.split("<svg").length - 1), [4, 4, 2, 4]);
        assert.ok(sections[3].includes("<dt>MRR</dt><dd>128.33 USD</dd>"));
        assert.ok(sections[3].includes("<title>2025-03 MRR: 128.33 USD</title>"));
        assert.ok(!html.includes("<script"), "the page runs no code");
    });

    it("prints exactly the pinned JSON through `npm run report -- --lake DIR --json`", function () {
        this.timeout(120000);
        const stdout = execFileSync("npm", ["run", "--silent", "report", "--", "--lake", lakeDir, "--json"], { cwd: ROOT, encoding: "utf8" });
        assert.deepEqual(JSON.parse(stdout), EXPECTED_SUMMARY);
        assert.deepEqual(Object.keys(JSON.parse(stdout).usd), ["mrr", "activeSubscriptions", "newSubscriptions", "churnedSubscriptions", "paymentVolume", "failedPayments"]);
    });
});

describe("local report edge cases", function () {
    const dirs: string[] = [];
    const tempLake = () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "report-lake-"));
        dirs.push(dir);
        return dir;
    };
    after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

    it("reports nothing, without failing, for a lake with no events", async function () {
        const lake = await openLake(tempLake());
        try {
            const report = await buildReport(lake);
            assert.equal(report.eventCount, 0);
            assert.deepEqual(summarize(report), {});
        } finally {
            lake.close();
        }
    });

    it("reads partitions back from keys of the lake layout only", function () {
        const key = objectKey("stripe/events", { id: "evt_1Key", type: "invoice.paid", created: at("2025-04-01T23:59:59") });
        assert.deepEqual(parseObjectKey("stripe/events", key), { type: "invoice.paid", dt: "2025-04-01", id: "evt_1Key" });
        assert.equal(parseObjectKey("events", key), undefined, "another prefix");
        assert.equal(parseObjectKey("stripe/events", "stripe/events/type=invoice.paid/dt=2025-04-01/evt_1Key.json.1f2e.tmp"), undefined, "a file being written");
        assert.equal(parseObjectKey("stripe/events", "stripe/events/type=invoice.paid/evt_1Key.json"), undefined, "no dt partition");
    });

    it("names the event file that is not JSON", async function () {
        const dir = tempLake();
        const created = at("2025-04-01T00:00:00");
        writeLake(dir, [stripeEvent("payment_intent.created", { id: "pi_good" }, created, { id: "evt_1Good" })]);
        const broken = path.join(dir, "events", "type=payment_intent.created", "dt=2025-04-01", "evt_1Broken.json");
        fs.writeFileSync(broken, '{"id": "evt_1Broken", "type": ');
        await assert.rejects(openLake(dir), (error: Error) => error.message.startsWith(`${broken} cannot be read as a Stripe event: `));
    });

    it("reads a custom prefix and warns when subscription updates are not archived", async function () {
        const dir = tempLake();
        const created = at("2025-04-01T00:00:00");
        const sub = subscription({
            id: "sub_Z",
            customer: "cus_Z",
            currency: "usd",
            status: "active",
            created,
            items: [{ id: "si_Z", price: { id: "price_Z", product: "prod_Z", currency: "usd", unitAmount: 900, interval: "month" }, quantity: 1 }],
        });
        writeLake(dir, [stripeEvent("customer.subscription.created", sub, created)], "stripe/events");
        const lake = await openLake(dir, "stripe/events");
        try {
            const report = await buildReport(lake);
            assert.deepEqual(summarize(report).usd, { mrr: 900, activeSubscriptions: 1, newSubscriptions: 1, churnedSubscriptions: 0, paymentVolume: 0, failedPayments: 0 });
            assert.equal(report.caveats.length, 1);
            assert.match(report.caveats[0], /^customer\.subscription\.updated is not archived, so for mrr and active_subscriptions every subscription stays as it was created/);
        } finally {
            lake.close();
        }
    });
});
