/**
 * Benchmark of the local report, raw and compacted, and a cost model of the same lake on Athena:
 * for each N (default 100,000) it generates a lake of N Stripe events in a temporary folder and
 * measures
 * - `npm run report -- --lake DIR --json` end to end, and its two stages in-process (loading the
 *   lake into DuckDB, running the views and saved queries), on the raw lake;
 * - `npm run compact -- --lake DIR` (the full compaction) and the report after it;
 * - one more day of events (--day-events, default 30,000), its incremental compaction, the report
 *   after it;
 * - per metric query, the S3 objects and bytes Athena would read from this lake raw and with
 *   compaction on (docs/compaction.md, "Costs"), and what that costs at list prices.
 * and prints every figure side by side, one column per N.
 *
 *   npm run bench:report [-- --events 100000,1000000] [--day-events 30000]
 *
 * The history is deterministic (seeded): customers sign up through Checkout on monthly, quarterly
 * or yearly prices in four currencies, renew monthly with some failed attempts, change quantity and
 * churn, so every view and query has work to do. Events are generated and written one at a time,
 * so a million fit in memory; the folder (about 4 KB of disk per event) is removed afterwards.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DuckDBInstance } from "@duckdb/node-api";
import { METRICS, readSql, VIEWS } from "../components/analytics/sql";
import { COMPACTED_TABLE } from "../components/compaction/sql";
import { deliveryDays } from "../components/compaction/settings";
import { DEFAULT_LAKE_PREFIX, eventDate } from "../components/lake/layout";
import { random } from "../fixtures/saasHistory";
import { stripeEvent, TestEvent } from "../fixtures/stripeEvents";
import { checkoutSession, ItemSpec, paymentIntent, PriceSpec, subscription, SubscriptionSpec, writeLake } from "../fixtures/stripeObjects";
import { CliIo, defineCommand, integerFlag, runMain, UsageError } from "../lib/cli";
import { compactLake } from "../report/compact";
import { openLake } from "../report/lake";
import { layerFile } from "../report/layer";
import { buildReport, summarize } from "../report/metrics";

export const benchReportCommand = defineCommand({
    name: "bench:report",
    npmScriptOnly: true,
    summary: "Benchmark of the local report on a generated lake of Stripe events, raw and compacted, with Athena's cost model of the same lake.",
    description:
        "For each N writes a deterministic history of N events to a temporary folder and times `npm run report -- --lake DIR --json` " +
        "end to end and in its two stages, the full compaction (`npm run compact -- --lake DIR`) and the report after it, then one more " +
        "day of events, its incremental compaction and the report after that. It also computes, from the same lake, the S3 objects and " +
        "bytes each metric query makes Athena read, raw and with compaction on. All figures are printed side by side, one column per N. " +
        "The folders are removed afterwards.",
    options: {
        events: { type: "string", default: "100000", placeholder: "N[,N...]", description: "events in the generated lake, 1 to 10,000,000; several comma-separated for columns side by side" },
        "day-events": { type: "string", default: "30000", placeholder: "N", description: "events of the extra day for the incremental compaction, 1 to 1,000,000" },
    },
    examples: ["npm run bench:report", "npm run bench:report -- --events 100000,1000000", "npm run bench:report -- --events 5000 --day-events 1000"],
});

const CURRENCIES = ["usd", "eur", "gbp", "jpy"];
const PLANS: Omit<PriceSpec, "id" | "currency" | "product">[] = [
    { unitAmount: 1500, interval: "month" },
    { unitAmount: 4900, interval: "month" },
    { unitAmount: 12000, interval: "month", intervalCount: 3 },
    { unitAmount: 49000, interval: "year" },
];
const START = Date.UTC(2024, 0, 1) / 1000;
const DAY = 86400;

export interface HistoryOptions {
    seed?: number;
    /** First possible sign-up, unix seconds. */
    start?: number;
    /** Days over which sign-ups spread. */
    signUpDays?: number;
    /** Renewals stop this many days after `start`. */
    lastRenewalDay?: number;
    maxRenewals?: number;
    /** Share of payments that fail once first (the retry comes a day later). */
    failureRate?: number;
    /** Share of subscriptions canceled ten days after their last renewal. */
    churnRate?: number;
    /** Prefix of the ids, so a second history never reuses the first one's. */
    idPrefix?: string;
}

/** Stripe events of customers' subscription histories, one at a time (ids and times deterministic). */
export function* eventStream(count: number, o: HistoryOptions = {}): Generator<TestEvent> {
    const rand = random(o.seed ?? 42);
    const start = o.start ?? START;
    let emitted = 0;
    let n = 0;
    const id = (prefix: string) => `${prefix}_${o.idPrefix ?? ""}${(++n).toString(36).padStart(10, "0")}`;
    const pending: TestEvent[] = [];
    const emit = (type: string, time: number, object: TestEvent["data"]["object"]) => pending.push(stripeEvent(type, object, Math.floor(time), { id: id("evt") }));
    while (emitted < count) {
        const currency = CURRENCIES[Math.floor(rand() * CURRENCIES.length)];
        const plan = PLANS[Math.floor(rand() * PLANS.length)];
        const price: PriceSpec = { ...plan, id: `price_${currency}${plan.unitAmount}`, currency, product: `prod_${plan.unitAmount}` };
        const customer = id("cus");
        let time = start + rand() * (o.signUpDays ?? 540) * DAY;
        let state: SubscriptionSpec = { id: id("sub"), customer, currency, status: "active", created: Math.floor(time), items: [{ id: id("si"), price, quantity: 1 + Math.floor(rand() * 3) } as ItemSpec] };
        const pay = (at: number, amount: number) => {
            const pi = id("pi");
            if (rand() < (o.failureRate ?? 0.15)) {
                emit("payment_intent.payment_failed", at, paymentIntent({ id: pi, customer, currency, amount, status: "requires_payment_method", created: Math.floor(at), failure: { code: "card_declined", declineCode: "insufficient_funds" } }));
                at += DAY;
            }
            emit("payment_intent.succeeded", at, paymentIntent({ id: pi, customer, currency, amount, amountReceived: amount, status: "succeeded", created: Math.floor(at) }));
        };
        const amount = () => state.items.reduce((sum, item) => sum + (item.price.unitAmount ?? 0) * (item.quantity ?? 0), 0);
        emit("checkout.session.completed", time, checkoutSession({ id: id("cs"), customer, currency, amountTotal: amount(), mode: "subscription", created: Math.floor(time) - 60, subscription: state.id }));
        emit("customer.subscription.created", time, subscription(state));
        pay(time + 2, amount());
        const renewals = Math.floor(rand() * ((o.maxRenewals ?? 11) + 1));
        for (let r = 0; r < renewals && time < start + (o.lastRenewalDay ?? 700) * DAY; r++) {
            time += 30 * DAY;
            if (rand() < 0.1) {
                state = { ...state, items: state.items.map((item) => ({ ...item, quantity: (item.quantity ?? 1) + 1 })) };
            }
            emit("customer.subscription.updated", time, subscription(state));
            pay(time + 5, amount());
        }
        if (rand() < (o.churnRate ?? 0.3)) {
            time += 10 * DAY;
            state = { ...state, status: "canceled", canceledAt: Math.floor(time), endedAt: Math.floor(time) };
            emit("customer.subscription.deleted", time, subscription(state));
        }
        for (const event of pending.splice(0)) {
            if (emitted++ >= count) return;
            yield event;
        }
    }
}

/** Writes the events one at a time as the generator makes them; returns how many and the last `created`. */
function writeEvents(lakeDir: string, events: Iterable<TestEvent>): { count: number; lastCreated: number } {
    const written = { count: 0, lastCreated: 0 };
    writeLake(
        lakeDir,
        (function* () {
            for (const event of events) {
                written.count++;
                written.lastCreated = Math.max(written.lastCreated, event.created);
                yield event;
            }
        })(),
    );
    return written;
}

function seconds(since: bigint): number {
    return Number(process.hrtime.bigint() - since) / 1e9;
}

async function timed<T>(work: () => T | Promise<T>): Promise<[T, number]> {
    const t = process.hrtime.bigint();
    const result = await work();
    return [result, seconds(t)];
}

const ROOT = path.resolve(__dirname, "..");

/** `npm run report -- --lake DIR --json`, end to end, as a user runs it. */
function reportCli(lakeDir: string): string[] {
    return Object.keys(JSON.parse(execFileSync("npm", ["run", "--silent", "report", "--", "--lake", lakeDir, "--json"], { cwd: ROOT, encoding: "utf8" })));
}

/** The report in-process, in its two stages. */
async function reportStages(lakeDir: string): Promise<{ load: number; queries: number; source: string; filesRead: number }> {
    const [lake, load] = await timed(() => openLake(lakeDir));
    const [, queries] = await timed(async () => summarize(await buildReport(lake)));
    lake.close();
    return { load, queries, source: lake.source, filesRead: lake.filesRead };
}

interface Usage {
    objects: number;
    bytes: number;
}

/** Event objects and bytes of the raw lake per type, and per type from a day on. */
function rawUsage(lakeDir: string): { byType: Map<string, Usage>; since: (type: string, day: string) => Usage } {
    const byTypeDay = new Map<string, Map<string, Usage>>();
    const prefixDir = path.join(lakeDir, DEFAULT_LAKE_PREFIX);
    for (const typeDir of fs.readdirSync(prefixDir)) {
        const type = typeDir.replace(/^type=/, "");
        const days = new Map<string, Usage>();
        for (const dayDir of fs.readdirSync(path.join(prefixDir, typeDir))) {
            const dir = path.join(prefixDir, typeDir, dayDir);
            const files = fs.readdirSync(dir);
            days.set(dayDir.replace(/^dt=/, ""), { objects: files.length, bytes: files.reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0) });
        }
        byTypeDay.set(type, days);
    }
    const sum = (usages: Iterable<Usage>) => [...usages].reduce((a, u) => ({ objects: a.objects + u.objects, bytes: a.bytes + u.bytes }), { objects: 0, bytes: 0 });
    return {
        byType: new Map([...byTypeDay].map(([type, days]) => [type, sum(days.values())])),
        since: (type, day) => sum([...(byTypeDay.get(type) ?? new Map<string, Usage>())].filter(([d]) => d >= day).map(([, u]) => u)),
    };
}

/**
 * The compacted table as the Iceberg table lays it out after OPTIMIZE: Parquet with ZSTD, one
 * file per (type, month) partition (each stays far below the 512 MB target size here).
 */
async function parquetUsage(lakeDir: string, outDir: string): Promise<Map<string, Usage>> {
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    try {
        await connection.run(`ATTACH '${layerFile(lakeDir, DEFAULT_LAKE_PREFIX)}' AS layer (READ_ONLY)`);
        await connection.run(
            `COPY (SELECT *, strftime(event_date, '%Y-%m') AS event_month FROM layer.${COMPACTED_TABLE}) TO '${outDir}' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (type, event_month))`,
        );
    } finally {
        connection.closeSync();
        instance.closeSync();
    }
    const usage = new Map<string, Usage>();
    for (const typeDir of fs.readdirSync(outDir)) {
        const files = (fs.readdirSync(path.join(outDir, typeDir), { recursive: true }) as string[]).map((f) => path.join(outDir, typeDir, f)).filter((f) => fs.statSync(f).isFile());
        usage.set(typeDir.replace(/^type=/, ""), { objects: files.length, bytes: files.reduce((sum, f) => sum + fs.statSync(f).size, 0) });
    }
    return usage;
}

/** S3 Standard GET requests and Athena's price per TB scanned (10 MB minimum per query), us-east-1 list prices. */
const GET_PRICE_PER_1000 = 0.0004;
const ATHENA_PRICE_PER_TB = 5;
const ATHENA_MINIMUM_BYTES = 10 * 1024 * 1024;
/** Iceberg metadata a query reads besides data files: metadata.json, the manifest list, a manifest or two. */
const ICEBERG_METADATA_OBJECTS = 4;
/** Daily merges add a file per (type, month) a week before OPTIMIZE bin-packs them. */
const FILES_BETWEEN_OPTIMIZE = 7;

function queryCost(u: Usage): number {
    return (u.objects * GET_PRICE_PER_1000) / 1000 + (Math.max(u.bytes, ATHENA_MINIMUM_BYTES) * ATHENA_PRICE_PER_TB) / 1e12;
}

/** The event types a metric query reads: those of the families of the views its SQL reads, in this lake. */
function metricTypes(metric: (typeof METRICS)[number], types: string[]): string[] {
    const sql = readSql(metric.file);
    const views = VIEWS.filter((v) => new RegExp(`\\b(FROM|JOIN)\\s+${v.name}\\b`).test(sql));
    return types.filter((t) => views.some((v) => t.startsWith(v.family)));
}

async function benchOne(count: number, dayEvents: number, print: (line: string) => void): Promise<Map<string, string>> {
    const figures = new Map<string, string>();
    const s = (v: number) => `${v.toFixed(2)} s`;
    const lakeDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-lake-"));
    const parquetDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-parquet-"));
    try {
        const [written, writing] = await timed(() => writeEvents(lakeDir, eventStream(count)));
        figures.set("lake: events written (one object each)", `${written.count}`);
        figures.set("lake: generate and write", s(writing));
        print(`N=${count}: wrote ${written.count} events in ${writing.toFixed(2)} s`);

        const [, rawCli] = await timed(() => reportCli(lakeDir));
        const raw = await reportStages(lakeDir);
        figures.set("report, raw lake: npm run report --json", s(rawCli));
        figures.set("  load into DuckDB", s(raw.load));
        figures.set("  views and metric queries", s(raw.queries));

        const [full, fullTime] = await timed(() => compactLake(lakeDir, DEFAULT_LAKE_PREFIX));
        figures.set("full compaction (npm run compact -- --lake)", s(fullTime));
        figures.set("  events merged / layer size", `${full.inserted} / ${(fs.statSync(full.layer).size / 1e6).toFixed(1)} MB`);
        const [, compactedCli] = await timed(() => reportCli(lakeDir));
        const compacted = await reportStages(lakeDir);
        figures.set("report after compaction: npm run report --json", s(compactedCli));
        figures.set("  load (layer + raw files it lacks)", `${s(compacted.load)} (${compacted.filesRead} files)`);
        figures.set("  views and metric queries ", s(compacted.queries));
        print(`N=${count}: compacted in ${fullTime.toFixed(2)} s; report ${rawCli.toFixed(2)} s raw, ${compactedCli.toFixed(2)} s compacted`);

        const nextDay = eventDate(written.lastCreated + DAY);
        const dayStart = Date.parse(`${nextDay}T00:00:00Z`) / 1000;
        const [day] = await timed(() => writeEvents(lakeDir, eventStream(dayEvents, { seed: 7, start: dayStart, signUpDays: 0.99, lastRenewalDay: 0, maxRenewals: 0, failureRate: 0, churnRate: 0, idPrefix: "day" })));
        const [, tailCli] = await timed(() => reportCli(lakeDir));
        figures.set(`report with ${day.count} new events uncompacted`, s(tailCli));
        const [incremental, incrementalTime] = await timed(() => compactLake(lakeDir, DEFAULT_LAKE_PREFIX));
        figures.set(`incremental compaction of one day (${day.count} events)`, `${s(incrementalTime)} (${incremental.files} files merged)`);
        const [, afterCli] = await timed(() => reportCli(lakeDir));
        figures.set("report after the incremental compaction", s(afterCli));

        // Athena, from the same lake: raw reads every object of the view's types; compacted reads the
        // Parquet files of those types plus the raw tail from the seam on (the extra day's as the last day).
        const rawByType = rawUsage(lakeDir);
        const parquet = await parquetUsage(lakeDir, parquetDir);
        const seam = eventDate(dayStart - deliveryDays(86400) * DAY);
        const types = [...rawByType.byType.keys()];
        for (const metric of METRICS) {
            const family = metricTypes(metric, types);
            const add = (us: Usage[]) => us.reduce((a, u) => ({ objects: a.objects + u.objects, bytes: a.bytes + u.bytes }), { objects: 0, bytes: 0 });
            const rawRead = add(family.map((t) => rawByType.byType.get(t)!));
            const compactedFiles = add(family.map((t) => parquet.get(t) ?? { objects: 0, bytes: 0 }));
            const tail = add(family.map((t) => rawByType.since(t, seam)));
            const compactedRead = { objects: compactedFiles.objects + family.length * FILES_BETWEEN_OPTIMIZE + ICEBERG_METADATA_OBJECTS + tail.objects, bytes: compactedFiles.bytes + tail.bytes };
            figures.set(`Athena ${metric.name}: objects raw / compacted`, `${rawRead.objects} / ${compactedRead.objects} (${(rawRead.objects / compactedRead.objects).toFixed(0)}x fewer)`);
            figures.set(`Athena ${metric.name}: MB scanned raw / compacted`, `${(rawRead.bytes / 1e6).toFixed(1)} / ${(compactedRead.bytes / 1e6).toFixed(1)}`);
            figures.set(`Athena ${metric.name}: USD per run raw / compacted`, `${queryCost(rawRead).toFixed(5)} / ${queryCost(compactedRead).toFixed(5)}`);
        }
        return figures;
    } finally {
        fs.rmSync(lakeDir, { recursive: true, force: true });
        fs.rmSync(parquetDir, { recursive: true, force: true });
    }
}

export async function main(argv: string[], io: CliIo): Promise<number> {
    return benchReportCommand.run(argv, io, async (flags) => {
        const print = (line: string) => io.stdout.write(`${line}\n`);
        const counts = flags.events.split(",").map((n) => integerFlag("events", n.trim(), 1, 10_000_000));
        if (counts.length === 0) throw new UsageError("--events needs at least one N");
        const dayEvents = integerFlag("day-events", flags["day-events"], 1, 1_000_000);
        const columns: Map<string, string>[] = [];
        for (const count of counts) {
            columns.push(await benchOne(count, dayEvents, print));
        }
        const rows = [...columns[0].keys()];
        const width = Math.max(...rows.map((r) => r.length));
        const cellWidth = Math.max(...columns.flatMap((c) => [...c.values()].map((v) => v.length)), ...counts.map((c) => `N = ${c}`.length));
        print("");
        print([" ".repeat(width), ...counts.map((c) => `N = ${c}`.padStart(cellWidth))].join("  "));
        for (const row of rows) {
            print([row.padEnd(width), ...columns.map((c) => (c.get(row) ?? "").padStart(cellWidth))].join("  "));
        }
        print("");
        print(
            `Athena model: raw = every object of the query's event types; compacted = their Parquet files (one per type and month, as after OPTIMIZE) ` +
                `+ ${FILES_BETWEEN_OPTIMIZE} daily files per type between OPTIMIZE runs + ${ICEBERG_METADATA_OBJECTS} Iceberg metadata objects + the raw tail from the seam ` +
                `(${deliveryDays(86400)} days before the last day) on. Bytes are whole files (Athena reads only the columns a query needs, so compacted bytes are an upper bound). ` +
                `Prices: S3 GET $${GET_PRICE_PER_1000} per 1,000, Athena $${ATHENA_PRICE_PER_TB} per TB with a 10 MB minimum per query.`,
        );
        print(`machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "unknown"}), Node ${process.version}`);
    });
}

if (require.main === module) {
    runMain(main);
}
