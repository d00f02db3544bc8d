import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DuckDBConnection, DuckDBInstance, DuckDBTypeId } from "@duckdb/node-api";
import { DEFAULT_METRIC_SETTINGS, METRIC_SETTINGS_VIEW, MetricSettings, metricSettingsSql } from "../components/analytics/metricSettings";
import { readSql, VIEWS } from "../components/analytics/sql";
import { DEFAULT_LAKE_PREFIX } from "../components/lake/layout";
import { duckdbType, Field, LAKE_COLUMNS, LAKE_PARTITION_KEYS } from "../components/analytics/schema";
import { EVENTS_TABLE } from "../components/analytics/sql";
import { COMPACTED_TABLE, COMPACTION_SQL, TAIL_TABLE } from "../components/compaction/sql";
import { parseObjectKey } from "../components/lake/layout";
import { LocalLake } from "../lib/lakeStore";
import { attachLayer, EventFile, LAYER, layerFile, scanPartitions, sqlString, uncompactedFiles } from "./layer";

/** A local lake loaded into an in-memory DuckDB, with the analytics views over it. */
export interface LakeDatabase {
    connection: DuckDBConnection;
    /** Event types with at least one event in the lake, sorted. */
    eventTypes: string[];
    eventCount: number;
    /** The modes the loaded events are in: `[false]`, `[true]`, `[false, true]` or none. */
    modes: boolean[];
    /** Where the events came from: every object of the lake, or the compacted layer plus the objects it lacks. */
    source: "raw" | "compacted";
    /** Event objects read from the lake folder (with a compacted layer, only its raw tail). */
    filesRead: number;
    close(): void;
}

export interface OpenLakeOptions {
    /** The metric_settings relation the views read; Stripe's defaults when absent. */
    metricSettings?: MetricSettings;
    /** Keep live-mode events only (`--live-only`). */
    liveOnly?: boolean;
    /** How long to wait for a compaction holding the layer. */
    sleep?: (ms: number) => Promise<void>;
}

/** A row of a query result, with BIGINT/HUGEINT as numbers and DATE/TIMESTAMP as ISO text. */
export type Row = Record<string, string | number | boolean | null>;

function columnsStruct(fields: Field[]): string {
    return `{${fields.map((f) => `${sqlString(f.name)}: ${sqlString(duckdbType(f.type))}`).join(", ")}}`;
}

/**
 * The event objects of a lake folder: the keys under the prefix in the layout of
 * components/lake/layout.ts. Anything else in the folder (e.g. `.dead-letter/`, files being written) is not an event.
 */
async function eventFiles(lake: LocalLake, lakePrefix: string): Promise<EventFile[]> {
    return (await lake.list(lakePrefix)).flatMap((key) => {
        const parsed = parseObjectKey(lakePrefix, key);
        return parsed ? [{ file: lake.pathOf(key), ...parsed }] : [];
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
 * Loads event files into a table shaped like the Glue table (components/analytics/schema.ts: same
 * columns, `type` and `dt` as text from the key, as Athena's partition projection gives them). The
 * table is materialised once, so the views and queries read memory, not files.
 */
export async function loadEvents(connection: DuckDBConnection, files: EventFile[], table: string): Promise<void> {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "stripe-report-"));
    try {
        const bundle = path.join(workDir, "events.ndjson");
        bundleEvents(files, bundle);
        const record: Field[] = [...LAKE_PARTITION_KEYS, { name: "event", type: { struct: LAKE_COLUMNS } }];
        await connection
            .run(
                `CREATE TABLE ${table} AS SELECT ${[...LAKE_COLUMNS.map((c) => `event.${c.name}`), ...LAKE_PARTITION_KEYS.map((k) => k.name)].join(", ")} ` +
                    `FROM read_json(${sqlString(bundle)}, columns = ${columnsStruct(record)}, format = 'newline_delimited')`,
            )
            .catch((error: Error) => {
                // The bundle's line numbers mean nothing to the user: name the event file instead.
                throw new Error(`${unreadable(files) ?? "The lake"} cannot be read as a Stripe event: ${error.message}`);
            });
    } finally {
        fs.rmSync(workDir, { recursive: true, force: true });
    }
}

/**
 * Every event of the lake as the table `events` the views read: from the lake's files, or, when the
 * lake has a compacted layer that fits (report/layer.ts), from the layer's compacted table and the
 * raw tail it lacks, put together by lake_events.sql as deployed with compaction on. Materialised
 * once rather than inlined into each view as Athena gets it: the metric queries read a view several
 * times. Returns how many event files were read.
 */
async function loadRelations(connection: DuckDBConnection, lakeDir: string, lakePrefix: string, options: OpenLakeOptions): Promise<{ source: LakeDatabase["source"]; filesRead: number }> {
    const layer = layerFile(lakeDir, lakePrefix);
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    if (fs.existsSync(layer) && (await attachLayer(connection, layer, "read", sleep))) {
        const { files } = await uncompactedFiles(connection, lakeDir, lakePrefix, scanPartitions(lakeDir, lakePrefix));
        await loadEvents(connection, files, TAIL_TABLE);
        await connection.run(`CREATE VIEW ${COMPACTED_TABLE} AS SELECT * FROM ${LAYER}.${COMPACTED_TABLE}`);
        await connection.run(`CREATE TABLE ${EVENTS_TABLE} AS ${readSql(COMPACTION_SQL.lakeEvents)}`);
        return { source: "compacted", filesRead: files.length };
    }
    const files = await eventFiles(new LocalLake(lakeDir), lakePrefix);
    await loadEvents(connection, files, EVENTS_TABLE);
    return { source: "raw", filesRead: files.length };
}

/** Loads the lake into an in-memory DuckDB (loadRelations) and creates every view of components/analytics/sql over it. */
export async function openLake(lakeDir: string, lakePrefix = DEFAULT_LAKE_PREFIX, options: OpenLakeOptions = {}): Promise<LakeDatabase> {
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    try {
        await connection.run(readSql("duckdb/compat.sql"));
        const { source, filesRead } = await loadRelations(connection, lakeDir, lakePrefix, options);
        if (options.liveOnly) {
            await connection.run(`DELETE FROM ${EVENTS_TABLE} WHERE NOT coalesce(livemode, false)`);
        }
        await connection.run(`CREATE VIEW ${METRIC_SETTINGS_VIEW} AS ${metricSettingsSql(options.metricSettings ?? DEFAULT_METRIC_SETTINGS)}`);
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
            source,
            filesRead,
            close: () => {
                connection.closeSync();
                instance.closeSync();
            },
        };
    } catch (error) {
        connection.closeSync();
        instance.closeSync();
        throw error;
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
