/** Display of amounts in minor units (components/analytics/dashboard.ts knows each currency's decimals). */
import { currencyDecimals } from "../components/analytics/dashboard";

export { currencyDecimals };

/** `1234567` usd → `12,345.67 USD`. */
export function formatAmount(minorUnits: number, currency: string): string {
    const decimals = currencyDecimals(currency);
    const major = Math.round(minorUnits) / 10 ** decimals;
    return `${major.toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals })} ${currency.toUpperCase()}`;
}

/** `17213300` jpy → `17.2M JPY`: for value labels, where space is short. */
export function formatCompactAmount(minorUnits: number, currency: string): string {
    const major = Math.round(minorUnits) / 10 ** currencyDecimals(currency);
    return `${major.toLocaleString("en-US", { notation: "compact", maximumFractionDigits: 1 })} ${currency.toUpperCase()}`;
}

export function formatPercent(ratio: number): string {
    return `${(ratio * 100).toFixed(1)}%`;
}

/** A plain-text table: columns padded to their widest cell, numbers (cells starting with a digit) right-aligned. */
export function textTable(header: string[], rows: string[][]): string {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^-?[0-9]/.test(r[i])));
    const line = (cells: string[]) => cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
    return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
