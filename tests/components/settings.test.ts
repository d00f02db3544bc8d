/**
 * resolveSettings, the one resolver every part's settings go through: it reports every refused
 * setting at once, skips checks whose input was itself refused, and derives the values the parts
 * share exactly once.
 */
import { strict as assert } from "assert";
import { buildEventPattern, MAX_PATTERN_BYTES, PipelineConfigError, PipelineConfigErrors, resolveSettings, StripeAnalyticsPipelineArgs } from "../../components";
import { ConfigChecks } from "../../components/common/checks";

/** The error resolveSettings throws for these arguments. */
function refusal(args: StripeAnalyticsPipelineArgs, name = "stripe"): PipelineConfigError {
    try {
        resolveSettings(name, args);
    } catch (error) {
        assert.ok(error instanceof PipelineConfigError, `not a PipelineConfigError: ${error}`);
        return error;
    }
    assert.fail("resolveSettings accepted the arguments");
}

describe("resolveSettings", function () {
    describe("with several bad settings", function () {
        const bad: [string, StripeAnalyticsPipelineArgs][] = [
            ["workflowType", { workflowType: "express" }],
            ["logRetentionDays", { logRetentionDays: 10 }],
            ["lakePrefix", { lakePrefix: "/events" }],
            ["quicksightPrincipalArn", { quicksightPrincipalArn: "alice" }],
            ["alarmEmail", { createAlarmTopic: true, alarmEmail: "oncall" }],
        ];
        const alone = bad.map(([, args]) => refusal(args));
        const together = refusal(Object.assign({}, ...bad.map(([, args]) => args)));

        it("refuses each alone with its own error, unwrapped", function () {
            for (const error of alone) {
                assert.equal(error.constructor, PipelineConfigError);
                assert.equal(error.name, "PipelineConfigError");
            }
            assert.deepEqual(alone.map((e) => e.key), bad.map(([key]) => key));
        });

        it("reports all of them in one PipelineConfigErrors, each message unchanged on its own line", function () {
            assert.ok(together instanceof PipelineConfigErrors);
            assert.equal(together.name, "PipelineConfigErrors");
            assert.deepEqual(together.errors.map((e) => e.message).sort(), alone.map((e) => e.message).sort());
            assert.deepEqual(together.message.split("\n"), [`${bad.length} settings are invalid:`, ...together.errors.map((e) => e.message)]);
            assert.equal(together.key, together.errors.map((e) => e.key).join(", "));
        });

        it("joins a wider list setting by setting when run inside other checks, as the stack config does", function () {
            const checks = new ConfigChecks();
            checks.run(() => {
                throw new PipelineConfigError("stripe-analytics:colour", "blue", "no such key", "remove it");
            });
            checks.run(() => resolveSettings("stripe", Object.assign({}, ...bad.map(([, args]) => args))));
            assert.throws(
                () => checks.settle(),
                (error: unknown) => error instanceof PipelineConfigErrors && error.errors.length === bad.length + 1 && error.errors.every((e) => !(e instanceof PipelineConfigErrors)),
            );
        });
    });

    it("skips the checks that depend on a refused value instead of reporting noise", function () {
        // The metric would need types the refused list cannot be known to hold.
        const types = refusal({ extraEventTypes: ["customer.subscription.canceled"], analyticsMetrics: ["mrr"] });
        assert.equal(types.constructor, PipelineConfigError);
        assert.equal(types.key, "extraEventTypes[0]");
        // The existing bucket's lifecycle message names the prefix, which is refused.
        const prefix = refusal({ lakePrefix: "/events", existingBucketName: "acme-data-lake", expireEventsAfterDays: 30 });
        assert.equal(prefix.constructor, PipelineConfigError);
        assert.equal(prefix.key, "lakePrefix");
    });

    it("checks the QuickSight principal, so the local twin refuses what preview refuses", function () {
        assert.equal(
            refusal({ quicksightPrincipalArn: "alice" }).message,
            'Invalid quicksightPrincipalArn "alice": not the ARN of a QuickSight user or group. Fix: use arn:aws:quicksight:<region>:<account>:user/<namespace>/<user name> (`aws quicksight list-users` shows it)',
        );
    });

    it("derives the event pattern once, within the receiver's limit", function () {
        const settings = resolveSettings("stripe", { extraEventTypes: ["invoice.*", "customer.subscription.deleted"] });
        assert.deepEqual(settings.eventPattern, buildEventPattern(settings.eventTypes));
        assert.ok(Buffer.byteLength(JSON.stringify(settings.eventPattern)) <= MAX_PATTERN_BYTES);
    });

    it("chooses the lake's KMS key: kmsKeyArn for a created bucket, existingBucketKmsKeyArn for an existing one", function () {
        assert.equal(resolveSettings("stripe", { kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/a" }).lakeKmsKeyArn, "arn:aws:kms:us-east-1:123456789012:key/a");
        assert.equal(resolveSettings("stripe", { existingBucketName: "acme-data-lake", existingBucketKmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/b" }).lakeKmsKeyArn, "arn:aws:kms:us-east-1:123456789012:key/b");
        assert.equal(resolveSettings("stripe", {}).lakeKmsKeyArn, undefined);
    });

    it("chooses the alarm topic: created, given or none", function () {
        assert.deepEqual(resolveSettings("stripe", { createAlarmTopic: true }).alarmTopic, { kind: "created" });
        assert.deepEqual(resolveSettings("stripe", { alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:oncall" }).alarmTopic, { kind: "existing", arn: "arn:aws:sns:us-east-1:123456789012:oncall" });
        assert.deepEqual(resolveSettings("stripe", {}).alarmTopic, { kind: "none" });
    });

    it("carries what only flows into resources, and the webhook ingestion", function () {
        const tags = { team: "billing" };
        const settings = resolveSettings("stripe", { tags, stripeApiVersion: "2025-10-29.clover", quicksightPrincipalArn: "arn:aws:quicksight:us-east-1:123456789012:user/default/alice" });
        assert.equal(settings.tags, tags);
        assert.equal(settings.stripeApiVersion, "2025-10-29.clover");
        assert.equal(settings.quicksightPrincipalArn, "arn:aws:quicksight:us-east-1:123456789012:user/default/alice");
        assert.equal(settings.ingestion, "webhook");
    });
});
