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
    quicksightPrincipalArn: config.get("quicksightPrincipalArn"),
    tags: config.getObject<Record<string, string>>("tags"),
    alarmTopicArn: config.get("alarmTopicArn"),
    createAlarmTopic: config.getBoolean("createAlarmTopic"),
    alarmEmail: config.get("alarmEmail"),
    noEventsAlarmHours: config.getNumber("noEventsAlarmHours"),
    archiveRetentionDays: config.getNumber("archiveRetentionDays"),
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
export const dataSetArn = pipeline.dataSetArn;
export const eventArchiveArn = pipeline.eventArchiveArn;
export const alarmTopicArn = pipeline.alarmTopicArn;
