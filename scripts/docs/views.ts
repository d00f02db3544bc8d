/**
 * docs/reference/views.md: the Athena views and their columns, from VIEWS in
 * components/analytics/sql.ts (whose declared columns tests/components/analytics/sql.test.ts checks
 * against the SQL's outer CASTs and against the view DuckDB creates from it) and the comment each
 * SQL file opens with.
 */
import { SQL_DIR, METRIC_SETTINGS_COLUMNS_TYPED, readSql, VIEWS } from "../../components/analytics/sql";
import { METRIC_SETTINGS_VIEW } from "../../components/analytics/metricSettings";
import { scalarSpelling, ViewColumn } from "../../components/analytics/schema";
import * as path from "path";
import { DocReference, generatedBanner, REPO_ROOT, table } from "./reference";

/** The SQL file's opening comment, as prose. */
function headerComment(sql: string): string {
    const lines: string[] = [];
    for (const line of sql.split("\n")) {
        if (!line.startsWith("--")) break;
        lines.push(line.replace(/^--\s?/, ""));
    }
    return lines.join("\n");
}

function columnsTable(columns: ViewColumn[]): string {
    return table(
        ["column", "Athena type", "QuickSight type"],
        columns.map((c) => [`\`${c.name}\``, scalarSpelling(c.type).presto, scalarSpelling(c.type).quicksight]),
    );
}

/** Link from docs/reference/ to a file under the SQL folder. */
function sqlLink(file: string): string {
    const target = path.relative(path.join(REPO_ROOT, "docs", "reference"), path.join(SQL_DIR, file)).split(path.sep).join("/");
    return `[\`${file}\`](${target})`;
}

export function renderViews(): string {
    const sections = VIEWS.map((view) => {
        const facts = [
            `Reads the \`${view.family}*\` events; created when the stack archives at least one type of that family.`,
            view.readsSettings ? `Reads \`${METRIC_SETTINGS_VIEW}\`.` : "",
            view.dataSet === false ? "No QuickSight dataset (no dashboard visual reads it)." : "QuickSight dataset: yes, with `quicksightPrincipalArn`.",
        ].filter((f) => f !== "");
        return `## ${view.name}

${view.title[0].toUpperCase()}${view.title.slice(1)}, from ${sqlLink(view.file)}. ${facts.join(" ")}

${headerComment(readSql(view.file))}

${columnsTable(view.columns)}`;
    });
    return `${generatedBanner("scripts/docs/views.ts", ["components/analytics/sql.ts", "components/analytics/sql/views/*.sql"])}
# Athena views

The views the component creates in its Glue database (and \`npm run report\` creates in DuckDB from the
same SQL), in creation order, with their columns as each view's outer CASTs type them. What the
figures mean and how Stripe defines them: [metrics.md](../metrics.md). QuickSight has no boolean
type and reads booleans as BIT.

${sections.join("\n")}
## ${METRIC_SETTINGS_VIEW}

One row: the metric settings (\`mrrCouponDurations\`, \`cancellationChurn\`) as booleans, built from the
component's arguments by \`components/analytics/metricSettings.ts\` and created before the views that
read it ([metrics.md](../metrics.md#configuration)).

${columnsTable(METRIC_SETTINGS_COLUMNS_TYPED)}`;
}

export const viewsReference: DocReference = { file: "docs/reference/views.md", render: renderViews };
