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
export const EVENT_ID_PATTERN = /^evt_[A-Za-z0-9_]{1,255}$/;
export const EVENT_TYPE_PATTERN = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;

/** UTC calendar day of a unix timestamp in seconds, as EventBridge's `time` field starts with it. */
export function eventDate(createdUnixSeconds: number): string {
    return new Date(createdUnixSeconds * 1000).toISOString().slice(0, 10);
}

/** The object key of one event. Throws on ids or types that could escape the layout. */
export function objectKey(prefix: string, event: EventKeyFields): string {
    if (!EVENT_ID_PATTERN.test(event.id) || !EVENT_TYPE_PATTERN.test(event.type) || !Number.isSafeInteger(event.created)) {
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
    return prefix;
}
