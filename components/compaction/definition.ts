/**
 * The compaction workflow as Amazon States Language, built by pure functions so tests execute
 * exactly what gets deployed (tests/components/compaction/definition.test.ts). A STANDARD state
 * machine: only those can wait for an Athena query with the `.sync` integration.
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-athena.html
 *
 * Input, one of:
 * - `{"task": "merge", "scheduledTime": "<ISO time>"}` from the daily schedule: merges from the
 *   seam (events_tail's projection start) to the scheduled day, then moves the seam; a seam more
 *   than WINDOW_DAYS behind is caught up in windows of that many days, moving the seam after each;
 * - `{"task": "maintain", "scheduledTime": ...}` from the weekly schedule: OPTIMIZE, then VACUUM;
 * - `{"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}` from `npm run compact`: merges those days and
 *   leaves the seam where it is (a manual window says nothing about the days outside it).
 */
import { PipelineConfigError } from "../errors";
import { COMPACTION_SQL, CompactionStatement, statementParameters, statementText, statesFormat, TAIL_TABLE } from "./sql";

export const ATHENA_QUERY_RESOURCE = "arn:aws:states:::athena:startQueryExecution.sync";
export const ATHENA_RESULTS_RESOURCE = "arn:aws:states:::athena:getQueryResults";
export const GLUE_GET_TABLE_RESOURCE = "arn:aws:states:::aws-sdk:glue:getTable";
export const LIST_EXECUTIONS_RESOURCE = "arn:aws:states:::aws-sdk:sfn:listExecutions";

/** Error names of the workflow's Fail states. */
export const COMPACTION_ALREADY_RUNNING = "CompactionAlreadyRunning";
export const COMPACTION_INVALID_INPUT = "CompactionInvalidInput";

/** The Athena catalog the Glue database is in (quicksight.ts names it too; this module stays free of @pulumi/aws). */
const ATHENA_CATALOG = "AwsDataCatalog";

export const COMPACTION_STATES = {
    checkAlone: "CheckNoOtherCompaction",
    alreadyRunning: "AnotherCompactionIsRunning",
    route: "ChooseTask",
    scheduledTask: "ChooseScheduledTask",
    invalidInput: "InvalidInput",
    manualWindow: "TakeGivenWindow",
    readSeam: "ReadSeam",
    startAtSeam: "StartAtSeam",
    planWindow: "PlanWindow",
    readWindowEnd: "ReadWindowEnd",
    scheduledWindow: "WindowFromSeam",
    merge: "Merge",
    afterMerge: "MoveSeamAfterScheduledMerge",
    nextSeam: "ComputeNextSeam",
    readNextSeam: "ReadNextSeam",
    moveSeam: "MoveSeam",
    caughtUp: "CaughtUpToScheduledDay",
    continueFromSeam: "ContinueFromNewSeam",
    optimize: "Optimize",
    vacuum: "Vacuum",
    done: "Done",
} as const;

/** Step Functions names are at most 80 characters. https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateStateMachine.html */
const MAX_STATE_MACHINE_NAME = 80;

/**
 * Name of the compaction state machine: the workgroup's name (project, stack, component) and
 * `-compaction`, so the role's policy can name it before it exists and `npm run compact` finds it
 * from the stack outputs athenaWorkgroupName and stateMachineArn.
 */
export function compactionStateMachineName(workgroupName: string): string {
    const name = `${workgroupName}-compaction`;
    if (name.length > MAX_STATE_MACHINE_NAME) {
        throw new PipelineConfigError(
            "compaction",
            true,
            `the compaction state machine would be named "${name}" (${name.length} characters), and Step Functions allows ${MAX_STATE_MACHINE_NAME}`,
            "use a shorter stack or component name",
        );
    }
    return name;
}

/** Its ARN, from the ARN of any resource in the same account and region (the workgroup, the archive workflow). */
export function compactionStateMachineArn(arnInAccount: string, workgroupName: string): string {
    const [arn, partition, , region, account] = arnInAccount.split(":");
    return `${arn}:${partition}:states:${region}:${account}:stateMachine:${compactionStateMachineName(workgroupName)}`;
}

export interface CompactionDefinitionOptions {
    database: string;
    workgroup: string;
    lookbackDays: number;
}

/** Days one scheduled MERGE covers at most past the seam (a month of events per query when catching up). */
export const WINDOW_DAYS = 30;

/** A task retries what is likely to pass on a second try: Athena's throttling, and a failed query
 * once more (Iceberg commits that lost a race fail the query; MERGE is idempotent). The error name
 * of a failed `.sync` query is not documented, hence States.TaskFailed. */
const RETRY = [
    { ErrorEquals: ["Athena.TooManyRequestsException", "Athena.AmazonAthenaException"], IntervalSeconds: 10, BackoffRate: 2, MaxAttempts: 3, JitterStrategy: "FULL" },
    { ErrorEquals: ["States.TaskFailed"], IntervalSeconds: 60, BackoffRate: 2, MaxAttempts: 2 },
];

/** The one value a query answered (row 0 of Athena's result set is the header row). */
function readFirstValue(next: string, queryPath: string, resultPath: string) {
    return {
        Type: "Task",
        Resource: ATHENA_RESULTS_RESOURCE,
        Parameters: { "QueryExecutionId.$": `${queryPath}.queryExecutionId` },
        ResultSelector: { "value.$": "$.ResultSet.Rows[1].Data[0].VarCharValue" },
        ResultPath: resultPath,
        Retry: RETRY,
        Next: next,
    };
}

function athenaQuery(o: CompactionDefinitionOptions, statement: CompactionStatement, comment: string, next: string, resultPath: string) {
    const text = statementText(COMPACTION_SQL[statement]);
    const query =
        statementParameters(text).length === 0
            ? { QueryString: text }
            : {
                  "QueryString.$": statesFormat(
                      statement,
                      { window_from: "$.window.from", window_to: "$.window.to", scheduled_day: "$.window.day", seam: "$.seam.value" },
                      { lookback_days: String(o.lookbackDays), window_days: String(WINDOW_DAYS) },
                  ),
              };
    return {
        Type: "Task",
        Comment: comment,
        Resource: ATHENA_QUERY_RESOURCE,
        Parameters: {
            ...query,
            WorkGroup: o.workgroup,
            QueryExecutionContext: { Catalog: ATHENA_CATALOG, Database: o.database },
        },
        ResultSelector: { "queryExecutionId.$": "$.QueryExecution.QueryExecutionId" },
        ResultPath: resultPath,
        Retry: RETRY,
        Next: next,
    };
}

export function buildCompactionDefinition(o: CompactionDefinitionOptions): Record<string, unknown> {
    const s = COMPACTION_STATES;
    return {
        Comment: "Compact the Stripe events lake into its Iceberg table (docs/compaction.md)",
        StartAt: s.checkAlone,
        // Catching up a long history runs window after window; Athena's own DML timeout ends a stuck query first.
        TimeoutSeconds: 6 * 3600,
        States: {
            [s.checkAlone]: {
                Type: "Task",
                Comment: "Two merges at once could both insert the same new event; an execution runs only alone",
                Resource: LIST_EXECUTIONS_RESOURCE,
                Parameters: { "StateMachineArn.$": "$$.StateMachine.Id", StatusFilter: "RUNNING", MaxResults: 2 },
                ResultSelector: { "count.$": "States.ArrayLength($.Executions)" },
                ResultPath: "$.running",
                Retry: RETRY,
                Next: s.route,
            },
            [s.route]: {
                Type: "Choice",
                Choices: [
                    { Variable: "$.running.count", NumericGreaterThan: 1, Next: s.alreadyRunning },
                    { Variable: "$.task", IsPresent: true, Next: s.scheduledTask },
                    // IsPresent only: comparing a missing field fails the Choice state with States.Runtime.
                    {
                        And: [
                            { Variable: "$.from", IsPresent: true },
                            { Variable: "$.to", IsPresent: true },
                        ],
                        Next: s.manualWindow,
                    },
                ],
                Default: s.invalidInput,
            },
            [s.scheduledTask]: {
                Type: "Choice",
                Choices: [
                    { And: [{ Variable: "$.task", StringEquals: "merge" }, { Variable: "$.scheduledTime", IsPresent: true }], Next: s.readSeam },
                    { Variable: "$.task", StringEquals: "maintain", Next: s.optimize },
                ],
                Default: s.invalidInput,
            },
            [s.alreadyRunning]: {
                Type: "Fail",
                Error: COMPACTION_ALREADY_RUNNING,
                Cause: "Another compaction execution is running; this one did nothing. The next scheduled run merges from the seam again.",
            },
            [s.invalidInput]: {
                Type: "Fail",
                Error: COMPACTION_INVALID_INPUT,
                Cause: 'Expected {"task": "merge" or "maintain", "scheduledTime": ...} from a schedule, or {"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"} from npm run compact.',
            },
            [s.manualWindow]: {
                Type: "Pass",
                Parameters: { "from.$": "$.from", "to.$": "$.to", moveSeam: false },
                ResultPath: "$.window",
                Next: s.merge,
            },
            [s.readSeam]: {
                Type: "Task",
                Comment: "The seam is where events_tail's partition projection starts",
                Resource: GLUE_GET_TABLE_RESOURCE,
                Parameters: { DatabaseName: o.database, Name: TAIL_TABLE },
                ResultSelector: { "range.$": "$.Table.Parameters['projection.dt.range']" },
                ResultPath: "$.tail",
                Retry: RETRY,
                Next: s.startAtSeam,
            },
            [s.startAtSeam]: {
                Type: "Pass",
                Comment: "From the seam (the range's start), for the scheduled day (the date part of the scheduled time)",
                Parameters: {
                    "from.$": "States.ArrayGetItem(States.StringSplit($.tail.range, ','), 0)",
                    "day.$": "States.ArrayGetItem(States.StringSplit($.scheduledTime, 'T'), 0)",
                },
                ResultPath: "$.window",
                Next: s.planWindow,
            },
            [s.planWindow]: athenaQuery(o, "planWindow", `The window's last day (${COMPACTION_SQL.planWindow})`, s.readWindowEnd, "$.plan"),
            [s.readWindowEnd]: readFirstValue(s.scheduledWindow, "$.plan", "$.windowEnd"),
            [s.scheduledWindow]: {
                Type: "Pass",
                Parameters: { "from.$": "$.window.from", "to.$": "$.windowEnd.value", "day.$": "$.window.day", moveSeam: true },
                ResultPath: "$.window",
                Next: s.merge,
            },
            [s.merge]: athenaQuery(o, "merge", `MERGE INTO the compacted table (${COMPACTION_SQL.merge})`, s.afterMerge, "$.merge"),
            [s.afterMerge]: {
                Type: "Choice",
                Choices: [{ Variable: "$.window.moveSeam", BooleanEquals: true, Next: s.nextSeam }],
                Default: s.done,
            },
            [s.nextSeam]: athenaQuery(o, "nextSeam", `The seam after this merge (${COMPACTION_SQL.nextSeam})`, s.readNextSeam, "$.nextSeam"),
            [s.readNextSeam]: readFirstValue(s.moveSeam, "$.nextSeam", "$.seam"),
            [s.moveSeam]: athenaQuery(o, "moveSeam", `events_tail's projection starts at the new seam (${COMPACTION_SQL.moveSeam})`, s.caughtUp, "$.moved"),
            [s.caughtUp]: {
                Type: "Choice",
                Choices: [{ Variable: "$.window.to", StringEqualsPath: "$.window.day", Next: s.done }],
                Default: s.continueFromSeam,
            },
            [s.continueFromSeam]: {
                Type: "Pass",
                Comment: "A window ended before the scheduled day: the next one starts at the seam it moved to",
                Parameters: { "from.$": "$.seam.value", "day.$": "$.window.day" },
                ResultPath: "$.window",
                Next: s.planWindow,
            },
            [s.optimize]: athenaQuery(o, "optimize", `Bin-pack small files (${COMPACTION_SQL.optimize})`, s.vacuum, "$.optimize"),
            [s.vacuum]: athenaQuery(o, "vacuum", `Expire old snapshots and delete unreferenced files (${COMPACTION_SQL.vacuum})`, s.done, "$.vacuum"),
            [s.done]: { Type: "Succeed" },
        },
    };
}
