// Written by hand to match what `pulumi package add terraform-provider stripe/stripe 0.3.0` generates
// for Node.js (README.md says how, and what was left out); `pulumi install` regenerates this folder.

import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

// Export members:
export { ProviderArgs } from "./provider";
export type Provider = import("./provider").Provider;
export const Provider: typeof import("./provider").Provider = null as any;
utilities.lazyLoad(exports, ["Provider"], () => require("./provider"));

export { V2CoreEventDestinationArgs, V2CoreEventDestinationState } from "./v2CoreEventDestination";
export type V2CoreEventDestination = import("./v2CoreEventDestination").V2CoreEventDestination;
export const V2CoreEventDestination: typeof import("./v2CoreEventDestination").V2CoreEventDestination = null as any;
utilities.lazyLoad(exports, ["V2CoreEventDestination"], () => require("./v2CoreEventDestination"));

export { WebhookEndpointArgs, WebhookEndpointState } from "./webhookEndpoint";
export type WebhookEndpoint = import("./webhookEndpoint").WebhookEndpoint;
export const WebhookEndpoint: typeof import("./webhookEndpoint").WebhookEndpoint = null as any;
utilities.lazyLoad(exports, ["WebhookEndpoint"], () => require("./webhookEndpoint"));


// Export sub-modules:
import * as config from "./config";
import * as types from "./types";

export {
    config,
    types,
};

const _module = {
    version: utilities.getVersion(),
    construct: (name: string, type: string, urn: string): pulumi.Resource => {
        switch (type) {
            case "stripe:index/v2CoreEventDestination:V2CoreEventDestination":
                return new V2CoreEventDestination(name, <any>undefined, { urn })
            case "stripe:index/webhookEndpoint:WebhookEndpoint":
                return new WebhookEndpoint(name, <any>undefined, { urn })
            default:
                throw new Error(`unknown resource type ${type}`);
        }
    },
};
pulumi.runtime.registerResourceModule("stripe", "index/v2CoreEventDestination", _module)
pulumi.runtime.registerResourceModule("stripe", "index/webhookEndpoint", _module)
pulumi.runtime.registerResourcePackage("stripe", {
    version: utilities.getVersion(),
    constructProvider: (name: string, type: string, urn: string): pulumi.ProviderResource => {
        if (type !== "pulumi:providers:stripe") {
            throw new Error(`unknown provider type ${type}`);
        }
        return new Provider(name, <any>undefined, { urn });
    },
});
