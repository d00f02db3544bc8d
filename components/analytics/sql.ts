import * as fs from "fs";
import * as path from "path";
import { METRIC_SETTINGS_COLUMNS } from "./metricSettings";
import { ScalarType, ViewColumn } from "./schema";

/**
 * The analytics SQL, as files in ./sql read when the program runs: the Pulumi component deploys
 * them (Athena views, saved queries) and the local report (report/cli.ts) runs the same text
 * on DuckDB. The SQL is Athena's dialect (Trino); the few places DuckDB differs are stood in for by
 * sql/duckdb/compat.sql.
 */
export const SQL_DIR = path.join(__dirname, "sql");

/** Text of a SQL file under sql/, without surrounding blank space (views and queries must not end in `;`). */
export function readSql(file: string): string {
    return fs.readFileSync(path.join(SQL_DIR, file), "utf8").trim();
}

/** Name of the lake table every view reads; views and queries refer to it and to each other unqualified. */
export const EVENTS_TABLE = "events";

export interface ViewDefinition {
    /** Name of the view in Athena and DuckDB. */
    name: string;
    /** Role in child resource names (`${name}-view-<role>`) and QuickSight ids. */
    role: string;
    title: string;
    /** Event type prefix of the family the view reads, e.g. `customer.subscription.`. */
    family: string;
    /** File under sql/. */
    file: string;
    /**
     * The view's columns in order, typed as its SQL casts them (every column is an explicit CAST,
     * so Athena infers exactly these types). tests/components/analytics/sql.test.ts checks them against DuckDB's view.
     */
    columns: ViewColumn[];
    /** Reads the metric_settings view (metricSettings.ts), which is then created before it. */
    readsSettings?: boolean;
    /** False for views no dashboard visual reads, which then get no QuickSight dataset (SPICE capacity costs). */
    dataSet?: boolean;
}

const cols = (spec: Record<string, ScalarType>): ViewColumn[] => Object.entries(spec).map(([name, type]) => ({ name, type }));

/**
 * Columns every family view starts with: the event a row comes from, its place in the object's
 * history, and the mode and connected account it belongs to, so live and test data and a
 * platform's accounts never mix unseen.
 */
const EVENT_COLUMNS = {
    event_id: "string",
    event_type: "string",
    event_time: "timestamp",
    dt: "string",
    version: "bigint",
    is_latest: "boolean",
    livemode: "boolean",
    account: "string",
} as const;

/** Columns every metric view has: what a figure is about. */
const SEGMENT_COLUMNS = { currency: "string", livemode: "boolean", account: "string" } as const;

export const VIEWS: readonly ViewDefinition[] = [
    {
        name: "subscriptions",
        role: "subscriptions",
        title: "subscriptions",
        family: "customer.subscription.",
        file: "views/subscriptions.sql",
        columns: cols({
            ...EVENT_COLUMNS,
            subscription_id: "string",
            customer_id: "string",
            status: "string",
            is_active: "boolean",
            currency: "string",
            item_id: "string",
            price_id: "string",
            product_id: "string",
            unit_amount: "bigint",
            billing_interval: "string",
            interval_count: "bigint",
            quantity: "bigint",
            usage_type: "string",
            monthly_amount: "double",
            periods_per_month: "double",
            cancel_at_period_end: "boolean",
            cancel_at: "timestamp",
            created_at: "timestamp",
            canceled_at: "timestamp",
            ended_at: "timestamp",
        }),
    },
    {
        name: "checkout_sessions",
        role: "checkout-sessions",
        title: "checkout sessions",
        family: "checkout.session.",
        file: "views/checkout_sessions.sql",
        columns: cols({
            ...EVENT_COLUMNS,
            session_id: "string",
            customer_id: "string",
            status: "string",
            payment_status: "string",
            mode: "string",
            currency: "string",
            amount_subtotal: "bigint",
            amount_total: "bigint",
            subscription_id: "string",
            payment_intent_id: "string",
            created_at: "timestamp",
        }),
    },
    {
        name: "payment_intents",
        role: "payment-intents",
        title: "payment intents",
        family: "payment_intent.",
        file: "views/payment_intents.sql",
        columns: cols({
            ...EVENT_COLUMNS,
            payment_intent_id: "string",
            customer_id: "string",
            status: "string",
            currency: "string",
            amount: "bigint",
            amount_received: "bigint",
            failure_code: "string",
            decline_code: "string",
            failure_type: "string",
            cancellation_reason: "string",
            created_at: "timestamp",
            canceled_at: "timestamp",
        }),
    },
    {
        name: "invoices",
        role: "invoices",
        title: "invoices",
        family: "invoice.",
        file: "views/invoices.sql",
        columns: cols({
            ...EVENT_COLUMNS,
            invoice_id: "string",
            customer_id: "string",
            subscription_id: "string",
            status: "string",
            billing_reason: "string",
            currency: "string",
            amount_due: "bigint",
            amount_paid: "bigint",
            amount_remaining: "bigint",
            created_at: "timestamp",
            period_start: "timestamp",
            period_end: "timestamp",
        }),
    },
    {
        name: "charges",
        role: "charges",
        title: "charges",
        family: "charge.",
        file: "views/charges.sql",
        columns: cols({
            ...EVENT_COLUMNS,
            charge_id: "string",
            customer_id: "string",
            payment_intent_id: "string",
            status: "string",
            currency: "string",
            amount: "bigint",
            amount_captured: "bigint",
            amount_refunded: "bigint",
            refunded_amount: "bigint",
            refunded: "boolean",
            created_at: "timestamp",
        }),
    },
    // The subscription metrics, over the subscriptions view, discounts and coupons (read from the
    // lake table: customer.discount.* and coupon.* events) and metric_settings.
    {
        name: "subscription_mrr",
        role: "subscription-mrr",
        title: "subscription MRR over time",
        family: "customer.subscription.",
        file: "views/subscription_mrr.sql",
        readsSettings: true,
        dataSet: false,
        columns: cols({
            subscription_id: "string",
            customer_id: "string",
            ...SEGMENT_COLUMNS,
            status: "string",
            valid_from: "timestamp",
            valid_to: "timestamp",
            gross_mrr: "double",
            mrr: "double",
        }),
    },
    {
        name: "mrr_movements",
        role: "mrr-movements",
        title: "MRR movements",
        family: "customer.subscription.",
        file: "views/mrr_movements.sql",
        readsSettings: true,
        dataSet: false,
        columns: cols({
            customer_id: "string",
            ...SEGMENT_COLUMNS,
            changed_at: "timestamp",
            month: "date",
            movement: "string",
            amount: "double",
            mrr_before: "double",
            mrr_after: "double",
        }),
    },
    {
        name: "metrics_by_month",
        role: "metrics-by-month",
        title: "subscription metrics by month",
        family: "customer.subscription.",
        file: "views/metrics_by_month.sql",
        readsSettings: true,
        columns: cols({
            month: "date",
            ...SEGMENT_COLUMNS,
            is_latest_month: "boolean",
            mrr: "double",
            mrr_at_start: "double",
            active_subscribers: "bigint",
            active_subscribers_at_start: "bigint",
            new_subscribers: "bigint",
            churned_subscribers: "bigint",
            reactivated_subscribers: "bigint",
            new_mrr: "double",
            expansion_mrr: "double",
            contraction_mrr: "double",
            churned_mrr: "double",
            reactivation_mrr: "double",
            churn_rate: "double",
            arpu: "double",
        }),
    },
];

/** The metric_settings view's columns (metricSettings.ts builds its one row). */
export const METRIC_SETTINGS_COLUMNS_TYPED: ViewColumn[] = METRIC_SETTINGS_COLUMNS.map((name) => ({ name, type: "boolean" }));

/** The views of the families the pipeline archives at least one event type of. */
export function configuredViews(eventTypes: readonly string[]): ViewDefinition[] {
    return VIEWS.filter((v) => eventTypes.some((t) => t.startsWith(v.family)));
}

export const METRIC_NAMES = ["mrr", "active_subscriptions", "subscription_movements", "payments"] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export interface MetricDefinition {
    name: MetricName;
    /** Role in child resource names: `${name}-query-<role>`. */
    role: string;
    /** Name of the saved query in the Athena console. */
    title: string;
    file: string;
    /** Event types without which the metric is wrong, not just incomplete. */
    requires: readonly string[];
}

const SUBSCRIPTION_LIFECYCLE = ["customer.subscription.created", "customer.subscription.deleted"];

export const METRICS: readonly MetricDefinition[] = [
    // Without deletions a canceled subscription would stay in MRR for ever.
    { name: "mrr", role: "mrr", title: "MRR by currency and month", file: "queries/mrr_by_month.sql", requires: SUBSCRIPTION_LIFECYCLE },
    { name: "active_subscriptions", role: "active-subscriptions", title: "Active subscriptions and MRR by currency", file: "queries/active_subscriptions.sql", requires: SUBSCRIPTION_LIFECYCLE },
    { name: "subscription_movements", role: "subscription-movements", title: "New vs churned subscriptions by month", file: "queries/subscription_movements.sql", requires: SUBSCRIPTION_LIFECYCLE },
    { name: "payments", role: "payments", title: "Payment volume and failure rate by day", file: "queries/payments_by_day.sql", requires: ["payment_intent.succeeded", "payment_intent.payment_failed"] },
];

/**
 * Saved queries that go with a metric when their event types are archived too: refunds with the
 * payments, from charge.refunded events.
 */
export interface SupplementaryQuery {
    metric: MetricName;
    role: string;
    title: string;
    file: string;
    requires: readonly string[];
}

export const SUPPLEMENTARY_QUERIES: readonly SupplementaryQuery[] = [
    { metric: "payments", role: "refunds", title: "Refunds by day", file: "queries/refunds_by_day.sql", requires: ["charge.refunded"] },
];

/** The supplementary queries of the selected metrics whose event types are all among `eventTypes`. */
export function supplementaryQueries(metrics: readonly MetricName[], eventTypes: readonly string[]): SupplementaryQuery[] {
    return SUPPLEMENTARY_QUERIES.filter((q) => metrics.includes(q.metric) && q.requires.every((t) => eventTypes.includes(t)));
}

export function metric(name: MetricName): MetricDefinition {
    return METRICS.find((m) => m.name === name)!;
}

/** The event types a metric needs that are not among `eventTypes`. */
export function missingEventTypes(name: MetricName, eventTypes: readonly string[]): string[] {
    return metric(name).requires.filter((t) => !eventTypes.includes(t));
}

/** Every metric whose event types are all among `eventTypes`. */
export function availableMetrics(eventTypes: readonly string[]): MetricName[] {
    return METRIC_NAMES.filter((m) => missingEventTypes(m, eventTypes).length === 0);
}

/**
 * The event types MRR needs to be net of discounts: a subscription's `discounts` are ids in event
 * payloads, the discount (its target, coupon, start and end) arrives as customer.discount.* and the
 * coupon's terms as coupon.* (docs/metrics.md).
 */
export const NET_MRR_EVENT_TYPES = ["customer.discount.created", "customer.discount.deleted", "coupon.created"] as const;

/** What MRR misses when discounts or coupons are not archived: logged at deployment like metricCaveats. */
export function discountCaveats(eventTypes: readonly string[], metrics: readonly MetricName[]): string[] {
    const stateMetrics = metrics.filter((m) => m === "mrr" || m === "active_subscriptions");
    const missing = NET_MRR_EVENT_TYPES.filter((t) => !eventTypes.includes(t));
    if (stateMetrics.length === 0 || missing.length === 0) return [];
    return [
        `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not archived, so ${stateMetrics.join(" and ")} ${stateMetrics.length === 1 ? "is" : "are"} at list prices for discounts and coupons it does not see: ` +
            `a subscription's discounts are ids in its events, their coupons and dates come from these events. ` +
            `Archive "customer.discount.*" and "coupon.*" for MRR net of discounts (npm run backfill -- --objects coupons,discounts fetches the ones that predate the stack).`,
    ];
}

/** What the local report says when discounts in the lake name coupons it has no terms for. */
export function unknownCouponCaveat(discounts: number, coupons: number): string {
    return (
        `${discounts} discount${discounts === 1 ? "" : "s"} in the lake name${discounts === 1 ? "s" : ""} ${coupons} coupon${coupons === 1 ? "" : "s"} without a coupon.* event, so MRR does not deduct ${discounts === 1 ? "it" : "them"}. ` +
        `Archive "coupon.*", or fetch the coupons with npm run backfill -- --objects coupons.`
    );
}

/** Event type whose absence makes subscription state metrics see only each subscription's start. */
export const SUBSCRIPTION_UPDATED = "customer.subscription.updated";

/**
 * What the numbers mean with these event types, where it is less than they say: the component
 * logs these at deployment (configured types) and the local report prints them (types in the lake).
 */
export function metricCaveats(eventTypes: readonly string[], metrics: readonly MetricName[]): string[] {
    const stateMetrics = metrics.filter((m) => m === "mrr" || m === "active_subscriptions");
    if (stateMetrics.length > 0 && !eventTypes.includes(SUBSCRIPTION_UPDATED)) {
        return [
            `${SUBSCRIPTION_UPDATED} is not archived, so for ${stateMetrics.join(" and ")} every subscription stays as it was created until it is deleted: ` +
                `upgrades, quantity changes, trials ending and incomplete subscriptions becoming active are not counted. ` +
                `Archive "customer.subscription.*" for exact figures.`,
        ];
    }
    return [];
}
