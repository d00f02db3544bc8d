/** How events come in: the ingestion mode, the receiver's memory, and the Stripe API version events are rendered with. */
import type * as pulumi from "@pulumi/pulumi";
import type { StripeAnalyticsPipelineArgs } from "../args";
import { ConfigChecks, integerIn } from "../common/checks";
import { PipelineConfigError } from "../errors";

/**
 * How Stripe events enter the pipeline: `webhook`, a Stripe webhook endpoint posting to the
 * receiver's function URL (which checks the signature and publishes to the pipeline's own bus), or
 * `eventbridge`, a Stripe event destination delivering to a partner event bus of this account.
 */
export const INGESTION_MODES = ["webhook", "eventbridge"] as const;
export type IngestionMode = (typeof INGESTION_MODES)[number];

/**
 * Event types Stripe's event destinations on Amazon EventBridge cannot subscribe to
 * (https://docs.stripe.com/event-destinations/eventbridge). A family wildcard that covers one
 * leaves it out of the destination; naming it exactly is refused.
 */
export const EVENTBRIDGE_UNSUPPORTED_EVENT_TYPES: readonly string[] = ["issuing_authorization.request"];

/** Arguments that configure the webhook receiver, so they mean nothing without one. */
export const RECEIVER_ONLY_ARGS = ["receiverMemoryMb", "receiverReservedConcurrency"] as const satisfies readonly (keyof StripeAnalyticsPipelineArgs)[];

export interface IngestionSettings {
    ingestion: IngestionMode;
    receiverMemoryMb: number;
    /** Lambda's `reservedConcurrentExecutions` of the receiver: a cap of 1 to 900, or -1 for none. */
    receiverReservedConcurrency: number;
    /** API version the webhook endpoint or the event destination renders events with; the account's default when undefined. */
    stripeApiVersion?: pulumi.Input<string>;
}

/** The receiver's reserved concurrency without a setting: enough for Stripe's delivery rate, small enough to bound a flood. */
export const DEFAULT_RECEIVER_RESERVED_CONCURRENCY = 10;
/** An account's default concurrency quota (1,000) less the 100 Lambda keeps unreserved. */
export const MAX_RECEIVER_RESERVED_CONCURRENCY = 900;

function resolveReservedConcurrency(value: number | undefined): number {
    if (value === undefined) return DEFAULT_RECEIVER_RESERVED_CONCURRENCY;
    if (value === 0) {
        throw new PipelineConfigError("receiverReservedConcurrency", value, "0 reserves nothing and lets the receiver run nowhere: Lambda would throttle every delivery", "set a whole number from 1 to 900, or -1 for no reservation");
    }
    if (value !== -1 && (!Number.isInteger(value) || value < 1 || value > MAX_RECEIVER_RESERVED_CONCURRENCY)) {
        throw new PipelineConfigError(
            "receiverReservedConcurrency",
            value,
            `must be -1 (no reservation) or a whole number of concurrent executions from 1 to ${MAX_RECEIVER_RESERVED_CONCURRENCY}`,
            `set it within that range, or remove it for the default (${DEFAULT_RECEIVER_RESERVED_CONCURRENCY})`,
        );
    }
    return value;
}

function resolveMode(ingestion: unknown): IngestionMode {
    if (!(INGESTION_MODES as readonly unknown[]).includes(ingestion)) {
        throw new PipelineConfigError(
            "ingestion",
            ingestion,
            `must be one of ${INGESTION_MODES.join(", ")}`,
            `set "webhook" (default: a Stripe webhook endpoint and the receiver) or "eventbridge" (Stripe's Amazon EventBridge event destination)`,
        );
    }
    return ingestion as IngestionMode;
}

/**
 * With Stripe's EventBridge delivery there is no receiver, the bus is the partner bus of Stripe's
 * event source, and a few event types cannot be delivered.
 */
function refuseWebhookOnlyArgs(args: StripeAnalyticsPipelineArgs, checks: ConfigChecks): void {
    for (const key of RECEIVER_ONLY_ARGS) {
        checks.run(() => {
            if (args[key] !== undefined) {
                throw new PipelineConfigError(key, args[key], `ingestion "eventbridge" has no webhook receiver for it to configure`, `remove ${key}, or set ingestion to "webhook"`);
            }
            return {};
        });
    }
    if (Array.isArray(args.extraEventTypes)) {
        args.extraEventTypes.forEach((type, i) =>
            checks.run(() => {
                if (EVENTBRIDGE_UNSUPPORTED_EVENT_TYPES.includes(type)) {
                    throw new PipelineConfigError(`extraEventTypes[${i}]`, type, `Stripe's event destinations on Amazon EventBridge cannot subscribe to ${type}`, `remove it, or set ingestion to "webhook"`);
                }
                return {};
            }),
        );
    }
    checks.run(() => {
        const key = args.existingEventBusName !== undefined ? "existingEventBusName" : "existingEventBusArn";
        if (args[key] !== undefined) {
            throw new PipelineConfigError(
                key,
                args[key],
                `with ingestion "eventbridge" Stripe delivers to a partner event bus of its own event source, which the component creates`,
                `remove existingEventBusName and existingEventBusArn, or set ingestion to "webhook"`,
            );
        }
        return {};
    });
}

export function resolveIngestionSettings(args: StripeAnalyticsPipelineArgs, checks: ConfigChecks): IngestionSettings | undefined {
    const mode = checks.run(() => ({ ingestion: resolveMode(args.ingestion ?? "webhook") }));
    const eventBridge = mode?.ingestion === "eventbridge";
    if (eventBridge) refuseWebhookOnlyArgs(args, checks);
    const rest = checks.fields({
        // Refused above when set with "eventbridge"; the range check would only repeat that.
        receiverMemoryMb: () => (eventBridge ? undefined : integerIn("receiverMemoryMb", args.receiverMemoryMb, 128, 10240, "MB", "256")) ?? 256,
        receiverReservedConcurrency: () => (eventBridge ? DEFAULT_RECEIVER_RESERVED_CONCURRENCY : resolveReservedConcurrency(args.receiverReservedConcurrency)),
        stripeApiVersion: () => args.stripeApiVersion,
    });
    return mode && rest && { ...mode, ...rest };
}
