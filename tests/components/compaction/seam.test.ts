/**
 * The seam (docs/compaction.md): with compaction on, the views read the compacted table plus the
 * raw tail from the seam on, and must see every event of the lake exactly once. Proved here with
 * the deployed workflow and SQL run by tests/support/athenaTwin.ts, against the metrics of the raw
 * lake computed the way the views were before compaction.
 */
import { strict as assert } from "assert";
import { METRICS, readSql } from "../../../components/analytics/sql";
import { COMPACTION_SQL } from "../../../components/compaction/sql";
import { eventDate } from "../../../components/lake/layout";
import { stripeEvent, TestEvent } from "../../../fixtures/stripeEvents";
import { at, paymentIntent } from "../../../fixtures/stripeObjects";
import { openLake, query, Row } from "../../../report/lake";
import { AthenaTwin } from "../../support/athenaTwin";
import { sampleEvents } from "../../support/sampleLake";

const LOOKBACK = 4;
const DAY = 86400;

/** The metric queries over every object of the lake folder, read raw (no compacted layer). */
async function rawMetrics(lakeDir: string): Promise<Record<string, Row[]>> {
    const lake = await openLake(lakeDir);
    try {
        const result: Record<string, Row[]> = {};
        for (const m of METRICS) result[m.name] = await query(lake.connection, readSql(m.file));
        return result;
    } finally {
        lake.close();
    }
}

/** How often the views' relation (lake_events.sql) holds each event, for the events it holds more or less than once. */
async function seenOtherThanOnce(twin: AthenaTwin, ids: string[]): Promise<Record<string, number>> {
    const counts = await twin.rows(`SELECT id, count(*) AS n FROM (${readSql(COMPACTION_SQL.lakeEvents)}) AS l GROUP BY id`);
    const seen = new Map(counts.map((r) => [String(r.id), Number(r.n)]));
    return Object.fromEntries(ids.map((id) => [id, seen.get(id) ?? 0]).filter(([, n]) => n !== 1));
}

function days(from: string, to: string): string[] {
    const out: string[] = [];
    for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY * 1000) out.push(new Date(t).toISOString().slice(0, 10));
    return out;
}

const payment = (id: string, created: number, amount: number): TestEvent =>
    stripeEvent("payment_intent.succeeded", paymentIntent({ id: `pi_${id}`, customer: "cus_S", currency: "usd", amount, amountReceived: amount, status: "succeeded", created }), created, { id: `evt_1Seam${id}` });

describe("the seam between the compacted table and the raw tail (deployed workflow and SQL, on DuckDB)", function () {
    let twin: AthenaTwin;

    beforeEach(async function () {
        twin = await new AthenaTwin("2024-10-01", LOOKBACK).open();
    });

    afterEach(function () {
        twin.close();
    });

    it("sees every event once, every day, while events arrive up to the lookback late and the daily merge runs", async function () {
        this.timeout(180000);
        const events = sampleEvents();
        // Each event reaches the lake 0 to LOOKBACK days after it was created.
        const arrival = events.map((e, i) => eventDate(e.created + (i % (LOOKBACK + 1)) * DAY));
        const ids = events.map((e) => e.id);
        for (const day of days("2025-01-01", "2025-04-08")) {
            assert.equal((await twin.merge(day)).error, undefined, day);
            const arrived = events.filter((_, i) => arrival[i] === day);
            await twin.deliver(arrived);
            const delivered = events.filter((_, i) => arrival[i] <= day).map((e) => e.id);
            assert.deepEqual(await seenOtherThanOnce(twin, delivered), {}, day);
            if (day.endsWith("7") || day === "2025-04-08") {
                assert.deepEqual(await twin.metrics(), await rawMetrics(twin.lakeDir), day);
            }
        }
        assert.equal(twin.seam, "2025-04-04");
        assert.deepEqual(await seenOtherThanOnce(twin, ids), {});
    });

    it("counts events exactly at the seam once, and those just below it from the compacted table alone", async function () {
        const atSeam = payment("AtSeam", at("2025-03-06T00:00:00"), 100);
        const belowSeam = payment("BelowSeam", at("2025-03-05T23:59:59"), 200);
        await twin.deliver([atSeam, belowSeam]);
        await twin.merge("2025-03-10");
        assert.equal(twin.seam, "2025-03-06");
        // At the seam: in the compacted table and in the tail, counted once. Below it: the tail does not reach it.
        assert.deepEqual(await seenOtherThanOnce(twin, [atSeam.id, belowSeam.id]), {});
        assert.deepEqual(await twin.rows("SELECT dt FROM events_tail ORDER BY dt"), [{ dt: "2025-03-06" }]);
        assert.deepEqual(await twin.metrics(), await rawMetrics(twin.lakeDir));
    });

    it("counts a late event older than the last merged day but inside the lookback once, before and after the next merge", async function () {
        await twin.deliver([payment("OnTime", at("2025-03-09T12:00:00"), 100)]);
        await twin.merge("2025-03-10");
        const late = payment("Late", at("2025-03-07T08:00:00"), 300);
        await twin.deliver([late]);
        assert.deepEqual(await seenOtherThanOnce(twin, [late.id]), {});
        assert.deepEqual(await twin.metrics(), await rawMetrics(twin.lakeDir));
        await twin.merge("2025-03-11");
        assert.equal(twin.seam, "2025-03-07");
        assert.deepEqual(await twin.rows(`SELECT count(*) AS n FROM events_compacted WHERE id = '${late.id}'`), [{ n: 1 }]);
        assert.deepEqual(await seenOtherThanOnce(twin, [late.id]), {});
        assert.deepEqual(await twin.metrics(), await rawMetrics(twin.lakeDir));
    });

    it("counts a compacted event that is also in the raw tail once, and merges copies of one id in a window once", async function () {
        const event = payment("Twice", at("2025-03-08T10:00:00"), 500);
        await twin.deliver([event]);
        await twin.duplicateInLake(`id = '${event.id}'`);
        await twin.merge("2025-03-10");
        assert.deepEqual(await twin.rows(`SELECT count(*) AS n FROM events_compacted WHERE id = '${event.id}'`), [{ n: 1 }]);
        // The event is in both the compacted table and the tail (its day is after the seam).
        assert.deepEqual(await twin.rows(`SELECT count(*) AS n FROM events_tail WHERE id = '${event.id}'`), [{ n: 2 }]);
        assert.deepEqual(await seenOtherThanOnce(twin, [event.id]), {});
    });

    it("merging a window again changes nothing, and a failed run is caught up by the next one", async function () {
        const events = sampleEvents();
        await twin.deliver(events);
        await twin.merge("2025-04-01");
        const compacted = await twin.rows("SELECT count(*) AS n FROM events_compacted");
        assert.deepEqual(compacted, [{ n: events.length }]);
        await twin.merge("2025-04-01");
        await twin.run({ from: "2025-01-01", to: "2025-03-31" });
        assert.deepEqual(await twin.rows("SELECT count(*) AS n FROM events_compacted"), compacted);
        assert.equal(twin.seam, "2025-03-28");

        // Days whose merge failed: the seam stays, the tail grows, the views stay whole.
        const later = [payment("April2", at("2025-04-02T10:00:00"), 100), payment("April5", at("2025-04-05T10:00:00"), 200)];
        for (const [day, event] of [["2025-04-03", later[0]], ["2025-04-06", later[1]]] as const) {
            await twin.deliver([event]);
            const failed = await twin.merge(day, /^MERGE /);
            assert.equal(failed.error?.name, "States.TaskFailed");
            assert.equal(failed.queries.filter((q) => q.startsWith("MERGE ")).length, 3, "the failed query was tried three times (two retries)");
            assert.equal(twin.seam, "2025-03-28");
            assert.deepEqual(await seenOtherThanOnce(twin, [...events, event].map((e) => e.id)), {});
        }
        assert.deepEqual(await twin.metrics(), await rawMetrics(twin.lakeDir));
        await twin.merge("2025-04-09");
        assert.equal(twin.seam, "2025-04-05");
        assert.deepEqual(await twin.rows("SELECT count(*) AS n FROM events_compacted"), [{ n: events.length + 2 }]);
        assert.deepEqual(await twin.metrics(), await rawMetrics(twin.lakeDir));
    });

    it("leaves a month backfilled after the seam passed it out of the views until npm run compact merges it", async function () {
        await twin.deliver(sampleEvents());
        await twin.merge("2025-04-05");
        const backfilled = [payment("Nov1", at("2024-11-03T10:00:00"), 1000), payment("Nov2", at("2024-11-20T10:00:00"), 2000)];
        await twin.deliver(backfilled);
        assert.deepEqual(await seenOtherThanOnce(twin, backfilled.map((e) => e.id)), { [backfilled[0].id]: 0, [backfilled[1].id]: 0 });
        assert.notDeepEqual(await twin.metrics(), await rawMetrics(twin.lakeDir));

        const run = await twin.run({ from: "2024-11-01", to: "2024-11-30" });
        assert.equal(run.error, undefined);
        assert.deepEqual(await seenOtherThanOnce(twin, backfilled.map((e) => e.id)), {});
        assert.deepEqual(await twin.metrics(), await rawMetrics(twin.lakeDir));
        assert.equal(twin.seam, "2025-04-01", "a manual window leaves the seam");
        await twin.run({ from: "2024-11-01", to: "2024-11-30" });
        assert.deepEqual(await twin.rows("SELECT count(*) AS n FROM events_compacted WHERE dt LIKE '2024-11-%'"), [{ n: 2 }]);
    });

    it("gives the sample lake's metrics raw, compacted, and compacted and then given more events", async function () {
        const events = sampleEvents();
        const first = events.filter((e) => e.created < at("2025-02-15T00:00:00"));
        const rest = events.filter((e) => e.created >= at("2025-02-15T00:00:00"));
        await twin.deliver(first);
        await twin.merge("2025-02-15");
        assert.deepEqual(await twin.metrics(), await rawMetrics(twin.lakeDir));
        await twin.deliver(rest);
        assert.deepEqual(await twin.metrics(), await rawMetrics(twin.lakeDir));
        await twin.merge("2025-04-01");
        assert.deepEqual(await twin.metrics(), await rawMetrics(twin.lakeDir));
    });
});
