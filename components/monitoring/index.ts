import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Compaction } from "../compaction";
import { Ingestion, WebhookIngestion } from "../ingestion";
import { PartContext, jsonFrom } from "../context";
import { Routing } from "../routing";
import { Storage } from "../storage";
import { Workflow } from "../workflow";
import { buildAlarmSpecs, buildReceiverMetricFilters, receiverMetricsNamespace } from "./alarms";
import { alarmTopicKeyPolicy, alarmTopicPolicy } from "./policies";

export interface Monitoring {
    alarms: aws.cloudwatch.MetricAlarm[];
    /** The topic the alarms notify: created, given as `alarmTopicArn`, or none. */
    alarmTopicArn: pulumi.Output<string | undefined>;
}

/**
 * CloudWatch alarms on every place an event can get stuck (receiver, when there is one, rule
 * delivery, workflow, dead-letter queue) and, optionally, on silence. They notify an SNS topic: one created here,
 * encrypted with its own KMS key, or an existing one.
 */
export function createMonitoring(ctx: PartContext, deps: { storage: Storage; workflow: Workflow; routing: Routing; ingestion: Ingestion; compaction?: Compaction }): Monitoring {
    const { name, settings, parent } = ctx;
    const { storage, workflow, routing, ingestion, compaction } = deps;
    const { tags } = settings;

    const choice = settings.alarmTopic;
    const topic = choice.kind === "created" ? createAlarmTopic(ctx) : undefined;
    const topicArn: pulumi.Input<string> | undefined = topic ? topic.arn : choice.kind === "existing" ? choice.arn : undefined;
    const actions = topicArn === undefined ? [] : [topicArn];

    const specs = buildAlarmSpecs(
        {
            receiverFunctionName: ingestion.mode === "webhook" ? ingestion.receiver.name : undefined,
            eventBusName: routing.bus.name,
            ruleName: routing.rule.name,
            stateMachineArn: workflow.stateMachine.arn,
            deadLetterQueueName: storage.deadLetterQueue.name,
            receiverMetricsNamespace: ingestion.mode === "webhook" ? receiverMetricFilters(ctx, ingestion) : undefined,
            compactionStateMachineArn: compaction?.stateMachine.arn,
        },
        { noEventsAlarmHours: settings.noEventsAlarmHours, ingestion: settings.ingestion },
    );
    const alarms = specs.map(
        (spec) =>
            new aws.cloudwatch.MetricAlarm(
                `${name}-alarm-${spec.role}`,
                {
                    alarmDescription: spec.description,
                    namespace: spec.namespace,
                    metricName: spec.metricName,
                    dimensions: spec.dimensions,
                    statistic: spec.statistic,
                    period: spec.period,
                    evaluationPeriods: spec.evaluationPeriods,
                    datapointsToAlarm: spec.datapointsToAlarm,
                    threshold: spec.threshold,
                    comparisonOperator: spec.comparisonOperator,
                    treatMissingData: spec.treatMissingData,
                    // Recovery is news too: whoever was paged learns when it is over.
                    alarmActions: actions,
                    okActions: actions,
                    tags,
                },
                { parent },
            ),
    );

    if (topic) {
        new aws.sns.TopicPolicy(
            `${name}-alarm-topic-policy`,
            { arn: topic.arn, policy: jsonFrom([topic.arn, pulumi.all(alarms.map((a) => a.arn)), ctx.accountId], alarmTopicPolicy) },
            { parent },
        );
        if (settings.alarmEmail !== undefined) {
            new aws.sns.TopicSubscription(`${name}-alarm-email`, { topic: topic.arn, protocol: "email", endpoint: settings.alarmEmail }, { parent });
        }
    }
    return { alarms, alarmTopicArn: pulumi.output(topicArn) };
}

/**
 * The receiver's log metrics (buildReceiverMetricFilters), on its log group; returns their
 * namespace for the alarms. Receiver-only, like the receiver alarms: a pipeline without a
 * receiver has neither.
 */
function receiverMetricFilters(ctx: PartContext, ingestion: WebhookIngestion): pulumi.Output<string> {
    const { name, parent } = ctx;
    const namespace = ingestion.receiver.name.apply(receiverMetricsNamespace);
    for (const filter of buildReceiverMetricFilters(namespace)) {
        new aws.cloudwatch.LogMetricFilter(
            `${name}-${filter.role}`,
            { logGroupName: ingestion.logGroup.name, pattern: filter.pattern, metricTransformation: filter.metricTransformation },
            { parent },
        );
    }
    return namespace;
}

function createAlarmTopic(ctx: PartContext): aws.sns.Topic {
    const { name, parent } = ctx;
    const { tags } = ctx.settings;
    const key = new aws.kms.Key(
        `${name}-alarm-key`,
        {
            description: `Encrypts the alarm notifications of the ${name} pipeline`,
            enableKeyRotation: true,
            policy: jsonFrom([ctx.accountId, ctx.partition], alarmTopicKeyPolicy),
            tags,
        },
        { parent },
    );
    return new aws.sns.Topic(`${name}-alarm-topic`, { kmsMasterKeyId: key.arn, tags }, { parent });
}
