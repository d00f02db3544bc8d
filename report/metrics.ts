import { metricCaveats, unknownCouponCaveat, MetricName, readSql, SUPPLEMENTARY_QUERIES, VIEWS } from "../components/analytics/sql";
import { metric } from "../components/analytics/sql";
import { LakeDatabase, query, Row } from "./lake";

/**
 * Rows of the saved queries carry `livemode`: true or false for one mode, null for both modes
 * together (the queries' GROUPING SETS). `Mode` picks one of them.
 */
export type Mode = boolean | null;

export interface MonthMetrics {
    month: string;
    currency: string;
    livemode: Mode;
    mrr: number;
    activeSubscribers: number;
    activeSubscribersAtStart: number;
    newSubscribers: number;
    churnedSubscribers: number;
    reactivatedSubscribers: number;
    newMrr: number;
    expansionMrr: number;
    contractionMrr: number;
    churnedMrr: number;
    reactivationMrr: number;
    churnRate: number | null;
    arpu: number | null;
}

export interface ActiveSubscriptions {
    currency: string;
    livemode: Mode;
    activeSubscriptions: number;
    mrr: number;
    activeSubscribers: number;
}

export interface SubscriptionMovement {
    month: string;
    currency: string;
    livemode: Mode;
    newSubscriptions: number;
    churnedSubscriptions: number;
}

export interface PaymentDay {
    day: string;
    currency: string;
    livemode: Mode;
    paymentVolume: number;
    succeededPayments: number;
    failedPayments: number;
    failureRate: number;
}

export interface RefundDay {
    day: string;
    currency: string;
    livemode: Mode;
    refunds: number;
    refundedAmount: number;
}

/** The saved queries' results over a local lake. Amounts are minor units of `currency`. */
export interface LakeReport {
    eventCount: number;
    eventTypes: string[];
    /** The modes of the events in the lake (components: `livemode`), false (test) first. */
    modes: boolean[];
    /** `created` of the earliest and the latest event, ISO 8601; undefined for an empty lake. */
    period?: { from: string; to: string };
    mrrByMonth: MonthMetrics[];
    activeSubscriptions: ActiveSubscriptions[];
    subscriptionMovements: SubscriptionMovement[];
    paymentsByDay: PaymentDay[];
    /** Empty unless the lake has charge.refunded events. */
    refundsByDay: RefundDay[];
    /** What the figures do not see, given the event types in the lake (components/analytics/sql.ts). */
    caveats: string[];
}

export const MOVEMENT_KINDS = ["new", "expansion", "contraction", "churned", "reactivation"] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];
export type Movements = Record<MovementKind, number>;

/**
 * The `--json` shape the issue pins, per currency: the six figures of the first report, then ARPU,
 * MRR movements by month (months with any movement) and the churn rate by month (months with
 * subscribers to churn: active at the start or new).
 */
export interface CurrencySummary {
    mrr: number;
    activeSubscriptions: number;
    newSubscriptions: number;
    churnedSubscriptions: number;
    paymentVolume: number;
    failedPayments: number;
    arpu: number;
    movements: Record<string, Movements>;
    churnRate: Record<string, number>;
}

const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

async function rowsOf<T>(lake: LakeDatabase, file: string): Promise<T[]> {
    const rows: Row[] = await query(lake.connection, readSql(file));
    return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [camel(k), v])) as T);
}

const run = <T>(lake: LakeDatabase, name: MetricName) => rowsOf<T>(lake, metric(name).file);

/** Runs the saved queries (the same SQL files Athena gets) over the lake. */
export async function buildReport(lake: LakeDatabase): Promise<LakeReport> {
    const subscriptionFamily = VIEWS.find((v) => v.name === "subscriptions")!.family;
    const hasSubscriptions = lake.eventTypes.some((t) => t.startsWith(subscriptionFamily));
    const [period] = await query(lake.connection, "SELECT CAST(from_unixtime(min(created)) AS timestamp) AS first, CAST(from_unixtime(max(created)) AS timestamp) AS last FROM events");
    const refunds = SUPPLEMENTARY_QUERIES.find((q) => q.role === "refunds")!;
    return {
        eventCount: lake.eventCount,
        eventTypes: lake.eventTypes,
        modes: lake.modes,
        period: period.first === null ? undefined : { from: String(period.first), to: String(period.last) },
        mrrByMonth: await run<MonthMetrics>(lake, "mrr"),
        activeSubscriptions: await run<ActiveSubscriptions>(lake, "active_subscriptions"),
        subscriptionMovements: await run<SubscriptionMovement>(lake, "subscription_movements"),
        paymentsByDay: await run<PaymentDay>(lake, "payments"),
        refundsByDay: refunds.requires.every((t) => lake.eventTypes.includes(t)) ? await rowsOf<RefundDay>(lake, refunds.file) : [],
        caveats: hasSubscriptions ? [...metricCaveats(lake.eventTypes, ["mrr", "active_subscriptions"]), ...(await unknownCouponCaveats(lake))] : [],
    };
}

/** Discounts in the lake whose coupon's terms it lacks (no coupon.* event, no embedded coupon) reduce nothing. */
async function unknownCouponCaveats(lake: LakeDatabase): Promise<string[]> {
    const [row] = await query(
        lake.connection,
        `SELECT count(DISTINCT d.data.object.id) AS discounts, count(DISTINCT coalesce(d.data.object.source.coupon, d.data.object.coupon.id)) AS coupons
         FROM events AS d
         WHERE d.type LIKE 'customer.discount.%' AND d.data.object.coupon.duration IS NULL
           AND coalesce(d.data.object.source.coupon, '') NOT IN (SELECT c.data.object.id FROM events AS c WHERE c.type LIKE 'coupon.%' AND c.data.object.id IS NOT NULL)`,
    );
    return Number(row.discounts) === 0 ? [] : [unknownCouponCaveat(Number(row.discounts), Number(row.coupons))];
}

/** The rows of one mode (or of both together: null). */
export const ofMode = <T extends { livemode: Mode }>(rows: readonly T[], mode: Mode): T[] => rows.filter((r) => r.livemode === mode);

/**
 * Totals per currency for one mode (or both: null, the default, which `--json` prints): MRR, active
 * subscriptions and ARPU now (each subscription's state at the lake's latest event), new and churned
 * subscriptions, payment volume and failed payments over everything in the lake, MRR movements and
 * churn rate by month. Currencies are sorted; a currency appears when any of the figures has a row for it.
 */
export function summarize(report: LakeReport, mode: Mode = null): Record<string, CurrencySummary> {
    const totals = new Map<string, CurrencySummary & { activeSubscribers: number }>();
    const of = (currency: string) => {
        if (!totals.has(currency)) {
            totals.set(currency, {
                mrr: 0,
                activeSubscriptions: 0,
                newSubscriptions: 0,
                churnedSubscriptions: 0,
                paymentVolume: 0,
                failedPayments: 0,
                arpu: 0,
                movements: {},
                churnRate: {},
                activeSubscribers: 0,
            });
        }
        return totals.get(currency)!;
    };
    for (const row of ofMode(report.activeSubscriptions, mode)) {
        Object.assign(of(row.currency), { mrr: row.mrr, activeSubscriptions: row.activeSubscriptions, activeSubscribers: row.activeSubscribers });
    }
    for (const row of ofMode(report.subscriptionMovements, mode)) {
        of(row.currency).newSubscriptions += row.newSubscriptions;
        of(row.currency).churnedSubscriptions += row.churnedSubscriptions;
    }
    for (const row of ofMode(report.paymentsByDay, mode)) {
        of(row.currency).paymentVolume += row.paymentVolume;
        of(row.currency).failedPayments += row.failedPayments;
    }
    for (const row of ofMode(report.mrrByMonth, mode)) {
        const month = row.month.slice(0, 7);
        const movements: Movements = { new: row.newMrr, expansion: row.expansionMrr, contraction: row.contractionMrr, churned: row.churnedMrr, reactivation: row.reactivationMrr };
        if (MOVEMENT_KINDS.some((k) => movements[k] !== 0)) of(row.currency).movements[month] = movements;
        if (row.churnRate !== null) of(row.currency).churnRate[month] = row.churnRate;
    }
    return Object.fromEntries(
        [...totals.entries()]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([currency, { activeSubscribers, ...summary }]) => [currency, { ...summary, arpu: activeSubscribers > 0 ? Math.round(summary.mrr / activeSubscribers) : 0 }]),
    );
}

const MODE_LABELS = { live: "live", test: "test", all: "live + test" } as const;

/** The modes to show apart: both, then each, when the lake holds both; else only the one. */
export function shownModes(report: LakeReport): { mode: Mode; label: string }[] {
    if (report.modes.length < 2) return [{ mode: null, label: report.modes[0] ? MODE_LABELS.live : MODE_LABELS.test }];
    return [
        { mode: null, label: MODE_LABELS.all },
        { mode: true, label: MODE_LABELS.live },
        { mode: false, label: MODE_LABELS.test },
    ];
}

/** A note when the lake mixes modes: the default figures add them up. */
export function modeNote(report: LakeReport): string | undefined {
    return report.modes.length < 2 ? undefined : "The lake holds live and test events: the figures add both modes up unless --live-only; the table and the page also show each mode apart.";
}
