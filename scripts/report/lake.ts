import * as path from "path";
import { DuckDBConnection, DuckDBInstance, DuckDBTypeId } from "@duckdb/node-api";
import { duckdbType, Field, LAKE_COLUMNS, LAKE_PARTITION_KEYS } from "../../components/analytics/schema";
import { EVENTS_TABLE, readSql, VIEWS } from "../../components/analytics/sql";
import { DEFAULT_LAKE_PREFIX } from "../../components/lake/layout";

/** A local lake loaded into an in-memory DuckDB, with the analytics views over it. */
export interface LakeDatabase {
    connection: DuckDBConnection;
    /** Event types with at least one event in the lake, sorted. */
    eventTypes: string[];
    eventCount: number;
    close(): void;
}

/** A row of a query result, with BIGINT/HUGEINT as numbers and DATE/TIMESTAMP as ISO text. */
export type Row = Record<string, string | number | boolean | null>;

function sqlString(value: string): string {
    return `'${value.replace(/'/g, "''")}'`;
}

function columnsStruct(fields: Field[]): string {
    return `{${fields.map((f) => `${sqlString(f.name)}: ${sqlString(duckdbType(f.type))}`).join(", ")}}`;
}

/**
 * Glob of the event objects of a lake folder: `<lake>/<prefix>/type=<type>/dt=<date>/<evt id>.json`,
 * the layout of components/lake/layout.ts. Anything else in the folder (e.g. `.dead-letter/`) is not read.
 */
export function eventGlob(lakeDir: string, lakePrefix: string): string {
    return path.join(lakeDir, lakePrefix, "type=*", "dt=*", "*.json");
}

/**
 * Loads every event of the lake into a table shaped like the Glue table (components/analytics/schema.ts:
 * same columns, `type` and `dt` as text from the key, as Athena's partition projection gives them) and
 * creates every view of components/analytics/sql over it, with the DuckDB stand-ins of sql/duckdb/compat.sql.
 * The table is materialised once, so the views and queries read memory, not files.
 */
export async function openLake(lakeDir: string, lakePrefix = DEFAULT_LAKE_PREFIX): Promise<LakeDatabase> {
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    try {
        await connection.run(readSql("duckdb/compat.sql"));
        const glob = eventGlob(lakeDir, lakePrefix);
        const files = Number((await connection.runAndReadAll(`SELECT count(*) AS n FROM glob(${sqlString(glob)})`)).getRowObjectsJS()[0].n);
        if (files === 0) {
            const columns = [...LAKE_COLUMNS, ...LAKE_PARTITION_KEYS].map((f) => `"${f.name}" ${duckdbType(f.type)}`);
            await connection.run(`CREATE TABLE ${EVENTS_TABLE} (${columns.join(", ")})`);
        } else {
            await connection.run(
                `CREATE TABLE ${EVENTS_TABLE} AS SELECT * FROM read_json(${sqlString(glob)}, columns = ${columnsStruct(LAKE_COLUMNS)}, ` +
                    `format = 'auto', hive_partitioning = true, hive_types = ${columnsStruct(LAKE_PARTITION_KEYS)})`,
            );
        }
        for (const view of VIEWS) {
            await connection.run(`CREATE VIEW ${view.name} AS ${readSql(view.file)}`);
        }
        const types = await query(connection, `SELECT type, count(*) AS events FROM ${EVENTS_TABLE} GROUP BY type ORDER BY type`);
        return {
            connection,
            eventTypes: types.map((t) => String(t.type)),
            eventCount: types.reduce((sum, t) => sum + Number(t.events), 0),
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
