/**
 * The stripe-analytics Pulumi program: reads the `stripe-analytics:*` keys of the stack's config
 * and deploys one StripeAnalyticsPipeline. Everything else lives in components/.
 */
import * as pulumi from "@pulumi/pulumi";
import { StripeAnalyticsPipeline } from "./components";

const config = new pulumi.Config("stripe-analytics");

const pipeline = new StripeAnalyticsPipeline(config.get("name") ?? "stripe", {
    extraEventTypes: config.getObject<string[]>("extraEventTypes"),
    stripeApiVersion: config.get("stripeApiVersion"),
    lakePrefix: config.get("lakePrefix"),
    kmsKeyArn: config.get("kmsKeyArn"),
    expireEventsAfterDays: config.getNumber("expireEventsAfterDays"),
    noncurrentVersionExpirationDays: config.getNumber("noncurrentVersionExpirationDays"),
    retainBucketOnDelete: config.getBoolean("retainBucketOnDelete"),
    workflowType: config.get("workflowType"),
    logRetentionDays: config.getNumber("logRetentionDays"),
    receiverMemoryMb: config.getNumber("receiverMemoryMb"),
    retryMaximumEventAgeSeconds: config.getNumber("retryMaximumEventAgeSeconds"),
    retryMaximumAttempts: config.getNumber("retryMaximumAttempts"),
    deadLetterRetentionDays: config.getNumber("deadLetterRetentionDays"),
    athena: config.getBoolean("athena"),
    analyticsMetrics: config.getObject<string[]>("analyticsMetrics"),
    analyticsStartDate: config.get("analyticsStartDate"),
    athenaResultsExpirationDays: config.getNumber("athenaResultsExpirationDays"),
    quicksightPrincipalArn: config.get("quicksightPrincipalArn"),
    quicksightManifestDataSet: config.getBoolean("quicksightManifestDataSet"),
    quicksightRefreshInterval: config.get("quicksightRefreshInterval"),
    quicksightRefreshTime: config.get("quicksightRefreshTime"),
    tags: config.getObject<Record<string, string>>("tags"),
});

export const webhookUrl = pipeline.webhookUrl;
export const bucketName = pipeline.bucketName;
export const lakePrefix = pipeline.lakePrefix;
export const eventBusName = pipeline.eventBusName;
export const eventBusArn = pipeline.eventBusArn;
export const ruleArn = pipeline.ruleArn;
export const stateMachineArn = pipeline.stateMachineArn;
export const deadLetterQueueUrl = pipeline.deadLetterQueueUrl;
export const webhookEndpointId = pipeline.webhookEndpointId;
export const athenaDatabaseName = pipeline.athenaDatabaseName;
export const athenaWorkgroupName = pipeline.athenaWorkgroupName;
export const quicksightDataSetArns = pipeline.quicksightDataSetArns;
export const dataSetArn = pipeline.dataSetArn;
