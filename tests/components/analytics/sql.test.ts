import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { duckdbType, hiveType, LAKE_COLUMNS, LAKE_PARTITION_KEYS, scalarSpelling } from "../../../components/analytics/schema";
import {
    availableMetrics,
    configuredViews,
    METRICS,
    metricCaveats,
    missingEventTypes,
    readSql,
    SQL_DIR,
    SUPPLEMENTARY_QUERIES,
    VIEWS,
} from "../../../components/analytics/sql";
import { selectEventTypes } from "../../../components/events/eventTypes";
import { LakeDatabase, openLake, query } from "../../../report/lake";

/** Every SQL file Athena gets (views and saved queries), by path under sql/. */
const SHARED_SQL = [...VIEWS.map((v) => v.file), ...METRICS.map((m) => m.file), ...SUPPLEMENTARY_QUERIES.map((q) => q.file)];

/** SQL without comments and string literals, so checks see only code. */
function codeOf(sql: string): string {
    return sql.replace(/--[^\n]*/g, "").replace(/'(?:[^']|'')*'/g, "''");
}

/** Splits on commas outside parentheses. */
function topLevelItems(list: string): string[] {
    const items: string[] = [];
    let depth = 0;
    let start = 0;
    for (let i = 0; i < list.length; i++) {
        if (list[i] === "(") depth++;
        if (list[i] === ")") depth--;
        if (list[i] === "," && depth === 0) {
            items.push(list.slice(start, i).trim());
            start = i + 1;
        }
    }
    return [...items, list.slice(start).trim()];
}

/** `CAST(<expr> AS <type>) AS <name>` → [name, type], when the CAST is the whole expression. */
function castColumn(item: string): [string, string] | undefined {
    const m = /^CAST\(([\s\S]+)\s+AS\s+(\w+)\s*\)\s+AS\s+(\w+)$/.exec(item);
    if (!m) return undefined;
    let depth = 0;
    for (let i = 4; i < item.length; i++) {
        depth += item[i] === "(" ? 1 : item[i] === ")" ? -1 : 0;
        if (depth === 0) return i === item.lastIndexOf(")") ? [m[3], m[2]] : undefined;
    }
    return undefined;
}

/** Hive type string (as Glue stores it) in DuckDB's spelling, to compare with what DuckDB read. */
function hiveToDuckdb(hive: string): string {
    let at = 0;
    const name = () => /^\w+/.exec(hive.slice(at))![0];
    const type = (): string => {
        const word = name();
        at += word.length;
        if (word === "struct" || word === "array" || word === "map") {
            at++; // <
            const parts: string[] = [];
            while (hive[at - 1] !== ">") {
                if (word === "struct") {
                    const field = name();
                    at += field.length + 1; // field:
                    parts.push(`${field} ${type()}`);
                } else {
                    parts.push(type());
                }
                at++; // , or >
            }
            return word === "struct" ? `STRUCT(${parts.join(", ")})` : word === "array" ? `${parts[0]}[]` : `MAP(${parts.join(", ")})`;
        }
        return { string: "VARCHAR", bigint: "BIGINT", boolean: "BOOLEAN", double: "DOUBLE", timestamp: "TIMESTAMP" }[word]!;
    };
    return type();
}

const unquoted = (type: string) => type.replace(/"/g, "");

describe("analytics SQL", function () {
    describe("is written so Athena and DuckDB read it the same way", function () {
        for (const file of SHARED_SQL) {
            const code = codeOf(readSql(file));

            it(`${file}: one statement without a trailing semicolon (Athena views and saved queries)`, function () {
                assert.ok(!code.includes(";"), `${file} contains ';'`);
            });

            it(`${file}: divides only doubles (Trino divides integers as integers)`, function () {
                const divisions = [...code.matchAll(/\//g)].map((m) => code.slice(0, m.index).trimEnd());
                for (const left of divisions) {
                    assert.match(left, /AS double\)$/, `left of '/' in ${file} is not CAST(... AS double): ...${left.slice(-60)}`);
                }
            });

            it(`${file}: uses no DuckDB-only syntax`, function () {
                for (const duckdbOnly of ["::", "//", "->", " ILIKE ", "strftime(", "list_", "struct_", "epoch(", "generate_series(", "len("]) {
                    assert.ok(!code.toUpperCase().includes(duckdbOnly.toUpperCase()), `${file} uses ${duckdbOnly}`);
                }
            });
        }
    });

    describe("DuckDB stand-ins for Trino functions (sql/duckdb/compat.sql)", function () {
        let lake: LakeDatabase;
        let emptyDir: string;
        before(async function () {
            emptyDir = fs.mkdtempSync(path.join(os.tmpdir(), "empty-lake-"));
            lake = await openLake(emptyDir);
        });
        after(function () {
            lake.close();
            fs.rmSync(emptyDir, { recursive: true, force: true });
        });

        const value = async (expression: string) => (await query(lake.connection, `SELECT ${expression} AS v`))[0].v;

        it("from_unixtime(seconds) is the UTC time, as in Trino", async function () {
            assert.equal(await value("CAST(from_unixtime(0) AS timestamp)"), "1970-01-01T00:00:00.000Z");
            assert.equal(await value("CAST(from_unixtime(1735800000) AS timestamp)"), "2025-01-02T06:40:00.000Z");
            assert.equal(await value("from_unixtime(NULL)"), null);
        });

        it("cardinality(array) is its length", async function () {
            assert.equal(await value("cardinality([10, 20, 30])"), 3);
        });

        it("sequence(start, stop) and sequence(date, date, INTERVAL '1' MONTH) include both ends", async function () {
            assert.equal(await value("CAST(sequence(1, 3) AS VARCHAR)"), "[1, 2, 3]");
            assert.equal(await value("CAST(CAST(sequence(DATE '2025-01-01', DATE '2025-03-01', INTERVAL '1' MONTH) AS DATE[]) AS VARCHAR)"), "[2025-01-01, 2025-02-01, 2025-03-01]");
        });

        it("the lake table has exactly the Glue table's columns, in DuckDB's spelling of the same Hive types", async function () {
            const described = await query(lake.connection, "DESCRIBE events");
            const glue = [...LAKE_COLUMNS, ...LAKE_PARTITION_KEYS];
            assert.deepEqual(
                described.map((c) => [c.column_name, unquoted(String(c.column_type))]),
                glue.map((c) => [c.name, unquoted(duckdbType(c.type))]),
            );
            for (const column of LAKE_COLUMNS) {
                const duckdb = described.find((c) => c.column_name === column.name)!;
                assert.equal(hiveToDuckdb(hiveType(column.type)), unquoted(String(duckdb.column_type)), column.name);
            }
        });

        it("every view and saved query binds against the declared table alone (so every column they use exists)", async function () {
            for (const view of VIEWS) {
                assert.deepEqual(await query(lake.connection, `SELECT * FROM ${view.name}`), [], view.name);
            }
            for (const m of [...METRICS, ...SUPPLEMENTARY_QUERIES]) {
                assert.deepEqual(await query(lake.connection, readSql(m.file)), [], m.file);
            }
        });

        it("every view has exactly its declared columns and types", async function () {
            for (const view of VIEWS) {
                const described = await query(lake.connection, `DESCRIBE ${view.name}`);
                assert.deepEqual(
                    described.map((c) => [c.column_name, c.column_type]),
                    view.columns.map((c) => [c.name, scalarSpelling(c.type).duckdb]),
                    view.name,
                );
            }
        });
    });

    it("declares each view column as the CAST its SQL ends in, so Athena infers the declared type", function () {
        for (const view of VIEWS) {
            const code = codeOf(readSql(view.file));
            const select = code.slice(code.lastIndexOf("\nSELECT\n") + "\nSELECT\n".length, code.lastIndexOf("\nFROM "));
            const columns = topLevelItems(select).map((item) => castColumn(item) ?? ["not an outer CAST", item]);
            assert.deepEqual(
                columns,
                view.columns.map((c) => [c.name, scalarSpelling(c.type).presto]),
                view.file,
            );
        }
    });

    describe("views, metrics and event types", function () {
        it("builds the views of the configured families only", function () {
            // The subscription metric views come with the subscriptions view: the default types include customer.subscription.created.
            const metricViews = ["subscription_mrr", "mrr_movements", "metrics_by_month"];
            const defaults = selectEventTypes([]).enabledEvents;
            assert.deepEqual(configuredViews(defaults).map((v) => v.name), ["subscriptions", "checkout_sessions", ...metricViews]);
            const all = selectEventTypes(["payment_intent.*", "invoice.paid", "customer.subscription.*", "charge.refunded"]).enabledEvents;
            assert.deepEqual(configuredViews(all).map((v) => v.name), ["subscriptions", "checkout_sessions", "payment_intents", "invoices", "charges", ...metricViews]);
            // invoiceitem.* is another family, not invoices.
            assert.deepEqual(configuredViews(selectEventTypes(["invoiceitem.created"]).enabledEvents).map((v) => v.name), ["subscriptions", "checkout_sessions", ...metricViews]);
        });

        it("offers a metric only when every event type it needs is configured", function () {
            assert.deepEqual(availableMetrics(selectEventTypes([]).enabledEvents), []);
            assert.deepEqual(missingEventTypes("mrr", selectEventTypes([]).enabledEvents), ["customer.subscription.deleted"]);
            const example = selectEventTypes(["payment_intent.*", "customer.subscription.deleted"]).enabledEvents;
            assert.deepEqual(availableMetrics(example), ["mrr", "active_subscriptions", "subscription_movements", "payments"]);
            assert.deepEqual(missingEventTypes("payments", selectEventTypes(["payment_intent.succeeded"]).enabledEvents), ["payment_intent.payment_failed"]);
        });

        it("warns that MRR and active subscriptions see subscriptions as created without customer.subscription.updated", function () {
            const example = selectEventTypes(["payment_intent.*", "customer.subscription.deleted"]).enabledEvents;
            assert.deepEqual(metricCaveats(example, ["mrr", "payments"]), [
                "customer.subscription.updated is not archived, so for mrr every subscription stays as it was created until it is deleted: " +
                    "upgrades, quantity changes, trials ending and incomplete subscriptions becoming active are not counted. " +
                    'Archive "customer.subscription.*" for exact figures.',
            ]);
            assert.deepEqual(metricCaveats(example, ["subscription_movements", "payments"]), []);
            assert.deepEqual(metricCaveats(selectEventTypes(["customer.subscription.*"]).enabledEvents, ["mrr", "active_subscriptions"]), []);
        });
    });

    it("keeps every SQL file it ships in use", function () {
        const files = ["views", "queries"].flatMap((dir) => fs.readdirSync(path.join(SQL_DIR, dir)).map((f) => `${dir}/${f}`));
        assert.deepEqual(files.sort(), [...SHARED_SQL].sort());
    });
});
