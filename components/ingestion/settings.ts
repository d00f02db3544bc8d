/** The receiver's settings: how events come in, its memory, and the Stripe API version of the webhook endpoint. */
import type * as pulumi from "@pulumi/pulumi";
import type { StripeAnalyticsPipelineArgs } from "../args";
import { ConfigChecks, integerIn } from "../common/checks";

/**
 * How Stripe events enter the pipeline: a Stripe webhook endpoint posting to the receiver's
 * function URL, the only way so far (the union grows with Stripe's EventBridge delivery, issue 11).
 */
export type IngestionMode = "webhook";

export interface IngestionSettings {
    ingestion: IngestionMode;
    receiverMemoryMb: number;
    /** API version the webhook endpoint renders events with; the account's default when undefined. */
    stripeApiVersion?: pulumi.Input<string>;
}

export function resolveIngestionSettings(args: StripeAnalyticsPipelineArgs, checks: ConfigChecks): IngestionSettings | undefined {
    return checks.fields({
        ingestion: (): IngestionMode => "webhook",
        receiverMemoryMb: () => integerIn("receiverMemoryMb", args.receiverMemoryMb, 128, 10240, "MB", "256") ?? 256,
        stripeApiVersion: () => args.stripeApiVersion,
    });
}
