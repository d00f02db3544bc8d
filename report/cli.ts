/**
 * The SaaS metrics of a local lake, from the same SQL the component deploys to Athena, run on DuckDB.
 *
 *   npm run report -- [--lake .lake] [--prefix events] [--json] [--html FILE] [--live-only]
 *
 * Prints a table per currency (MRR, ARPU, active/new/churned subscriptions, payment volume, failed
 * payments) and the subscription metrics by month; `--json` prints only
 * `{ "<currency>": { "mrr", "activeSubscriptions", "newSubscriptions", "churnedSubscriptions",
 * "paymentVolume", "failedPayments", "arpu", "movements", "churnRate" } }` (amounts in minor units);
 * `--html FILE` also writes the dashboard page. docs/metrics.md defines every figure.
 */
import * as fs from "fs";
import * as path from "path";
import { CANCELLATION_CHURN, CancellationChurn, DEFAULT_METRIC_SETTINGS, MetricSettings, parseCouponDurations } from "../components/analytics/metricSettings";
import { DEFAULT_LAKE_PREFIX } from "../components/lake/layout";
import { validateLakePrefix } from "../components/lake/layout";
import { CliIo, defineCommand, runMain, UsageError } from "../lib/cli";
import { LAKE_OPTION } from "../lib/lakeStore";
import { loadStackConfig } from "../lib/stackConfig";
import { formatAmount, formatPercent, textTable } from "./format";
import { renderHtml } from "./html";
import { openLake } from "./lake";
import { lakePrefixes } from "./layer";
import { buildReport, CurrencySummary, LakeReport, modeNote, ofMode, shownModes, summarize } from "./metrics";

export const reportCommand = defineCommand({
    name: "report",
    summary: "The SaaS metrics of a local lake, from the same SQL the component deploys to Athena, run on DuckDB.",
    description:
        "Prints a table per currency (MRR, ARPU, active, new and churned subscriptions, payment volume, failed payments) and MRR, " +
        "its movements, subscribers and churn rate by month. docs/metrics.md defines every figure. Test-mode events count unless " +
        "--live-only; a lake that holds both modes is shown per mode too. The metric settings are Stripe's defaults, those of " +
        "--stack's config, or the flags.",
    options: {
        lake: LAKE_OPTION,
        prefix: { type: "string", default: DEFAULT_LAKE_PREFIX, placeholder: "PREFIX", description: "key prefix of the events in the lake (the stack's lakePrefix)" },
        json: { type: "boolean", description: "print only the figures per currency as JSON (amounts in minor units); notes go to stderr" },
        html: { type: "string", placeholder: "FILE", description: "also write the dashboard as a self-contained HTML page" },
        "live-only": { type: "boolean", description: "leave test-mode events out" },
        stack: { type: "string", placeholder: "NAME", defaultText: "Stripe's defaults", description: "take mrrCouponDurations and cancellationChurn from Pulumi.<stack>.yaml" },
        "coupon-durations": {
            type: "string",
            placeholder: "LIST",
            defaultText: DEFAULT_METRIC_SETTINGS.mrrCouponDurations.join(","),
            description: "coupon durations whose discounts MRR deducts: forever, repeating, once, comma-separated, or none",
        },
        "cancellation-churn": {
            type: "string",
            placeholder: "WHEN",
            defaultText: DEFAULT_METRIC_SETTINGS.cancellationChurn,
            description: `when a subscription set to cancel churns: ${CANCELLATION_CHURN.join(" or ")}`,
        },
    },
    examples: ["npm run report", "npm run --silent report -- --lake .lake --json", "npm run report -- --html report.html --live-only", "npm run report -- --cancellation-churn at-period-end"],
});

export function renderText(report: LakeReport, summary: Record<string, CurrencySummary>, source: string): string {
    const modes = shownModes(report);
    const split = modes.length > 1;
    const totals = textTable(
        [...(split ? ["mode"] : []), "currency", "MRR", "ARPU", "active", "new", "churned", "payment volume", "failed payments"],
        modes.flatMap(({ mode, label }) =>
            Object.entries(mode === null ? summary : summarize(report, mode)).map(([c, s]) => [
                ...(split ? [label] : []),
                c,
                formatAmount(s.mrr, c),
                formatAmount(s.arpu, c),
                String(s.activeSubscriptions),
                String(s.newSubscriptions),
                String(s.churnedSubscriptions),
                formatAmount(s.paymentVolume, c),
                String(s.failedPayments),
            ]),
        ),
    );
    const monthly = textTable(
        [...(split ? ["mode"] : []), "month", "currency", "MRR at month end", "subscribers", "new", "expansion", "contraction", "churned", "reactivation", "churn rate"],
        modes.flatMap(({ mode, label }) =>
            ofMode(report.mrrByMonth, mode).map((m) => [
                ...(split ? [label] : []),
                m.month.slice(0, 7),
                m.currency,
                formatAmount(m.mrr, m.currency),
                String(m.activeSubscribers),
                formatAmount(m.newMrr, m.currency),
                formatAmount(m.expansionMrr, m.currency),
                formatAmount(m.contractionMrr, m.currency),
                formatAmount(m.churnedMrr, m.currency),
                formatAmount(m.reactivationMrr, m.currency),
                m.churnRate === null ? "-" : formatPercent(m.churnRate),
            ]),
        ),
    );
    const notes = [modeNote(report), ...report.caveats].filter((n) => n !== undefined).map((c) => `\nNote: ${c}`).join("");
    const period = report.period ? `\nEvents from ${report.period.from.slice(0, 10)} to ${report.period.to.slice(0, 10)} (UTC).` : "";
    return `Stripe metrics of ${source}: ${report.eventCount} events. MRR and active subscriptions as of the latest event.${period}\n\n${totals}\n\nBy month\n\n${monthly}\n${notes}`;
}

/** A check of an option's value, its refusal a mistake in the command line. */
function usage<T>(check: () => T): T {
    try {
        return check();
    } catch (error) {
        throw new UsageError((error as Error).message);
    }
}

/** The metric settings: the flags over `--stack`'s config over Stripe's defaults. */
function metricSettingsOf(flags: { stack?: string; "coupon-durations"?: string; "cancellation-churn"?: string }, cwd: string): MetricSettings {
    const base = flags.stack === undefined ? DEFAULT_METRIC_SETTINGS : loadStackConfig(flags.stack, cwd).settings.metricSettings;
    const durations = flags["coupon-durations"] === undefined ? base.mrrCouponDurations : parseCouponDurations(flags["coupon-durations"]);
    if (typeof durations === "string") throw new UsageError(`--coupon-durations ${JSON.stringify(flags["coupon-durations"])}: ${durations}`);
    const churn = flags["cancellation-churn"] ?? base.cancellationChurn;
    if (!(CANCELLATION_CHURN as readonly string[]).includes(churn)) {
        throw new UsageError(`--cancellation-churn ${JSON.stringify(churn)}: not one of ${CANCELLATION_CHURN.join(", ")}`);
    }
    return { mrrCouponDurations: durations, cancellationChurn: churn as CancellationChurn };
}

const FILL_A_LAKE = (lakeDir: string) =>
    `fill it with the bundled samples (npm run demo -- --lake ${lakeDir}), a sample history (npm run sample -- --lake ${lakeDir}) ` +
    `or real test-mode events (npm start -- --listen --lake ${lakeDir})`;

/** Why a report found nothing, and where the events may be: another prefix, or a lake still to be filled. */
export function noEventsMessage(lakeDir: string, prefix: string, liveOnly: boolean): string {
    const where = `no events found under ${path.join(lakeDir, prefix)}/${liveOnly ? " (live mode; --live-only leaves test-mode events out)" : ""}`;
    const others = lakePrefixes(lakeDir).filter((p) => p !== prefix);
    if (others.length > 0) return `${where}; did you mean ${others.map((p) => `--prefix ${p}`).join(" or ")}?`;
    return `${where}; ${FILL_A_LAKE(lakeDir)}`;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
    return reportCommand.run(argv, io, async (flags) => {
        const lakeDir = flags.lake;
        const metricSettings = metricSettingsOf(flags, io.cwd);
        const prefix = usage(() => validateLakePrefix(flags.prefix, "--prefix"));
        if (!fs.existsSync(path.resolve(io.cwd, lakeDir))) {
            throw new Error(`no lake at ${lakeDir}: pass --lake DIR, the folder that stands for the bucket (events are under DIR/${flags.prefix}/), or ${FILL_A_LAKE(lakeDir)}`);
        }
        const html = flags.html === undefined ? undefined : path.resolve(io.cwd, flags.html);
        if (html !== undefined && !fs.existsSync(path.dirname(html))) {
            throw new Error(`cannot write --html ${flags.html}: the folder ${path.dirname(html)} does not exist; create it (mkdir -p ${path.dirname(html)}) or pick another file`);
        }
        const lake = await openLake(path.resolve(io.cwd, lakeDir), prefix, { metricSettings, liveOnly: flags["live-only"] });
        try {
            const report = await buildReport(lake);
            if (report.eventCount === 0) throw new Error(noEventsMessage(path.resolve(io.cwd, lakeDir), flags.prefix, flags["live-only"]));
            const summary = summarize(report);
            if (html !== undefined) {
                fs.writeFileSync(html, renderHtml(report, { source: lakeDir, generatedAt: io.now() }));
            }
            if (flags.json) {
                io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
                [modeNote(report), ...report.caveats].filter((n) => n !== undefined).forEach((c) => io.stderr.write(`Note: ${c}\n`));
            } else {
                io.stdout.write(`${renderText(report, summary, lakeDir)}\n${flags.html ? `\nWrote ${flags.html}\n` : ""}`);
            }
        } finally {
            lake.close();
        }
    });
}

if (require.main === module) {
    runMain(main);
}
