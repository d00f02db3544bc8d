import { PipelineConfigError } from "../errors";

/**
 * The lake's object layout, the one definition of it: every writer (the state machine's
 * States.Format template, the receiver's oversize path, the local pipeline, backfills), the Glue
 * table's partition projection and partition keys, and every reader (the local report) derive
 * from `keyBelowPrefix` here. One key per Stripe event id, so a redelivered or backfilled event
 * overwrites its own object instead of adding a duplicate.
 *
 *   <prefix>/type=<event type>/dt=<YYYY-MM-DD of the event's `created`, UTC>/<event id>.json
 *
 * `type` and `dt` are Hive-style partitions, so Athena can prune on them.
 */
export const DEFAULT_LAKE_PREFIX = "events";

/** The partitions, in key order. */
export const PARTITION_KEYS = ["type", "dt"] as const;
export type PartitionKey = (typeof PARTITION_KEYS)[number];
/** The fields a key is made of: the partitions, and the event id as the object's name. */
export type KeyField = PartitionKey | "id";

/** The fields of a Stripe event the key is made of. */
export interface EventKeyFields {
    id: string;
    type: string;
    created: number;
}

/** Event ids and types go into S3 keys verbatim, so only Stripe's own alphabet is accepted. */
export const EVENT_ID_PATTERN = /^evt_[A-Za-z0-9_]{1,255}$/;
export const EVENT_TYPE_PATTERN = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;

/** The partition directories, each value spelled by `value`: `type=<type>/dt=<dt>`. */
export function partitionPath(value: (key: PartitionKey) => string): string {
    return PARTITION_KEYS.map((key) => `${key}=${value(key)}`).join("/");
}

/** The key below the prefix, each field spelled by `field`: the layout itself. */
function keyBelowPrefix(field: (name: KeyField) => string): string {
    return `${partitionPath(field)}/${field("id")}.json`;
}

/**
 * The key below the prefix with `placeholder` in place of every field, and the fields in the order
 * they appear, for templates that take their values positionally (Step Functions' States.Format).
 */
export function keyTemplate(placeholder: string): { template: string; fields: KeyField[] } {
    const fields: KeyField[] = [];
    const template = keyBelowPrefix((name) => {
        fields.push(name);
        return placeholder;
    });
    return { template, fields };
}

/** UTC calendar day of a unix timestamp in seconds, as EventBridge's `time` field starts with it. */
export function eventDate(createdUnixSeconds: number): string {
    return new Date(createdUnixSeconds * 1000).toISOString().slice(0, 10);
}

/** The object key of one event. Throws on ids or types that could escape the layout. */
export function objectKey(prefix: string, event: EventKeyFields): string {
    if (!EVENT_ID_PATTERN.test(event.id) || !EVENT_TYPE_PATTERN.test(event.type) || !Number.isSafeInteger(event.created)) {
        throw new Error(`Refusing to build a lake key from id=${JSON.stringify(event.id)} type=${JSON.stringify(event.type)} created=${JSON.stringify(event.created)}`);
    }
    const values: Record<KeyField, string> = { type: event.type, dt: eventDate(event.created), id: event.id };
    return `${prefix}/${keyBelowPrefix((name) => values[name])}`;
}

/** What each field of a key found in a bucket may hold. */
const FIELD_PATTERNS: Record<KeyField, string> = { type: "[^/]+", dt: "\\d{4}-\\d{2}-\\d{2}", id: "[^/]+" };

/**
 * The key below the prefix as a pattern: the layout's literal text, with a named group per field.
 * Marked pure so bundles that only write keys (the receiver's) leave the readers' pattern out.
 */
const KEY_PATTERN = /* @__PURE__ */ (() => {
    const slot = "\u0000";
    const { template, fields } = keyTemplate(slot);
    const literals = template.split(slot).map((text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    return new RegExp(`^${literals.map((text, i) => (i < fields.length ? `${text}(?<${fields[i]}>${FIELD_PATTERNS[fields[i]]})` : text)).join("")}$`);
})();

/** The partition values and event id an object key carries; undefined for a key outside the layout (or another prefix). */
export function parseObjectKey(prefix: string, key: string): Record<KeyField, string> | undefined {
    if (!key.startsWith(`${prefix}/`)) return undefined;
    const groups = KEY_PATTERN.exec(key.slice(prefix.length + 1))?.groups;
    return groups ? { type: groups.type, dt: groups.dt, id: groups.id } : undefined;
}

/** S3 location of everything under the prefix: the lake table's location and the manifest's URI prefix. */
export function lakeLocation(bucketName: string, lakePrefix: string): string {
    return `s3://${bucketName}/${lakePrefix}/`;
}

/** Validates the key prefix: S3-safe path segments, no leading or trailing slash. */
export function validateLakePrefix(prefix: unknown, key = "lakePrefix"): string {
    if (typeof prefix !== "string" || !/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(prefix)) {
        throw new PipelineConfigError(
            key,
            prefix,
            "the lake prefix must be one or more path segments of letters, digits, '-' or '_', separated by '/', without leading or trailing '/'",
            `use something like "${DEFAULT_LAKE_PREFIX}" or "stripe/events"`,
        );
    }
    return prefix;
}
