/**
 * The dashboard page in a real browser: headless Chromium (Debian's `chromium` package, which
 * .ci/run installs) driven by playwright-core opens the page `npm run report -- --html` writes and
 * the one `npm start` serves, for the sample lake of tests/support/sampleLake.ts, and checks that it
 * renders without console errors or requests off the machine, with the expected charts and data
 * points; the live page must reload when an event arrives. Screenshots go to artifacts/.
 * Without Chromium the tests are skipped, saying so.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as http from "http";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { chromium, BrowserContext, Page } from "playwright-core";
import { DEFAULT_METRIC_SETTINGS } from "../../components/analytics/metricSettings";
import { DASHBOARD_CHARTS, DASHBOARD_KPIS } from "../../components/analytics/dashboard";
import { stripeEvent } from "../../fixtures/stripeEvents";
import { at, paymentIntent, writeLake } from "../../fixtures/stripeObjects";
import { renderHtml } from "../../report/html";
import { openLake } from "../../report/lake";
import { liveDashboard } from "../../report/live";
import { buildReport } from "../../report/metrics";
import { writeSampleLake } from "../support/sampleLake";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARTIFACTS = path.resolve(__dirname, "../../artifacts");
/** Flags for a root user on a machine without network: no sandbox, no background connections. */
const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

interface Visit {
    page: Page;
    errors: string[];
    offMachine: string[];
}

describe("the dashboard page in headless Chromium", function () {
    this.timeout(120000);
    let context: BrowserContext;
    let profile: string;
    let lakeDir: string;

    before(async function () {
        if (!fs.existsSync(CHROMIUM)) {
            console.log(`      skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH); .ci/run installs it`);
            this.skip();
        }
        profile = fs.mkdtempSync(path.join(os.tmpdir(), "chromium-profile-"));
        context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_FLAGS, viewport: { width: 900, height: 1200 } });
        lakeDir = writeSampleLake();
        fs.mkdirSync(ARTIFACTS, { recursive: true });
    });

    after(async function () {
        await context?.close();
        for (const dir of [profile, lakeDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    async function visit(url: string): Promise<Visit> {
        const page = await context.newPage();
        const errors: string[] = [];
        const offMachine: string[] = [];
        page.on("console", (message) => {
            if (message.type() === "error") errors.push(message.text());
        });
        page.on("pageerror", (error) => errors.push(error.message));
        page.on("request", (request) => {
            if (!/^(file:|http:\/\/127\.0\.0\.1[:/]|data:)/.test(request.url())) offMachine.push(request.url());
        });
        await page.goto(url, { waitUntil: "load" });
        return { page, errors, offMachine };
    }

    /** The bars of one chart of one section: [x, value] of each series' bars. */
    const bars = (page: Page, currency: string, visual: string, series: string) =>
        page.$$eval(`section[data-currency="${currency}"] figure[data-visual="${visual}"] rect[data-series="${series}"]`, (rects) =>
            rects.map((r) => [r.getAttribute("data-x"), Number(r.getAttribute("data-value"))] as [string, number]),
        );

    it("renders the written page: every section, KPI and chart, the data points, no console error, nothing fetched", async function () {
        const lake = await openLake(lakeDir);
        const file = path.join(ARTIFACTS, "dashboard.html");
        try {
            fs.writeFileSync(file, renderHtml(await buildReport(lake), { source: "sample lake", generatedAt: new Date("2025-04-01T08:00:00Z") }));
        } finally {
            lake.close();
        }
        const { page, errors, offMachine } = await visit(`file://${file}`);
        assert.deepEqual(errors, []);
        assert.deepEqual(offMachine, []);
        assert.deepEqual(await page.$$eval("section h2", (hs) => hs.map((h) => h.textContent)), ["EUR", "GBP", "JPY", "USD"]);
        const usd = 'section[data-currency="usd"]';
        assert.deepEqual(await page.$$eval(`${usd} [data-visual^="kpi-"]`, (ks) => ks.map((k) => k.getAttribute("data-visual"))), DASHBOARD_KPIS.map((k) => k.id));
        assert.deepEqual(await page.$$eval(`${usd} figure`, (fs) => fs.map((f) => f.getAttribute("data-visual"))), DASHBOARD_CHARTS.map((c) => c.id));
        assert.equal(await page.textContent(`${usd} [data-visual="kpi-mrr"] strong`), "108.33 USD");
        assert.deepEqual(await bars(page, "usd", "mrr-by-month", "MRR"), [["2025-01", 5000], ["2025-02", 13000], ["2025-03", 10833]]);
        assert.deepEqual(await bars(page, "usd", "mrr-movements", "churned"), [["2025-01", 0], ["2025-02", 0], ["2025-03", 7000]]);
        assert.deepEqual(await bars(page, "gbp", "new-vs-churned", "churned"), [["2025-01", 0], ["2025-02", 1], ["2025-03", 0]]);
        // The day axis runs through every day of the lake, days without payments at zero.
        const volume = await bars(page, "jpy", "payment-volume", "volume");
        assert.equal(volume.length, 83);
        assert.deepEqual(volume.filter(([, v]) => v > 0), [["2025-02-14", 5000]]);
        // Round, distinct axis ticks in whole yen; on a long axis the value label is short.
        const ticks = await page.$$eval('section[data-currency="jpy"] figure[data-visual="payment-volume"] text.tick', (ts) => ts.map((t) => t.textContent));
        assert.deepEqual(ticks.slice(0, 4), ["0 JPY", "2,000 JPY", "4,000 JPY", "6,000 JPY"]);
        assert.ok((await page.$$eval('section[data-currency="jpy"] figure[data-visual="payment-volume"] text.value', (ts) => ts.map((t) => t.textContent))).includes("5K JPY"));
        await page.screenshot({ path: path.join(ARTIFACTS, "dashboard.png"), fullPage: true });
        await page.close();
    });

    it("serves the live page, which reloads when an event arrives", async function () {
        const routes = liveDashboard({ lakeDir, lakePrefix: "events", metricSettings: DEFAULT_METRIC_SETTINGS, intervalMs: 200 });
        const server = http.createServer(async (request, response) => {
            if (!(await routes(request, response))) response.writeHead(404).end();
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        try {
            const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
            const { page, errors, offMachine } = await visit(`${base}/`);
            assert.match((await page.textContent("p.meta"))!, /^36 events in /);
            assert.equal(await page.textContent('section[data-currency="eur"] [data-visual="kpi-mrr"] strong'), "63.67 EUR");
            const created = at("2025-03-28T12:00:00");
            writeLake(lakeDir, [
                stripeEvent("payment_intent.succeeded", paymentIntent({ id: "pi_live", customer: null, currency: "eur", amount: 4200, amountReceived: 4200, status: "succeeded", created }), created),
            ]);
            await page.waitForFunction(`document.querySelector("p.meta")?.textContent?.startsWith("37 events")`, undefined, { timeout: 30000 });
            assert.deepEqual((await bars(page, "eur", "payment-volume", "volume")).filter(([, v]) => v > 0), [["2025-02-03", 3500], ["2025-03-28", 4200]]);
            assert.deepEqual(errors, []);
            assert.deepEqual(offMachine, []);
            const json = JSON.parse(await (await fetch(`${base}/dashboard.json`)).text());
            assert.equal(json.eur.paymentVolume, 7700);
            await page.screenshot({ path: path.join(ARTIFACTS, "live-dashboard.png") });
            await page.close();
        } finally {
            await new Promise((resolve) => server.close(resolve));
        }
    });
});
