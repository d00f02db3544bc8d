import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadStackConfig } from "../lib/stackConfig";
import { installMocks, settled, valueOf } from "./support/pulumiMocks";

function projectWith(stack: string, yamlText: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "project-"));
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), yamlText);
    return dir;
}

describe("stack config", function () {
    it("reads the example dev stack with the component's own validation", function () {
        const config = loadStackConfig("dev");
        assert.equal(config.name, "stripe");
        assert.deepEqual(config.args.extraEventTypes, ["payment_intent.*", "customer.subscription.deleted", "customer.subscription.updated", "invoice.paid"]);
        assert.deepEqual(config.settings.eventTypes.prefixes, ["payment_intent."]);
        assert.equal(config.settings.logRetentionDays, 14);
        assert.equal(config.settings.workflowType, "EXPRESS");
    });

    it("reads values as Pulumi stores them (strings) and as YAML types them", function () {
        const dir = projectWith(
            "prod",
            [
                "config:",
                "  stripe-analytics:name: billing",
                '  stripe-analytics:logRetentionDays: "90"',
                "  stripe-analytics:retainBucketOnDelete: 'false'",
                `  stripe-analytics:extraEventTypes: '["invoice.*"]'`,
                "  stripe-analytics:deadLetterRetentionDays: 7",
                "  stripe-analytics:quicksight:",
                "    principalArn: arn:aws:quicksight:us-east-1:123456789012:user/default/alice",
                "  stripe:apiKey:",
                "    secure: v1:abc",
            ].join("\n"),
        );
        const config = loadStackConfig("prod", dir);
        assert.equal(config.name, "billing");
        assert.equal(config.settings.logRetentionDays, 90);
        assert.equal(config.settings.retainBucketOnDelete, false);
        assert.equal(config.settings.deadLetterRetentionDays, 7);
        assert.deepEqual(config.settings.eventTypes.prefixes, ["invoice."]);
        assert.equal(config.args.quicksightPrincipalArn, "arn:aws:quicksight:us-east-1:123456789012:user/default/alice");
    });

    it("fails with the key, the value and the fix", function () {
        assert.throws(() => loadStackConfig("prod", projectWith("prod", "config:\n  stripe-analytics:logRetentionDays: lots\n")), {
            message: /Pulumi\.prod\.yaml: Invalid stripe-analytics:logRetentionDays "lots": must be a number, e.g. 90\. Fix: pulumi config set stripe-analytics:logRetentionDays 90$/,
        });
        assert.throws(() => loadStackConfig("prod", projectWith("prod", "config:\n  stripe-analytics:extraEventTypes:\n    - customer.subscription.canceled\n")), {
            name: "PipelineConfigError",
            message: /^Invalid extraEventTypes\[0\] "customer.subscription.canceled": not a Stripe event type\. Fix: did you mean "customer.subscription.deleted"\?/,
        });
        assert.throws(() => loadStackConfig("prod", projectWith("prod", "config: [unclosed\n")), /Pulumi\.prod\.yaml is not valid YAML: /);
        assert.throws(() => loadStackConfig("nosuch", os.tmpdir()), /^Error: cannot read the config of stack "nosuch": .*Pulumi\.nosuch\.yaml \(ENOENT\)\. Use --stack with an existing Pulumi\.<stack>\.yaml\.$/);
        assert.throws(
            () =>
                loadStackConfig(
                    "prod",
                    projectWith("prod", "config:\n  stripe-analytics:quicksightPrincipalArn: arn:aws:quicksight:us-east-1:123456789012:user/default/bob\n  stripe-analytics:quicksight:\n    principalArn: arn:aws:quicksight:us-east-1:123456789012:user/default/alice\n"),
                ),
            { name: "PipelineConfigError", message: 'Invalid quicksight.principalArn "arn:aws:quicksight:us-east-1:123456789012:user/default/alice": quicksightPrincipalArn is also set, to "arn:aws:quicksight:us-east-1:123456789012:user/default/bob". Fix: keep one of the two keys' },
        );
    });
});

describe("index.ts, the Pulumi program", function () {
    after(async function () {
        (await import("@pulumi/pulumi")).runtime.setAllConfig({});
    });

    it("deploys one pipeline from the stack's stripe-analytics:* keys and exports its outputs", async function () {
        const mocks = await installMocks();
        const pulumi = await import("@pulumi/pulumi");
        pulumi.runtime.setAllConfig({
            "stripe-analytics:name": "billing",
            "stripe-analytics:extraEventTypes": JSON.stringify(["invoice.*"]),
            "stripe-analytics:logRetentionDays": "90",
            "stripe-analytics:quicksight": JSON.stringify({ principalArn: "arn:aws:quicksight:us-east-1:123456789012:user/default/alice" }),
        });
        const program = await import("../index");
        assert.equal(await valueOf(program.bucketName), "billing-lake-a1b2c3d");
        assert.deepEqual(Object.keys(program).sort(), [
            "alarmTopicArn",
            "athenaDatabaseName",
            "athenaWorkgroupName",
            "bucketName",
            "dashboardArn",
            "dashboardUrl",
            "dataSetArn",
            "deadLetterQueueUrl",
            "eventArchiveArn",
            "eventBusArn",
            "eventBusName",
            "lakePrefix",
            "quicksightDataSetArns",
            "ruleArn",
            "stateMachineArn",
            "webhookEndpointId",
            "webhookUrl",
        ]);
        await settled(mocks);
        assert.deepEqual(JSON.parse(mocks.get("aws:cloudwatch/eventRule:EventRule", "billing-rule").inputs.eventPattern)["detail-type"], [
            "checkout.session.completed",
            "customer.subscription.created",
            { prefix: "invoice." },
        ]);
        assert.equal(mocks.get("aws:cloudwatch/logGroup:LogGroup", "billing-receiver-logs").inputs.retentionInDays, 90);
        assert.ok(mocks.ofType("aws:quicksight/dataSet:DataSet").length > 0, "the structured quicksight.principalArn enables QuickSight");
    });
});
