import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseObjectKey } from "../../components/lake/layout";
import { saasHistory } from "../../fixtures/saasHistory";
import { LocalLake } from "../../lib/lakeStore";
import { main } from "../../ops/sample-cli";
import { openLake } from "../../report/lake";
import { buildReport, summarize } from "../../report/metrics";
import { testIo } from "../support/standIns";

describe("npm run sample", function () {
    this.timeout(120000);
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "sample-lake-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("writes the same history for the same options, in the lake layout, as compact JSON", async function () {
        const options = { customers: 60, months: 8, start: "2025-01-01", seed: 7 };
        assert.deepEqual(saasHistory(options), saasHistory(options));
        assert.notDeepEqual(saasHistory({ ...options, seed: 8 }), saasHistory(options));
        const io = testIo();
        assert.equal(await main(["--lake", dir, "--customers", "60", "--months", "8", "--seed", "7"], io), 0);
        const events = saasHistory(options);
        assert.match(io.out(), new RegExp(`^Wrote ${events.length} events of 60 customers over 8 months from 2025-01-01 to `));
        const keys = await new LocalLake(dir).list("events");
        assert.equal(keys.length, events.length, "one object per event id");
        for (const key of keys.slice(0, 50)) {
            const parsed = parseObjectKey("events", key)!;
            const body = fs.readFileSync(path.join(dir, key), "utf8");
            const event = JSON.parse(body);
            assert.equal(body, JSON.stringify(event));
            assert.deepEqual(parsed, { type: event.type, dt: new Date(event.created * 1000).toISOString().slice(0, 10), id: event.id });
        }
        assert.ok(events.every((e) => e.created < Date.parse("2025-09-01T00:00:00Z") / 1000 && e.livemode));
    });

    it("holds everything the dashboard shows: two currencies, trials, coupons, dunning, every kind of MRR movement", async function () {
        const events = saasHistory({ customers: 150, months: 12, start: "2025-01-01", seed: 7 });
        const bigger = fs.mkdtempSync(path.join(os.tmpdir(), "sample-lake-"));
        assert.equal(await main(["--lake", bigger, "--customers", "150", "--months", "12", "--seed", "7"], testIo()), 0);
        const types = new Set(events.map((e) => e.type));
        for (const type of ["checkout.session.completed", "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted", "customer.discount.created", "customer.discount.deleted", "coupon.created", "payment_intent.succeeded", "payment_intent.payment_failed", "invoice.paid"]) {
            assert.ok(types.has(type), type);
        }
        const statuses = new Set(events.filter((e) => e.type.startsWith("customer.subscription.")).map((e) => e.data.object.status));
        assert.deepEqual([...statuses].sort(), ["active", "canceled", "past_due", "trialing"]);
        const lake = await openLake(bigger);
        try {
            const summary = summarize(await buildReport(lake));
            assert.deepEqual(Object.keys(summary), ["jpy", "usd"]);
            const months = [...Object.values(summary.usd.movements), ...Object.values(summary.jpy.movements)];
            const kinds = new Set(months.flatMap((m) => Object.entries(m).filter(([, v]) => v > 0).map(([k]) => k)));
            for (const kind of ["new", "expansion", "contraction", "churned", "reactivation"]) assert.ok(kinds.has(kind), kind);
            assert.ok(summary.jpy.mrr > 0 && summary.usd.mrr > 0);
        } finally {
            lake.close();
            fs.rmSync(bigger, { recursive: true, force: true });
        }
    });
});
