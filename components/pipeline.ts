import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createAnalytics } from "./analytics";
import type { StripeAnalyticsPipelineArgs } from "./args";
import { PartContext } from "./context";
import { createWebhookIngestion, Ingestion } from "./ingestion";
import { createEventDestination } from "./ingestion/eventDestination";
import { createMonitoring } from "./monitoring";
import { createRouting, Routing } from "./routing";
import { resolveSettings } from "./settings";
import { createStorage } from "./storage";
import { createWorkflow } from "./workflow";

/** Type token of the component: `<package.json name>:index:<class name>`, as the component package's schema names it. */
export const PIPELINE_TYPE = "stripe-analytics:index:StripeAnalyticsPipeline";

/** Names of the component's outputs: its own `pulumi.Output` fields (not the `urn` every resource has). */
type OutputName = {
    [K in keyof StripeAnalyticsPipeline]: K extends keyof pulumi.ComponentResource ? never : StripeAnalyticsPipeline[K] extends pulumi.Output<unknown> ? K : never;
}[keyof StripeAnalyticsPipeline];

/** The component's outputs by name, as the stack exports them. */
export type PipelineOutputs = Pick<StripeAnalyticsPipeline, OutputName>;

/** The list as given, once the compiler has checked it names every output field (a missing one makes the argument `never`). */
function everyOutput<const L extends readonly OutputName[]>(names: L & ([Exclude<OutputName, L[number]>] extends [never] ? unknown : never)): L {
    return names;
}

/** Every output of the component, in stack-export order: the one list of them (registerOutputs and index.ts follow it). */
export const PIPELINE_OUTPUTS = everyOutput([
    "webhookUrl",
    "bucketName",
    "lakePrefix",
    "eventBusName",
    "eventBusArn",
    "ruleArn",
    "stateMachineArn",
    "deadLetterQueueUrl",
    "webhookEndpointId",
    "athenaDatabaseName",
    "athenaWorkgroupName",
    "quicksightDataSetArns",
    "dataSetArn",
    "dashboardUrl",
    "dashboardArn",
    "eventArchiveArn",
    "alarmTopicArn",
]);

/** The outputs of one pipeline, for a program to export as its stack outputs. */
export function pipelineOutputs(pipeline: StripeAnalyticsPipeline): PipelineOutputs {
    return Object.fromEntries(PIPELINE_OUTPUTS.map((name) => [name, pipeline[name]])) as PipelineOutputs;
}

/**
 * Stripe events into an S3 analytics lake on AWS:
 * Stripe webhook → Lambda function URL (signature check) → EventBridge bus → rule → Step Functions
 * → S3 PutObject (one JSON object per event id) → Glue table, views and saved queries in Athena
 * → QuickSight datasets, analysis and dashboard. With `ingestion: "eventbridge"`, Stripe's event
 * destination delivers to a partner event bus instead of the first two steps.
 *
 * Children are named `${name}-<role>` and parented to this component; validation of the
 * arguments happens in the constructor, so bad configuration fails `pulumi preview`.
 */
export class StripeAnalyticsPipeline extends pulumi.ComponentResource {
    // The outputs: declared here, where the component package's schema is inferred from, and assigned
    // all at once from the record the constructor builds (PipelineOutputs).
    /** URL Stripe posts events to (the receiver's function URL); undefined with `ingestion: "eventbridge"`. */
    public readonly webhookUrl!: pulumi.Output<string | undefined>;
    /** Name of the lake bucket: the one the component created, or `existingBucketName`. */
    public readonly bucketName!: pulumi.Output<string>;
    /** Key prefix of the event objects in the bucket. */
    public readonly lakePrefix!: pulumi.Output<string>;
    /**
     * Name of the bus the events arrive on: the one the receiver publishes to (created, or
     * `existingEventBusName`), or with `ingestion: "eventbridge"` the partner bus of Stripe's event
     * source (`aws.partner/stripe.com/ed_...`).
     */
    public readonly eventBusName!: pulumi.Output<string>;
    /** ARN of that bus. */
    public readonly eventBusArn!: pulumi.Output<string>;
    /** ARN of the rule that sends the configured event types to the workflow. */
    public readonly ruleArn!: pulumi.Output<string>;
    /** ARN of the archive workflow's state machine. */
    public readonly stateMachineArn!: pulumi.Output<string>;
    /** Queue holding events that could not be delivered or written (docs/operations.md, "Redrive"). */
    public readonly deadLetterQueueUrl!: pulumi.Output<string>;
    /** Id of the Stripe object that delivers the events: the webhook endpoint (`we_...`), or with `ingestion: "eventbridge"` the event destination (`ed_...`). */
    public readonly webhookEndpointId!: pulumi.Output<string>;
    /** Glue database of the lake table and views; undefined with `athena: false`. */
    public readonly athenaDatabaseName!: pulumi.Output<string | undefined>;
    /** Athena workgroup holding the saved queries; undefined with `athena: false`. */
    public readonly athenaWorkgroupName!: pulumi.Output<string | undefined>;
    /** ARNs of the QuickSight datasets, one per configured event family; empty without `quicksightPrincipalArn`. */
    public readonly quicksightDataSetArns!: pulumi.Output<string[]>;
    /** ARN of the opt-in S3-manifest QuickSight dataset; undefined unless `quicksightManifestDataSet` is set. */
    public readonly dataSetArn!: pulumi.Output<string | undefined>;
    /** Console address of the QuickSight dashboard (docs/dashboard.md); undefined without `quicksightPrincipalArn`. */
    public readonly dashboardUrl!: pulumi.Output<string | undefined>;
    /** ARN of the QuickSight dashboard; undefined without `quicksightPrincipalArn`. */
    public readonly dashboardArn!: pulumi.Output<string | undefined>;
    /** EventBridge archive of the bus, the source of `npm run replay`. */
    public readonly eventArchiveArn!: pulumi.Output<string>;
    /** SNS topic the alarms notify: created (`createAlarmTopic`) or given (`alarmTopicArn`); undefined when neither. */
    public readonly alarmTopicArn!: pulumi.Output<string | undefined>;

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
        // The receiver publishes to the bus routing creates; Stripe's event destination names the bus routing creates.
        let routing: Routing;
        let ingestion: Ingestion;
        if (settings.ingestion === "webhook") {
            routing = createRouting(ctx, { storage, workflow });
            ingestion = createWebhookIngestion(ctx, { storage, routing });
        } else {
            ingestion = createEventDestination(ctx, { storage });
            routing = createRouting(ctx, { storage, workflow, partnerEventSourceName: ingestion.eventSourceName });
        }
        const analytics = createAnalytics(ctx, { storage });
        const monitoring = createMonitoring(ctx, { storage, workflow, routing, ingestion, compaction: analytics.compaction });

        const outputs: PipelineOutputs = {
            webhookUrl: ingestion.mode === "webhook" ? ingestion.functionUrl.functionUrl : pulumi.output(undefined),
            bucketName: storage.bucket.bucket,
            lakePrefix: pulumi.output(settings.lakePrefix),
            eventBusName: routing.bus.name,
            eventBusArn: routing.bus.arn,
            ruleArn: routing.rule.arn,
            stateMachineArn: workflow.stateMachine.arn,
            deadLetterQueueUrl: storage.deadLetterQueue.url,
            webhookEndpointId: ingestion.mode === "webhook" ? ingestion.webhookEndpoint.id : ingestion.eventDestination.id,
            athenaDatabaseName: analytics.athena ? analytics.athena.database.name : pulumi.output(undefined),
            athenaWorkgroupName: analytics.athena ? analytics.athena.workgroup.name : pulumi.output(undefined),
            quicksightDataSetArns: pulumi.all(analytics.dataSets.map((d) => d.arn)),
            dataSetArn: analytics.manifest ? analytics.manifest.dataSet.arn : pulumi.output(undefined),
            dashboardUrl: analytics.dashboard ? analytics.dashboard.url : pulumi.output(undefined),
            dashboardArn: analytics.dashboard ? analytics.dashboard.arn : pulumi.output(undefined),
            eventArchiveArn: routing.archive.arn,
            alarmTopicArn: monitoring.alarmTopicArn,
        };
        Object.assign(this, outputs);
        this.registerOutputs(outputs);
    }
}
