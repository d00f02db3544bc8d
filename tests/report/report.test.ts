import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { objectKey, parseObjectKey } from "../../components/lake/layout";
import { execute } from "../../lib/cli";
import { main as report, renderText } from "../../report/cli";
import { testIo } from "../support/standIns";
import { renderHtml } from "../../report/html";
import { LakeDatabase, openLake } from "../../report/lake";
import { buildReport, LakeReport, ofMode, summarize } from "../../report/metrics";
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
        arpu: 3184, // 6367 / 2 subscribers = 3183.5 → 3184
        movements: {
            "2025-02": { new: 5167, expansion: 0, contraction: 0, churned: 0, reactivation: 0 }, // D
            "2025-03": { new: 1200, expansion: 0, contraction: 0, churned: 0, reactivation: 0 }, // I
        },
        // Feb: 0 churned / (0 active at the start + 1 new); Mar: 0 / (1 + 1).
        churnRate: { "2025-02": 0, "2025-03": 0 },
    },
    gbp: {
        // K: 100/day x 365/12 = 3041.67 → 3042. G was canceled.
        mrr: 3042,
        activeSubscriptions: 1, // K
        newSubscriptions: 2, // G, K
        churnedSubscriptions: 1, // G
        paymentVolume: 19800, // pi_7: 20000 authorised, 19800 received
        failedPayments: 0,
        arpu: 3042,
        movements: {
            "2025-01": { new: 1650, expansion: 0, contraction: 0, churned: 0, reactivation: 0 }, // G
            "2025-02": { new: 0, expansion: 0, contraction: 0, churned: 1650, reactivation: 0 }, // G canceled
            "2025-03": { new: 3042, expansion: 0, contraction: 0, churned: 0, reactivation: 0 }, // K
        },
        // Jan: 0 / (0 + 1); Feb: G churned, 1 / (1 + 0); Mar: 0 / (0 + 1 new, K).
        churnRate: { "2025-01": 0, "2025-02": 1, "2025-03": 0 },
    },
    jpy: {
        mrr: 0,
        activeSubscriptions: 0,
        newSubscriptions: 0,
        churnedSubscriptions: 0,
        paymentVolume: 5000, // pi_8, zero-decimal currency: ¥5000
        failedPayments: 0,
        arpu: 0, // no subscribers
        movements: {},
        churnRate: {},
    },
    usd: {
        // A: 2000 x 3 = 6000; F: 10000 per 3 months / 3 = 3333.33; H (past due): 1500; J (metered): 0;
        // C canceled; B set to cancel at period end, which Stripe's default counts as churn when requested.
        // 6000 + 3333.33 + 1500 = 10833.33 → 10833.
        mrr: 10833,
        activeSubscriptions: 5, // A, B, F, H, J: status active or past_due
        newSubscriptions: 6, // A, B, C, F, H, J
        churnedSubscriptions: 1, // C
        paymentVolume: 27000, // pi_1 2000 + pi_2 24000 + pi_3 1000
        failedPayments: 3, // pi_3 once, pi_4 twice
        arpu: 3611, // 10833 / 3 subscribers with MRR (A, F, H) = 3611
        movements: {
            "2025-01": { new: 5000, expansion: 0, contraction: 0, churned: 0, reactivation: 0 }, // A 2000, B 2000, C 1000
            "2025-02": { new: 0, expansion: 8000, contraction: 0, churned: 0, reactivation: 0 }, // C 1000 → 5000, A 2000 → 6000
            // H 1500 and F 3333.33 (its trial ended) new; C 5000 (deleted) and B 2000 (cancel at period end) churned.
            "2025-03": { new: 4833, expansion: 0, contraction: 0, churned: 7000, reactivation: 0 },
        },
        // Jan: 0 / (0 + 3); Feb: 0 / (3 + 0); Mar: 2 churned / (3 active on Mar 1 + 2 new).
        churnRate: { "2025-01": 0, "2025-02": 0, "2025-03": 0.4 },
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

    it("gives MRR and active subscribers at the end of each month from each subscription's state then", function () {
        assert.deepEqual(
            ofMode(report.mrrByMonth, null).map((m) => [m.month, m.currency, m.mrr, m.activeSubscribers]),
            [
                // January: A 2000 (quantity 1), B 24000/12 = 2000, C 1000; G 9900 x 2 / 12 = 1650.
                ["2025-01-01", "gbp", 1650, 1],
                ["2025-01-01", "usd", 5000, 3],
                // February: D 5166.67 → 5167 (E incomplete); A 2000 x 3 = 6000, B 2000, C upgraded to 5000 = 13000; G canceled.
                ["2025-02-01", "eur", 5167, 1],
                ["2025-02-01", "gbp", 0, 0],
                ["2025-02-01", "usd", 13000, 3],
                // March: the current state, as in the summary.
                ["2025-03-01", "eur", 6367, 2],
                ["2025-03-01", "gbp", 3042, 1],
                ["2025-03-01", "usd", 10833, 3],
            ],
        );
        // Every event of the sample lake is a test-mode event: the test-mode rows are the same figures.
        assert.deepEqual(
            ofMode(report.mrrByMonth, false).map((m) => ({ ...m, livemode: null })),
            ofMode(report.mrrByMonth, null),
        );
        assert.deepEqual(ofMode(report.mrrByMonth, true), []);
    });

    it("counts new and churned subscriptions per month", function () {
        assert.deepEqual(ofMode(report.subscriptionMovements, null).map(({ livemode, ...m }) => m), [
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
            livemode: null,
            paymentVolume,
            succeededPayments,
            failedPayments,
            failureRate,
        });
        assert.deepEqual(ofMode(report.paymentsByDay, null), [
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
        assert.equal(lines[1], "Events from 2025-01-05 to 2025-03-28 (UTC).");
        assert.deepEqual(lines.slice(3, 9), [
            "currency         MRR       ARPU  active  new  churned  payment volume  failed payments",
            "--------  ----------  ---------  ------  ---  -------  --------------  ---------------",
            "eur        63.67 EUR  31.84 EUR       2    3        0       35.00 EUR                1",
            "gbp        30.42 GBP  30.42 GBP       1    2        1      198.00 GBP                0",
            "jpy            0 JPY      0 JPY       0    0        0       5,000 JPY                0",
            "usd       108.33 USD  36.11 USD       5    6        1      270.00 USD                3",
        ]);
        assert.ok(lines.includes("2025-02  gbp               0.00 GBP            0   0.00 GBP   0.00 GBP     0.00 GBP  16.50 GBP      0.00 GBP      100.0%"), text);
        assert.ok(!text.includes("live + test"), "one mode: no mode column");
    });

    it("renders the dashboard page: the KPIs and five charts per currency, with continuous axes, and no script", function () {
        const html = renderHtml(report, { source: "<lake>", generatedAt: new Date("2025-04-01T08:00:00Z") });
        assert.match(html, /^<!doctype html>/);
        assert.ok(html.includes("36 events in &#60;lake&#62;, from 2025-01-05 to 2025-03-28 (UTC). Generated 2025-04-01 08:00:00 UTC."), "the source is escaped");
        const sections = html.split("<section ").slice(1);
        assert.deepEqual(sections.map((s) => s.match(/<h2>(\w+)<\/h2>/)![1]), ["EUR", "GBP", "JPY", "USD"]);
        assert.deepEqual(sections.map((s) => [...s.matchAll(/<figure class="chart" data-visual="([\w-]+)"/g)].map((m) => m[1])), Array(4).fill(["mrr-by-month", "mrr-movements", "new-vs-churned", "payment-volume", "failure-rate"]));
        const usd = sections[3];
        assert.ok(usd.includes('<div class="kpi" data-visual="kpi-mrr"><span>MRR</span><strong>108.33 USD</strong></div>'));
        assert.ok(usd.includes('data-visual="kpi-churn-rate"><span>Subscriber churn rate, latest month (2025-03)</span><strong>40.0%</strong>'));
        assert.ok(usd.includes('<title>2025-03 MRR: 108.33 USD</title>'));
        // Every day from the first to the last event is on the day axis, 83 of them, empty days as zero.
        const volume = usd.slice(usd.indexOf('data-visual="payment-volume"'), usd.indexOf('data-visual="failure-rate"'));
        assert.equal([...volume.matchAll(/<rect /g)].length, 83);
        assert.ok(volume.includes('data-x="2025-01-06" data-value="0"'));
        assert.ok(!html.includes("<script"), "the static page runs no code");
    });

    it("prints exactly the pinned JSON, and only it, on stdout through `npm run report -- --lake DIR --json` (npm's banner on stderr: json=true in .npmrc)", function () {
        this.timeout(120000);
        const result = spawnSync("npm", ["run", "report", "--", "--lake", lakeDir, "--json"], { cwd: ROOT, encoding: "utf8" });
        assert.equal(result.status, 0, result.stderr);
        const stdout = result.stdout;
        assert.match(result.stderr, /^> stripe-analytics@[\d.]+ report\n> node bin\/stripe-analytics\.js report --lake .* --json$/m, "npm still shows what it runs, on stderr");
        assert.deepEqual(JSON.parse(stdout), EXPECTED_SUMMARY);
        assert.deepEqual(Object.keys(JSON.parse(stdout).usd), [
            "mrr",
            "activeSubscriptions",
            "newSubscriptions",
            "churnedSubscriptions",
            "paymentVolume",
            "failedPayments",
            "arpu",
            "movements",
            "churnRate",
        ]);
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

    /** `npm run report -- ...argv` in-process, as the process answers. */
    async function reportCli(argv: string[]) {
        const io = testIo();
        const code = await execute(report, argv, io);
        return { code, out: io.out(), err: io.err() };
    }

    it("prints its help for --help: what it does, every option, examples", async function () {
        const { code, out, err } = await reportCli(["--help"]);
        assert.deepEqual({ code, err }, { code: 0, err: "" });
        assert.ok(out.startsWith("Usage: stripe-analytics report [options]\n"), out);
        for (const option of ["--lake DIR", "--prefix PREFIX", "--json", "--html FILE", "--live-only"]) assert.ok(out.includes(`  ${option}`), option);
    });

    it("names the missing folder of --html and the fix, before reading the lake", async function () {
        const dir = tempLake();
        writeLake(dir, [stripeEvent("payment_intent.created", { id: "pi_1" }, at("2025-04-01T00:00:00"), { id: "evt_1Html" })]);
        assert.deepEqual(await reportCli(["--lake", dir, "--html", "/missing/dir/r.html"]), {
            code: 1,
            out: "",
            err: "error: cannot write --html /missing/dir/r.html: the folder /missing/dir does not exist; create it (mkdir -p /missing/dir) or pick another file\n",
        });
    });

    it("answers a prefix with no events with the prefixes the lake has", async function () {
        const dir = tempLake();
        writeLake(dir, [stripeEvent("payment_intent.created", { id: "pi_1" }, at("2025-04-01T00:00:00"), { id: "evt_1Prefix" })], "stripe/events");
        assert.deepEqual(await reportCli(["--lake", dir, "--prefix", "nope", "--json"]), {
            code: 1,
            out: "",
            err: `error: no events found under ${path.join(dir, "nope")}/; did you mean --prefix stripe/events?\n`,
        });
        assert.equal((await reportCli(["--lake", dir, "--prefix", "stripe/events", "--json"])).code, 0);
    });

    it("answers an empty lake, and a missing one, with the commands that fill one", async function () {
        const dir = tempLake();
        const fill = `fill it with the bundled samples (npm run demo -- --lake ${dir}), a sample history (npm run sample -- --lake ${dir}) or real test-mode events (npm start -- --listen --lake ${dir})`;
        assert.deepEqual(await reportCli(["--lake", dir]), { code: 1, out: "", err: `error: no events found under ${path.join(dir, "events")}/; ${fill}\n` });
        const missing = path.join(dir, "nothing-here");
        const { code, err } = await reportCli(["--lake", missing]);
        assert.equal(code, 1);
        assert.match(err, /^error: no lake at .*nothing-here: pass --lake DIR, the folder that stands for the bucket \(events are under DIR\/events\/\), or fill it with the bundled samples/);
    });

    it("gives every mistake the error: prefix and lib/cli's exit codes: 2 for the command line, 1 for the work", async function () {
        const typo = await reportCli(["--prefx", "x"]);
        assert.deepEqual(typo, { code: 2, out: "", err: "error: unknown option --prefx. Did you mean --prefix?\nRun with --help for the options.\n" });
        const badChurn = await reportCli(["--cancellation-churn", "never"]);
        assert.equal(badChurn.code, 2);
        assert.match(badChurn.err, /^error: --cancellation-churn "never": not one of /);
        const badPrefix = await reportCli(["--lake", tempLake(), "--prefix", "/abs"]);
        assert.equal(badPrefix.code, 2);
        assert.match(badPrefix.err, /^error: Invalid --prefix "\/abs": .*\nRun with --help for the options\.\n$/);
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
            assert.deepEqual(summarize(report).usd, {
                mrr: 900,
                activeSubscriptions: 1,
                newSubscriptions: 1,
                churnedSubscriptions: 0,
                paymentVolume: 0,
                failedPayments: 0,
                arpu: 900,
                movements: { "2025-04": { new: 900, expansion: 0, contraction: 0, churned: 0, reactivation: 0 } },
                churnRate: { "2025-04": 0 },
            });
            assert.equal(report.caveats.length, 1);
            assert.match(report.caveats[0], /^customer\.subscription\.updated is not archived, so for mrr and active_subscriptions every subscription stays as it was created/);
        } finally {
            lake.close();
        }
    });
});
