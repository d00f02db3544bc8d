/**
 * The local compacted layer (docs/compaction.md, "Locally"): one DuckDB database file per lake
 * prefix at `<lake>/.compacted/<prefix>.duckdb`, outside the prefix like `.dead-letter/`. It holds
 * the compacted table (the same columns as the deployed Iceberg table) and, per partition folder
 * of the lake, the folder's modification time when a compaction last read all of it: a folder whose
 * time is unchanged has no file the layer lacks, so neither the report nor the next compaction
 * lists it. A file added to a folder changes the folder's time.
 * https://man7.org/linux/man-pages/man7/inode.7.html (st_mtime of a directory)
 */
import * as fs from "fs";
import * as path from "path";
import { DuckDBConnection } from "@duckdb/node-api";
import { COMPACTED_TABLE } from "../components/compaction/sql";
import { duckdbCompactedColumns } from "../components/compaction/table";
import { PARTITION_KEYS, parseObjectKey } from "../components/lake/layout";
import { TEMPORARY_SUFFIX } from "../lib/atomicWrite";

export const LAYER_DIR = ".compacted";
/** The catalog name the layer is attached under. */
export const LAYER = "layer";
const PARTITIONS_TABLE = "compacted_partitions";
/** One row: the compacted table's column list, so a layer written for other columns is rebuilt, not misread. */
const LAYOUT_TABLE = "compacted_layout";
/** A folder written to this recently is not recorded as complete: its time may not have ticked yet. */
const QUIET_MS = 1000;
/** How long to wait for another process's lock on the layer (a compaction writing, a report reading). */
const LOCK_WAIT_MS = 30_000;

export function layerFile(lakeDir: string, lakePrefix: string): string {
    return path.join(lakeDir, LAYER_DIR, `${lakePrefix}.duckdb`);
}

/** An event object of a lake folder and what its key says. */
export interface EventFile {
    file: string;
    type: string;
    dt: string;
    id: string;
}

/** A partition folder (`type=<type>/dt=<dt>`) and its modification time in nanoseconds. */
export interface Partition {
    type: string;
    dt: string;
    dir: string;
    mtimeNs: bigint;
}

export function sqlString(value: string): string {
    return `'${value.replace(/'/g, "''")}'`;
}

async function rows(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
    return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}

/** The partition folders under the prefix, in the layout of components/lake/layout.ts. */
export function scanPartitions(lakeDir: string, lakePrefix: string): Partition[] {
    const found: Partition[] = [];
    const walk = (dir: string, depth: number, values: Record<string, string>) => {
        let entries: fs.Dirent[];
        try {
            entries = fs.readdirSync(dir, { withFileTypes: true });
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
            throw error;
        }
        const key = PARTITION_KEYS[depth];
        for (const entry of entries) {
            if (!entry.isDirectory() || !entry.name.startsWith(`${key}=`)) continue;
            const next = { ...values, [key]: entry.name.slice(key.length + 1) };
            const child = path.join(dir, entry.name);
            if (depth + 1 < PARTITION_KEYS.length) {
                walk(child, depth + 1, next);
            } else {
                found.push({ type: next.type, dt: next.dt, dir: child, mtimeNs: fs.statSync(child, { bigint: true }).mtimeNs });
            }
        }
    };
    walk(path.join(lakeDir, lakePrefix), 0, {});
    return found;
}

/**
 * The lake prefixes a lake folder holds partitions under (folders with a `type=` folder in them),
 * for a report that finds no events where it looks. Hidden folders (the compacted layer, dead
 * letters) are not looked into; `depth` bounds the walk in a large folder.
 */
export function lakePrefixes(lakeDir: string, depth = 4): string[] {
    const found: string[] = [];
    const walk = (dir: string, left: number) => {
        let entries: fs.Dirent[];
        try {
            entries = fs.readdirSync(path.join(lakeDir, dir), { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith("."));
        } catch {
            return;
        }
        if (dir !== "" && entries.some((e) => e.name.startsWith(`${PARTITION_KEYS[0]}=`))) {
            found.push(dir.split(path.sep).join("/"));
            return;
        }
        if (left > 0) for (const entry of entries) walk(path.join(dir, entry.name), left - 1);
    };
    walk("", depth);
    return found.sort();
}

/** The event objects of one partition folder; anything not in the layout (files being written) is not an event. */
export function partitionFiles(lakeDir: string, lakePrefix: string, partition: Partition): EventFile[] {
    return fs.readdirSync(partition.dir).flatMap((name) => {
        if (name.endsWith(TEMPORARY_SUFFIX)) return [];
        const file = path.join(partition.dir, name);
        const parsed = parseObjectKey(lakePrefix, path.relative(lakeDir, file).split(path.sep).join("/"));
        return parsed ? [{ file, ...parsed }] : [];
    });
}

/**
 * Attaches the layer as LAYER, waiting while another process holds it (DuckDB allows one writing
 * process or several reading ones per file). With `write`, creates or rebuilds the layer's tables
 * when the compacted columns changed; when reading, answers whether the layer fits these columns.
 */
export async function attachLayer(connection: DuckDBConnection, file: string, mode: "read" | "write", sleep: (ms: number) => Promise<void>): Promise<boolean> {
    for (let waited = 0; ; waited += 200) {
        try {
            await connection.run(`ATTACH ${sqlString(file)} AS ${LAYER}${mode === "read" ? " (READ_ONLY)" : ""}`);
            break;
        } catch (error) {
            if (!/lock/i.test((error as Error).message) || waited >= LOCK_WAIT_MS) throw error;
            await sleep(200);
        }
    }
    const columns = duckdbCompactedColumns();
    const layout = await rows(connection, `SELECT table_name FROM duckdb_tables() WHERE database_name = '${LAYER}' AND table_name = '${LAYOUT_TABLE}'`);
    const fits = layout.length > 0 && (await rows(connection, `SELECT columns FROM ${LAYER}.${LAYOUT_TABLE}`))[0]?.columns === columns;
    if (mode === "write" && !fits) {
        for (const table of [COMPACTED_TABLE, PARTITIONS_TABLE, LAYOUT_TABLE]) {
            await connection.run(`DROP TABLE IF EXISTS ${LAYER}.${table}`);
        }
        await connection.run(`CREATE TABLE ${LAYER}.${COMPACTED_TABLE} (${columns})`);
        await connection.run(`CREATE TABLE ${LAYER}.${PARTITIONS_TABLE} (type VARCHAR, dt VARCHAR, mtime_ns VARCHAR, PRIMARY KEY (type, dt))`);
        await connection.run(`CREATE TABLE ${LAYER}.${LAYOUT_TABLE} (columns VARCHAR)`);
        await connection.run(`INSERT INTO ${LAYER}.${LAYOUT_TABLE} VALUES (${sqlString(columns)})`);
        return true;
    }
    return fits;
}

const partitionKey = (p: { type: string; dt: string }) => `${p.type}/${p.dt}`;

/**
 * The partitions a compaction has not read completely since they last changed, and the files in
 * them the layer does not hold: the raw tail, exactly. Only those partitions are listed, and
 * compacted files are recognised by their event id (the file name), without being read.
 */
export async function uncompactedFiles(connection: DuckDBConnection, lakeDir: string, lakePrefix: string, partitions: Partition[]): Promise<{ dirty: Partition[]; files: EventFile[] }> {
    const recorded = new Map((await rows(connection, `SELECT type, dt, mtime_ns FROM ${LAYER}.${PARTITIONS_TABLE}`)).map((r) => [`${r.type}/${r.dt}`, String(r.mtime_ns)]));
    const dirty = partitions.filter((p) => recorded.get(partitionKey(p)) !== String(p.mtimeNs));
    if (dirty.length === 0) return { dirty, files: [] };
    const days = [...new Set(dirty.map((p) => p.dt))].map(sqlString).join(", ");
    const compacted = new Set((await rows(connection, `SELECT dt, id FROM ${LAYER}.${COMPACTED_TABLE} WHERE dt IN (${days})`)).map((r) => `${r.dt}/${r.id}`));
    const files = dirty.flatMap((p) => partitionFiles(lakeDir, lakePrefix, p)).filter((f) => !compacted.has(`${f.dt}/${f.id}`));
    return { dirty, files };
}

/**
 * Records partitions as completely compacted at the modification time they had before their files
 * were listed, except those changed within the last QUIET_MS (their time may tick on unseen);
 * forgets the record of the others, so the next reader lists them again.
 */
export async function recordPartitions(connection: DuckDBConnection, partitions: Partition[], startedAtMs: number): Promise<void> {
    const quietBefore = BigInt(startedAtMs - QUIET_MS) * 1_000_000n;
    const quiet = partitions.filter((p) => p.mtimeNs < quietBefore);
    const busy = partitions.filter((p) => p.mtimeNs >= quietBefore);
    if (quiet.length > 0) {
        const values = quiet.map((p) => `(${sqlString(p.type)}, ${sqlString(p.dt)}, '${p.mtimeNs}')`).join(", ");
        await connection.run(`INSERT OR REPLACE INTO ${LAYER}.${PARTITIONS_TABLE} VALUES ${values}`);
    }
    for (const p of busy) {
        await connection.run(`DELETE FROM ${LAYER}.${PARTITIONS_TABLE} WHERE type = ${sqlString(p.type)} AND dt = ${sqlString(p.dt)}`);
    }
}
