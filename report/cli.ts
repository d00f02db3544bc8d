/**
 * The SaaS metrics of a local lake, from the same SQL the component deploys to Athena, run on DuckDB.
 *
 *   npm run report -- [--lake .lake] [--prefix events] [--json] [--html FILE]
 *
 * Prints a table per currency (MRR, active/new/churned subscriptions, payment volume, failed
 * payments) and MRR and subscription movements by month; `--json` prints only
 * `{ "<currency>": { "mrr", "activeSubscriptions", "newSubscriptions", "churnedSubscriptions",
 * "paymentVolume", "failedPayments" } }` (amounts in minor units); `--html FILE` also writes a page
 * with charts. The README's "Analytics" section defines every figure.
 */
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_LAKE_PREFIX } from "../components/lake/layout";
import { validateLakePrefix } from "../components/lake/layout";
import { CliIo, defineCommand, runMain } from "../lib/cli";
import { LAKE_OPTION } from "../lib/lakeStore";
import { formatAmount, textTable } from "./format";
import { renderHtml } from "./html";
import { openLake } from "./lake";
import { buildReport, CurrencySummary, LakeReport, summarize } from "./metrics";

export const reportCommand = defineCommand({
    name: "report",
    summary: "The SaaS metrics of a local lake, from the same SQL the component deploys to Athena, run on DuckDB.",
    description:
        "Prints a table per currency (MRR, active, new and churned subscriptions, payment volume, failed payments) and MRR and " +
        "subscription movements by month. The README's \"Analytics\" section defines every figure.",
    options: {
        lake: LAKE_OPTION,
        prefix: { type: "string", default: DEFAULT_LAKE_PREFIX, placeholder: "PREFIX", description: "key prefix of the events in the lake (the stack's lakePrefix)" },
        json: { type: "boolean", description: "print only the totals per currency as JSON (amounts in minor units); notes go to stderr" },
        html: { type: "string", placeholder: "FILE", description: "also write a self-contained HTML page with charts" },
    },
    examples: ["npm run report", "npm run --silent report -- --lake .lake --json", "npm run report -- --html report.html"],
});

export function renderText(report: LakeReport, summary: Record<string, CurrencySummary>, source: string): string {
    const totals = textTable(
        ["currency", "MRR", "active", "new", "churned", "payment volume", "failed payments"],
        Object.entries(summary).map(([c, s]) => [
            c,
            formatAmount(s.mrr, c),
            String(s.activeSubscriptions),
            String(s.newSubscriptions),
            String(s.churnedSubscriptions),
            formatAmount(s.paymentVolume, c),
            String(s.failedPayments),
        ]),
    );
    const movements = new Map(report.subscriptionMovements.map((m) => [`${m.month} ${m.currency}`, m]));
    const mrr = new Map(report.mrrByMonth.map((m) => [`${m.month} ${m.currency}`, m]));
    const monthly = textTable(
        ["month", "currency", "MRR at month end", "active", "new", "churned"],
        [...new Set([...mrr.keys(), ...movements.keys()])].sort().map((key) => {
            const [month, currency] = key.split(" ");
            return [
                month.slice(0, 7),
                currency,
                formatAmount(mrr.get(key)?.mrr ?? 0, currency),
                String(mrr.get(key)?.activeSubscriptions ?? 0),
                String(movements.get(key)?.newSubscriptions ?? 0),
                String(movements.get(key)?.churnedSubscriptions ?? 0),
            ];
        }),
    );
    const notes = report.caveats.map((c) => `\nNote: ${c}`).join("");
    return `Stripe metrics of ${source}: ${report.eventCount} events. MRR and active subscriptions as of the latest event.\n\n${totals}\n\nBy month\n\n${monthly}\n${notes}`;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
    return reportCommand.run(argv, io, async (flags) => {
        const lakeDir = flags.lake;
        if (!fs.existsSync(path.resolve(io.cwd, lakeDir))) {
            throw new Error(`No lake at ${lakeDir}: pass --lake DIR, the folder that stands for the bucket (events are under DIR/${flags.prefix}/).`);
        }
        const html = flags.html === undefined ? undefined : path.resolve(io.cwd, flags.html);
        if (html !== undefined && !fs.existsSync(path.dirname(html))) {
            throw new Error(`cannot write --html ${flags.html}: the folder ${path.dirname(html)} does not exist; create it or pick another file`);
        }
        const lake = await openLake(path.resolve(io.cwd, lakeDir), validateLakePrefix(flags.prefix, "--prefix"));
        try {
            const report = await buildReport(lake);
            const summary = summarize(report);
            if (html !== undefined) {
                fs.writeFileSync(html, renderHtml(report, summary, lakeDir));
            }
            if (flags.json) {
                io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
                report.caveats.forEach((c) => io.stderr.write(`Note: ${c}\n`));
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
