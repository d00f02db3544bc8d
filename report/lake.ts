import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DuckDBConnection, DuckDBInstance, DuckDBTypeId } from "@duckdb/node-api";
import { DEFAULT_METRIC_SETTINGS, METRIC_SETTINGS_VIEW, MetricSettings, metricSettingsSql } from "../components/analytics/metricSettings";
import { readSql, VIEWS } from "../components/analytics/sql";
import { DEFAULT_LAKE_PREFIX } from "../components/lake/layout";
import { duckdbType, Field, LAKE_COLUMNS, LAKE_PARTITION_KEYS } from "../components/analytics/schema";
import { EVENTS_TABLE } from "../components/analytics/sql";
import { parseObjectKey } from "../components/lake/layout";
import { LocalLake } from "../lib/lakeStore";

/** A local lake loaded into an in-memory DuckDB, with the analytics views over it. */
export interface LakeDatabase {
    connection: DuckDBConnection;
    /** Event types with at least one event in the lake, sorted. */
    eventTypes: string[];
    eventCount: number;
    /** The modes the loaded events are in: `[false]`, `[true]`, `[false, true]` or none. */
    modes: boolean[];
    close(): void;
}

export interface OpenLakeOptions {
    lakePrefix?: string;
    /** The metric_settings relation the views read; Stripe's defaults when absent. */
    metricSettings?: MetricSettings;
    /** Load live-mode events only (`--live-only`). */
    liveOnly?: boolean;
}

/** A row of a query result, with BIGINT/HUGEINT as numbers and DATE/TIMESTAMP as ISO text. */
export type Row = Record<string, string | number | boolean | null>;

function sqlString(value: string): string {
    return `'${value.replace(/'/g, "''")}'`;
}

function columnsStruct(fields: Field[]): string {
    return `{${fields.map((f) => `${sqlString(f.name)}: ${sqlString(duckdbType(f.type))}`).join(", ")}}`;
}

/** An event object of a lake folder and the partition values its key carries. */
interface EventFile {
    file: string;
    type: string;
    dt: string;
}

/**
 * The event objects of a lake folder: the keys under the prefix in the layout of
 * components/lake/layout.ts. Anything else in the folder (e.g. `.dead-letter/`, files being written) is not an event.
 */
async function eventFiles(lake: LocalLake, lakePrefix: string): Promise<EventFile[]> {
    return (await lake.list(lakePrefix)).flatMap((key) => {
        const parsed = parseObjectKey(lakePrefix, key);
        return parsed ? [{ file: lake.pathOf(key), type: parsed.type, dt: parsed.dt }] : [];
    });
}

/**
 * Copies the events into one newline-delimited file of `{"type", "dt", "event"}` records. DuckDB
 * reads one big file in bulk, while reading each of many small files costs it a whole batch of
 * memory per file, which is far slower and bigger (bench/report.ts times the whole report).
 */
function bundleEvents(files: EventFile[], bundle: string): void {
    const out = fs.openSync(bundle, "w");
    try {
        let chunk = "";
        for (const { file, type, dt } of files) {
            let document = fs.readFileSync(file, "utf8").trim();
            // The pipeline writes compact JSON; anything else is compacted to stay on one line.
            if (document.includes("\n")) document = JSON.stringify(JSON.parse(document));
            chunk += `{"type":${JSON.stringify(type)},"dt":${JSON.stringify(dt)},"event":${document}}\n`;
            if (chunk.length > 1 << 20) {
                fs.writeSync(out, chunk);
                chunk = "";
            }
        }
        fs.writeSync(out, chunk);
    } finally {
        fs.closeSync(out);
    }
}

/** The first event file that is not a JSON document, if any. */
function unreadable(files: EventFile[]): string | undefined {
    return files.find(({ file }) => {
        try {
            JSON.parse(fs.readFileSync(file, "utf8"));
            return false;
        } catch {
            return true;
        }
    })?.file;
}

/**
 * Loads every event of the lake into a table shaped like the Glue table (components/analytics/schema.ts:
 * same columns, `type` and `dt` as text from the key, as Athena's partition projection gives them) and
 * creates every view of components/analytics/sql over it, with the DuckDB stand-ins of sql/duckdb/compat.sql.
 * The table is materialised once, so the views and queries read memory, not files.
 */
export async function openLake(lakeDir: string, options: OpenLakeOptions | string = {}): Promise<LakeDatabase> {
    const { lakePrefix = DEFAULT_LAKE_PREFIX, metricSettings = DEFAULT_METRIC_SETTINGS, liveOnly = false } = typeof options === "string" ? { lakePrefix: options } : options;
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "stripe-report-"));
    try {
        await connection.run(readSql("duckdb/compat.sql"));
        const bundle = path.join(workDir, "events.ndjson");
        const files = await eventFiles(new LocalLake(lakeDir), lakePrefix);
        bundleEvents(files, bundle);
        const record: Field[] = [...LAKE_PARTITION_KEYS, { name: "event", type: { struct: LAKE_COLUMNS } }];
        await connection
            .run(
                `CREATE TABLE ${EVENTS_TABLE} AS SELECT ${[...LAKE_COLUMNS.map((c) => `event.${c.name}`), ...LAKE_PARTITION_KEYS.map((k) => k.name)].join(", ")} ` +
                    `FROM read_json(${sqlString(bundle)}, columns = ${columnsStruct(record)}, format = 'newline_delimited')${liveOnly ? " WHERE event.livemode" : ""}`,
            )
            .catch((error: Error) => {
                // The bundle's line numbers mean nothing to the user: name the event file instead.
                throw new Error(`${unreadable(files) ?? "The lake"} cannot be read as a Stripe event: ${error.message}`);
            });
        await connection.run(`CREATE VIEW ${METRIC_SETTINGS_VIEW} AS ${metricSettingsSql(metricSettings)}`);
        for (const view of VIEWS) {
            await connection.run(`CREATE VIEW ${view.name} AS ${readSql(view.file)}`);
        }
        const types = await query(connection, `SELECT type, count(*) AS events FROM ${EVENTS_TABLE} GROUP BY type ORDER BY type`);
        const modes = await query(connection, `SELECT DISTINCT coalesce(livemode, false) AS livemode FROM ${EVENTS_TABLE} ORDER BY livemode`);
        return {
            connection,
            eventTypes: types.map((t) => String(t.type)),
            eventCount: types.reduce((sum, t) => sum + Number(t.events), 0),
            modes: modes.map((m) => m.livemode === true),
            close: () => {
                connection.closeSync();
                instance.closeSync();
            },
        };
    } catch (error) {
        connection.closeSync();
        instance.closeSync();
        throw error;
    } finally {
        fs.rmSync(workDir, { recursive: true, force: true });
    }
}

/** Runs a query and returns its rows as plain values: integers as numbers, DATE as `YYYY-MM-DD`, TIMESTAMP as ISO 8601. */
export async function query(connection: DuckDBConnection, sql: string): Promise<Row[]> {
    const reader = await connection.runAndReadAll(sql);
    const dates = new Set(reader.columnNames().filter((_, i) => reader.columnType(i).typeId === DuckDBTypeId.DATE));
    return reader.getRowObjectsJS().map((row) =>
        Object.fromEntries(
            Object.entries(row).map(([key, value]) => {
                if (typeof value === "bigint") return [key, Number(value)];
                if (value instanceof Date) return [key, dates.has(key) ? value.toISOString().slice(0, 10) : value.toISOString()];
                return [key, value as Row[string]];
            }),
        ),
    );
}
