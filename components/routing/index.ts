import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceRole } from "../common/serviceRole";
import { PartContext, jsonFrom } from "../context";
import { Storage } from "../storage";
import { Workflow } from "../workflow";
import { buildArchivePattern, buildEventPattern } from "./eventPattern";
import { deadLetterQueuePolicy, eventTargetPolicy } from "./policies";

/** The bus as the other parts use it: created here (an aws.cloudwatch.EventBus) or the caller's. */
export interface EventBusRef {
    name: pulumi.Output<string>;
    arn: pulumi.Output<string>;
}

export interface Routing {
    bus: EventBusRef;
    rule: aws.cloudwatch.EventRule;
    /** Keeps what the bus received, for `npm run replay`. */
    archive: aws.cloudwatch.EventArchive;
}

/**
 * The bus the events arrive on and the one rule on it that sends the configured event types to
 * the state machine. The bus is the custom one the receiver publishes to (created, or the caller's
 * `existingEventBusName`), or, given `partnerEventSourceName` (ingestion "eventbridge"), the partner
 * bus of Stripe's event source: named after the source, which associates the two. EventBridge
 * retries a failed delivery (RetryPolicy) and then parks the event in the dead-letter queue
 * instead of dropping it. The bus's archive keeps every event for `archiveRetentionDays`, so a
 * time window can be replayed through the rule; writes are idempotent, so replaying what the lake
 * already has only rewrites the same objects.
 */
export function createRouting(
    ctx: PartContext,
    { storage, workflow, partnerEventSourceName }: { storage: Storage; workflow: Workflow; partnerEventSourceName?: pulumi.Output<string> },
): Routing {
    const { name, settings, parent } = ctx;
    const { tags } = settings;
    const { deadLetterQueue } = storage;

    const existing = settings.existingEventBus;
    const description = `Stripe events of the ${name} pipeline`;
    const bus: EventBusRef =
        partnerEventSourceName !== undefined
            ? // A partner bus takes the partner event source's name; creating it associates the source (within Stripe's 7 days).
              new aws.cloudwatch.EventBus(`${name}-partner-bus`, { name: partnerEventSourceName, eventSourceName: partnerEventSourceName, description, tags }, { parent })
            : existing === undefined
              ? new aws.cloudwatch.EventBus(`${name}-bus`, { description, tags }, { parent })
              : { name: pulumi.output(existing.name), arn: pulumi.output(existing.arn) };
    // The receiver's entries carry our own source; partner events, the partner event source's name.
    const eventPattern =
        partnerEventSourceName === undefined
            ? JSON.stringify(settings.eventPattern)
            : partnerEventSourceName.apply((source) => JSON.stringify(buildEventPattern(settings.eventTypes, source)));
    const archivePattern = partnerEventSourceName === undefined ? JSON.stringify(buildArchivePattern()) : partnerEventSourceName.apply((source) => JSON.stringify(buildArchivePattern(source)));
    const rule = new aws.cloudwatch.EventRule(
        `${name}-rule`,
        {
            eventBusName: bus.name,
            description: "Configured Stripe event types to the archive workflow",
            eventPattern,
            tags,
        },
        { parent },
    );
    const { role, policy: rolePolicy } = serviceRole(ctx, "target", { service: "events.amazonaws.com", policy: jsonFrom([workflow.stateMachine.arn], eventTargetPolicy) });
    const queuePolicy = new aws.sqs.QueuePolicy(
        `${name}-dlq-policy`,
        { queueUrl: deadLetterQueue.url, policy: jsonFrom([deadLetterQueue.arn, rule.arn], deadLetterQueuePolicy) },
        { parent },
    );
    new aws.cloudwatch.EventTarget(
        `${name}-target`,
        {
            eventBusName: bus.name,
            rule: rule.name,
            arn: workflow.stateMachine.arn,
            roleArn: role.arn,
            retryPolicy: { maximumEventAgeInSeconds: settings.retryMaximumEventAgeSeconds, maximumRetryAttempts: settings.retryMaximumAttempts },
            deadLetterConfig: { arn: deadLetterQueue.arn },
        },
        // Deliveries must not start before EventBridge may start executions and park failures.
        { parent, dependsOn: [rolePolicy, queuePolicy] },
    );
    const archive = new aws.cloudwatch.EventArchive(
        `${name}-archive`,
        {
            eventSourceArn: bus.arn,
            description: `Stripe events of the ${name} pipeline, for replay`,
            eventPattern: archivePattern,
            retentionDays: settings.archiveRetentionDays,
        },
        { parent },
    );
    return { bus, rule, archive };
}

