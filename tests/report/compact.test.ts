import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DuckDBInstance } from "@duckdb/node-api";
import { main } from "../../ops/compact-cli";
import { compactLake } from "../../report/compact";
import { openLake } from "../../report/lake";
import { layerFile } from "../../report/layer";
import { buildReport, LakeReport, summarize } from "../../report/metrics";
import { stripeEvent, TestEvent } from "../../fixtures/stripeEvents";
import { at, paymentIntent, writeLake } from "../../fixtures/stripeObjects";
import { sampleEvents } from "../support/sampleLake";
import { testIo } from "../support/standIns";

const ROOT = path.resolve(__dirname, "../..");

/** A clock a few seconds ahead, so the folders just written count as quiet (report/layer.ts). */
const later = () => Date.now() + 5000;

async function reportOf(lakeDir: string): Promise<{ report: LakeReport; source: string; filesRead: number }> {
    const lake = await openLake(lakeDir);
    try {
        return { report: await buildReport(lake), source: lake.source, filesRead: lake.filesRead };
    } finally {
        lake.close();
    }
}

const payment = (id: string, created: number, amount: number): TestEvent =>
    stripeEvent("payment_intent.succeeded", paymentIntent({ id: `pi_${id}`, customer: "cus_L", currency: "usd", amount, amountReceived: amount, status: "succeeded", created }), created, { id: `evt_1Local${id}` });

describe("local compaction (npm run compact -- --lake) and the report over it", function () {
    let lakeDir: string;
    let rawDir: string;

    beforeEach(function () {
        lakeDir = fs.mkdtempSync(path.join(os.tmpdir(), "compact-lake-"));
        rawDir = fs.mkdtempSync(path.join(os.tmpdir(), "raw-lake-"));
    });

    afterEach(function () {
        fs.rmSync(lakeDir, { recursive: true, force: true });
        fs.rmSync(rawDir, { recursive: true, force: true });
    });

    /** Writes events into the lake under test and into a lake never compacted, the reference. */
    function deliver(events: TestEvent[]): void {
        writeLake(lakeDir, events);
        writeLake(rawDir, events);
    }

    it("gives the sample lake's metrics raw, compacted, and compacted and then given more events", async function () {
        const events = sampleEvents();
        const early = events.filter((e) => e.created < at("2025-02-10T00:00:00"));
        deliver(early);
        const raw = await reportOf(lakeDir);
        assert.equal(raw.source, "raw");

        const io = testIo({ now: () => new Date(later()) });
        assert.equal(await main(["--lake", lakeDir], io), 0, io.err());
        assert.equal(io.out(), `Compacted ${early.length} event file(s) of ${new Set(early.map((e) => `${e.type}/${new Date(e.created * 1000).toISOString().slice(0, 10)}`)).size} partition folder(s), days 2025-01-05 to 2025-02-03, into .compacted/events.duckdb: ${early.length} new, 0 already there.\n`);
        const compacted = await reportOf(lakeDir);
        assert.deepEqual(compacted, { ...raw, source: "compacted", filesRead: 0 });

        // The rest of the history arrives: later days, days already compacted, and the views must see it all without a new compaction.
        deliver(events.filter((e) => e.created >= at("2025-02-10T00:00:00")));
        const moreRaw = await reportOf(rawDir);
        const more = await reportOf(lakeDir);
        assert.deepEqual(more.report, moreRaw.report);
        assert.equal(more.filesRead, events.length - early.length);
        assert.deepEqual(summarize(more.report), summarize(moreRaw.report));

        await compactLake(lakeDir, "events", { now: later });
        assert.deepEqual(await reportOf(lakeDir), { ...moreRaw, source: "compacted", filesRead: 0 });
    });

    it("sees events added to compacted days and to days older than everything compacted, without compacting again", async function () {
        deliver(sampleEvents());
        await compactLake(lakeDir, "events", { now: later });
        // Same partition folder as a compacted event, and a month before the whole history.
        deliver([payment("SameDay", at("2025-01-05T23:00:00"), 700), payment("Backdated", at("2024-06-01T10:00:00"), 900)]);
        const expected = await reportOf(rawDir);
        const actual = await reportOf(lakeDir);
        assert.equal(actual.source, "compacted");
        assert.equal(actual.filesRead, 2);
        assert.deepEqual(actual.report, expected.report);
    });

    it("merges a window again without changing anything, and reads all of it", async function () {
        deliver(sampleEvents());
        const first = await compactLake(lakeDir, "events", { now: later });
        const again = await compactLake(lakeDir, "events", { from: "2025-01-01", to: "2025-01-31", now: later });
        assert.equal(first.inserted, sampleEvents().length);
        assert.equal(again.inserted, 0);
        assert.ok(again.files > 0);
        assert.deepEqual(again.window, { from: "2025-01-01", to: "2025-01-31" });
        const nothing = await compactLake(lakeDir, "events", { now: later });
        assert.deepEqual({ files: nothing.files, window: nothing.window }, { files: 0, window: undefined });
        assert.deepEqual((await reportOf(lakeDir)).report, (await reportOf(rawDir)).report);
    });

    it("lists a folder again when it was written to just before the compaction read it", async function () {
        deliver(sampleEvents());
        // Now, not later: every folder is younger than the quiet time, so none is recorded as complete.
        await compactLake(lakeDir, "events");
        deliver([payment("Racing", at("2025-01-05T23:30:00"), 100)]);
        const actual = await reportOf(lakeDir);
        assert.equal(actual.filesRead, 1);
        assert.deepEqual(actual.report, (await reportOf(rawDir)).report);
    });

    it("rebuilds a layer written for other columns, and the report reads the raw lake until then", async function () {
        deliver(sampleEvents());
        await compactLake(lakeDir, "events", { now: later });
        const instance = await DuckDBInstance.create(layerFile(lakeDir, "events"));
        const connection = await instance.connect();
        await connection.run("UPDATE compacted_layout SET columns = 'id VARCHAR'");
        connection.closeSync();
        instance.closeSync();
        assert.equal((await reportOf(lakeDir)).source, "raw");
        const rebuilt = await compactLake(lakeDir, "events", { now: later });
        assert.equal(rebuilt.inserted, sampleEvents().length);
        assert.deepEqual(await reportOf(lakeDir), { ...(await reportOf(rawDir)), source: "compacted", filesRead: 0 });
    });

    it("keeps the layer beside the prefix it compacts, and prints the outcome as JSON", async function () {
        writeLake(lakeDir, sampleEvents(), "stripe/prod");
        const io = testIo({ now: () => new Date(later()) });
        assert.equal(await main(["--lake", lakeDir, "--prefix", "stripe/prod", "--json"], io), 0, io.err());
        const outcome = JSON.parse(io.out());
        assert.equal(outcome.layer, path.join(lakeDir, ".compacted", "stripe", "prod.duckdb"));
        assert.equal(outcome.inserted, sampleEvents().length);
        const lake = await openLake(lakeDir, "stripe/prod");
        assert.equal(lake.source, "compacted");
        lake.close();
    });

    it("answers `npm run report -- --lake DIR --json` from the layer plus the newer files", async function () {
        this.timeout(60000);
        deliver(sampleEvents().filter((e) => e.created < at("2025-03-01T00:00:00")));
        await compactLake(lakeDir, "events", { now: later });
        deliver(sampleEvents().filter((e) => e.created >= at("2025-03-01T00:00:00")));
        const run = (dir: string) => JSON.parse(execFileSync("npm", ["run", "--silent", "report", "--", "--lake", dir, "--json"], { cwd: ROOT, encoding: "utf8" }));
        assert.deepEqual(run(lakeDir), summarize((await reportOf(rawDir)).report));
    });
});
