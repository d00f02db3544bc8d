/**
 * The stripe-analytics Pulumi program: reads the `stripe-analytics:*` keys of the stack's config
 * (stackConfig.ts) and deploys one StripeAnalyticsPipeline. Everything else lives in components/.
 */
import * as pulumi from "@pulumi/pulumi";
import { StripeAnalyticsPipeline } from "./components";
import { CONFIG_NAMESPACE, readPipelineConfig } from "./stackConfig";

const config = new pulumi.Config(CONFIG_NAMESPACE);
const { name, args } = readPipelineConfig({
    string: (key) => config.get(key),
    number: (key) => config.getNumber(key),
    boolean: (key) => config.getBoolean(key),
    object: (key) => config.getObject(key),
});
const pipeline = new StripeAnalyticsPipeline(name, args);

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
