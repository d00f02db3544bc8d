/**
 * The `ingestion` argument: "webhook" (the default) or "eventbridge", and the options that only
 * the webhook mode has, refused with "eventbridge" in the exact words preview prints.
 */
import { strict as assert } from "assert";
import { PipelineConfigError, PipelineConfigErrors, resolveSettings, StripeAnalyticsPipelineArgs } from "../../../components";
import { INGESTION_MODES, RECEIVER_ONLY_ARGS } from "../../../components/ingestion/settings";
import { resolveStackConfig } from "../../../stackConfig";

const BUS_ARN = "arn:aws:events:us-east-1:123456789012:event-bus/acme-events";

function refusal(args: StripeAnalyticsPipelineArgs): PipelineConfigError {
    try {
        resolveSettings("stripe", args);
    } catch (error) {
        assert.ok(error instanceof PipelineConfigError, `not a PipelineConfigError: ${error}`);
        return error;
    }
    assert.fail("resolveSettings accepted the arguments");
}

describe("ingestion settings", function () {
    it("is webhook unless set, and takes exactly the two modes", function () {
        assert.deepEqual(INGESTION_MODES, ["webhook", "eventbridge"]);
        assert.equal(resolveSettings("stripe", {}).ingestion, "webhook");
        assert.equal(resolveSettings("stripe", { ingestion: "webhook" }).ingestion, "webhook");
        assert.equal(resolveSettings("stripe", { ingestion: "eventbridge" }).ingestion, "eventbridge");
    });

    it("refuses any other mode", function () {
        for (const value of ["EventBridge", "lambda", ""]) {
            assert.equal(
                refusal({ ingestion: value }).message,
                `Invalid ingestion ${JSON.stringify(value)}: must be one of webhook, eventbridge. Fix: set "webhook" (default: a Stripe webhook endpoint and the receiver) or "eventbridge" (Stripe's Amazon EventBridge event destination)`,
            );
        }
    });

    it("refuses the receiver's options with eventbridge, whatever their value", function () {
        assert.deepEqual(RECEIVER_ONLY_ARGS, ["receiverMemoryMb", "receiverReservedConcurrency"]);
        for (const receiverMemoryMb of [256, 5]) {
            const error = refusal({ ingestion: "eventbridge", receiverMemoryMb });
            assert.equal(error.constructor, PipelineConfigError);
            assert.equal(
                error.message,
                `Invalid receiverMemoryMb ${receiverMemoryMb}: ingestion "eventbridge" has no webhook receiver for it to configure. Fix: remove receiverMemoryMb, or set ingestion to "webhook"`,
            );
        }
        assert.equal(
            refusal({ ingestion: "eventbridge", receiverReservedConcurrency: 10 }).message,
            `Invalid receiverReservedConcurrency 10: ingestion "eventbridge" has no webhook receiver for it to configure. Fix: remove receiverReservedConcurrency, or set ingestion to "webhook"`,
        );
        // The webhook mode still checks the range.
        assert.equal(refusal({ ingestion: "webhook", receiverMemoryMb: 5 }).key, "receiverMemoryMb");
    });

    it("refuses an existing bus with eventbridge: Stripe delivers to the partner bus of its own source", function () {
        const message = (key: string, value: string) =>
            `Invalid ${key} ${JSON.stringify(value)}: with ingestion "eventbridge" Stripe delivers to a partner event bus of its own event source, which the component creates. Fix: remove existingEventBusName and existingEventBusArn, or set ingestion to "webhook"`;
        // One error, not also the bus checks the webhook mode makes (which the name alone would fail).
        assert.equal(refusal({ ingestion: "eventbridge", existingEventBusName: "acme-events" }).message, message("existingEventBusName", "acme-events"));
        assert.equal(refusal({ ingestion: "eventbridge", existingEventBusArn: BUS_ARN }).message, message("existingEventBusArn", BUS_ARN));
        const both = refusal({ ingestion: "eventbridge", existingEventBusName: "acme-events", existingEventBusArn: BUS_ARN });
        assert.equal(both.constructor, PipelineConfigError);
        assert.equal(both.message, message("existingEventBusName", "acme-events"));
        // The same bus is fine for the webhook mode.
        assert.deepEqual(resolveSettings("stripe", { existingEventBusName: "acme-events", existingEventBusArn: BUS_ARN }).existingEventBus, { name: "acme-events", arn: BUS_ARN });
    });

    it("reports every webhook-only option at once", function () {
        const error = refusal({ ingestion: "eventbridge", receiverMemoryMb: 512, existingEventBusName: "acme-events", existingEventBusArn: BUS_ARN });
        assert.ok(error instanceof PipelineConfigErrors);
        assert.deepEqual(error.errors.map((e) => e.key), ["receiverMemoryMb", "existingEventBusName"]);
    });

    it("refuses an event type Stripe cannot deliver to EventBridge, named exactly", function () {
        assert.equal(
            refusal({ ingestion: "eventbridge", extraEventTypes: ["invoice.paid", "issuing_authorization.request"] }).message,
            `Invalid extraEventTypes[1] "issuing_authorization.request": Stripe's event destinations on Amazon EventBridge cannot subscribe to issuing_authorization.request. Fix: remove it, or set ingestion to "webhook"`,
        );
        assert.ok(resolveSettings("stripe", { extraEventTypes: ["issuing_authorization.request"] }).eventTypes.enabledEvents.includes("issuing_authorization.request"));
        // The family is fine: the destination leaves that one type out (tests/components/ingestion/eventBridge.test.ts).
        assert.equal(resolveSettings("stripe", { ingestion: "eventbridge", extraEventTypes: ["issuing_authorization.*"] }).ingestion, "eventbridge");
    });

    it("is the stack config key stripe-analytics:ingestion", function () {
        const { args, settings } = resolveStackConfig({ "stripe-analytics:ingestion": "eventbridge" }, "Pulumi.dev.yaml");
        assert.equal(args.ingestion, "eventbridge");
        assert.equal(settings.ingestion, "eventbridge");
    });
});
