/**
 * The deployed compaction, run on this machine: the state machine definition (components/compaction/
 * definition.ts) executed by aws-local-stepfunctions, and every query it starts run by DuckDB with
 * Athena's meaning for the tables: `events` is every object of a lake folder (partition projection
 * over the whole lake), `events_tail` the same lake from the seam on (its projection's range), and
 * the Athena-only statements do what Athena does to that state: ALTER TABLE moves the seam,
 * OPTIMIZE and VACUUM change no row. The views are the deployed ones with compaction on.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { StateMachine } from "aws-local-stepfunctions";
import { DEFAULT_METRIC_SETTINGS, METRIC_SETTINGS_VIEW, metricSettingsSql } from "../../components/analytics/metricSettings";
import { METRICS, readSql, VIEWS } from "../../components/analytics/sql";
import { COMPACTION_STATES, buildCompactionDefinition } from "../../components/compaction/definition";
import { COMPACTED_TABLE, TAIL_TABLE, viewSql } from "../../components/compaction/sql";
import { duckdbCompactedColumns } from "../../components/compaction/table";
import { TestEvent } from "../../fixtures/stripeEvents";
import { writeLake } from "../../fixtures/stripeObjects";
import { loadEvents, query, Row } from "../../report/lake";
import { EventFile, partitionFiles, scanPartitions } from "../../report/layer";

export const TWIN_DATABASE = "stripe_analytics_dev_billing";
export const TWIN_WORKGROUP = "stripe-analytics-dev-billing";
export const TWIN_STATE_MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:stripe-analytics-dev-billing-compaction";

/** The states that run an Athena query. */
const ATHENA_QUERIES = [COMPACTION_STATES.planWindow, COMPACTION_STATES.merge, COMPACTION_STATES.nextSeam, COMPACTION_STATES.moveSeam, COMPACTION_STATES.optimize, COMPACTION_STATES.vacuum];

export interface TwinRun {
    /** Every QueryString the Athena tasks received, in order. */
    queries: string[];
    output?: unknown;
    /** What failed the execution: a Fail state's error name and cause, or a task's error. */
    error?: Error;
}

export class AthenaTwin {
    readonly lakeDir = fs.mkdtempSync(path.join(os.tmpdir(), "athena-twin-"));
    /** Start of events_tail's projection range: the seam. */
    seam: string;
    private instance!: DuckDBInstance;
    private connection!: DuckDBConnection;
    private readonly results = new Map<string, Row[]>();
    private delivered: EventFile[] = [];
    private machine!: StateMachine;

    constructor(
        startDate: string,
        private readonly lookbackDays: number,
    ) {
        this.seam = startDate;
    }

    async open(): Promise<this> {
        this.instance = await DuckDBInstance.create(":memory:");
        this.connection = await this.instance.connect();
        await this.connection.run(readSql("duckdb/compat.sql"));
        await this.connection.run(`CREATE TABLE ${COMPACTED_TABLE} (${duckdbCompactedColumns()})`);
        await loadEvents(this.connection, [], "events");
        await this.refreshTail();
        await this.connection.run(`CREATE VIEW ${METRIC_SETTINGS_VIEW} AS ${metricSettingsSql(DEFAULT_METRIC_SETTINGS)}`);
        for (const view of VIEWS) {
            await this.connection.run(`CREATE VIEW ${view.name} AS ${viewSql(view, true)}`);
        }
        this.machine = new StateMachine(buildCompactionDefinition({ database: TWIN_DATABASE, workgroup: TWIN_WORKGROUP, lookbackDays: this.lookbackDays }) as never, {
            validationOptions: { checkArn: true, checkPaths: true },
        });
        return this;
    }

    close(): void {
        this.connection.closeSync();
        this.instance.closeSync();
        fs.rmSync(this.lakeDir, { recursive: true, force: true });
    }

    /** Events reach the lake (at their keys, as the archive workflow writes them); Athena sees them at once. */
    async deliver(events: readonly TestEvent[]): Promise<void> {
        const known = new Set(this.delivered.map((f) => f.file));
        writeLake(this.lakeDir, events);
        const files: EventFile[] = scanPartitions(this.lakeDir, "events").flatMap((p) => partitionFiles(this.lakeDir, "events", p));
        await this.connection.run("DROP TABLE IF EXISTS arrived");
        await loadEvents(this.connection, files.filter((f) => !known.has(f.file)), "arrived");
        await this.connection.run("INSERT INTO events SELECT * FROM arrived");
        this.delivered = files;
        await this.refreshTail();
    }

    /** Copies of rows already in the lake, as a lake holding one event under two keys would give them. */
    async duplicateInLake(where: string): Promise<void> {
        await this.connection.run(`INSERT INTO events SELECT * FROM events WHERE ${where}`);
    }

    private async refreshTail(): Promise<void> {
        await this.connection.run(`CREATE OR REPLACE VIEW ${TAIL_TABLE} AS SELECT * FROM events WHERE dt >= '${this.seam}'`);
    }

    /**
     * Runs the deployed definition on `input`: `running` other executions make it refuse, and
     * queries matching `failing` fail as a failed Athena query fails its task.
     */
    async run(input: Record<string, unknown>, { running = 0, failing }: { running?: number; failing?: RegExp } = {}): Promise<TwinRun> {
        const queries: string[] = [];
        const s = COMPACTION_STATES;
        const athena = async (request: unknown) => {
            const sql = (request as { QueryString: string }).QueryString;
            queries.push(sql);
            if (failing?.test(sql)) {
                throw Object.assign(new Error("ICEBERG_COMMIT_ERROR: the query failed"), { name: "States.TaskFailed" });
            }
            const id = `q${this.results.size + 1}`;
            const moved = /^ALTER TABLE events_tail SET TBLPROPERTIES \('projection\.dt\.range' = '(\d{4}-\d{2}-\d{2}),NOW'\)$/.exec(sql);
            if (moved) {
                this.seam = moved[1];
                await this.refreshTail();
            } else if (!/^(OPTIMIZE|VACUUM) /.test(sql)) {
                this.results.set(id, await query(this.connection, sql));
            }
            return { QueryExecution: { QueryExecutionId: id, Status: { State: "SUCCEEDED" } } };
        };
        const execution = this.machine.run(input as never, {
            context: { StateMachine: { Id: TWIN_STATE_MACHINE } },
            overrides: {
                taskResourceLocalHandlers: {
                    [s.checkAlone]: async () => ({ Executions: Array.from({ length: running + 1 }, (_, i) => ({ executionArn: `${TWIN_STATE_MACHINE}:run-${i}` })) }),
                    [s.readSeam]: async () => ({ Table: { Name: TAIL_TABLE, Parameters: { "projection.dt.range": `${this.seam},NOW` } } }),
                    ...Object.fromEntries(ATHENA_QUERIES.map((state) => [state, athena])),
                    ...Object.fromEntries(
                        [s.readWindowEnd, s.readNextSeam].map((state) => [
                            state,
                            async (request: unknown) => {
                                const rows = this.results.get((request as { QueryExecutionId: string }).QueryExecutionId)!;
                                const columns = Object.keys(rows[0]);
                                const row = (values: unknown[]) => ({ Data: values.map((v) => ({ VarCharValue: String(v) })) });
                                return { ResultSet: { Rows: [row(columns), ...rows.map((r) => row(columns.map((c) => r[c])))] } };
                            },
                        ]),
                    ),
                },
                // The deployed retries wait a minute; a test does not.
                retryIntervalOverrides: Object.fromEntries(ATHENA_QUERIES.map((state) => [state, 0])),
            },
        });
        try {
            return { queries, output: await execution.result };
        } catch (error) {
            // aws-local-stepfunctions wraps what ended the execution (a Fail state's error) as the cause.
            return { queries, error: ((error as Error).cause as Error | undefined) ?? (error as Error) };
        }
    }

    /** A scheduled merge, as the daily schedule starts it at 00:30 UTC of `day`. */
    merge(day: string, failing?: RegExp): Promise<TwinRun> {
        return this.run({ task: "merge", scheduledTime: `${day}T00:30:00Z` }, { failing });
    }

    /** Every metric query's rows, through the views over compacted table + tail. */
    async metrics(): Promise<Record<string, Row[]>> {
        const result: Record<string, Row[]> = {};
        for (const m of METRICS) result[m.name] = await query(this.connection, readSql(m.file));
        return result;
    }

    /** The rows of an arbitrary query, e.g. how often the views see an event. */
    rows(sql: string): Promise<Row[]> {
        return query(this.connection, sql);
    }
}
