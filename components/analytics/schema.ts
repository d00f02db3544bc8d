/**
 * The shape of the lake as a table, in one place: the Glue table declares it in Hive type syntax,
 * the local report reads the same files with DuckDB using the same declaration, and the views'
 * columns are typed with the same scalar types, rendered per system (Glue, Athena view metadata,
 * DuckDB, QuickSight).
 */
import { PARTITION_KEYS } from "../lake/layout";

export type ScalarType = "string" | "bigint" | "double" | "boolean" | "timestamp" | "date";
export type ColumnType = ScalarType | { struct: Field[] } | { array: ColumnType } | { map: [ScalarType, ScalarType] };

export interface Field {
    name: string;
    type: ColumnType;
}

/** A column of a view: scalars only, so QuickSight can import every one. */
export interface ViewColumn {
    name: string;
    type: ScalarType;
}

interface ScalarSpelling {
    /** Glue / Hive DDL type, as Glue column types and the Athena table use it. */
    hive: string;
    /** Trino type, as the `columns` of an Athena ("Presto") view definition use it. */
    presto: string;
    duckdb: string;
    /**
     * QuickSight InputColumn type. QuickSight has no boolean field type: it promotes booleans to
     * integers, read as BIT. https://docs.aws.amazon.com/quicksight/latest/user/supported-data-types.html
     * https://docs.aws.amazon.com/quicksight/latest/APIReference/API_InputColumn.html
     */
    quicksight: string;
}

const SCALARS: Record<ScalarType, ScalarSpelling> = {
    string: { hive: "string", presto: "varchar", duckdb: "VARCHAR", quicksight: "STRING" },
    bigint: { hive: "bigint", presto: "bigint", duckdb: "BIGINT", quicksight: "INTEGER" },
    double: { hive: "double", presto: "double", duckdb: "DOUBLE", quicksight: "DECIMAL" },
    boolean: { hive: "boolean", presto: "boolean", duckdb: "BOOLEAN", quicksight: "BIT" },
    // Athena's `timestamp` is timestamp(3); a view column declared `timestamp` accepts it.
    timestamp: { hive: "timestamp", presto: "timestamp", duckdb: "TIMESTAMP", quicksight: "DATETIME" },
    date: { hive: "date", presto: "date", duckdb: "DATE", quicksight: "DATETIME" },
};

export function scalarSpelling(type: ScalarType): ScalarSpelling {
    return SCALARS[type];
}

/** Hive type string of a column, e.g. `struct<id:string,items:array<bigint>>`. */
export function hiveType(type: ColumnType): string {
    if (typeof type === "string") return SCALARS[type].hive;
    if ("struct" in type) return `struct<${type.struct.map((f) => `${f.name}:${hiveType(f.type)}`).join(",")}>`;
    if ("array" in type) return `array<${hiveType(type.array)}>`;
    return `map<${SCALARS[type.map[0]].hive},${SCALARS[type.map[1]].hive}>`;
}

/** DuckDB type of a column, e.g. `STRUCT("id" VARCHAR, "items" BIGINT[])`. Field names are quoted (`interval` is a keyword). */
export function duckdbType(type: ColumnType): string {
    if (typeof type === "string") return SCALARS[type].duckdb;
    if ("struct" in type) return `STRUCT(${type.struct.map((f) => `"${f.name}" ${duckdbType(f.type)}`).join(", ")})`;
    if ("array" in type) return `${duckdbType(type.array)}[]`;
    return `MAP(${SCALARS[type.map[0]].duckdb}, ${SCALARS[type.map[1]].duckdb})`;
}

const struct = (fields: Record<string, ColumnType>): ColumnType => ({ struct: Object.entries(fields).map(([name, type]) => ({ name, type })) });

/**
 * The fields of `data.object` the views read, for every event family they cover (subscriptions,
 * checkout sessions, payment intents, invoices). One struct serves all families: a field a family
 * lacks is null, and every field has the same JSON type in every Stripe object that has it (e.g.
 * `canceled_at` is a unix time on subscriptions and payment intents alike), so no family's
 * documents fail to parse. Webhook payloads never expand ids, so `customer`, `subscription` and
 * `payment_intent` are always strings. https://docs.stripe.com/api/events/object
 */
export const STRIPE_OBJECT_TYPE = struct({
    id: "string",
    object: "string",
    customer: "string",
    status: "string",
    currency: "string",
    created: "bigint",
    livemode: "boolean",
    metadata: { map: ["string", "string"] },
    // Subscriptions. https://docs.stripe.com/api/subscriptions/object
    items: struct({
        data: {
            array: struct({
                id: "string",
                quantity: "bigint",
                price: struct({
                    id: "string",
                    product: "string",
                    currency: "string",
                    unit_amount: "bigint",
                    recurring: struct({ interval: "string", interval_count: "bigint", usage_type: "string" }),
                }),
            }),
        },
    }),
    cancel_at_period_end: "boolean",
    cancel_at: "bigint",
    canceled_at: "bigint",
    ended_at: "bigint",
    start_date: "bigint",
    trial_end: "bigint",
    // Checkout sessions. https://docs.stripe.com/api/checkout/sessions/object
    mode: "string",
    payment_status: "string",
    amount_subtotal: "bigint",
    amount_total: "bigint",
    subscription: "string",
    payment_intent: "string",
    // Payment intents. https://docs.stripe.com/api/payment_intents/object
    amount: "bigint",
    amount_received: "bigint",
    cancellation_reason: "string",
    last_payment_error: struct({ code: "string", decline_code: "string", type: "string" }),
    // Invoices; since API version 2025-03-31 the subscription is under `parent`. https://docs.stripe.com/api/invoices/object
    billing_reason: "string",
    amount_due: "bigint",
    amount_paid: "bigint",
    amount_remaining: "bigint",
    period_start: "bigint",
    period_end: "bigint",
    parent: struct({ subscription_details: struct({ subscription: "string" }) }),
    // Discounts (customer.discount.*): since API version 2025-09-30 the coupon is an id under
    // `source`; earlier versions embed the whole coupon as `coupon`. https://docs.stripe.com/api/discounts/object
    subscription_item: "string",
    source: struct({ type: "string", coupon: "string" }),
    coupon: struct({ id: "string", percent_off: "double", amount_off: "bigint", currency: "string", duration: "string" }),
    start: "bigint",
    end: "bigint",
    // Coupons (coupon.*); `percent_off` may have decimals. https://docs.stripe.com/api/coupons/object
    percent_off: "double",
    amount_off: "bigint",
    duration: "string",
    duration_in_months: "bigint",
    // Charges (charge.*): `amount_refunded` is the running total of refunds. https://docs.stripe.com/api/charges/object
    amount_captured: "bigint",
    amount_refunded: "bigint",
    refunded: "boolean",
});

/**
 * The data columns of the lake table: the top-level fields of a Stripe event. `type` is not among
 * them because it is a partition key (its value is the same as the document's `type`).
 */
export const LAKE_COLUMNS: Field[] = [
    { name: "id", type: "string" },
    { name: "object", type: "string" },
    { name: "api_version", type: "string" },
    { name: "created", type: "bigint" },
    { name: "livemode", type: "boolean" },
    // The connected account an event happened on, for a Connect platform's endpoint; absent otherwise.
    // https://docs.stripe.com/connect/webhooks
    { name: "account", type: "string" },
    { name: "data", type: struct({ object: STRIPE_OBJECT_TYPE }) },
];

/** Partition keys, in key order, as the lake layout defines them (components/lake/layout.ts); their values are text. */
export const LAKE_PARTITION_KEYS: Field[] = PARTITION_KEYS.map((name) => ({ name, type: "string" }));
