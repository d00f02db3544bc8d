import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { DuckDBInstance } from "@duckdb/node-api";
import { DEFAULT_METRIC_SETTINGS, METRIC_SETTINGS_VIEW, metricSettingsSql } from "../../../components/analytics/metricSettings";
import { readSql, SQL_DIR, VIEWS } from "../../../components/analytics/sql";
import { buildCompactionDefinition } from "../../../components/compaction/definition";
import { COMPACTION_SQL, readsLakeTable, renderStatement, statementParameters, statementText, statesFormat, viewOverLakeEvents, viewSql } from "../../../components/compaction/sql";
import { compactedColumns, duckdbCompactedColumns } from "../../../components/compaction/table";
import { loadEvents, query } from "../../../report/lake";

describe("compaction SQL (components/analytics/sql/compaction/)", function () {
    it("ships exactly the statements the workflow and the views use, Athena-only ones apart", function () {
        const dir = path.join(SQL_DIR, "compaction");
        const files = (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(".sql")).map((f) => `compaction/${f.split(path.sep).join("/")}`);
        assert.deepEqual(files.sort(), Object.values(COMPACTION_SQL).sort());
        assert.deepEqual(
            Object.values(COMPACTION_SQL).filter((f) => f.startsWith("compaction/athena/")),
            ["compaction/athena/move_seam.sql", "compaction/athena/optimize.sql", "compaction/athena/vacuum.sql"],
        );
        const definition = JSON.stringify(buildCompactionDefinition({ database: "db", workgroup: "wg", lookbackDays: 4 }));
        for (const statement of ["planWindow", "merge", "nextSeam", "moveSeam", "optimize", "vacuum"] as const) {
            assert.ok(definition.includes(COMPACTION_SQL[statement]), `the workflow names ${COMPACTION_SQL[statement]}`);
        }
    });

    it("sends each statement as one line without comments, string literals untouched", function () {
        for (const file of Object.values(COMPACTION_SQL)) {
            const text = statementText(file);
            assert.ok(!/\n|--|\s{2}|;|\( | \)/.test(text), `${file}: ${text}`);
        }
        assert.equal(statementText(COMPACTION_SQL.moveSeam), "ALTER TABLE events_tail SET TBLPROPERTIES ('projection.dt.range' = ':seam,NOW')");
        assert.deepEqual(statementParameters(statementText(COMPACTION_SQL.merge)), ["window_from", "window_to", "window_from", "window_to"]);
        assert.deepEqual(statementParameters(statementText(COMPACTION_SQL.nextSeam)), ["window_from", "window_to", "scheduled_day", "lookback_days"]);
        assert.deepEqual(statementParameters(statementText(COMPACTION_SQL.planWindow)), ["window_from", "window_days", "scheduled_day"]);
    });

    it("splices only days and whole numbers into the SQL", function () {
        assert.throws(() => renderStatement("merge", { window_from: "2025-01-01' OR '1", window_to: "2025-01-31" }), {
            message: `compaction statement parameter window_from: "2025-01-01' OR '1" is not a day written YYYY-MM-DD`,
        });
        assert.throws(() => renderStatement("nextSeam", { window_from: "2025-01-01", window_to: "2025-01-31", scheduled_day: "2025-02-01", lookback_days: "4 DAY" }), { message: /lookback_days: "4 DAY" is not a whole number of days/ });
        assert.throws(() => renderStatement("merge", { window_from: "2025-01-01" }), { message: /window_to: undefined/ });
    });

    it("escapes the statement as a States.Format template: quotes and braces with a backslash, one {} per parameter", function () {
        assert.equal(
            statesFormat("planWindow", { window_from: "$.window.from", scheduled_day: "$.window.day" }, { window_days: "30" }),
            "States.Format('SELECT CAST(CAST(least(DATE \\'{}\\' + INTERVAL \\'30\\' DAY, DATE \\'{}\\') AS date) AS varchar) AS window_to', $.window.from, $.window.day)",
        );
        assert.throws(() => statesFormat("moveSeam", {}), { message: "compaction statement moveSeam needs seam" });
    });

    it("writes the MERGE's column list as the compacted table has it", function () {
        const insert = /INSERT \(([^)]*)\)/.exec(statementText(COMPACTION_SQL.merge))![1].split(", ");
        assert.deepEqual(insert, compactedColumns().map((c) => c.name));
    });

    it("renders every view over lake_events.sql with the view's one lake relation replaced and nothing else", async function () {
        const instance = await DuckDBInstance.create(":memory:");
        const connection = await instance.connect();
        try {
            await connection.run(readSql("duckdb/compat.sql"));
            await connection.run(`CREATE TABLE events_compacted (${duckdbCompactedColumns()})`);
            await loadEvents(connection, [], "events_tail");
            // lake_events.sql without its comments, indented, in parentheses: the subquery that replaces `events`.
            const subquery = `(\n${readSql(COMPACTION_SQL.lakeEvents)
                .split("\n")
                .filter((line) => !line.startsWith("--"))
                .map((line) => `    ${line}`)
                .join("\n")}\n)`;
            await connection.run(`CREATE VIEW ${METRIC_SETTINGS_VIEW} AS ${metricSettingsSql(DEFAULT_METRIC_SETTINGS)}`);
            // mrr_movements reads subscription_mrr only, and so the lake through it.
            assert.deepEqual(VIEWS.filter((v) => !readsLakeTable(v)).map((v) => v.name), ["mrr_movements"]);
            for (const view of VIEWS) {
                const sql = viewSql(view, true);
                if (!readsLakeTable(view)) {
                    assert.equal(sql, readSql(view.file));
                    await connection.run(`CREATE VIEW ${view.name} AS ${sql}`);
                    continue;
                }
                assert.equal(sql, viewOverLakeEvents(view));
                assert.equal(sql.split(subquery).length, 2, `${view.file} reads the lake once`);
                assert.equal(sql.split(subquery).join("events"), readSql(view.file), view.file);
                assert.equal(viewSql(view, false), readSql(view.file));
                // No table named `events` here: a reference left over would fail.
                await connection.run(`CREATE VIEW ${view.name} AS ${sql}`);
                assert.deepEqual(await query(connection, `SELECT count(*) AS n FROM ${view.name}`), [{ n: 0 }], view.name);
            }
        } finally {
            connection.closeSync();
            instance.closeSync();
        }
    });

    it("uses no DuckDB-only syntax in what Athena runs", function () {
        for (const file of Object.values(COMPACTION_SQL)) {
            const code = statementText(file).replace(/'[^']*'/g, "''").toUpperCase();
            for (const duckdbOnly of ["::", "//", "->", " ILIKE ", "STRFTIME(", "LIST_", "STRUCT_", "EPOCH(", "GENERATE_SERIES(", "LEN(", "BY SOURCE", "RETURNING"]) {
                assert.ok(!code.includes(duckdbOnly), `${file} uses ${duckdbOnly}`);
            }
        }
    });
});
