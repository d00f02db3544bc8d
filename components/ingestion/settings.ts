/** The receiver's settings: how events come in, its memory, and the Stripe API version of the webhook endpoint. */
import type * as pulumi from "@pulumi/pulumi";
import type { StripeAnalyticsPipelineArgs } from "../args";
import { ConfigChecks, integerIn } from "../common/checks";
import { PipelineConfigError } from "../errors";

/**
 * How Stripe events enter the pipeline: a Stripe webhook endpoint posting to the receiver's
 * function URL, the only way so far (the union grows with Stripe's EventBridge delivery, issue 11).
 */
export type IngestionMode = "webhook";

export interface IngestionSettings {
    ingestion: IngestionMode;
    receiverMemoryMb: number;
    /** Lambda's `reservedConcurrentExecutions`: a cap of 1 to 900, or -1 for none. */
    receiverReservedConcurrency: number;
    /** API version the webhook endpoint renders events with; the account's default when undefined. */
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

export function resolveIngestionSettings(args: StripeAnalyticsPipelineArgs, checks: ConfigChecks): IngestionSettings | undefined {
    return checks.fields({
        ingestion: (): IngestionMode => "webhook",
        receiverMemoryMb: () => integerIn("receiverMemoryMb", args.receiverMemoryMb, 128, 10240, "MB", "256") ?? 256,
        receiverReservedConcurrency: () => resolveReservedConcurrency(args.receiverReservedConcurrency),
        stripeApiVersion: () => args.stripeApiVersion,
    });
}
