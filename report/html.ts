import { formatAmount, formatPercent } from "./format";
import { CurrencySummary, LakeReport } from "./metrics";

/**
 * The report as one self-contained HTML page (inline SVG, no scripts or downloads): per currency,
 * the headline figures and bar charts of MRR by month, new vs churned subscriptions by month, and
 * payment volume and failure rate by day.
 */

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface Series {
    name: string;
    values: number[];
    /** CSS class giving the bars their colour. */
    className: string;
}

const WIDTH = 720;
const HEIGHT = 240;
const MARGIN = { top: 16, right: 12, bottom: 36, left: 96 };
const MAX_X_LABELS = 12;

/** Top of a value axis of four steps of 1, 2, 2.5 or 5 times a power of ten (at least 1 for counts) that covers `max`. */
export function axisMax(max: number, integers: boolean): number {
    if (max <= 0) return integers ? 4 : 1;
    const step = max / 4;
    const magnitude = 10 ** Math.floor(Math.log10(step));
    const nice = [1, 2, 2.5, 5, 10].find((n) => n * magnitude >= step)! * magnitude;
    return 4 * (integers ? Math.max(1, Math.ceil(nice)) : nice);
}

/**
 * Bars for each label, one per series side by side, over a value axis of four steps; every bar
 * carries its value as a tooltip.
 */
export function barChart(title: string, labels: string[], series: Series[], format: (value: number) => string, integers = false): string {
    const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
    const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
    const max = axisMax(Math.max(0, ...series.flatMap((s) => s.values)), integers);
    const y = (value: number) => MARGIN.top + plotHeight - (value / max) * plotHeight;
    const group = plotWidth / Math.max(labels.length, 1);
    const bar = (group * 0.8) / series.length;
    const grid = [0, 1, 2, 3, 4].map((step) => {
        const value = (max * step) / 4;
        return `<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(value)}" y2="${y(value)}"/>` +
            `<text class="axis" x="${MARGIN.left - 6}" y="${y(value) + 4}" text-anchor="end">${escape(format(value))}</text>`;
    });
    const every = Math.ceil(labels.length / MAX_X_LABELS);
    const xLabels = labels.map((label, i) =>
        i % every === 0 ? `<text class="axis" x="${MARGIN.left + group * (i + 0.5)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${escape(label)}</text>` : "",
    );
    const bars = series.flatMap((s, si) =>
        s.values.map((value, i) => {
            const x = MARGIN.left + group * i + group * 0.1 + bar * si;
            return `<rect class="${s.className}" x="${x.toFixed(1)}" y="${y(value).toFixed(1)}" width="${bar.toFixed(1)}" height="${(y(0) - y(value)).toFixed(1)}">` +
                `<title>${escape(`${labels[i]} ${s.name}: ${format(value)}`)}</title></rect>`;
        }),
    );
    const legend = series.length > 1 ? `<p class="legend">${series.map((s) => `<span class="${s.className}">■</span> ${escape(s.name)}`).join(" ")}</p>` : "";
    return `<figure><figcaption>${escape(title)}</figcaption>${legend}<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escape(title)}">` +
        `${grid.join("")}${bars.join("")}${xLabels.join("")}</svg></figure>`;
}

/** Values of `rows` for `keys`, 0 where a key has no row. */
function valuesAt<T>(keys: string[], rows: T[], key: (row: T) => string, value: (row: T) => number): number[] {
    const byKey = new Map(rows.map((r) => [key(r), value(r)]));
    return keys.map((k) => byKey.get(k) ?? 0);
}

function currencySection(report: LakeReport, currency: string, totals: CurrencySummary): string {
    const money = (value: number) => formatAmount(Math.round(value), currency);
    const figures: [string, string][] = [
        ["MRR", money(totals.mrr)],
        ["Active subscriptions", String(totals.activeSubscriptions)],
        ["New subscriptions", String(totals.newSubscriptions)],
        ["Churned subscriptions", String(totals.churnedSubscriptions)],
        ["Payment volume", money(totals.paymentVolume)],
        ["Failed payments", String(totals.failedPayments)],
    ];
    const charts: string[] = [];
    // Every month of the report, so a currency's months without activity show as zero.
    const months = [...new Set([...report.mrrByMonth.map((r) => r.month), ...report.subscriptionMovements.map((r) => r.month)])].sort();
    const monthLabels = months.map((m) => m.slice(0, 7));
    const mrr = report.mrrByMonth.filter((r) => r.currency === currency);
    const movements = report.subscriptionMovements.filter((r) => r.currency === currency);
    if (mrr.length > 0) {
        charts.push(barChart("MRR at the end of each month", monthLabels, [{ name: "MRR", values: valuesAt(months, mrr, (r) => r.month, (r) => r.mrr), className: "mrr" }], money));
    }
    if (movements.length > 0) {
        charts.push(
            barChart("New vs churned subscriptions by month", monthLabels, [
                { name: "new", values: valuesAt(months, movements, (r) => r.month, (r) => r.newSubscriptions), className: "new" },
                { name: "churned", values: valuesAt(months, movements, (r) => r.month, (r) => r.churnedSubscriptions), className: "churned" },
            ], String, true),
        );
    }
    const payments = report.paymentsByDay.filter((r) => r.currency === currency);
    if (payments.length > 0) {
        const days = payments.map((r) => r.day);
        charts.push(barChart("Payment volume by day", days, [{ name: "volume", values: payments.map((r) => r.paymentVolume), className: "volume" }], money));
        charts.push(barChart("Payment failure rate by day", days, [{ name: "failure rate", values: payments.map((r) => r.failureRate), className: "failed" }], formatPercent));
    }
    return `<section><h2>${escape(currency.toUpperCase())}</h2><dl>${figures.map(([k, v]) => `<div><dt>${escape(k)}</dt><dd>${escape(v)}</dd></div>`).join("")}</dl>${charts.join("")}</section>`;
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:2em auto;max-width:760px;color:#222}
dl{display:grid;grid-template-columns:repeat(3,1fr);gap:8px}dl div{background:#f4f5f7;border-radius:6px;padding:8px 12px}
dt{font-size:12px;color:#666}dd{margin:0;font-size:20px;font-weight:600}figure{margin:20px 0}figcaption{font-weight:600}
svg{width:100%;height:auto}.grid{stroke:#e3e3e3}.axis{font-size:11px;fill:#666}.legend{margin:4px 0;font-size:12px}
.mrr,.volume{fill:#635bff;color:#635bff}.new{fill:#2e9e6b;color:#2e9e6b}.churned,.failed{fill:#d9534f;color:#d9534f}
.notes{background:#fff7e0;border-left:4px solid #e0a800;padding:8px 12px}`;

export function renderHtml(report: LakeReport, summary: Record<string, CurrencySummary>, source: string): string {
    const notes = report.caveats.length > 0 ? `<div class="notes">${report.caveats.map((c) => `<p>${escape(c)}</p>`).join("")}</div>` : "";
    const sections = Object.entries(summary).map(([currency, totals]) => currencySection(report, currency, totals));
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Stripe metrics</title><style>${STYLE}</style></head><body>` +
        `<h1>Stripe metrics</h1><p>${escape(`${report.eventCount} events in ${source}. Amounts in each currency; MRR and active subscriptions as of the latest event.`)}</p>` +
        `${notes}${sections.length > 0 ? sections.join("") : "<p>No subscription or payment events.</p>"}</body></html>\n`;
}
