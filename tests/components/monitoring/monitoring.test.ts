import { strict as assert } from "assert";
import { deployPipelines, Pipeline, PipelineModule } from "../../support/deployPipeline";
import { ACCOUNT_ID, RecordingMocks, valueOf } from "../../support/pulumiMocks";

const EXISTING_TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT_ID}:oncall`;
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

/** What each alarm of a component named `n` must watch, written out rather than derived from the builder. */
function expectedAlarms(n: string, noEventsHours?: number): Record<string, Record<string, unknown>> {
    const rule = { EventBusName: `${n}-bus-a1b2c3d`, RuleName: `${n}-rule-a1b2c3d` };
    const stateMachine = { StateMachineArn: `arn:aws:states:us-east-1:${ACCOUNT_ID}:stateMachine:${n}-workflow-a1b2c3d` };
    const onAny = { statistic: "Sum", period: 300, evaluationPeriods: 1, datapointsToAlarm: 1, threshold: 1, comparisonOperator: "GreaterThanOrEqualToThreshold", treatMissingData: "notBreaching" };
    return {
        "receiver-5xx": { ...onAny, namespace: "AWS/Lambda", metricName: "Url5xxCount", dimensions: { FunctionName: `${n}-receiver-a1b2c3d` } },
        "receiver-throttles": { ...onAny, namespace: "AWS/Lambda", metricName: "Throttles", dimensions: { FunctionName: `${n}-receiver-a1b2c3d` } },
        // The receiver's own log metric: in a namespace of this receiver's, since a metric filter cannot name the function in a dimension.
        "receiver-rejected": { ...onAny, threshold: 10, namespace: `StripeAnalytics/${n}-receiver-a1b2c3d`, metricName: "RejectedRequests", dimensions: {} },
        "delivery-failed": { ...onAny, namespace: "AWS/Events", metricName: "FailedInvocations", dimensions: rule },
        "dlq-delivery-failed": { ...onAny, namespace: "AWS/Events", metricName: "InvocationsFailedToBeSentToDlq", dimensions: rule },
        "workflow-failed": { ...onAny, namespace: "AWS/States", metricName: "ExecutionsFailed", dimensions: stateMachine },
        "workflow-timed-out": { ...onAny, namespace: "AWS/States", metricName: "ExecutionsTimedOut", dimensions: stateMachine },
        "dlq-not-empty": { ...onAny, statistic: "Maximum", namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: `${n}-dlq-a1b2c3d` } },
        ...(noEventsHours === undefined
            ? {}
            : {
                  "no-events": {
                      namespace: "AWS/States",
                      metricName: "ExecutionsStarted",
                      dimensions: stateMachine,
                      statistic: "Sum",
                      period: 3600,
                      evaluationPeriods: noEventsHours,
                      datapointsToAlarm: noEventsHours,
                      threshold: 1,
                      comparisonOperator: "LessThanThreshold",
                      treatMissingData: "breaching",
                  },
              }),
    };
}

describe("monitoring and archive (mocked deployment)", function () {
    let mocks: RecordingMocks;
    let mod: PipelineModule;
    let withTopic: Pipeline;
    let withExisting: Pipeline;
    let quiet: Pipeline;

    before(async function () {
        let pipelines: Pipeline[];
        ({ mocks, mod, pipelines } = await deployPipelines([
            { name: "ops", args: { createAlarmTopic: true, alarmEmail: "oncall@example.com", noEventsAlarmHours: 6, archiveRetentionDays: 90, tags: { team: "billing" } } },
            { name: "given", args: { alarmTopicArn: EXISTING_TOPIC } },
            { name: "quiet", args: {} },
        ]));
        [withTopic, withExisting, quiet] = pipelines;
    });

    const named = (prefix: string) => mocks.resources.filter((r) => r.name.startsWith(prefix)).map((r) => `${r.type} ${r.name}`).sort();

    it("creates the archive, the alarms, and an encrypted topic with an email subscription when asked", function () {
        assert.deepEqual(
            [...named("ops-alarm"), ...named("ops-archive")].sort(),
            [
                "aws:cloudwatch/eventArchive:EventArchive ops-archive",
                ...Object.keys(expectedAlarms("ops", 6)).map((role) => `${ALARM} ops-alarm-${role}`),
                "aws:kms/key:Key ops-alarm-key",
                "aws:sns/topic:Topic ops-alarm-topic",
                "aws:sns/topicPolicy:TopicPolicy ops-alarm-topic-policy",
                "aws:sns/topicSubscription:TopicSubscription ops-alarm-email",
            ].sort(),
        );
    });

    it("watches the receiver, the rule on its bus, the workflow and the dead-letter queue by their real metric names and dimensions", function () {
        for (const [role, expected] of Object.entries(expectedAlarms("ops", 6))) {
            const inputs = mocks.get(ALARM, `ops-alarm-${role}`).inputs;
            const actual = Object.fromEntries(Object.keys(expected).map((k) => [k, inputs[k]]));
            assert.deepEqual(actual, expected, role);
            assert.ok(inputs.alarmDescription.length > 0 && inputs.alarmDescription.length <= 1024, `${role}: CloudWatch limits descriptions to 1024 characters`);
            assert.deepEqual(inputs.tags, { team: "billing" });
        }
    });

    it("counts the receiver's rejected requests from its JSON log lines, in total for the alarm and by code for diagnosis", function () {
        const filter = (role: string) => mocks.get("aws:cloudwatch/logMetricFilter:LogMetricFilter", `ops-${role}`).inputs;
        const logGroup = mocks.get("aws:cloudwatch/logGroup:LogGroup", "ops-receiver-logs").state.name;
        const namespace = "StripeAnalytics/ops-receiver-a1b2c3d";
        assert.deepEqual(filter("receiver-rejected"), {
            logGroupName: logGroup,
            pattern: '{ $.outcome = "rejected" }',
            metricTransformation: { name: "RejectedRequests", namespace, value: "1", defaultValue: "0" },
        });
        assert.deepEqual(filter("receiver-rejected-by-code"), {
            logGroupName: logGroup,
            pattern: '{ $.outcome = "rejected" }',
            metricTransformation: { name: "RejectedRequests", namespace, value: "1", dimensions: { Code: "$.code" } },
        });
        assert.match(mocks.get(ALARM, "ops-alarm-receiver-rejected").inputs.alarmDescription, /wrong or rotated signing secret/);
    });

    it("leaves the rejected-requests alarm out of the alarm specs when no receiver namespace is given", function () {
        const targets = { receiverFunctionName: "f", eventBusName: "b", ruleName: "r", stateMachineArn: "s", deadLetterQueueName: "q" };
        assert.ok(!mod.buildAlarmSpecs(targets).some((spec) => spec.role === "receiver-rejected"));
        assert.deepEqual(
            mod.buildAlarmSpecs({ ...targets, receiverMetricsNamespace: "StripeAnalytics/f" }).map((spec) => spec.role).slice(0, 3),
            ["receiver-5xx", "receiver-throttles", "receiver-rejected"],
        );
    });

    it("tells the operator what to do in every alarm's description", function () {
        const description = (role: string) => mocks.get(ALARM, `ops-alarm-${role}`).inputs.alarmDescription as string;
        assert.match(description("dlq-not-empty"), /npm run redrive/);
        assert.match(description("workflow-failed"), /npm run redrive/);
        // Parking can fail too: then nothing is in the queue and the description must not promise it is.
        assert.match(description("workflow-failed"), /StripeEventNotStoredNorParked, whose Cause names the event/);
        assert.match(description("workflow-failed"), /npm run replay -- --events/);
        assert.match(description("dlq-delivery-failed"), /npm run replay/);
        assert.match(description("no-events"), /No Stripe event reached the archive workflow for 6 hours/);
        assert.match(description("no-events"), /npm run backfill/);
    });

    it("notifies the created topic on alarm and on recovery", async function () {
        const topicArn = `arn:aws:sns:us-east-1:${ACCOUNT_ID}:ops-alarm-topic-a1b2c3d`;
        for (const role of Object.keys(expectedAlarms("ops", 6))) {
            const inputs = mocks.get(ALARM, `ops-alarm-${role}`).inputs;
            assert.deepEqual(inputs.alarmActions, [topicArn], role);
            assert.deepEqual(inputs.okActions, [topicArn], role);
        }
        assert.equal(await valueOf(withTopic.alarmTopicArn), topicArn);
    });

    it("encrypts the topic with its own rotating key that CloudWatch of this account may use", function () {
        const key = mocks.get("aws:kms/key:Key", "ops-alarm-key").inputs;
        assert.equal(key.enableKeyRotation, true);
        assert.deepEqual(JSON.parse(key.policy), {
            Version: "2012-10-17",
            Statement: [
                { Sid: "AccountAdministersKeyThroughIam", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT_ID}:root` }, Action: "kms:*", Resource: "*" },
                {
                    Sid: "CloudWatchAlarmsEncryptNotifications",
                    Effect: "Allow",
                    Principal: { Service: "cloudwatch.amazonaws.com" },
                    Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                    Resource: "*",
                    Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT_ID } },
                },
            ],
        });
        assert.equal(mocks.get("aws:sns/topic:Topic", "ops-alarm-topic").inputs.kmsMasterKeyId, `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/ops-alarm-key-a1b2c3d`);
    });

    it("lets CloudWatch publish to the topic for exactly this pipeline's alarms", function () {
        const policy = mocks.get("aws:sns/topicPolicy:TopicPolicy", "ops-alarm-topic-policy").inputs;
        const topicArn = `arn:aws:sns:us-east-1:${ACCOUNT_ID}:ops-alarm-topic-a1b2c3d`;
        assert.equal(policy.arn, topicArn);
        assert.deepEqual(JSON.parse(policy.policy).Statement, [
            {
                Sid: "PublishAlarmsOfThisPipeline",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: "sns:Publish",
                Resource: topicArn,
                Condition: {
                    ArnEquals: { "aws:SourceArn": Object.keys(expectedAlarms("ops", 6)).map((role) => `arn:aws:cloudwatch:us-east-1:${ACCOUNT_ID}:alarm:ops-alarm-${role}-a1b2c3d`) },
                    StringEquals: { "aws:SourceAccount": ACCOUNT_ID },
                },
            },
        ]);
    });

    it("subscribes the alarm email to the created topic", function () {
        assert.deepEqual(mocks.get("aws:sns/topicSubscription:TopicSubscription", "ops-alarm-email").inputs, {
            topic: `arn:aws:sns:us-east-1:${ACCOUNT_ID}:ops-alarm-topic-a1b2c3d`,
            protocol: "email",
            endpoint: "oncall@example.com",
        });
    });

    it("notifies an existing topic without creating one", async function () {
        assert.deepEqual(named("given-alarm"), Object.keys(expectedAlarms("given")).map((role) => `${ALARM} given-alarm-${role}`).sort());
        for (const [role, expected] of Object.entries(expectedAlarms("given"))) {
            const inputs = mocks.get(ALARM, `given-alarm-${role}`).inputs;
            assert.deepEqual(inputs.dimensions, expected.dimensions, role);
            assert.deepEqual(inputs.alarmActions, [EXISTING_TOPIC], role);
            assert.deepEqual(inputs.okActions, [EXISTING_TOPIC], role);
        }
        assert.equal(await valueOf(withExisting.alarmTopicArn), EXISTING_TOPIC);
    });

    it("still creates the alarms without a topic, and no no-events alarm unless asked", async function () {
        assert.deepEqual(named("quiet-alarm"), Object.keys(expectedAlarms("quiet")).map((role) => `${ALARM} quiet-alarm-${role}`).sort());
        for (const role of Object.keys(expectedAlarms("quiet"))) {
            assert.deepEqual(mocks.get(ALARM, `quiet-alarm-${role}`).inputs.alarmActions, [], role);
        }
        assert.equal(await valueOf(quiet.alarmTopicArn), undefined);
    });

    it("archives everything the receiver publishes on the bus, for the configured retention", async function () {
        const archive = mocks.get("aws:cloudwatch/eventArchive:EventArchive", "ops-archive").inputs;
        assert.equal(archive.eventSourceArn, `arn:aws:events:us-east-1:${ACCOUNT_ID}:event-bus/ops-bus-a1b2c3d`);
        assert.equal(archive.retentionDays, 90);
        assert.deepEqual(JSON.parse(archive.eventPattern), { source: ["stripe-analytics.webhook"] });
        assert.equal(mocks.get("aws:cloudwatch/eventArchive:EventArchive", "quiet-archive").inputs.retentionDays, 30);
        assert.equal(await valueOf(withTopic.eventArchiveArn), `arn:aws:events:us-east-1:${ACCOUNT_ID}:archive/ops-archive-a1b2c3d`);
    });

    it("archives entries of every Stripe type from the receiver and nothing from other sources", function () {
        const pattern = mod.buildArchivePattern();
        const entry = (source: string, detailType: string) => ({ source, "detail-type": detailType, detail: { id: "evt_1" } });
        assert.equal(mod.matchesEventPattern(pattern, entry("stripe-analytics.webhook", "invoice.paid")), true);
        assert.equal(mod.matchesEventPattern(pattern, entry("stripe-analytics.webhook", "checkout.session.completed")), true);
        assert.equal(mod.matchesEventPattern(pattern, entry("aws.s3", "Object Created")), false);
    });
});

describe("monitoring settings", function () {
    let mod: PipelineModule;
    before(async function () {
        mod = await import("../../../components");
    });

    const error = (args: Parameters<PipelineModule["resolveSettings"]>[1]) => {
        try {
            mod.resolveSettings("stripe", args);
        } catch (e) {
            return (e as Error).message;
        }
        return "no error";
    };

    it("rejects a created topic together with an existing one", function () {
        assert.equal(
            error({ createAlarmTopic: true, alarmTopicArn: EXISTING_TOPIC }),
            "Invalid createAlarmTopic true: alarmTopicArn is set as well, and the alarms notify one topic. Fix: remove createAlarmTopic to use the existing topic, or remove alarmTopicArn to create one",
        );
    });

    it("rejects an alarm email without a created topic, and one that is not an address", function () {
        assert.equal(
            error({ alarmEmail: "oncall@example.com", alarmTopicArn: EXISTING_TOPIC }),
            'Invalid alarmEmail "oncall@example.com": only the topic this component creates is subscribed. Fix: set createAlarmTopic: true, or subscribe the address to your own alarmTopicArn topic where that topic is managed',
        );
        assert.equal(error({ alarmEmail: "oncall", createAlarmTopic: true }), 'Invalid alarmEmail "oncall": not an email address. Fix: use an address such as "oncall@example.com"');
    });

    it("keeps the no-events window within CloudWatch's 7-day evaluation range", function () {
        const message = (v: number) => `Invalid noEventsAlarmHours ${v}: must be a whole number of hours from 1 to 168. Fix: set it within that range, or remove it for the default (off)`;
        assert.equal(error({ noEventsAlarmHours: 0 }), message(0));
        assert.equal(error({ noEventsAlarmHours: 169 }), message(169));
        assert.equal(error({ noEventsAlarmHours: 1.5 }), message(1.5));
        assert.equal(mod.resolveSettings("stripe", { noEventsAlarmHours: 168 }).noEventsAlarmHours, 168);
    });

    it("validates the archive retention and applies the defaults", function () {
        assert.equal(
            error({ archiveRetentionDays: 0 }),
            "Invalid archiveRetentionDays 0: must be a whole number of days from 1 to 36500. Fix: set it within that range, or remove it for the default (30)",
        );
        const settings = mod.resolveSettings("stripe", {});
        assert.deepEqual(
            { createAlarmTopic: settings.createAlarmTopic, alarmEmail: settings.alarmEmail, noEventsAlarmHours: settings.noEventsAlarmHours, archiveRetentionDays: settings.archiveRetentionDays },
            { createAlarmTopic: false, alarmEmail: undefined, noEventsAlarmHours: undefined, archiveRetentionDays: 30 },
        );
    });
});

describe("alarm specs without a receiver (ingestion eventbridge)", function () {
    const targets = { eventBusName: "aws.partner/stripe.com/ed_test_1", ruleName: "r", stateMachineArn: "sm", deadLetterQueueName: "q" };

    it("leaves out the receiver's alarms and keeps every other one, with the same metrics", async function () {
        const { buildAlarmSpecs } = await import("../../../components/monitoring/alarms");
        const withReceiver = buildAlarmSpecs({ ...targets, receiverFunctionName: "f" }, { noEventsAlarmHours: 3 });
        const without = buildAlarmSpecs(targets, { noEventsAlarmHours: 3, ingestion: "eventbridge" });
        assert.deepEqual(without.map((s) => s.role), ["delivery-failed", "dlq-delivery-failed", "workflow-failed", "workflow-timed-out", "dlq-not-empty", "no-events"]);
        const metrics = (specs: typeof without) => specs.filter((s) => !s.role.startsWith("receiver")).map(({ description: _, ...metric }) => metric);
        assert.deepEqual(metrics(without), metrics(withReceiver));
        for (const spec of without) assert.ok(spec.description.length <= 1024, spec.role);
        const noEvents = without.find((s) => s.role === "no-events")!.description;
        assert.match(noEvents, /event destination in the Stripe Dashboard/);
        assert.doesNotMatch(noEvents, /receiver/);
    });

    it("gives the webhook mode the same specs whether or not ingestion is given, without the oversize note", async function () {
        const { buildAlarmSpecs } = await import("../../../components/monitoring/alarms");
        const defaults = buildAlarmSpecs({ ...targets, receiverFunctionName: "f" }, { noEventsAlarmHours: 3 });
        assert.deepEqual(buildAlarmSpecs({ ...targets, receiverFunctionName: "f" }, { noEventsAlarmHours: 3, ingestion: "webhook" }), defaults);
        assert.ok(defaults.every((s) => !s.description.includes("256 KiB")));
    });
});
