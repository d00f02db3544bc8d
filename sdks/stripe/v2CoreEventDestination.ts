// Written by hand to match what `pulumi package add terraform-provider stripe/stripe 0.3.0` generates
// for Node.js (README.md says how, and what was left out); `pulumi install` regenerates this folder.

import * as pulumi from "@pulumi/pulumi";
import * as inputs from "./types/input";
import * as outputs from "./types/output";
import * as utilities from "./utilities";

/**
 * Set up an event destination to receive events from Stripe across multiple destination types, including [webhook endpoints](https://docs.stripe.com/webhooks) and [Amazon EventBridge](https://docs.stripe.com/event-destinations/eventbridge). Event destinations support receiving [thin events](https://docs.stripe.com/api/v2/events) and [snapshot events](https://docs.stripe.com/api/events).
 */
export class V2CoreEventDestination extends pulumi.CustomResource {
    /**
     * Get an existing V2CoreEventDestination resource's state with the given name, ID, and optional extra
     * properties used to qualify the lookup.
     *
     * @param name The _unique_ name of the resulting resource.
     * @param id The _unique_ provider ID of the resource to lookup.
     * @param state Any extra arguments used during the lookup.
     * @param opts Optional settings to control the behavior of the CustomResource.
     */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: V2CoreEventDestinationState, opts?: pulumi.CustomResourceOptions): V2CoreEventDestination {
        return new V2CoreEventDestination(name, <any>state, { ...opts, id: id });
    }

    /** @internal */
    public static readonly __pulumiType = 'stripe:index/v2CoreEventDestination:V2CoreEventDestination';

    /**
     * Returns true if the given object is an instance of V2CoreEventDestination.  This is designed to work even
     * when multiple copies of the Pulumi SDK have been loaded into the same process.
     */
    public static isInstance(obj: any): obj is V2CoreEventDestination {
        if (obj === undefined || obj === null) {
            return false;
        }
        return obj['__pulumiType'] === V2CoreEventDestination.__pulumiType;
    }

    /**
     * Amazon EventBridge configuration.
     */
    declare public readonly amazonEventbridges: pulumi.Output<outputs.V2CoreEventDestinationAmazonEventbridge[] | undefined>;
    /**
     * Azure Event Grid configuration.
     */
    declare public readonly azureEventGrid: pulumi.Output<outputs.V2CoreEventDestinationAzureEventGrid | undefined>;
    /**
     * Time at which the object was created.
     */
    declare public /*out*/ readonly created: pulumi.Output<string>;
    /**
     * An optional description of what the event destination is used for.
     */
    declare public readonly description: pulumi.Output<string>;
    /**
     * The list of events to enable for this endpoint.
     */
    declare public readonly enabledEvents: pulumi.Output<string[]>;
    /**
     * Payload type of events being subscribed to.
     */
    declare public readonly eventPayload: pulumi.Output<string>;
    /**
     * Specifies which accounts' events route to this destination.
     * `@self`: Receive events from the account that owns the event destination.
     * `@accounts`: Receive events emitted from other accounts you manage which includes your v1 and v2 accounts.
     * `@organization_members`: Receive events from accounts directly linked to the organization.
     * `@organization_members/@accounts`: Receive events from all accounts connected to any platform accounts in the organization.
     */
    declare public readonly eventsFroms: pulumi.Output<string[]>;
    /**
     * **NOTE:** This field is write-only and its value will not be updated in state as part of read operations.
     * Additional fields to include in the response.
     */
    declare public readonly includes: pulumi.Output<string[] | undefined>;
    /**
     * Has the value `true` if the object exists in live mode or the value `false` if the object exists in test mode.
     */
    declare public /*out*/ readonly livemode: pulumi.Output<boolean>;
    /**
     * Metadata.
     */
    declare public readonly metadata: pulumi.Output<{[key: string]: string}>;
    /**
     * Event destination name.
     */
    declare public readonly name: pulumi.Output<string>;
    /**
     * String representing the object's type. Objects of the same type share the same value of the object field.
     */
    declare public /*out*/ readonly object: pulumi.Output<string>;
    /**
     * If using the snapshot event payload, the API version events are rendered as.
     */
    declare public readonly snapshotApiVersion: pulumi.Output<string>;
    /**
     * Status. It can be set to either enabled or disabled.
     */
    declare public /*out*/ readonly status: pulumi.Output<string>;
    /**
     * Additional information about event destination status.
     */
    declare public /*out*/ readonly statusDetails: pulumi.Output<outputs.V2CoreEventDestinationStatusDetails>;
    /**
     * Event destination type.
     */
    declare public readonly type: pulumi.Output<string>;
    /**
     * Time at which the object was last updated.
     */
    declare public /*out*/ readonly updated: pulumi.Output<string>;
    /**
     * Webhook endpoint configuration.
     */
    declare public readonly webhookEndpoints: pulumi.Output<outputs.V2CoreEventDestinationWebhookEndpoint[] | undefined>;

    /**
     * Create a V2CoreEventDestination resource with the given unique name, arguments, and options.
     *
     * @param name The _unique_ name of the resource.
     * @param args The arguments to use to populate this resource's properties.
     * @param opts A bag of options that control this resource's behavior.
     */
    constructor(name: string, args: V2CoreEventDestinationArgs, opts?: pulumi.CustomResourceOptions)
    constructor(name: string, argsOrState?: V2CoreEventDestinationArgs | V2CoreEventDestinationState, opts?: pulumi.CustomResourceOptions) {
        let resourceInputs: pulumi.Inputs = {};
        opts = opts || {};
        if (opts.id) {
            const state = argsOrState as V2CoreEventDestinationState | undefined;
            resourceInputs["amazonEventbridges"] = state?.amazonEventbridges;
            resourceInputs["azureEventGrid"] = state?.azureEventGrid;
            resourceInputs["created"] = state?.created;
            resourceInputs["description"] = state?.description;
            resourceInputs["enabledEvents"] = state?.enabledEvents;
            resourceInputs["eventPayload"] = state?.eventPayload;
            resourceInputs["eventsFroms"] = state?.eventsFroms;
            resourceInputs["includes"] = state?.includes;
            resourceInputs["livemode"] = state?.livemode;
            resourceInputs["metadata"] = state?.metadata;
            resourceInputs["name"] = state?.name;
            resourceInputs["object"] = state?.object;
            resourceInputs["snapshotApiVersion"] = state?.snapshotApiVersion;
            resourceInputs["status"] = state?.status;
            resourceInputs["statusDetails"] = state?.statusDetails;
            resourceInputs["type"] = state?.type;
            resourceInputs["updated"] = state?.updated;
            resourceInputs["webhookEndpoints"] = state?.webhookEndpoints;
        } else {
            const args = argsOrState as V2CoreEventDestinationArgs | undefined;
            if (args?.enabledEvents === undefined && !opts.urn) {
                throw new Error("Missing required property 'enabledEvents'");
            }
            if (args?.eventPayload === undefined && !opts.urn) {
                throw new Error("Missing required property 'eventPayload'");
            }
            if (args?.type === undefined && !opts.urn) {
                throw new Error("Missing required property 'type'");
            }
            resourceInputs["amazonEventbridges"] = args?.amazonEventbridges;
            resourceInputs["azureEventGrid"] = args?.azureEventGrid;
            resourceInputs["description"] = args?.description;
            resourceInputs["enabledEvents"] = args?.enabledEvents;
            resourceInputs["eventPayload"] = args?.eventPayload;
            resourceInputs["eventsFroms"] = args?.eventsFroms;
            resourceInputs["includes"] = args?.includes ? pulumi.secret(args.includes) : undefined;
            resourceInputs["metadata"] = args?.metadata;
            resourceInputs["name"] = args?.name;
            resourceInputs["snapshotApiVersion"] = args?.snapshotApiVersion;
            resourceInputs["type"] = args?.type;
            resourceInputs["webhookEndpoints"] = args?.webhookEndpoints;
            resourceInputs["created"] = undefined /*out*/;
            resourceInputs["livemode"] = undefined /*out*/;
            resourceInputs["object"] = undefined /*out*/;
            resourceInputs["status"] = undefined /*out*/;
            resourceInputs["statusDetails"] = undefined /*out*/;
            resourceInputs["updated"] = undefined /*out*/;
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        const secretOpts = { additionalSecretOutputs: ["includes"] };
        opts = pulumi.mergeOptions(opts, secretOpts);
        super(V2CoreEventDestination.__pulumiType, name, resourceInputs, opts, false /*dependency*/, utilities.getPackage());
    }
}

/**
 * Input properties used for looking up and filtering V2CoreEventDestination resources.
 */
export interface V2CoreEventDestinationState {
    /**
     * Amazon EventBridge configuration.
     */
    amazonEventbridges?: pulumi.Input<pulumi.Input<inputs.V2CoreEventDestinationAmazonEventbridge>[] | undefined>;
    /**
     * Azure Event Grid configuration.
     */
    azureEventGrid?: pulumi.Input<inputs.V2CoreEventDestinationAzureEventGrid | undefined>;
    /**
     * Time at which the object was created.
     */
    created?: pulumi.Input<string | undefined>;
    /**
     * An optional description of what the event destination is used for.
     */
    description?: pulumi.Input<string | undefined>;
    /**
     * The list of events to enable for this endpoint.
     */
    enabledEvents?: pulumi.Input<pulumi.Input<string>[] | undefined>;
    /**
     * Payload type of events being subscribed to.
     */
    eventPayload?: pulumi.Input<string | undefined>;
    /**
     * Specifies which accounts' events route to this destination.
     * `@self`: Receive events from the account that owns the event destination.
     * `@accounts`: Receive events emitted from other accounts you manage which includes your v1 and v2 accounts.
     * `@organization_members`: Receive events from accounts directly linked to the organization.
     * `@organization_members/@accounts`: Receive events from all accounts connected to any platform accounts in the organization.
     */
    eventsFroms?: pulumi.Input<pulumi.Input<string>[] | undefined>;
    /**
     * **NOTE:** This field is write-only and its value will not be updated in state as part of read operations.
     * Additional fields to include in the response.
     */
    includes?: pulumi.Input<pulumi.Input<string>[] | undefined>;
    /**
     * Has the value `true` if the object exists in live mode or the value `false` if the object exists in test mode.
     */
    livemode?: pulumi.Input<boolean | undefined>;
    /**
     * Metadata.
     */
    metadata?: pulumi.Input<{[key: string]: pulumi.Input<string>} | undefined>;
    /**
     * Event destination name.
     */
    name?: pulumi.Input<string | undefined>;
    /**
     * String representing the object's type. Objects of the same type share the same value of the object field.
     */
    object?: pulumi.Input<string | undefined>;
    /**
     * If using the snapshot event payload, the API version events are rendered as.
     */
    snapshotApiVersion?: pulumi.Input<string | undefined>;
    /**
     * Status. It can be set to either enabled or disabled.
     */
    status?: pulumi.Input<string | undefined>;
    /**
     * Additional information about event destination status.
     */
    statusDetails?: pulumi.Input<inputs.V2CoreEventDestinationStatusDetails | undefined>;
    /**
     * Event destination type.
     */
    type?: pulumi.Input<string | undefined>;
    /**
     * Time at which the object was last updated.
     */
    updated?: pulumi.Input<string | undefined>;
    /**
     * Webhook endpoint configuration.
     */
    webhookEndpoints?: pulumi.Input<pulumi.Input<inputs.V2CoreEventDestinationWebhookEndpoint>[] | undefined>;
}

/**
 * The set of arguments for constructing a V2CoreEventDestination resource.
 */
export interface V2CoreEventDestinationArgs {
    /**
     * Amazon EventBridge configuration.
     */
    amazonEventbridges?: pulumi.Input<pulumi.Input<inputs.V2CoreEventDestinationAmazonEventbridge>[] | undefined>;
    /**
     * Azure Event Grid configuration.
     */
    azureEventGrid?: pulumi.Input<inputs.V2CoreEventDestinationAzureEventGrid | undefined>;
    /**
     * An optional description of what the event destination is used for.
     */
    description?: pulumi.Input<string | undefined>;
    /**
     * The list of events to enable for this endpoint.
     */
    enabledEvents: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Payload type of events being subscribed to.
     */
    eventPayload: pulumi.Input<string>;
    /**
     * Specifies which accounts' events route to this destination.
     * `@self`: Receive events from the account that owns the event destination.
     * `@accounts`: Receive events emitted from other accounts you manage which includes your v1 and v2 accounts.
     * `@organization_members`: Receive events from accounts directly linked to the organization.
     * `@organization_members/@accounts`: Receive events from all accounts connected to any platform accounts in the organization.
     */
    eventsFroms?: pulumi.Input<pulumi.Input<string>[] | undefined>;
    /**
     * **NOTE:** This field is write-only and its value will not be updated in state as part of read operations.
     * Additional fields to include in the response.
     */
    includes?: pulumi.Input<pulumi.Input<string>[] | undefined>;
    /**
     * Metadata.
     */
    metadata?: pulumi.Input<{[key: string]: pulumi.Input<string>} | undefined>;
    /**
     * Event destination name.
     */
    name?: pulumi.Input<string | undefined>;
    /**
     * If using the snapshot event payload, the API version events are rendered as.
     */
    snapshotApiVersion?: pulumi.Input<string | undefined>;
    /**
     * Event destination type.
     */
    type: pulumi.Input<string>;
    /**
     * Webhook endpoint configuration.
     */
    webhookEndpoints?: pulumi.Input<pulumi.Input<inputs.V2CoreEventDestinationWebhookEndpoint>[] | undefined>;
}
