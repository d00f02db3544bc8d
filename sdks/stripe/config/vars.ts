// Written by hand to match what `pulumi package add terraform-provider stripe/stripe 0.3.0` generates
// for Node.js (README.md says how, and what was left out); `pulumi install` regenerates this folder.

import * as pulumi from "@pulumi/pulumi";
import * as utilities from "../utilities";

declare var exports: any;
const __config = new pulumi.Config("stripe");

/**
 * Stripe API key. Can also be set via the STRIPE_API_KEY environment variable.
 */
export declare const apiKey: string | undefined;
Object.defineProperty(exports, "apiKey", {
    get() {
        return __config.get("apiKey");
    },
    enumerable: true,
});

/**
 * Connected account context for Connect-scoped requests. Can also be set via the STRIPE_ACCOUNT environment variable.
 */
export declare const stripeAccount: string | undefined;
Object.defineProperty(exports, "stripeAccount", {
    get() {
        return __config.get("stripeAccount");
    },
    enumerable: true,
});

