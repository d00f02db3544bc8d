import * as fs from "fs";
import * as path from "path";
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
}

const cols = (spec: Record<string, ScalarType>): ViewColumn[] => Object.entries(spec).map(([name, type]) => ({ name, type }));

/** Columns every view starts with: the event a row comes from and its place in the object's history. */
const EVENT_COLUMNS = { event_id: "string", event_type: "string", event_time: "timestamp", dt: "string", version: "bigint", is_latest: "boolean" } as const;

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
            monthly_amount: "double",
            cancel_at_period_end: "boolean",
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
];

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
