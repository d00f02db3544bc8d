/** Stripe events shaped like the API's, for tests. */
let counter = 0;

export interface TestEvent {
    id: string;
    object: "event";
    api_version: string;
    created: number;
    livemode: boolean;
    type: string;
    pending_webhooks: number;
    request: { id: string | null; idempotency_key: string | null };
    data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
}

export interface EventOptions {
    /** The event id; by default a fresh one. */
    id?: string;
    /** `data.previous_attributes`, as `*.updated` events carry it. */
    previousAttributes?: Record<string, unknown>;
}

export function stripeEvent(type: string, object: Record<string, unknown> = {}, created = 1764158400 /* 2025-11-26T12:00:00Z */, options: EventOptions = {}): TestEvent {
    counter += 1;
    return {
        id: options.id ?? `evt_1Test${String(counter).padStart(6, "0")}Abc`,
        object: "event",
        api_version: "2025-10-29.clover",
        created,
        livemode: false,
        type,
        pending_webhooks: 1,
        request: { id: `req_${counter}`, idempotency_key: null },
        data: {
            object: { id: `obj_${counter}`, object: type.split(".").slice(0, -1).join("."), ...object },
            ...(options.previousAttributes ? { previous_attributes: options.previousAttributes } : {}),
        },
    };
}
