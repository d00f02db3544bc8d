import { PipelineConfigError } from "../errors";

/**
 * The lake's object layout, shared by everything that writes events: the state machine
 * (as a States.Format expression, see workflow/definition.ts), the receiver's oversize path,
 * the local pipeline and backfills. One key per Stripe event id, so a redelivered or
 * backfilled event overwrites its own object instead of adding a duplicate.
 *
 *   <prefix>/type=<event type>/dt=<YYYY-MM-DD of the event's `created`, UTC>/<event id>.json
 *
 * `type` and `dt` are Hive-style partitions, so Athena can prune on them.
 */
export const DEFAULT_LAKE_PREFIX = "events";

/** EventBridge `source` of every entry the receiver publishes; the rule matches only this source. */
export const EVENT_SOURCE = "stripe-analytics.webhook";

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
    return `${prefix}/type=${event.type}/dt=${eventDate(event.created)}/${event.id}.json`;
}

/** The partition values and event id an object key carries; undefined for a key outside the layout (or another prefix). */
export function parseObjectKey(prefix: string, key: string): { type: string; dt: string; id: string } | undefined {
    if (!key.startsWith(`${prefix}/`)) return undefined;
    const match = /^type=([^/]+)\/dt=(\d{4}-\d{2}-\d{2})\/([^/]+)\.json$/.exec(key.slice(prefix.length + 1));
    return match ? { type: match[1], dt: match[2], id: match[3] } : undefined;
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
