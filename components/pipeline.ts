import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createAnalytics } from "./analytics";
import type { StripeAnalyticsPipelineArgs } from "./args";
import { PartContext } from "./context";
import { createIngestion } from "./ingestion";
import { createMonitoring } from "./monitoring";
import { createRouting } from "./routing";
import { resolveSettings } from "./settings";
import { createStorage } from "./storage";
import { createWorkflow } from "./workflow";

/** Type token of the component: `<package.json name>:index:<class name>`, as the component package's schema names it. */
export const PIPELINE_TYPE = "stripe-analytics:index:StripeAnalyticsPipeline";

/**
 * Stripe events into an S3 analytics lake on AWS:
 * Stripe webhook → Lambda function URL (signature check) → EventBridge bus → rule → Step Functions
 * → S3 PutObject (one JSON object per event id) → Glue table, views and saved queries in Athena
 * → QuickSight datasets.
 *
 * Children are named `${name}-<role>` and parented to this component; validation of the
 * arguments happens in the constructor, so bad configuration fails `pulumi preview`.
 */
export class StripeAnalyticsPipeline extends pulumi.ComponentResource {
    /** URL Stripe posts events to (the receiver's function URL). */
    public readonly webhookUrl: pulumi.Output<string>;
    /** Name of the lake bucket: the one the component created, or `existingBucketName`. */
    public readonly bucketName: pulumi.Output<string>;
    /** Key prefix of the event objects in the bucket. */
    public readonly lakePrefix: pulumi.Output<string>;
    /** Name of the bus the receiver publishes to: the one the component created, or `existingEventBusName`. */
    public readonly eventBusName: pulumi.Output<string>;
    /** ARN of that bus. */
    public readonly eventBusArn: pulumi.Output<string>;
    public readonly ruleArn: pulumi.Output<string>;
    public readonly stateMachineArn: pulumi.Output<string>;
    /** Queue holding events that could not be delivered or written (see README: redrive). */
    public readonly deadLetterQueueUrl: pulumi.Output<string>;
    /** Id of the Stripe webhook endpoint (`we_...`). */
    public readonly webhookEndpointId: pulumi.Output<string>;
    /** Glue database of the lake table and views; undefined with `athena: false`. */
    public readonly athenaDatabaseName: pulumi.Output<string | undefined>;
    /** Athena workgroup holding the saved queries; undefined with `athena: false`. */
    public readonly athenaWorkgroupName: pulumi.Output<string | undefined>;
    /** ARNs of the QuickSight datasets, one per configured event family; empty without `quicksightPrincipalArn`. */
    public readonly quicksightDataSetArns: pulumi.Output<string[]>;
    /** ARN of the opt-in S3-manifest QuickSight dataset; undefined unless `quicksightManifestDataSet` is set. */
    public readonly dataSetArn: pulumi.Output<string | undefined>;
    /** EventBridge archive of the bus, the source of `npm run replay`. */
    public readonly eventArchiveArn: pulumi.Output<string>;
    /** SNS topic the alarms notify: created (`createAlarmTopic`) or given (`alarmTopicArn`); undefined when neither. */
    public readonly alarmTopicArn: pulumi.Output<string | undefined>;

    constructor(name: string, args: StripeAnalyticsPipelineArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super(PIPELINE_TYPE, name, args, opts);
        const settings = resolveSettings(name, args);

        const identity = aws.getCallerIdentityOutput({}, { parent: this });
        const ctx: PartContext = {
            name,
            settings,
            parent: this,
            accountId: identity.accountId,
            // The second field of the caller's own ARN; saves a separate aws.getPartition call.
            partition: identity.arn.apply((arn) => arn.split(":")[1]),
        };
        const storage = createStorage(ctx);
        const workflow = createWorkflow(ctx, { storage });
        const routing = createRouting(ctx, { storage, workflow });
        const ingestion = createIngestion(ctx, { storage, routing });
        const analytics = createAnalytics(ctx, { storage });
        const monitoring = createMonitoring(ctx, { storage, workflow, routing, ingestion });

        this.webhookUrl = ingestion.functionUrl.functionUrl;
        this.bucketName = storage.bucket.bucket;
        this.lakePrefix = pulumi.output(settings.lakePrefix);
        this.eventBusName = routing.bus.name;
        this.eventBusArn = routing.bus.arn;
        this.ruleArn = routing.rule.arn;
        this.stateMachineArn = workflow.stateMachine.arn;
        this.deadLetterQueueUrl = storage.deadLetterQueue.url;
        this.webhookEndpointId = ingestion.webhookEndpoint.id;
        this.athenaDatabaseName = analytics.athena ? analytics.athena.database.name : pulumi.output(undefined);
        this.athenaWorkgroupName = analytics.athena ? analytics.athena.workgroup.name : pulumi.output(undefined);
        this.quicksightDataSetArns = pulumi.all(analytics.dataSets.map((d) => d.arn));
        this.dataSetArn = analytics.manifest ? analytics.manifest.dataSet.arn : pulumi.output(undefined);
        this.eventArchiveArn = routing.archive.arn;
        this.alarmTopicArn = monitoring.alarmTopicArn;

        this.registerOutputs({
            webhookUrl: this.webhookUrl,
            bucketName: this.bucketName,
            lakePrefix: this.lakePrefix,
            eventBusName: this.eventBusName,
            eventBusArn: this.eventBusArn,
            ruleArn: this.ruleArn,
            stateMachineArn: this.stateMachineArn,
            deadLetterQueueUrl: this.deadLetterQueueUrl,
            webhookEndpointId: this.webhookEndpointId,
            athenaDatabaseName: this.athenaDatabaseName,
            athenaWorkgroupName: this.athenaWorkgroupName,
            quicksightDataSetArns: this.quicksightDataSetArns,
            dataSetArn: this.dataSetArn,
            eventArchiveArn: this.eventArchiveArn,
            alarmTopicArn: this.alarmTopicArn,
        });
    }
}
