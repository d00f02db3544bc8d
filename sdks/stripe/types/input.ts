// Written by hand to match what `pulumi package add terraform-provider stripe/stripe 0.3.0` generates
// for Node.js (README.md says how, and what was left out); `pulumi install` regenerates this folder.

import * as pulumi from "@pulumi/pulumi";
import * as inputs from "../types/input";
import * as outputs from "../types/output";

export interface V2CoreEventDestinationAmazonEventbridge {
    /**
     * The AWS account ID.
     */
    awsAccountId: pulumi.Input<string>;
    /**
     * The ARN of the AWS event source.
     */
    awsEventSourceArn?: pulumi.Input<string | undefined>;
    /**
     * The state of the AWS event source.
     */
    awsEventSourceStatus?: pulumi.Input<string | undefined>;
    /**
     * The region of the AWS event source.
     */
    awsRegion: pulumi.Input<string>;
}

export interface V2CoreEventDestinationAzureEventGrid {
    /**
     * The name of the Azure partner topic.
     */
    azurePartnerTopicName?: pulumi.Input<string | undefined>;
    /**
     * The status of the Azure partner topic.
     */
    azurePartnerTopicStatus?: pulumi.Input<string | undefined>;
    /**
     * The Azure region.
     */
    azureRegion: pulumi.Input<string>;
    /**
     * The name of the Azure resource group.
     */
    azureResourceGroupName: pulumi.Input<string>;
    /**
     * The Azure subscription ID.
     */
    azureSubscriptionId: pulumi.Input<string>;
}

export interface V2CoreEventDestinationStatusDetails {
    /**
     * Details about why the event destination has been disabled.
     */
    disabled?: pulumi.Input<inputs.V2CoreEventDestinationStatusDetailsDisabled | undefined>;
}

export interface V2CoreEventDestinationStatusDetailsDisabled {
    /**
     * Reason event destination has been disabled.
     */
    reason?: pulumi.Input<string | undefined>;
}

export interface V2CoreEventDestinationWebhookEndpoint {
    /**
     * The signing secret of the webhook endpoint, only includable on creation.
     */
    signingSecret?: pulumi.Input<string | undefined>;
    /**
     * The URL of the webhook endpoint, includable.
     */
    url: pulumi.Input<string>;
}
