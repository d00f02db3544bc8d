/**
 * Another team's project: its bucket and its EventBridge bus already exist (here they come from
 * stack config), and it adds the Stripe pipeline on top of them, with the npm package
 * `stripe-analytics` as a dependency (from npm, or `github:<org>/stripe-analytics#v0.1.0`;
 * .ci/run installs the tarball `npm pack` makes of this repository in its place; docs/reuse.md).
 *
 *   pulumi config set lakeBucketName acme-data-lake
 *   pulumi config set eventBusName acme-events
 *   pulumi config set eventBusArn arn:aws:events:us-east-1:123456789012:event-bus/acme-events
 *   pulumi config set lakeBucketKmsKeyArn arn:aws:kms:...   # only if the bucket uses SSE-KMS
 *
 * The existing names must be known at preview (config or literals), because whether the
 * component creates a bucket or a bus is decided by them.
 */
import * as pulumi from "@pulumi/pulumi";
import { StripeAnalyticsPipeline } from "stripe-analytics";

const config = new pulumi.Config();

const billing = new StripeAnalyticsPipeline("billing", {
    existingBucketName: config.require("lakeBucketName"),
    existingBucketKmsKeyArn: config.get("lakeBucketKmsKeyArn"),
    existingEventBusName: config.require("eventBusName"),
    existingEventBusArn: config.require("eventBusArn"),
    // Under its own prefix, so the team's other objects in the bucket stay apart from the events.
    lakePrefix: "stripe/events",
    extraEventTypes: ["payment_intent.*", "customer.subscription.deleted"],
    tags: { team: "billing" },
});

export const webhookUrl = billing.webhookUrl;
export const lakeLocation = pulumi.interpolate`s3://${billing.bucketName}/${billing.lakePrefix}/`;
export const stateMachineArn = billing.stateMachineArn;
export const deadLetterQueueUrl = billing.deadLetterQueueUrl;
