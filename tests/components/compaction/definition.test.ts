import { strict as assert } from "assert";
import { COMPACTION_ALREADY_RUNNING, COMPACTION_INVALID_INPUT, buildCompactionDefinition, compactionStateMachineArn } from "../../../components/compaction/definition";
import { renderStatement } from "../../../components/compaction/sql";
import { AthenaTwin, TWIN_DATABASE, TWIN_WORKGROUP } from "../../support/athenaTwin";

/** The MERGE Athena gets for one window, written out once so a change to its text shows here. */
const MERGE_JANUARY =
    "MERGE INTO events_compacted AS target USING (SELECT w.id, w.object, w.api_version, w.created, w.livemode, w.account, w.data, w.type, w.dt, w.event_date " +
    "FROM (SELECT e.id, e.object, e.api_version, e.created, e.livemode, e.account, e.data, e.type, e.dt, CAST(e.dt AS date) AS event_date, " +
    "row_number() OVER (PARTITION BY e.id ORDER BY e.dt, e.type) AS occurrence FROM events AS e WHERE e.dt BETWEEN '2025-01-01' AND '2025-01-31') AS w " +
    "WHERE w.occurrence = 1) AS source ON target.id = source.id AND target.event_date BETWEEN DATE '2025-01-01' AND DATE '2025-01-31' " +
    "WHEN NOT MATCHED THEN INSERT (id, object, api_version, created, livemode, account, data, type, dt, event_date) " +
    "VALUES (source.id, source.object, source.api_version, source.created, source.livemode, source.account, source.data, source.type, source.dt, source.event_date)";

describe("compaction workflow definition (executed with aws-local-stepfunctions)", function () {
    let twin: AthenaTwin;

    beforeEach(async function () {
        twin = await new AthenaTwin("2025-01-01", 4).open();
    });

    afterEach(function () {
        twin.close();
    });

    it("a scheduled merge: MERGE from the seam to the scheduled day, then the next seam, then moves events_tail's projection there", async function () {
        twin.seam = "2025-03-01";
        const run = await twin.run({ task: "merge", scheduledTime: "2025-03-10T00:30:00Z" });
        assert.equal(run.error, undefined);
        assert.deepEqual(run.queries, [
            "SELECT CAST(CAST(least(DATE '2025-03-01' + INTERVAL '30' DAY, DATE '2025-03-10') AS date) AS varchar) AS window_to",
            renderStatement("merge", { window_from: "2025-03-01", window_to: "2025-03-10" }),
            "SELECT CAST(CAST(greatest(DATE '2025-03-01', least(DATE '2025-03-10' + INTERVAL '1' DAY, DATE '2025-03-10' - INTERVAL '4' DAY)) AS date) AS varchar) AS seam",
            "ALTER TABLE events_tail SET TBLPROPERTIES ('projection.dt.range' = '2025-03-06,NOW')",
        ]);
        assert.equal(twin.seam, "2025-03-06");
    });

    it("catches a seam far behind up in windows of 30 days, moving the seam after each", async function () {
        twin.seam = "2025-01-01";
        const run = await twin.run({ task: "merge", scheduledTime: "2025-03-10T00:30:00Z" });
        assert.equal(run.error, undefined);
        const merges = run.queries.filter((q) => q.startsWith("MERGE "));
        assert.deepEqual(merges, [
            renderStatement("merge", { window_from: "2025-01-01", window_to: "2025-01-31" }),
            renderStatement("merge", { window_from: "2025-02-01", window_to: "2025-03-03" }),
            renderStatement("merge", { window_from: "2025-03-04", window_to: "2025-03-10" }),
        ]);
        assert.deepEqual(
            run.queries.filter((q) => q.startsWith("ALTER ")).map((q) => /'(\d{4}-\d{2}-\d{2}),NOW'/.exec(q)![1]),
            ["2025-02-01", "2025-03-04", "2025-03-06"],
        );
        assert.equal(twin.seam, "2025-03-06");
    });

    it("a manual window from npm run compact: exactly that MERGE, and the seam stays", async function () {
        twin.seam = "2025-03-06";
        const run = await twin.run({ from: "2025-01-01", to: "2025-01-31" });
        assert.equal(run.error, undefined);
        assert.deepEqual(run.queries, [MERGE_JANUARY]);
        assert.equal(twin.seam, "2025-03-06");
    });

    it("never moves the seam back: a late run of an older scheduled day keeps it", async function () {
        twin.seam = "2025-03-06";
        const run = await twin.run({ task: "merge", scheduledTime: "2025-03-08T00:30:00Z" });
        assert.equal(run.queries[2], "SELECT CAST(CAST(greatest(DATE '2025-03-06', least(DATE '2025-03-08' + INTERVAL '1' DAY, DATE '2025-03-08' - INTERVAL '4' DAY)) AS date) AS varchar) AS seam");
        assert.equal(twin.seam, "2025-03-06");
        // A run for a day before the seam (a retry from long ago) merges nothing and keeps it.
        const old = await twin.run({ task: "merge", scheduledTime: "2025-03-01T00:30:00Z" });
        assert.equal(old.queries[1], renderStatement("merge", { window_from: "2025-03-06", window_to: "2025-03-01" }));
        assert.equal(twin.seam, "2025-03-06");
    });

    it("the weekly maintenance: OPTIMIZE, then VACUUM", async function () {
        const run = await twin.run({ task: "maintain", scheduledTime: "2025-03-09T03:00:00Z" });
        assert.equal(run.error, undefined);
        assert.deepEqual(run.queries, ["OPTIMIZE events_compacted REWRITE DATA USING BIN_PACK", "VACUUM events_compacted"]);
    });

    it("runs every query in the pipeline's workgroup and database", function () {
        const definition = buildCompactionDefinition({ database: TWIN_DATABASE, workgroup: TWIN_WORKGROUP, lookbackDays: 4 }) as { States: Record<string, any> };
        const athena = Object.values(definition.States).filter((s) => s.Resource === "arn:aws:states:::athena:startQueryExecution.sync");
        assert.equal(athena.length, 6);
        for (const state of athena) {
            assert.equal(state.Parameters.WorkGroup, TWIN_WORKGROUP);
            assert.deepEqual(state.Parameters.QueryExecutionContext, { Catalog: "AwsDataCatalog", Database: TWIN_DATABASE });
        }
    });

    it("does nothing while another execution runs, so two merges never insert the same event", async function () {
        const run = await twin.run({ task: "merge", scheduledTime: "2025-03-10T00:30:00Z" }, { running: 1 });
        assert.equal(run.error?.name, COMPACTION_ALREADY_RUNNING);
        assert.deepEqual(run.queries, []);
    });

    it("refuses input that is neither a schedule's nor a window", async function () {
        for (const input of [{}, { from: "2025-01-01" }, { task: "compact", scheduledTime: "2025-03-10T00:30:00Z" }, { task: "merge" }]) {
            const run = await twin.run(input);
            assert.equal(run.error?.name, COMPACTION_INVALID_INPUT, JSON.stringify(input));
            assert.deepEqual(run.queries, []);
        }
    });

    it("is named and addressed from the workgroup, in the account and region of any of its ARNs", function () {
        assert.equal(
            compactionStateMachineArn("arn:aws:states:eu-west-1:123456789012:stateMachine:stripe-workflow-a1b2", "stripe-analytics-prod-stripe"),
            "arn:aws:states:eu-west-1:123456789012:stateMachine:stripe-analytics-prod-stripe-compaction",
        );
        assert.equal(compactionStateMachineArn("arn:aws-cn:athena:cn-north-1:123456789012:workgroup/x", "x"), "arn:aws-cn:states:cn-north-1:123456789012:stateMachine:x-compaction");
    });
});
