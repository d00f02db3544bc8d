import { strict as assert } from "assert";
import { selectEventTypes } from "../../../components/events/eventTypes";
import { buildEventPattern, EVENT_SOURCE, matchesEventPattern } from "../../../components/routing/eventPattern";
import { toEventBridgeEvent } from "../../../lib/eventBridge";
import { stripeEvent } from "../../../fixtures/stripeEvents";

function published(type: string, source = EVENT_SOURCE) {
    const event = stripeEvent(type);
    return toEventBridgeEvent({ Source: source, DetailType: type, Detail: JSON.stringify(event), Time: new Date(event.created * 1000) }) as unknown as Record<string, unknown>;
}

describe("event pattern", function () {
    const pattern = buildEventPattern(selectEventTypes(["payment_intent.*", "customer.subscription.deleted"])) as unknown as Record<string, unknown>;

    it("is the receiver's source and the configured types, families as prefixes", function () {
        assert.deepEqual(pattern, {
            source: ["stripe-analytics.webhook"],
            "detail-type": ["checkout.session.completed", "customer.subscription.created", "customer.subscription.deleted", { prefix: "payment_intent." }],
        });
    });

    it("matches every configured type, including each member of a family", function () {
        for (const type of ["checkout.session.completed", "customer.subscription.created", "customer.subscription.deleted", "payment_intent.succeeded", "payment_intent.payment_failed"]) {
            assert.ok(matchesEventPattern(pattern, published(type)), type);
        }
    });

    it("does not match other types, look-alike prefixes or other sources", function () {
        for (const type of ["customer.subscription.updated", "invoice.paid", "checkout.session.expired", "payment_intent_foo.created"]) {
            assert.ok(!matchesEventPattern(pattern, published(type)), type);
        }
        assert.ok(!matchesEventPattern(pattern, published("payment_intent.succeeded", "someone.else")));
    });

    it("matches nested fields and array values the way EventBridge does", function () {
        const nested = { detail: { livemode: [false] }, source: [EVENT_SOURCE] };
        assert.ok(matchesEventPattern(nested, published("invoice.paid")));
        assert.ok(!matchesEventPattern({ detail: { livemode: [true] } }, published("invoice.paid")));
        assert.ok(matchesEventPattern({ resources: ["b"] }, { resources: ["a", "b"] }));
        assert.ok(!matchesEventPattern({ detail: { missing: ["x"] } }, published("invoice.paid")));
    });

    it("refuses operators it does not implement instead of guessing", function () {
        assert.throws(() => matchesEventPattern({ source: [{ "anything-but": "x" }] }, published("invoice.paid")), /Unsupported event pattern operator/);
        assert.throws(() => matchesEventPattern({ source: "x" }, published("invoice.paid")), /must be an array/);
    });
});
