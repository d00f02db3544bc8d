/**
 * The SaaS metrics of a local lake, from the same SQL the component deploys to Athena, run on DuckDB.
 *
 *   npm run report -- --lake DIR [--prefix events] [--json] [--html FILE]
 *
 * Prints a table per currency (MRR, active/new/churned subscriptions, payment volume, failed
 * payments) and MRR and subscription movements by month; `--json` prints only
 * `{ "<currency>": { "mrr", "activeSubscriptions", "newSubscriptions", "churnedSubscriptions",
 * "paymentVolume", "failedPayments" } }` (amounts in minor units); `--html FILE` also writes a page
 * with charts. The README's "Analytics" section defines every figure.
 */
import * as fs from "fs";
import { parseArgs } from "util";
import { DEFAULT_LAKE_PREFIX, validateLakePrefix } from "../components/lake/layout";
import { DEFAULT_LOCAL_LAKE } from "../local/lake";
import { formatAmount, textTable } from "./report/format";
import { renderHtml } from "./report/html";
import { openLake } from "./report/lake";
import { buildReport, CurrencySummary, LakeReport, summarize } from "./report/metrics";

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

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: {
            lake: { type: "string", default: DEFAULT_LOCAL_LAKE },
            prefix: { type: "string", default: DEFAULT_LAKE_PREFIX },
            json: { type: "boolean", default: false },
            html: { type: "string" },
        },
        strict: true,
    });
    const lakeDir = values.lake;
    if (!fs.existsSync(lakeDir)) {
        throw new Error(`No lake at ${lakeDir}: pass --lake DIR, the folder that stands for the bucket (events are under DIR/${values.prefix}/).`);
    }
    const lake = await openLake(lakeDir, validateLakePrefix(values.prefix, "--prefix"));
    try {
        const report = await buildReport(lake);
        const summary = summarize(report);
        if (values.html) {
            fs.writeFileSync(values.html, renderHtml(report, summary, lakeDir));
        }
        if (values.json) {
            process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
            report.caveats.forEach((c) => process.stderr.write(`Note: ${c}\n`));
        } else {
            process.stdout.write(`${renderText(report, summary, lakeDir)}\n${values.html ? `\nWrote ${values.html}\n` : ""}`);
        }
    } finally {
        lake.close();
    }
}

if (require.main === module) {
    main().catch((error: unknown) => {
        process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
    });
}
