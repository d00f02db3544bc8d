/**
 * The dashboard's visuals, in order: the QuickSight dashboard (quicksightDashboard.ts) and the local
 * page (report/html.ts, `npm run report -- --html` and `npm start`'s GET /) show these, under these
 * ids and titles, from the same views and queries (docs/dashboard.md).
 */
export interface DashboardVisual {
    id: string;
    title: string;
}

export const DASHBOARD_KPIS = [
    { id: "kpi-mrr", title: "MRR" },
    { id: "kpi-active-subscribers", title: "Active subscribers" },
    { id: "kpi-churn-rate", title: "Subscriber churn rate, latest month" },
    { id: "kpi-arpu", title: "ARPU" },
] as const satisfies readonly DashboardVisual[];

export const DASHBOARD_CHARTS = [
    { id: "mrr-by-month", title: "MRR at the end of each month" },
    { id: "mrr-movements", title: "MRR movements by month" },
    { id: "new-vs-churned", title: "New vs churned subscribers by month" },
    { id: "payment-volume", title: "Payment volume by day" },
    { id: "failure-rate", title: "Payment failure rate by day" },
] as const satisfies readonly DashboardVisual[];

export type ChartId = (typeof DASHBOARD_CHARTS)[number]["id"];

export function chartTitle(id: ChartId): string {
    return DASHBOARD_CHARTS.find((c) => c.id === id)!.title;
}

/**
 * Stripe counts amounts in the currency's smallest unit; most currencies have two decimals, these
 * have none or three. https://docs.stripe.com/currencies#zero-decimal https://docs.stripe.com/currencies#three-decimal
 */
export const ZERO_DECIMAL_CURRENCIES = ["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"] as const;
export const THREE_DECIMAL_CURRENCIES = ["bhd", "jod", "kwd", "omr", "tnd"] as const;

export function currencyDecimals(currency: string): number {
    const c = currency.toLowerCase();
    return (ZERO_DECIMAL_CURRENCIES as readonly string[]).includes(c) ? 0 : (THREE_DECIMAL_CURRENCIES as readonly string[]).includes(c) ? 3 : 2;
}
