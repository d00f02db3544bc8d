import { metricCaveats, MetricName, readSql, VIEWS } from "../components/analytics/sql";
import { metric } from "../components/analytics/sql";
import { LakeDatabase, query, Row } from "./lake";

export interface MrrMonth {
    month: string;
    currency: string;
    mrr: number;
    activeSubscriptions: number;
}

export interface ActiveSubscriptions {
    currency: string;
    activeSubscriptions: number;
    mrr: number;
}

export interface SubscriptionMovement {
    month: string;
    currency: string;
    newSubscriptions: number;
    churnedSubscriptions: number;
}

export interface PaymentDay {
    day: string;
    currency: string;
    paymentVolume: number;
    succeededPayments: number;
    failedPayments: number;
    failureRate: number;
}

/** The saved queries' results over a local lake. Amounts are minor units of `currency`. */
export interface LakeReport {
    eventCount: number;
    eventTypes: string[];
    mrrByMonth: MrrMonth[];
    activeSubscriptions: ActiveSubscriptions[];
    subscriptionMovements: SubscriptionMovement[];
    paymentsByDay: PaymentDay[];
    /** What the figures do not see, given the event types in the lake (components/analytics/sql.ts). */
    caveats: string[];
}

/** The `--json` shape the issue pins, per currency. */
export interface CurrencySummary {
    mrr: number;
    activeSubscriptions: number;
    newSubscriptions: number;
    churnedSubscriptions: number;
    paymentVolume: number;
    failedPayments: number;
}

const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

async function run<T>(lake: LakeDatabase, name: MetricName): Promise<T[]> {
    const rows: Row[] = await query(lake.connection, readSql(metric(name).file));
    return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [camel(k), v])) as T);
}

/** Runs the saved queries (the same SQL files Athena gets) over the lake. */
export async function buildReport(lake: LakeDatabase): Promise<LakeReport> {
    const subscriptionFamily = VIEWS.find((v) => v.name === "subscriptions")!.family;
    const hasSubscriptions = lake.eventTypes.some((t) => t.startsWith(subscriptionFamily));
    return {
        eventCount: lake.eventCount,
        eventTypes: lake.eventTypes,
        mrrByMonth: await run<MrrMonth>(lake, "mrr"),
        activeSubscriptions: await run<ActiveSubscriptions>(lake, "active_subscriptions"),
        subscriptionMovements: await run<SubscriptionMovement>(lake, "subscription_movements"),
        paymentsByDay: await run<PaymentDay>(lake, "payments"),
        caveats: hasSubscriptions ? metricCaveats(lake.eventTypes, ["mrr", "active_subscriptions"]) : [],
    };
}

/**
 * Totals per currency: MRR and active subscriptions now (each subscription's latest state), new and
 * churned subscriptions, payment volume and failed payments over everything in the lake.
 * Currencies are sorted; a currency appears when any of the figures has a row for it.
 */
export function summarize(report: LakeReport): Record<string, CurrencySummary> {
    const totals = new Map<string, CurrencySummary>();
    const of = (currency: string) => {
        if (!totals.has(currency)) {
            totals.set(currency, { mrr: 0, activeSubscriptions: 0, newSubscriptions: 0, churnedSubscriptions: 0, paymentVolume: 0, failedPayments: 0 });
        }
        return totals.get(currency)!;
    };
    for (const row of report.activeSubscriptions) {
        of(row.currency).mrr = row.mrr;
        of(row.currency).activeSubscriptions = row.activeSubscriptions;
    }
    for (const row of report.subscriptionMovements) {
        of(row.currency).newSubscriptions += row.newSubscriptions;
        of(row.currency).churnedSubscriptions += row.churnedSubscriptions;
    }
    for (const row of report.paymentsByDay) {
        of(row.currency).paymentVolume += row.paymentVolume;
        of(row.currency).failedPayments += row.failedPayments;
    }
    return Object.fromEntries([...totals.entries()].sort(([a], [b]) => a.localeCompare(b)));
}
