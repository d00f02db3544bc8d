/**
 * The dashboard as one self-contained HTML page (inline SVG and CSS, no downloads): the visuals of
 * components/analytics/dashboard.ts for each currency, and for each mode when the lake holds both,
 * from the same saved queries as the text report and Athena. `npm run report -- --html FILE` writes
 * it; `npm start` serves it at GET / with a few lines of script that reload it when the lake changes.
 */
import { chartTitle, currencyDecimals, DASHBOARD_KPIS } from "../components/analytics/dashboard";
import { barChart, dayRange, escapeHtml as escape, monthRange, valuesAt } from "./charts";
import { formatAmount, formatCompactAmount, formatPercent } from "./format";
import { LakeReport, Mode, modeNote, ofMode, shownModes, summarize } from "./metrics";

export interface PageOptions {
    /** What the lake is, for the heading (its folder). */
    source: string;
    generatedAt: Date;
    /** Served live: the page polls `versionUrl` and reloads when the answer differs from `version`. */
    live?: { versionUrl: string; version: string; intervalMs: number };
}

const kpiTitle = (id: (typeof DASHBOARD_KPIS)[number]["id"]) => DASHBOARD_KPIS.find((k) => k.id === id)!.title;

function section(report: LakeReport, currency: string, mode: Mode, modeLabel: string | undefined): string {
    const totals = summarize(report, mode)[currency];
    const money = (value: number) => formatAmount(value, currency);
    const compact = (value: number) => formatCompactAmount(value, currency);
    const minorStep = 1;
    const oneMajor = 10 ** currencyDecimals(currency);
    const period = report.period!;
    const months = monthRange(period.from.slice(0, 7), period.to.slice(0, 7));
    const days = dayRange(period.from.slice(0, 10), period.to.slice(0, 10));
    const byMonth = ofMode(report.mrrByMonth, mode).filter((r) => r.currency === currency);
    const monthOf = (r: { month: string }) => r.month.slice(0, 7);
    const atMonths = (value: (r: (typeof byMonth)[number]) => number) => valuesAt(months, byMonth, monthOf, value);
    const current = ofMode(report.activeSubscriptions, mode).find((r) => r.currency === currency);
    const latest = byMonth[byMonth.length - 1];
    const payments = ofMode(report.paymentsByDay, mode).filter((r) => r.currency === currency);
    const refunds = ofMode(report.refundsByDay, mode).filter((r) => r.currency === currency);
    const volume = valuesAt(days, payments, (r) => r.day, (r) => r.paymentVolume);
    const attempts = payments.reduce((n, r) => n + r.succeededPayments + r.failedPayments, 0);
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

    const kpis: [string, string, string][] = [
        ["kpi-mrr", kpiTitle("kpi-mrr"), money(totals.mrr)],
        ["kpi-active-subscribers", kpiTitle("kpi-active-subscribers"), String(current?.activeSubscribers ?? 0)],
        ["kpi-churn-rate", `${kpiTitle("kpi-churn-rate")}${latest ? ` (${monthOf(latest)})` : ""}`, latest?.churnRate === null || !latest ? "–" : formatPercent(latest.churnRate)],
        ["kpi-arpu", kpiTitle("kpi-arpu"), money(totals.arpu)],
    ];
    const figures: [string, string][] = [
        ["Active subscriptions", String(totals.activeSubscriptions)],
        ["New subscriptions", String(totals.newSubscriptions)],
        ["Churned subscriptions", String(totals.churnedSubscriptions)],
        ["Payment volume", money(totals.paymentVolume)],
        ["Failed payments", String(totals.failedPayments)],
        ...(refunds.length > 0 ? ([["Refunded", money(sum(refunds.map((r) => r.refundedAmount)))]] as [string, string][]) : []),
    ];
    const movements = {
        new: atMonths((r) => r.newMrr),
        expansion: atMonths((r) => r.expansionMrr),
        reactivation: atMonths((r) => r.reactivationMrr),
        contraction: atMonths((r) => r.contractionMrr),
        churned: atMonths((r) => r.churnedMrr),
    };
    // The months start at the first movement, from zero: their net change is the latest MRR.
    const net = latest?.mrr ?? 0;
    const newSubscribers = atMonths((r) => r.newSubscribers);
    const churnedSubscribers = atMonths((r) => r.churnedSubscribers);
    const charts = [
        barChart({
            id: "mrr-by-month",
            title: chartTitle("mrr-by-month"),
            labels: months,
            series: [{ name: "MRR", className: "mrr", values: atMonths((r) => r.mrr) }],
            layout: "grouped",
            format: money,
            label: compact,
            minStep: minorStep,
            emptyTop: oneMajor,
            summary: `now ${money(totals.mrr)}`,
        }),
        barChart({
            id: "mrr-movements",
            title: chartTitle("mrr-movements"),
            labels: months,
            series: [
                { name: "new", className: "new", values: movements.new },
                { name: "expansion", className: "expansion", values: movements.expansion },
                { name: "reactivation", className: "reactivation", values: movements.reactivation },
                { name: "contraction", className: "contraction", values: movements.contraction, below: true },
                { name: "churned", className: "churned", values: movements.churned, below: true },
            ],
            layout: "stacked",
            format: money,
            label: compact,
            minStep: minorStep,
            emptyTop: oneMajor,
            summary: `net ${net < 0 ? "−" : "+"}${money(Math.abs(net))}`,
        }),
        barChart({
            id: "new-vs-churned",
            title: chartTitle("new-vs-churned"),
            labels: months,
            series: [
                { name: "new", className: "new", values: newSubscribers },
                { name: "churned", className: "churned", values: churnedSubscribers },
            ],
            layout: "grouped",
            format: String,
            minStep: 1,
            emptyTop: 4,
            summary: `${sum(newSubscribers)} new, ${sum(churnedSubscribers)} churned`,
        }),
        barChart({
            id: "payment-volume",
            title: chartTitle("payment-volume"),
            labels: days,
            series: [{ name: "volume", className: "volume", values: volume }],
            layout: "grouped",
            format: money,
            label: compact,
            minStep: minorStep,
            emptyTop: oneMajor,
            summary: `total ${money(sum(volume))}`,
        }),
        barChart({
            id: "failure-rate",
            title: chartTitle("failure-rate"),
            labels: days,
            series: [{ name: "failure rate", className: "failed", values: valuesAt(days, payments, (r) => r.day, (r) => r.failureRate) }],
            layout: "grouped",
            format: formatPercent,
            minStep: 0.001,
            emptyTop: 1,
            summary: attempts === 0 ? "no payment attempts" : `${formatPercent(totals.failedPayments / attempts)} of ${attempts} attempts`,
        }),
        ...(refunds.length > 0
            ? [
                  barChart({
                      id: "refunds",
                      title: "Refunds by day",
                      labels: days,
                      series: [{ name: "refunded", className: "churned", values: valuesAt(days, refunds, (r) => r.day, (r) => r.refundedAmount) }],
                      layout: "grouped",
                      format: money,
            label: compact,
                      minStep: minorStep,
                      emptyTop: oneMajor,
                      summary: `${sum(refunds.map((r) => r.refunds))} refunds`,
                  }),
              ]
            : []),
    ];
    const heading = `${currency.toUpperCase()}${modeLabel ? ` · ${modeLabel}` : ""}`;
    return (
        `<section data-currency="${escape(currency)}" data-mode="${mode === null ? "all" : mode ? "live" : "test"}"><h2>${escape(heading)}</h2>` +
        `<div class="kpis">${kpis.map(([id, k, v]) => `<div class="kpi" data-visual="${id}"><span>${escape(k)}</span><strong>${escape(v)}</strong></div>`).join("")}</div>` +
        `<dl>${figures.map(([k, v]) => `<div><dt>${escape(k)}</dt><dd>${escape(v)}</dd></div>`).join("")}</dl>${charts.join("")}</section>`
    );
}

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:2em auto;max-width:800px;color:#222;padding:0 12px}
h1{margin-bottom:4px}.meta{color:#555;margin-top:0}h2{border-bottom:2px solid #635bff;padding-bottom:4px;margin-top:2em}
.kpis{display:grid;grid-template-columns:repeat(4,1fr);gap:8px}.kpi{background:#635bff;color:#fff;border-radius:6px;padding:8px 12px}
.kpi span{display:block;font-size:12px;opacity:.85}.kpi strong{font-size:20px}
dl{display:grid;grid-template-columns:repeat(3,1fr);gap:8px}dl div{background:#f4f5f7;border-radius:6px;padding:6px 12px}
dt{font-size:12px;color:#666}dd{margin:0;font-size:16px;font-weight:600}figure{margin:20px 0}figcaption{font-weight:600}
.summary{font-weight:400;color:#555;margin-left:8px}svg{width:100%;height:auto}.grid{stroke:#e3e3e3}.zero{stroke:#999}
.tick{font-size:11px;fill:#666}.value{font-size:10px;fill:#333}.legend{margin:4px 0;font-size:12px}
.swatch{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;border-radius:2px}
.mrr,.volume{fill:#635bff;background:#635bff}.new{fill:#2e9e6b;background:#2e9e6b}.expansion{fill:#7fcfa8;background:#7fcfa8}
.reactivation{fill:#1f77b4;background:#1f77b4}.contraction{fill:#f0ad4e;background:#f0ad4e}.churned,.failed{fill:#d9534f;background:#d9534f}
.notes{background:#fff7e0;border-left:4px solid #e0a800;padding:8px 12px}`;

/** Reloads the page when the lake's version changes; the static page has none of it. */
function liveScript(live: NonNullable<PageOptions["live"]>): string {
    return (
        `<script>(function(){var v=${JSON.stringify(live.version)};setInterval(function(){fetch(${JSON.stringify(live.versionUrl)},{cache:"no-store"})` +
        `.then(function(r){return r.text()}).then(function(t){if(t!==v)location.reload()}).catch(function(){})},${live.intervalMs})})()</script>`
    );
}

export function renderHtml(report: LakeReport, options: PageOptions): string {
    const notes = [modeNote(report), ...report.caveats].filter((n) => n !== undefined);
    const modes = shownModes(report);
    const currencies = Object.keys(summarize(report));
    const sections = report.period ? modes.flatMap(({ mode, label }) => currencies.filter((c) => summarize(report, mode)[c]).map((c) => section(report, c, mode, modes.length > 1 ? label : undefined))) : [];
    const period = report.period ? `, from ${report.period.from.slice(0, 10)} to ${report.period.to.slice(0, 10)} (UTC)` : "";
    const meta = `${report.eventCount} events in ${options.source}${period}. Generated ${options.generatedAt.toISOString().replace("T", " ").slice(0, 19)} UTC. ` +
        "Amounts in each currency; MRR, subscribers and ARPU as of the latest event.";
    return (
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><link rel="icon" href="data:,"><title>Stripe metrics</title><style>${STYLE}</style></head><body>` +
        `<h1>Stripe metrics</h1><p class="meta">${escape(meta)}</p>` +
        `${notes.length > 0 ? `<div class="notes">${notes.map((c) => `<p>${escape(c)}</p>`).join("")}</div>` : ""}` +
        `${sections.length > 0 ? sections.join("") : "<p>No subscription or payment events.</p>"}${options.live ? liveScript(options.live) : ""}</body></html>\n`
    );
}
