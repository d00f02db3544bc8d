/**
 * Local compaction: the deployed workflow's MERGE (components/analytics/sql/compaction/merge.sql),
 * run by DuckDB on a lake folder into its compacted layer (report/layer.ts). `npm run report`
 * then reads the layer and only the files it lacks.
 */
import * as fs from "fs";
import * as path from "path";
import { DuckDBInstance } from "@duckdb/node-api";
import { EVENTS_TABLE } from "../components/analytics/sql";
import { renderStatement } from "../components/compaction/sql";
import { loadEvents } from "./lake";
import { attachLayer, layerFile, LAYER, partitionFiles, recordPartitions, scanPartitions, uncompactedFiles } from "./layer";

export interface CompactOptions {
    /** A window of days (`YYYY-MM-DD`, inclusive) to merge again, every file in it; default: every file the layer lacks. */
    from?: string;
    to?: string;
    /** For waiting on a report holding the layer, and for the quiet-folder rule; tests pass their own. */
    sleep?: (ms: number) => Promise<void>;
    now?: () => number;
}

export interface CompactResult {
    /** The layer's database file. */
    layer: string;
    /** Event files read and merged. */
    files: number;
    /** Events the merge added (already compacted ones match and are left alone). */
    inserted: number;
    /** Partition folders read. */
    partitions: number;
    /** The days the MERGE covered; none when there was nothing to merge. */
    window?: { from: string; to: string };
}

/**
 * Merges into the layer, in one transaction with the record of which partition folders it read
 * completely: every event file the layer lacks, or, with `from`/`to`, every file of those days
 * (the deployed `npm run compact -- --from --to`, for history backfilled after it was compacted).
 */
export async function compactLake(lakeDir: string, lakePrefix: string, options: CompactOptions = {}): Promise<CompactResult> {
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const startedAt = (options.now ?? Date.now)();
    const layer = layerFile(lakeDir, lakePrefix);
    fs.mkdirSync(path.dirname(layer), { recursive: true });
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    try {
        await attachLayer(connection, layer, "write", sleep);
        // The MERGE names its target unqualified, as Athena's database context resolves it.
        await connection.run(`SET search_path = 'memory.main,${LAYER}.main'`);
        const partitions = scanPartitions(lakeDir, lakePrefix);
        let read: { dirty: typeof partitions; files: ReturnType<typeof partitionFiles> };
        if (options.from !== undefined && options.to !== undefined) {
            const { from, to } = options;
            const inWindow = partitions.filter((p) => p.dt >= from && p.dt <= to);
            read = { dirty: inWindow, files: inWindow.flatMap((p) => partitionFiles(lakeDir, lakePrefix, p)) };
        } else {
            read = await uncompactedFiles(connection, lakeDir, lakePrefix, partitions);
        }
        const days = read.files.map((f) => f.dt).sort();
        const window = options.from !== undefined && options.to !== undefined ? { from: options.from, to: options.to } : days.length > 0 ? { from: days[0], to: days[days.length - 1] } : undefined;
        await loadEvents(connection, read.files, `memory.main.${EVENTS_TABLE}`);
        await connection.run("BEGIN TRANSACTION");
        let inserted = 0;
        if (window) {
            const result = await connection.runAndReadAll(renderStatement("merge", { window_from: window.from, window_to: window.to }));
            inserted = Number(result.getRows()[0]?.[0] ?? 0);
        }
        await recordPartitions(connection, read.dirty, startedAt);
        await connection.run("COMMIT");
        await connection.run(`DETACH ${LAYER}`);
        return { layer, files: read.files.length, inserted, partitions: read.dirty.length, window };
    } finally {
        connection.closeSync();
        instance.closeSync();
    }
}
