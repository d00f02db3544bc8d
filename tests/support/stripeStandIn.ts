/**
 * A stand-in for api.stripe.com's list endpoints, with the behaviour the backfill depends on:
 * newest-first order, `limit`, `starting_after` cursors, `has_more`, `created[...]` ranges,
 * `types[]` filtering on /v1/events (at most 20), `status=all` on subscriptions, bearer auth.
 * Response and error bodies follow the documented shapes
 * (https://docs.stripe.com/api/pagination, https://docs.stripe.com/api/errors); the events come
 * from the fixtures' `stripeEvent`.
 */
import { stripeEvent } from "../../fixtures/stripeEvents";
import { subscription } from "../../fixtures/stripeObjects";
import { RecordedRequest, StandIn, StandInResponse, startStandIn } from "./standIns";

export interface ListedFixture {
    id: string;
    created: number;
    [field: string]: unknown;
}

const json = (status: number, body: object): StandInResponse => ({ status, headers: { "content-type": "application/json", "request-id": "req_standin" }, body: JSON.stringify(body) });

const invalidRequest = (status: number, message: string, extra: object = {}) => json(status, { error: { type: "invalid_request_error", message, ...extra } });

/** What Stripe answers when the rate limiter trips (HTTP 429). */
export const RATE_LIMITED = invalidRequest(429, "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.", { code: "rate_limit" });

/** Query parameters the Stripe SDK sends (`types[0]=a&created[gte]=1`), grouped. */
export function parseQuery(url: string): { path: string; scalars: Record<string, string>; arrays: Record<string, string[]>; ranges: Record<string, Record<string, number>> } {
    const parsed = new URL(url, "http://stand.in");
    const scalars: Record<string, string> = {};
    const arrays: Record<string, string[]> = {};
    const ranges: Record<string, Record<string, number>> = {};
    for (const [key, value] of parsed.searchParams) {
        const indexed = /^(\w+)\[(\d+)\]$/.exec(key);
        const ranged = /^(\w+)\[(gte|gt|lte|lt)\]$/.exec(key);
        if (indexed) {
            (arrays[indexed[1]] ??= [])[Number(indexed[2])] = value;
        } else if (ranged) {
            (ranges[ranged[1]] ??= {})[ranged[2]] = Number(value);
        } else {
            scalars[key] = value;
        }
    }
    return { path: parsed.pathname, scalars, arrays, ranges };
}

function inRange(created: number, range: Record<string, number> | undefined): boolean {
    if (!range) return true;
    return (range.gte === undefined || created >= range.gte) && (range.gt === undefined || created > range.gt) && (range.lte === undefined || created <= range.lte) && (range.lt === undefined || created < range.lt);
}

/**
 * Serves `lists` (path → items). `intercept` may answer a request instead (to inject 429s), given
 * the request and how many list requests came before it.
 */
export function startStripeStandIn(lists: Record<string, ListedFixture[]>, intercept?: (request: RecordedRequest, index: number) => StandInResponse | undefined): Promise<StandIn> {
    let index = 0;
    return startStandIn((request) => {
        const injected = intercept?.(request, index++);
        if (injected) return injected;
        if (!/^Bearer (sk|rk)_(test|live)_\w+$/.test(String(request.headers.authorization))) {
            return invalidRequest(401, "You did not provide an API key.");
        }
        const { path, scalars, arrays, ranges } = parseQuery(request.url);
        const items = lists[path];
        if (request.method !== "GET" || !items) {
            return invalidRequest(404, `Unrecognized request URL (${request.method}: ${path}).`);
        }
        const types = arrays.types;
        if (types && types.length > 20) {
            return invalidRequest(400, "Invalid array: types must have at most 20 elements", { param: "types" });
        }
        const limit = Number(scalars.limit ?? 10);
        if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
            return invalidRequest(400, "Invalid integer: limit must be between 1 and 100", { param: "limit" });
        }
        if (path === "/v1/subscriptions" && scalars.status !== "all") {
            // Without status=all, Stripe leaves canceled subscriptions out.
            return json(200, { object: "list", url: path, has_more: false, data: items.filter((s) => s.status !== "canceled") });
        }
        const matching = items
            .filter((item) => (!types || types.includes(String(item.type))) && inRange(item.created, ranges.created))
            .sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1));
        let start = 0;
        if (scalars.starting_after !== undefined) {
            const at = matching.findIndex((item) => item.id === scalars.starting_after);
            if (at < 0) {
                return invalidRequest(404, `No such object: '${scalars.starting_after}'`, { code: "resource_missing", param: "starting_after" });
            }
            start = at + 1;
        }
        const data = matching.slice(start, start + limit);
        return json(200, { object: "list", url: path, has_more: start + limit < matching.length, data });
    });
}

/** A Stripe event as the API returns it, around a subscription object. */
export function fixtureEvent(n: number, type: string, created: number): ListedFixture {
    const tag = String(n).padStart(6, "0");
    const price = { id: "price_monthly", product: "prod_monthly", currency: "eur", unitAmount: 1500, interval: "month" } as const;
    const object = subscription({ id: `sub_1QstandIn${tag}`, customer: `cus_standIn${n % 7}`, currency: "eur", status: "active", created, items: [{ id: `si_${n}`, price, quantity: 1 }] });
    return { ...stripeEvent(type, object, created, { id: `evt_1QstandIn${tag}` }) };
}
