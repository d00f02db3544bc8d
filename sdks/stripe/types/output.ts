// Written by hand to match what `pulumi package add terraform-provider stripe/stripe 0.3.0` generates
// for Node.js (README.md says how, and what was left out); `pulumi install` regenerates this folder.

import * as pulumi from "@pulumi/pulumi";
import * as inputs from "../types/input";
import * as outputs from "../types/output";

export interface V2CoreEventDestinationAmazonEventbridge {
    /**
     * The AWS account ID.
     */
    awsAccountId: string;
    /**
     * The ARN of the AWS event source.
     */
    awsEventSourceArn: string;
    /**
     * The state of the AWS event source.
     */
    awsEventSourceStatus: string;
    /**
     * The region of the AWS event source.
     */
    awsRegion: string;
}

export interface V2CoreEventDestinationAzureEventGrid {
    /**
     * The name of the Azure partner topic.
     */
    azurePartnerTopicName: string;
    /**
     * The status of the Azure partner topic.
     */
    azurePartnerTopicStatus: string;
    /**
     * The Azure region.
     */
    azureRegion: string;
    /**
     * The name of the Azure resource group.
     */
    azureResourceGroupName: string;
    /**
     * The Azure subscription ID.
     */
    azureSubscriptionId: string;
}

export interface V2CoreEventDestinationStatusDetails {
    /**
     * Details about why the event destination has been disabled.
     */
    disabled: outputs.V2CoreEventDestinationStatusDetailsDisabled;
}

export interface V2CoreEventDestinationStatusDetailsDisabled {
    /**
     * Reason event destination has been disabled.
     */
    reason: string;
}

export interface V2CoreEventDestinationWebhookEndpoint {
    /**
     * The signing secret of the webhook endpoint, only includable on creation.
     */
    signingSecret: string;
    /**
     * The URL of the webhook endpoint, includable.
     */
    url: string;
}

