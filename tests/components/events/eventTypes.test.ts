import { strict as assert } from "assert";
import * as fs from "fs";
import { CATALOG_PATH, readStripeEventTypes, renderCatalog } from "../../../scripts/generate-event-catalog";
import { DEFAULT_EVENT_TYPES, selectEventTypes, suggestEventType } from "../../../components/events/eventTypes";
import { STRIPE_EVENT_TYPES } from "../../../components/events/catalog.generated";

describe("Stripe event type catalog", function () {
    it("matches the installed stripe SDK (run `npm run generate:catalog` after upgrading stripe)", function () {
        assert.equal(fs.readFileSync(CATALOG_PATH, "utf8"), renderCatalog(readStripeEventTypes()));
    });

    it("holds the real types this project relies on, and not the ones people guess", function () {
        for (const t of [...DEFAULT_EVENT_TYPES, "customer.subscription.deleted", "customer.subscription.updated", "payment_intent.succeeded", "invoice.paid"]) {
            assert.ok(STRIPE_EVENT_TYPES.includes(t), t);
        }
        assert.ok(!STRIPE_EVENT_TYPES.includes("customer.subscription.canceled"));
        assert.ok(!STRIPE_EVENT_TYPES.includes("*"));
    });
});

describe("selectEventTypes", function () {
    it("defaults to checkout.session.completed and customer.subscription.created", function () {
        assert.deepEqual(selectEventTypes(), {
            exact: ["checkout.session.completed", "customer.subscription.created"],
            prefixes: [],
            enabledEvents: ["checkout.session.completed", "customer.subscription.created"],
        });
    });

    it("adds exact types and expands family wildcards for the webhook endpoint", function () {
        const selection = selectEventTypes(["payment_intent.*", "customer.subscription.deleted"]);
        assert.deepEqual(selection.exact, ["checkout.session.completed", "customer.subscription.created", "customer.subscription.deleted"]);
        assert.deepEqual(selection.prefixes, ["payment_intent."]);
        assert.deepEqual(
            selection.enabledEvents,
            STRIPE_EVENT_TYPES.filter((t) => t.startsWith("payment_intent.") || ["checkout.session.completed", "customer.subscription.created", "customer.subscription.deleted"].includes(t)),
        );
        assert.ok(selection.enabledEvents.includes("payment_intent.payment_failed"));
    });

    it("drops exact types a family already covers, and duplicates", function () {
        const selection = selectEventTypes(["customer.subscription.*", "customer.subscription.deleted", "customer.subscription.*"]);
        assert.deepEqual(selection.exact, ["checkout.session.completed"]);
        assert.deepEqual(selection.prefixes, ["customer.subscription."]);
        assert.equal(new Set(selection.enabledEvents).size, selection.enabledEvents.length);
    });

    it("accepts nested families such as treasury.outbound_payment.*", function () {
        const selection = selectEventTypes(["treasury.outbound_payment.*"]);
        assert.deepEqual(selection.prefixes, ["treasury.outbound_payment."]);
        assert.ok(selection.enabledEvents.every((t) => !t.startsWith("treasury.") || t.startsWith("treasury.outbound_payment.")));
    });

    const rejects = (input: unknown[], message: string) => assert.throws(() => selectEventTypes(input as string[]), { name: "PipelineConfigError", message });

    it("rejects customer.subscription.canceled and suggests customer.subscription.deleted", function () {
        rejects(
            ["payment_intent.*", "customer.subscription.canceled"],
            'Invalid extraEventTypes[1] "customer.subscription.canceled": not a Stripe event type. Fix: did you mean "customer.subscription.deleted"? Use an exact type from https://docs.stripe.com/api/events/types or a family wildcard such as "customer.subscription.*"',
        );
    });

    it("rejects a misspelt type with the nearest real one", function () {
        rejects(
            ["checkout.session.complete"],
            'Invalid extraEventTypes[0] "checkout.session.complete": not a Stripe event type. Fix: did you mean "checkout.session.completed"? Use an exact type from https://docs.stripe.com/api/events/types or a family wildcard such as "customer.subscription.*"',
        );
        assert.equal(suggestEventType("payment_intent.cancelled"), "payment_intent.canceled");
        assert.equal(suggestEventType("invoice.payment_succeded"), "invoice.payment_succeeded");
        assert.equal(suggestEventType("Customer.Subscription.Created"), "customer.subscription.created");
    });

    it("gives no suggestion when nothing is close", function () {
        rejects(
            ["zzzz.qqqq"],
            'Invalid extraEventTypes[0] "zzzz.qqqq": not a Stripe event type. Fix: Use an exact type from https://docs.stripe.com/api/events/types or a family wildcard such as "customer.subscription.*"',
        );
    });

    it("rejects the catch-all and wildcards Stripe cannot take", function () {
        rejects(
            ["*"],
            'Invalid extraEventTypes[0] "*": "*" would archive every event of the account, including ones Stripe adds later. Fix: list the families you analyse instead, for example "customer.subscription.*" or "payment_intent.*"',
        );
        rejects(
            ["payment_intents.*"],
            'Invalid extraEventTypes[0] "payment_intents.*": no Stripe event type starts with "payment_intents.". Fix: did you mean "payment_intent.*"? Wildcards must be a whole family followed by ".*" (https://docs.stripe.com/api/events/types)',
        );
        rejects(
            ["payment_intent.succ*"],
            'Invalid extraEventTypes[0] "payment_intent.succ*": Stripe accepts only exact event types, and this component only expands a trailing ".*" family wildcard. Fix: write the family as "payment_intent.*" or list the exact types',
        );
        rejects(
            [""],
            'Invalid extraEventTypes[0] "": an event type must be a non-empty string. Fix: use a Stripe event type such as "customer.subscription.deleted" (https://docs.stripe.com/api/events/types)',
        );
    });
});
