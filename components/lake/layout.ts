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
export const EVENT_ID_PATTERN = /^evt_[A-Za-z0-9_]+$/;
export const EVENT_TYPE_PATTERN = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;

/**
 * Longest event id the lake holds. Stripe allows itself ids of up to 255 characters
 * (https://docs.stripe.com/upgrades, backwards-compatible changes); its event ids are 28
 * (`evt_` + 24). What binds is the local lake: the id is a file name, `<id>.json`, written through
 * a temporary `<id>.json.<uuid>.tmp` (41 bytes more), and Linux file names hold 255 bytes
 * (NAME_MAX). 255 - 5 - 41 = 209; 200 keeps a few bytes for that temporary name to change.
 */
export const MAX_EVENT_ID_LENGTH = 200;

/**
 * Longest event type the lake holds: EventBridge takes a DetailType of at most 128 characters
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEventsRequestEntry.html), and
 * the longest type Stripe sends today (events/catalog.generated.ts) has 70, so 58 characters are
 * left for longer types to come; a `type=<type>` folder of 133 bytes fits NAME_MAX locally.
 */
export const MAX_EVENT_TYPE_LENGTH = 128;

/** S3's longest object key, in UTF-8 bytes (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html). */
export const MAX_OBJECT_KEY_BYTES = 1024;

/** What S3's key leaves for the prefix once the rest of the key is at its longest (670 characters). */
export const MAX_LAKE_PREFIX_LENGTH = MAX_OBJECT_KEY_BYTES - `/type=${"t".repeat(MAX_EVENT_TYPE_LENGTH)}/dt=YYYY-MM-DD/${"i".repeat(MAX_EVENT_ID_LENGTH)}.json`.length;

/** Linux's longest file name in bytes (NAME_MAX): every segment of a key is a folder or file in the local lake. */
export const MAX_LOCAL_NAME_BYTES = 255;

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
    if (
        !EVENT_ID_PATTERN.test(event.id) ||
        event.id.length > MAX_EVENT_ID_LENGTH ||
        !EVENT_TYPE_PATTERN.test(event.type) ||
        event.type.length > MAX_EVENT_TYPE_LENGTH ||
        !Number.isSafeInteger(event.created)
    ) {
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
    if (prefix.length > MAX_LAKE_PREFIX_LENGTH || prefix.split("/").some((segment) => segment.length > MAX_LOCAL_NAME_BYTES)) {
        throw new PipelineConfigError(
            key,
            prefix,
            `the lake prefix must be at most ${MAX_LAKE_PREFIX_LENGTH} characters, with no segment over ${MAX_LOCAL_NAME_BYTES}, so that every event's key fits S3's ${MAX_OBJECT_KEY_BYTES} bytes and the local lake's folder names`,
            "use a shorter prefix",
        );
    }
    return prefix;
}
