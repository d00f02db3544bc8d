/**
 * The compaction's SQL (components/analytics/sql/compaction/), as the statements Athena and DuckDB
 * run: one line each, parameters (`:name`) filled in, or left to Step Functions' States.Format.
 * Athena-only statements (OPTIMIZE, VACUUM, moving the seam) sit in sql/compaction/athena/, the
 * way sql/duckdb/compat.sql keeps DuckDB's side apart.
 */
import { readSql, ViewDefinition } from "../analytics/sql";

/** The Iceberg table holding every compacted event (docs/compaction.md). */
export const COMPACTED_TABLE = "events_compacted";
/** The lake read from the seam on: same files and layout as `events`, projection starting at the seam. */
export const TAIL_TABLE = "events_tail";

export const COMPACTION_SQL = {
    /** Compacted table ∪ raw tail, each event once: what the views read when compaction is on. */
    lakeEvents: "compaction/lake_events.sql",
    /** The end of a scheduled merge's window. */
    planWindow: "compaction/plan_window.sql",
    /** MERGE INTO of one window of days. */
    merge: "compaction/merge.sql",
    /** The seam after a scheduled merge. */
    nextSeam: "compaction/next_seam.sql",
    moveSeam: "compaction/athena/move_seam.sql",
    optimize: "compaction/athena/optimize.sql",
    vacuum: "compaction/athena/vacuum.sql",
} as const;
export type CompactionStatement = keyof typeof COMPACTION_SQL;

/** The parameters the statements take: days (`YYYY-MM-DD`) and numbers of days. */
export type StatementParameter = "window_from" | "window_to" | "scheduled_day" | "lookback_days" | "window_days" | "seam";
const NUMBERS: readonly StatementParameter[] = ["lookback_days", "window_days"];
const PARAMETER = /:([a-z_]+)/g;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A statement as one line: comments dropped and runs of blank space made one space, outside string
 * literals. Athena gets it inside a States.Format template, where a line break or a `--` comment
 * swallowing the rest of the line would not survive, and DuckDB runs the very same text.
 */
export function statementText(file: string): string {
    const sql = readSql(file);
    let out = "";
    let space = false;
    for (let i = 0; i < sql.length; i++) {
        const c = sql[i];
        if (c === "-" && sql[i + 1] === "-") {
            const end = sql.indexOf("\n", i);
            i = end < 0 ? sql.length : end - 1;
        } else if (/\s/.test(c)) {
            space = out !== "";
        } else {
            // One space between words; none just inside parentheses.
            if (space && !out.endsWith("(") && c !== ")") out += " ";
            space = false;
            if (c === "'") {
                const end = sql.indexOf("'", i + 1);
                out += sql.slice(i, end + 1);
                i = end;
            } else {
                out += c;
            }
        }
    }
    return out;
}

/** The parameters a statement names, in order of appearance (repeats included). */
export function statementParameters(text: string): StatementParameter[] {
    return [...text.matchAll(PARAMETER)].map((m) => m[1] as StatementParameter);
}

/** Values are spliced into SQL literals, so only days and whole numbers are accepted. */
function checkValue(name: string, value: string | undefined): string {
    const number = NUMBERS.includes(name as StatementParameter);
    const valid = value !== undefined && (number ? /^\d{1,3}$/.test(value) : DAY.test(value));
    if (!valid) {
        throw new Error(`compaction statement parameter ${name}: ${JSON.stringify(value)} is not ${number ? "a whole number of days" : "a day written YYYY-MM-DD"}`);
    }
    return value;
}

/** The statement with every parameter filled in, as DuckDB runs it (and Athena receives it). */
export function renderStatement(statement: CompactionStatement, values: Partial<Record<StatementParameter, string>>): string {
    return statementText(COMPACTION_SQL[statement]).replace(PARAMETER, (_, name: StatementParameter) => checkValue(name, values[name]));
}

/** A string literal of an intrinsic function: `'`, `{`, `}` and `\` are escaped with `\`. */
function intrinsicLiteral(text: string): string {
    return `'${text.replace(/[\\'{}]/g, (c) => `\\${c}`)}'`;
}

/**
 * A States.Format expression that builds the statement in the state machine: `constants` are
 * filled in now, every other parameter is taken from the JSONPath `paths` gives for it. Intrinsic
 * functions escape quotes and braces with a backslash:
 * https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-intrinsic-functions.html
 */
export function statesFormat(statement: CompactionStatement, paths: Partial<Record<StatementParameter, string>>, constants: Partial<Record<StatementParameter, string>> = {}): string {
    const args: string[] = [];
    const template = statementText(COMPACTION_SQL[statement]).replace(PARAMETER, (_, name: StatementParameter) => {
        if (constants[name] !== undefined) return checkValue(name, constants[name]);
        const path = paths[name];
        if (path === undefined) throw new Error(`compaction statement ${statement} needs ${name}`);
        args.push(path);
        return "\u0000";
    });
    // The placeholder goes in after escaping, so the template's own braces stay escaped.
    return `States.Format(${[intrinsicLiteral(template).replace(/\u0000/g, "{}"), ...args].join(", ")})`;
}

/** How the views name the lake table: `FROM events` (or a JOIN of it), case as the SQL files write it. */
const LAKE_RELATION = /\b(FROM|JOIN)(\s+)events\b/g;

/**
 * A family view's SQL over the compacted table and the raw tail instead of the lake table: its one
 * relation `events` replaced by lake_events.sql as a subquery, everything else as the file says.
 * Inlined rather than a view of its own, so the catalog needs no view with nested column types.
 */
export function viewOverLakeEvents(view: ViewDefinition): string {
    const lakeEvents = `(\n${readSql(COMPACTION_SQL.lakeEvents)
        .split("\n")
        .filter((line) => !line.startsWith("--"))
        .map((line) => `    ${line}`)
        .join("\n")}\n)`;
    const sql = readSql(view.file);
    if (sql.search(LAKE_RELATION) < 0) {
        throw new Error(`${view.file} does not read the lake table as "FROM events"`);
    }
    return sql.replace(LAKE_RELATION, (_, keyword: string, space: string) => `${keyword}${space}${lakeEvents}`);
}

/** Whether a view reads the lake table itself; one over other views only (mrr_movements) does not. */
export function readsLakeTable(view: ViewDefinition): boolean {
    return readSql(view.file).search(LAKE_RELATION) >= 0;
}

/** The SQL a view is deployed (and run locally) with; one over other views reads the compacted events through them, unchanged. */
export function viewSql(view: ViewDefinition, compaction: boolean): string {
    return compaction && readsLakeTable(view) ? viewOverLakeEvents(view) : readSql(view.file);
}
