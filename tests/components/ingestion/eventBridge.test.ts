/**
 * `ingestion: "eventbridge"` under mocks: Stripe's event destination, the partner bus named after
 * its event source, and the rule, target, archive, workflow, lake, analytics and alarms on that bus
 * as in the webhook mode; no receiver, function URL, signing secret or Lambda permission.
 */
import { strict as assert } from "assert";
import { deployPipeline, Pipeline, PipelineArgs, PipelineModule } from "../../support/deployPipeline";
import { EVENTBRIDGE_CHILDREN, EXPECTED_CHILDREN, WEBHOOK_ONLY_ROLES } from "../../support/expectedChildren";
import { ACCOUNT_ID, destinationId, RecordingMocks, valueOf } from "../../support/pulumiMocks";
import { partnerEventSourceName } from "../../../components/ingestion/eventDestination";

const COMPONENT_TYPE = "stripe-analytics:index:StripeAnalyticsPipeline";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const SOURCE = `aws.partner/stripe.com/${destinationId("stripe-event-destination")}`;
/** The options of EXPECTED_CHILDREN (tests/components/pipeline.test.ts), with Stripe's EventBridge delivery. */
const ARGS: PipelineArgs = {
    ingestion: "eventbridge",
    extraEventTypes: ["payment_intent.*", "customer.subscription.deleted"],
    stripeApiVersion: "2025-10-29.clover",
    analyticsMetrics: ["payments"],
    quicksightPrincipalArn: `arn:aws:quicksight:us-east-1:${ACCOUNT_ID}:user/default/alice`,
    quicksightManifestDataSet: true,
};

describe("ingestion: eventbridge (mocked deployment)", function () {
    let mocks: RecordingMocks;
    let mod: PipelineModule;
    let pipeline: Pipeline;
    let urns: string[];

    before(async function () {
        ({ mocks, mod, pipeline, urns } = await deployPipeline("stripe", ARGS));
    });

    const find = (type: string, role: string) => mocks.get(type, `stripe-${role}`);

    it("creates exactly the destination, the partner bus and the parts that follow the bus, each named after the component", function () {
        // The webhook mode's children without its own ones, which must all be there to leave out.
        assert.equal(EXPECTED_CHILDREN.length - EVENTBRIDGE_CHILDREN.length, WEBHOOK_ONLY_ROLES.length - 2);
        const actual = mocks.resources.filter((r) => r.type !== COMPONENT_TYPE).map((r) => `${r.type} ${r.name}`).sort();
        assert.deepEqual(actual, EVENTBRIDGE_CHILDREN.map(([type, role]) => `${type} stripe-${role}`).sort());
        const children = urns.filter((urn) => !urn.endsWith(`::${COMPONENT_TYPE}::stripe`));
        assert.equal(children.length, EVENTBRIDGE_CHILDREN.length);
        for (const urn of children) assert.deepEqual(urn.split("::")[2].split("$").slice(0, -1), [COMPONENT_TYPE], `${urn} is not a direct child of the component`);
    });

    it("has no receiver, function URL, signing secret, Lambda permission or webhook endpoint", function () {
        const types = new Set(mocks.resources.map((r) => r.type));
        for (const type of types) assert.ok(!/^aws:(lambda|secretsmanager)\//.test(type) && type !== "stripe:index/webhookEndpoint:WebhookEndpoint", `unexpected ${type}`);
        assert.ok(!mocks.resources.some((r) => r.name.includes("receiver") || r.name.includes("signing-secret")));
    });

    it("subscribes a snapshot event destination on EventBridge in the deploying account and region to the configured types", function () {
        const destination = find("stripe:index/v2CoreEventDestination:V2CoreEventDestination", "event-destination").inputs;
        // The same validated selection the webhook endpoint subscribes to (tests/components/pipeline.test.ts pins its expansion).
        const { enabledEvents } = mod.resolveSettings("stripe", ARGS).eventTypes;
        assert.ok(enabledEvents.includes("payment_intent.succeeded") && enabledEvents.includes("customer.subscription.deleted"));
        assert.deepEqual(destination, {
            type: "amazon_eventbridge",
            eventPayload: "snapshot",
            snapshotApiVersion: "2025-10-29.clover",
            amazonEventbridges: [{ awsAccountId: ACCOUNT_ID, awsRegion: "us-east-1" }],
            description: "stripe-analytics stripe-analytics/dev/stripe",
            enabledEvents,
        });
    });

    it("names the partner bus after the destination's event source, which associates the two", function () {
        const bus = find("aws:cloudwatch/eventBus:EventBus", "partner-bus").inputs;
        assert.deepEqual(bus, { name: SOURCE, eventSourceName: SOURCE, description: "Stripe events of the stripe pipeline" });
    });

    it("puts the rule, its target and the archive on the partner bus, matching the partner source", function () {
        const settings = mod.resolveSettings("stripe", ARGS);
        const rule = find("aws:cloudwatch/eventRule:EventRule", "rule").inputs;
        assert.equal(rule.eventBusName, SOURCE);
        assert.deepEqual(JSON.parse(rule.eventPattern), mod.buildEventPattern(settings.eventTypes, SOURCE));
        assert.deepEqual(JSON.parse(rule.eventPattern).source, [SOURCE]);
        const target = find("aws:cloudwatch/eventTarget:EventTarget", "target").inputs;
        assert.equal(target.eventBusName, SOURCE);
        assert.equal(target.arn, `arn:aws:states:us-east-1:${ACCOUNT_ID}:stateMachine:stripe-workflow-a1b2c3d`);
        assert.deepEqual(target.retryPolicy, { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 185 });
        assert.deepEqual(target.deadLetterConfig, { arn: `arn:aws:sqs:us-east-1:${ACCOUNT_ID}:stripe-dlq-a1b2c3d` });
        const archive = find("aws:cloudwatch/eventArchive:EventArchive", "archive").inputs;
        assert.equal(archive.eventSourceArn, `arn:aws:events:us-east-1:${ACCOUNT_ID}:event-bus/${SOURCE}`);
        assert.deepEqual(JSON.parse(archive.eventPattern), mod.buildArchivePattern(SOURCE));
        const queuePolicy = JSON.parse(find("aws:sqs/queuePolicy:QueuePolicy", "dlq-policy").inputs.policy);
        assert.equal(queuePolicy.Statement[0].Condition.ArnEquals["aws:SourceArn"], `arn:aws:events:us-east-1:${ACCOUNT_ID}:rule/${SOURCE}/stripe-rule-a1b2c3d`);
    });

    it("deploys the eventbridge definition, with the date state before the archive step", function () {
        const definition = JSON.parse(find("aws:sfn/stateMachine:StateMachine", "workflow").inputs.definition);
        assert.deepEqual(
            definition,
            mod.buildArchiveDefinition({
                bucketName: "stripe-lake-a1b2c3d",
                lakePrefix: "events",
                deadLetterQueueUrl: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT_ID}/stripe-dlq-a1b2c3d`,
                ingestion: "eventbridge",
            }),
        );
        assert.equal(definition.StartAt, "TimeOfCreated");
    });

    it("alarms on delivery, workflow and dead-letter queue of the partner bus, and tells what to do with oversize events", function () {
        for (const role of ["delivery-failed", "dlq-delivery-failed"]) {
            assert.deepEqual(find(ALARM, `alarm-${role}`).inputs.dimensions, { EventBusName: SOURCE, RuleName: "stripe-rule-a1b2c3d" });
        }
        for (const role of ["delivery-failed", "dlq-not-empty"]) {
            const description: string = find(ALARM, `alarm-${role}`).inputs.alarmDescription;
            assert.match(description, /256 KiB/);
            assert.match(description, /npm run redrive -- \.\.\. --bucket <bucketName> --lake-prefix <lakePrefix>/);
            assert.ok(description.length <= 1024);
        }
    });

    it("outputs the partner bus and the destination, and no webhook URL", async function () {
        assert.equal(await valueOf(pipeline.webhookUrl), undefined);
        assert.equal(await valueOf(pipeline.webhookEndpointId), destinationId("stripe-event-destination"));
        assert.equal(await valueOf(pipeline.eventBusName), SOURCE);
        assert.equal(await valueOf(pipeline.eventBusArn), `arn:aws:events:us-east-1:${ACCOUNT_ID}:event-bus/${SOURCE}`);
        assert.equal(await valueOf(pipeline.ruleArn), `arn:aws:events:us-east-1:${ACCOUNT_ID}:rule/${SOURCE}/stripe-rule-a1b2c3d`);
    });

    it("leaves out of the destination the one type of a family Stripe cannot send to EventBridge", async function () {
        const { mocks: issuing } = await deployPipeline("issuing", { ingestion: "eventbridge", extraEventTypes: ["issuing_authorization.*"] });
        const enabled: string[] = issuing.get("stripe:index/v2CoreEventDestination:V2CoreEventDestination", "issuing-event-destination").inputs.enabledEvents;
        assert.ok(enabled.includes("issuing_authorization.created") && enabled.includes("issuing_authorization.updated"));
        assert.ok(!enabled.includes("issuing_authorization.request"));
    });

    it("previews without the event source, which only exists once Stripe created the destination", async function () {
        const { mocks: previewed } = await deployPipeline("stripe", { ingestion: "eventbridge" }, { preview: true });
        assert.ok(previewed.resources.some((r) => r.name === "stripe-partner-bus"));
    });
});

describe("the partner event source of an event destination", function () {
    it("is the part of the event source ARN after event-source/, for test and live sources alike", function () {
        assert.equal(partnerEventSourceName("arn:aws:events:us-east-1::event-source/aws.partner/stripe.com/ed_test_61Tg0123"), "aws.partner/stripe.com/ed_test_61Tg0123");
        assert.equal(
            partnerEventSourceName("arn:aws:events:us-west-2::event-source/aws.partner/stripe.com/ed_61PgtRTG5aTCIz98516PLsRGLISQK0Otk6FWKjBrcDia"),
            "aws.partner/stripe.com/ed_61PgtRTG5aTCIz98516PLsRGLISQK0Otk6FWKjBrcDia",
        );
    });

    it("fails the deployment with what Stripe returned when it is not a partner event source ARN", function () {
        for (const arn of [undefined, "", "arn:aws:events:us-east-1:123456789012:event-bus/default"]) {
            assert.throws(() => partnerEventSourceName(arn), /not the ARN of a partner event source/);
        }
    });
});
