// Written by hand to match what `pulumi package add terraform-provider stripe/stripe 0.3.0` generates
// for Node.js (README.md says how, and what was left out); `pulumi install` regenerates this folder.

import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

/**
 * You can configure [webhook endpoints](https://docs.stripe.com/webhooks/) via the API to be
 * notified about events that happen in your Stripe account or connected
 * accounts.
 *
 * Most users configure webhooks from [the dashboard](https://dashboard.stripe.com/webhooks), which provides a user interface for registering and testing your webhook endpoints.
 *
 * Related guide: [Setting up webhooks](https://docs.stripe.com/webhooks/configure)
 */
export class WebhookEndpoint extends pulumi.CustomResource {
    /**
     * Get an existing WebhookEndpoint resource's state with the given name, ID, and optional extra
     * properties used to qualify the lookup.
     *
     * @param name The _unique_ name of the resulting resource.
     * @param id The _unique_ provider ID of the resource to lookup.
     * @param state Any extra arguments used during the lookup.
     * @param opts Optional settings to control the behavior of the CustomResource.
     */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: WebhookEndpointState, opts?: pulumi.CustomResourceOptions): WebhookEndpoint {
        return new WebhookEndpoint(name, <any>state, { ...opts, id: id });
    }

    /** @internal */
    public static readonly __pulumiType = 'stripe:index/webhookEndpoint:WebhookEndpoint';

    /**
     * Returns true if the given object is an instance of WebhookEndpoint.  This is designed to work even
     * when multiple copies of the Pulumi SDK have been loaded into the same process.
     */
    public static isInstance(obj: any): obj is WebhookEndpoint {
        if (obj === undefined || obj === null) {
            return false;
        }
        return obj['__pulumiType'] === WebhookEndpoint.__pulumiType;
    }

    /**
     * The API version events are rendered as for this webhook endpoint.
     */
    declare public readonly apiVersion: pulumi.Output<string>;
    /**
     * The ID of the associated Connect application.
     */
    declare public /*out*/ readonly application: pulumi.Output<string>;
    /**
     * Whether this endpoint should receive events from connected accounts (`true`), or from your account (`false`). Defaults to `false`.
     */
    declare public readonly connect: pulumi.Output<boolean | undefined>;
    /**
     * Time at which the object was created. Measured in seconds since the Unix epoch.
     */
    declare public /*out*/ readonly created: pulumi.Output<number>;
    /**
     * An optional description of what the webhook is used for.
     */
    declare public readonly description: pulumi.Output<string>;
    /**
     * The list of events to enable for this endpoint. `['*']` indicates that all events are enabled, except those that require explicit selection.
     */
    declare public readonly enabledEvents: pulumi.Output<string[]>;
    /**
     * If the object exists in live mode, the value is `true`. If the object exists in test mode, the value is `false`.
     */
    declare public /*out*/ readonly livemode: pulumi.Output<boolean>;
    /**
     * Set of [key-value pairs](https://docs.stripe.com/api/metadata) that you can attach to an object. This can be useful for storing additional information about the object in a structured format.
     */
    declare public readonly metadata: pulumi.Output<{[key: string]: string}>;
    /**
     * String representing the object's type. Objects of the same type share the same value.
     */
    declare public /*out*/ readonly object: pulumi.Output<string>;
    /**
     * The endpoint's secret, used to generate [webhook signatures](https://docs.stripe.com/webhooks/signatures). Only returned at creation.
     */
    declare public /*out*/ readonly secret: pulumi.Output<string>;
    /**
     * The status of the webhook. It can be `enabled` or `disabled`.
     */
    declare public /*out*/ readonly status: pulumi.Output<string>;
    /**
     * The URL of the webhook endpoint.
     */
    declare public readonly url: pulumi.Output<string>;

    /**
     * Create a WebhookEndpoint resource with the given unique name, arguments, and options.
     *
     * @param name The _unique_ name of the resource.
     * @param args The arguments to use to populate this resource's properties.
     * @param opts A bag of options that control this resource's behavior.
     */
    constructor(name: string, args: WebhookEndpointArgs, opts?: pulumi.CustomResourceOptions)
    constructor(name: string, argsOrState?: WebhookEndpointArgs | WebhookEndpointState, opts?: pulumi.CustomResourceOptions) {
        let resourceInputs: pulumi.Inputs = {};
        opts = opts || {};
        if (opts.id) {
            const state = argsOrState as WebhookEndpointState | undefined;
            resourceInputs["apiVersion"] = state?.apiVersion;
            resourceInputs["application"] = state?.application;
            resourceInputs["connect"] = state?.connect;
            resourceInputs["created"] = state?.created;
            resourceInputs["description"] = state?.description;
            resourceInputs["enabledEvents"] = state?.enabledEvents;
            resourceInputs["livemode"] = state?.livemode;
            resourceInputs["metadata"] = state?.metadata;
            resourceInputs["object"] = state?.object;
            resourceInputs["secret"] = state?.secret;
            resourceInputs["status"] = state?.status;
            resourceInputs["url"] = state?.url;
        } else {
            const args = argsOrState as WebhookEndpointArgs | undefined;
            if (args?.enabledEvents === undefined && !opts.urn) {
                throw new Error("Missing required property 'enabledEvents'");
            }
            if (args?.url === undefined && !opts.urn) {
                throw new Error("Missing required property 'url'");
            }
            resourceInputs["apiVersion"] = args?.apiVersion;
            resourceInputs["connect"] = args?.connect;
            resourceInputs["description"] = args?.description;
            resourceInputs["enabledEvents"] = args?.enabledEvents;
            resourceInputs["metadata"] = args?.metadata;
            resourceInputs["url"] = args?.url;
            resourceInputs["application"] = undefined /*out*/;
            resourceInputs["created"] = undefined /*out*/;
            resourceInputs["livemode"] = undefined /*out*/;
            resourceInputs["object"] = undefined /*out*/;
            resourceInputs["secret"] = undefined /*out*/;
            resourceInputs["status"] = undefined /*out*/;
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        const secretOpts = { additionalSecretOutputs: ["secret"] };
        opts = pulumi.mergeOptions(opts, secretOpts);
        super(WebhookEndpoint.__pulumiType, name, resourceInputs, opts, false /*dependency*/, utilities.getPackage());
    }
}

/**
 * Input properties used for looking up and filtering WebhookEndpoint resources.
 */
export interface WebhookEndpointState {
    /**
     * The API version events are rendered as for this webhook endpoint.
     */
    apiVersion?: pulumi.Input<string | undefined>;
    /**
     * The ID of the associated Connect application.
     */
    application?: pulumi.Input<string | undefined>;
    /**
     * Whether this endpoint should receive events from connected accounts (`true`), or from your account (`false`). Defaults to `false`.
     */
    connect?: pulumi.Input<boolean | undefined>;
    /**
     * Time at which the object was created. Measured in seconds since the Unix epoch.
     */
    created?: pulumi.Input<number | undefined>;
    /**
     * An optional description of what the webhook is used for.
     */
    description?: pulumi.Input<string | undefined>;
    /**
     * The list of events to enable for this endpoint. `['*']` indicates that all events are enabled, except those that require explicit selection.
     */
    enabledEvents?: pulumi.Input<pulumi.Input<string>[] | undefined>;
    /**
     * If the object exists in live mode, the value is `true`. If the object exists in test mode, the value is `false`.
     */
    livemode?: pulumi.Input<boolean | undefined>;
    /**
     * Set of [key-value pairs](https://docs.stripe.com/api/metadata) that you can attach to an object. This can be useful for storing additional information about the object in a structured format.
     */
    metadata?: pulumi.Input<{[key: string]: pulumi.Input<string>} | undefined>;
    /**
     * String representing the object's type. Objects of the same type share the same value.
     */
    object?: pulumi.Input<string | undefined>;
    /**
     * The endpoint's secret, used to generate [webhook signatures](https://docs.stripe.com/webhooks/signatures). Only returned at creation.
     */
    secret?: pulumi.Input<string | undefined>;
    /**
     * The status of the webhook. It can be `enabled` or `disabled`.
     */
    status?: pulumi.Input<string | undefined>;
    /**
     * The URL of the webhook endpoint.
     */
    url?: pulumi.Input<string | undefined>;
}

/**
 * The set of arguments for constructing a WebhookEndpoint resource.
 */
export interface WebhookEndpointArgs {
    /**
     * The API version events are rendered as for this webhook endpoint.
     */
    apiVersion?: pulumi.Input<string | undefined>;
    /**
     * Whether this endpoint should receive events from connected accounts (`true`), or from your account (`false`). Defaults to `false`.
     */
    connect?: pulumi.Input<boolean | undefined>;
    /**
     * An optional description of what the webhook is used for.
     */
    description?: pulumi.Input<string | undefined>;
    /**
     * The list of events to enable for this endpoint. `['*']` indicates that all events are enabled, except those that require explicit selection.
     */
    enabledEvents: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Set of [key-value pairs](https://docs.stripe.com/api/metadata) that you can attach to an object. This can be useful for storing additional information about the object in a structured format.
     */
    metadata?: pulumi.Input<{[key: string]: pulumi.Input<string>} | undefined>;
    /**
     * The URL of the webhook endpoint.
     */
    url: pulumi.Input<string>;
}
