/**
 * Bar charts as inline SVG for the report's page: continuous category axes (callers pass every day
 * or month, empty ones as zero), value axes of round steps that never repeat a label, value labels,
 * and every bar's value as a tooltip and as data-* attributes (tests/report/browser.test.ts reads them).
 */

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
export { escape as escapeHtml };

export interface ChartSeries {
    name: string;
    /** CSS class giving the bars their colour. */
    className: string;
    values: number[];
    /** Drawn below the zero line (e.g. churned MRR): values stay positive, bars point down. */
    below?: boolean;
}

export interface ChartSpec {
    /** The visual's id (components/analytics/dashboard.ts). */
    id: string;
    title: string;
    /** One category per bar group, in order, none missing. */
    labels: string[];
    series: ChartSeries[];
    /** Series side by side (grouped) or on top of each other (stacked). */
    layout: "grouped" | "stacked";
    format(value: number): string;
    /** Value labels' text, when it should be shorter than `format`'s. */
    label?(value: number): string;
    /** Smallest step of the value axis: 1 for minor units and counts, so no two ticks read the same. */
    minStep: number;
    /** Top of the axis when every value is zero. */
    emptyTop: number;
    /** Shown beside the title, e.g. the total over the period. */
    summary?: string;
}

const WIDTH = 760;
const HEIGHT = 260;
const MARGIN = { top: 22, right: 12, bottom: 38, left: 104 };
const MAX_X_LABELS = 12;
/** Up to this many categories every bar gets a value label; beyond, only each series' largest. */
const MAX_VALUE_LABELS = 31;
/** Beyond this many categories value labels use the short form (spec.label). */
const MAX_FULL_LABELS = 8;
const STEPS = [1, 2, 2.5, 5, 10];

/**
 * Ticks of a value axis covering [min, max] in about four round steps (1, 2, 2.5 or 5 times a power of
 * ten), never finer than `minStep`, always including zero.
 */
export function niceTicks(min: number, max: number, minStep: number, emptyTop: number): number[] {
    if (min === 0 && max === 0) max = emptyTop;
    const raw = (max - min) / 4;
    const magnitude = 10 ** Math.floor(Math.log10(raw));
    // A step of 2.5 units of minStep's order would fall between two minor units.
    const candidates = STEPS.map((n) => n * magnitude).filter((s) => s >= minStep && Number.isInteger(Math.round((s / minStep) * 1e9) / 1e9));
    const step = candidates.find((s) => s >= raw) ?? Math.max(minStep, 10 * magnitude);
    const lo = Math.floor(min / step + 1e-9) * step;
    const hi = Math.ceil(max / step - 1e-9) * step;
    const ticks: number[] = [];
    for (let v = lo; v <= hi + step / 2; v += step) ticks.push(Math.round(v / minStep) * minStep);
    return ticks;
}

/** Every `YYYY-MM` from `first` to `last`. */
export function monthRange(first: string, last: string): string[] {
    const months: string[] = [];
    for (let [y, m] = first.split("-").map(Number); `${y}-${String(m).padStart(2, "0")}` <= last; m === 12 ? ((y += 1), (m = 1)) : (m += 1)) {
        months.push(`${y}-${String(m).padStart(2, "0")}`);
    }
    return months;
}

/** Every `YYYY-MM-DD` from `first` to `last`. */
export function dayRange(first: string, last: string): string[] {
    const days: string[] = [];
    for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += 86400_000) days.push(new Date(t).toISOString().slice(0, 10));
    return days;
}

/** The values of `rows` at `keys`, 0 where a key has no row. */
export function valuesAt<T>(keys: readonly string[], rows: readonly T[], key: (row: T) => string, value: (row: T) => number): number[] {
    const byKey = new Map(rows.map((r) => [key(r), value(r)]));
    return keys.map((k) => byKey.get(k) ?? 0);
}

/**
 * The category labels the axis shows (undefined: none under that bar): at most about twelve; a long
 * day axis shows the months (`YYYY-MM` under each month's first day) instead of crowded dates.
 */
export function axisLabels(labels: readonly string[]): (string | undefined)[] {
    const days = labels.length > 31 && labels.every((l) => /^\d{4}-\d{2}-\d{2}$/.test(l));
    if (days) {
        const firsts = labels.map((l, i) => (l.endsWith("-01") || i === 0 ? i : -1)).filter((i) => i >= 0);
        const every = Math.ceil(firsts.length / MAX_X_LABELS);
        const shown = new Set(firsts.filter((_, k) => k % every === 0));
        return labels.map((l, i) => (shown.has(i) ? l.slice(0, 7) : undefined));
    }
    const every = Math.ceil(labels.length / MAX_X_LABELS);
    return labels.map((l, i) => (i % every === 0 ? l : undefined));
}

export function barChart(spec: ChartSpec): string {
    const { labels, series } = spec;
    const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
    const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
    const signed = (s: ChartSeries, v: number) => (s.below ? -v : v);
    const extent = labels.map((_, i) => {
        const values = series.map((s) => signed(s, s.values[i]));
        return spec.layout === "stacked"
            ? [values.filter((v) => v < 0).reduce((a, b) => a + b, 0), values.filter((v) => v > 0).reduce((a, b) => a + b, 0)]
            : [Math.min(0, ...values), Math.max(0, ...values)];
    });
    const ticks = niceTicks(Math.min(0, ...extent.map((e) => e[0])), Math.max(0, ...extent.map((e) => e[1])), spec.minStep, spec.emptyTop);
    const [lo, hi] = [ticks[0], ticks[ticks.length - 1]];
    const y = (value: number) => MARGIN.top + ((hi - value) / (hi - lo)) * plotHeight;
    const group = plotWidth / Math.max(labels.length, 1);
    const barWidth = spec.layout === "stacked" ? group * 0.8 : (group * 0.8) / series.length;
    const labelled = labels.length <= MAX_VALUE_LABELS;
    const short = labels.length > MAX_FULL_LABELS && spec.label ? spec.label : spec.format;
    const grid = ticks.map(
        (value) =>
            `<line class="${value === 0 ? "zero" : "grid"}" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}"/>` +
            `<text class="tick" x="${MARGIN.left - 6}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end">${value < 0 ? "&#8722;" : ""}${escape(spec.format(Math.abs(value)))}</text>`,
    );
    const xLabels = axisLabels(labels).map((label, i) =>
        label === undefined ? "" : `<text class="tick" x="${(MARGIN.left + group * (i + 0.5)).toFixed(1)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${escape(label)}</text>`,
    );
    const bars: string[] = [];
    const valueLabels: string[] = [];
    const label = (x: number, value: number, text: string) =>
        valueLabels.push(`<text class="value" x="${x.toFixed(1)}" y="${(value >= 0 ? y(value) - 4 : y(value) + 12).toFixed(1)}" text-anchor="middle">${escape(text)}</text>`);
    labels.forEach((category, i) => {
        let up = 0;
        let down = 0;
        series.forEach((s, si) => {
            const value = s.values[i];
            const v = signed(s, value);
            const x = MARGIN.left + group * i + group * 0.1 + (spec.layout === "stacked" ? 0 : barWidth * si);
            const [from, to] = spec.layout === "stacked" ? (v >= 0 ? [up, (up += v)] : [down, (down += v)]) : [0, v];
            bars.push(
                `<rect class="${s.className}" x="${x.toFixed(1)}" y="${y(Math.max(from, to)).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${Math.abs(y(from) - y(to)).toFixed(1)}" ` +
                    `data-series="${escape(s.name)}" data-x="${escape(category)}" data-value="${value}"><title>${escape(`${category} ${s.name}: ${spec.format(value)}`)}</title></rect>`,
            );
            if (spec.layout === "grouped" && value !== 0 && (labelled || i === s.values.indexOf(Math.max(...s.values)))) label(x + barWidth / 2, v, short(value));
        });
        if (spec.layout === "stacked" && labelled) {
            const x = MARGIN.left + group * (i + 0.5);
            if (up > 0) label(x, up, short(up));
            if (down < 0) label(x, down, short(-down));
        }
    });
    const legend = series.length > 1 ? `<p class="legend">${series.map((s) => `<span class="swatch ${s.className}"></span>${escape(s.name)}`).join(" ")}</p>` : "";
    const summary = spec.summary ? ` <span class="summary">${escape(spec.summary)}</span>` : "";
    return (
        `<figure class="chart" data-visual="${escape(spec.id)}"><figcaption>${escape(spec.title)}${summary}</figcaption>${legend}` +
        `<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escape(spec.title)}">${grid.join("")}${bars.join("")}${valueLabels.join("")}${xLabels.join("")}</svg></figure>`
    );
}
