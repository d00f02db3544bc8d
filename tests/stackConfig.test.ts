import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigChecks } from "../components/common/checks";
import { PipelineConfigError, PipelineConfigErrors } from "../components/errors";
import { loadStackConfig } from "../lib/stackConfig";
import { declaredArgs } from "../scripts/docs/config";
import { CONFIG_KEYS, readPipelineConfig, resolveStackConfig } from "../stackConfig";
import { installMocks, settled, STACK, valueOf } from "./support/pulumiMocks";

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

/** A value of an arg's declared type, falsy where the type has one, so a reader that drops falsy values fails. */
function sampleOf(type: string, name: string): unknown {
    switch (type) {
        case "string":
        case "pulumi.Input<string>":
            return `value-of-${name}`;
        case "number":
            return 0;
        case "boolean":
            return false;
        case "string[]":
            return ["first", "second"];
        case "pulumi.Input<Record<string, pulumi.Input<string>>>":
            return { team: "analytics" };
        default:
            throw new Error(`components/args.ts declares ${name} as ${type}: add a sample of that type here and its shape to stackConfig.ts`);
    }
}

/** The refusals of a config, one message each: what readPipelineConfig and the component's checks reported. */
function refusals(run: () => unknown): string[] {
    try {
        run();
    } catch (error) {
        if (error instanceof PipelineConfigErrors) return error.errors.map((e) => e.message);
        if (error instanceof PipelineConfigError) return [error.message];
        throw error;
    }
    return [];
}

describe("stackConfig.ts, the config keys", function () {
    it("has a key for every arg of StripeAnalyticsPipelineArgs, and reads each into that arg", function () {
        const args = declaredArgs();
        assert.deepEqual(args.map((a) => a.name).sort(), Object.keys(CONFIG_KEYS).sort(), "CONFIG_KEYS and the args of components/args.ts differ");
        for (const { name, type } of args) {
            const sample = sampleOf(type, name);
            const checks = new ConfigChecks();
            // As the Pulumi CLI hands values to the program: strings, lists and maps as JSON.
            const config = readPipelineConfig({ [`stripe-analytics:${name}`]: typeof sample === "object" ? JSON.stringify(sample) : String(sample) }, "Pulumi.dev.yaml", checks);
            checks.settle();
            assert.deepEqual(config.args, { [name]: sample }, `stripe-analytics:${name} does not arrive as the arg ${name}`);
        }
    });

    it("refuses an unknown key with the valid key of another case first, else the nearest, and leaves other namespaces alone", function () {
        assert.deepEqual(
            refusals(() =>
                resolveStackConfig(
                    {
                        "stripe-analytics:workflowtype": "STANDARD",
                        "stripe-analytics:retentionDays": "90",
                        "stripe-analytics:colour": "blue",
                        "stripe-analytics:quicksight.principalArn": "arn:aws:quicksight:us-east-1:123456789012:user/default/alice",
                        "aws:region": "us-east-1",
                        "stripe:apiKey": "sk_test_123",
                        "aws:retentionDays": "90",
                    },
                    "Pulumi.prod.yaml",
                ),
            ),
            [
                'Pulumi.prod.yaml: Invalid stripe-analytics:colour "blue": no such key, so it would be ignored. Fix: remove it; docs/reference/config.md lists every key',
                'Pulumi.prod.yaml: Invalid stripe-analytics:quicksight.principalArn "arn:aws:quicksight:us-east-1:123456789012:user/default/alice": no such key, so it would be ignored. Fix: did you mean stripe-analytics:quicksightPrincipalArn? Rename it',
                'Pulumi.prod.yaml: Invalid stripe-analytics:retentionDays "90": no such key, so it would be ignored. Fix: did you mean stripe-analytics:logRetentionDays? Rename it',
                'Pulumi.prod.yaml: Invalid stripe-analytics:workflowtype "STANDARD": no such key, so it would be ignored. Fix: did you mean stripe-analytics:workflowType? Rename it',
            ],
        );
    });

    it("names the key, the file, the expected shape and an example when a value has another shape", function () {
        assert.deepEqual(
            refusals(() =>
                resolveStackConfig(
                    {
                        "stripe-analytics:extraEventTypes": "invoice.paid",
                        "stripe-analytics:tags": "x",
                        "stripe-analytics:analyticsMetrics": "[1,2]",
                        "stripe-analytics:lakePrefix": '["a","b"]',
                        "stripe-analytics:athena": "yes",
                        "stripe-analytics:quicksight": '{"principleArn":"arn:aws:quicksight:us-east-1:123456789012:user/default/alice"}',
                    },
                    "Pulumi.prod.yaml",
                ),
            ),
            [
                "Pulumi.prod.yaml: Invalid stripe-analytics:extraEventTypes \"invoice.paid\": must be a list of event types, e.g. [invoice.paid, customer.subscription.deleted]. Fix: pulumi config set --path 'stripe-analytics:extraEventTypes[0]' invoice.paid",
                'Pulumi.prod.yaml: Invalid stripe-analytics:lakePrefix "[\\"a\\",\\"b\\"]": must be a string, e.g. stripe/events. Fix: pulumi config set stripe-analytics:lakePrefix stripe/events',
                'Pulumi.prod.yaml: Invalid stripe-analytics:athena "yes": must be true or false, e.g. false. Fix: pulumi config set stripe-analytics:athena false',
                "Pulumi.prod.yaml: Invalid stripe-analytics:analyticsMetrics \"[1,2]\": must be a list of metric names, e.g. [mrr, active_subscriptions]. Fix: pulumi config set --path 'stripe-analytics:analyticsMetrics[0]' mrr",
                "Pulumi.prod.yaml: Invalid stripe-analytics:tags \"x\": must be a map of tag names to values, e.g. {team: analytics, env: prod}. Fix: pulumi config set --path 'stripe-analytics:tags.team' analytics",
                'Pulumi.prod.yaml: Invalid stripe-analytics:quicksight "{\\"principleArn\\":\\"arn:aws:quicksight:us-east-1:123456789012:user/default/alice\\"}": has no field principleArn. Fix: did you mean quicksight.principalArn? Rename it',
            ],
        );
    });

    it("reports unknown keys, shapes and the component's own checks of one config together", function () {
        const messages = refusals(() =>
            resolveStackConfig({ "stripe-analytics:workflowtype": "STANDARD", "stripe-analytics:tags": "x", "stripe-analytics:logRetentionDays": "7000", "stripe-analytics:name": "Billing" }, "Pulumi.prod.yaml"),
        );
        assert.deepEqual(
            messages.map((m) => /Invalid (\S+)/.exec(m)?.[1]),
            ["stripe-analytics:workflowtype", "stripe-analytics:tags", "name", "logRetentionDays"],
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

    it("refuses a bad config with the same list of errors as the local pipeline, naming Pulumi.<stack>.yaml", async function () {
        const yamlText = [
            "config:",
            "  aws:region: us-east-1",
            "  stripe:apiKey:",
            "    secure: v1:abc",
            "  stripe-analytics:retentionDays: 90",
            "  stripe-analytics:workflowtype: STANDARD",
            "  stripe-analytics:extraEventTypes: invoice.paid",
            "  stripe-analytics:tags: x",
            "  stripe-analytics:mrrCouponDurations: [forever, weekly]",
            "  stripe-analytics:logRetentionDays: 7000",
            "  stripe-analytics:receiverMemoryMb: 64",
        ].join("\n");
        const dir = projectWith(STACK, yamlText);
        const local = refusals(() => loadStackConfig(STACK, dir)).map((m) => m.replaceAll(`${dir}${path.sep}`, ""));
        await installMocks();
        const pulumi = await import("@pulumi/pulumi");
        // What the Pulumi CLI hands the program for that file: strings, the list as JSON, the secret decrypted.
        pulumi.runtime.setAllConfig({
            "aws:region": "us-east-1",
            "stripe:apiKey": "sk_test_123",
            "stripe-analytics:retentionDays": "90",
            "stripe-analytics:workflowtype": "STANDARD",
            "stripe-analytics:extraEventTypes": "invoice.paid",
            "stripe-analytics:tags": "x",
            "stripe-analytics:mrrCouponDurations": '["forever","weekly"]',
            "stripe-analytics:logRetentionDays": "7000",
            "stripe-analytics:receiverMemoryMb": "64",
        });
        delete require.cache[require.resolve("../index")];
        let preview: string[] = [];
        await import("../index").then(
            () => assert.fail("the program accepted the bad config"),
            (error: unknown) => (preview = refusals(() => {
                throw error;
            })),
        );
        assert.deepEqual(preview, local);
        assert.deepEqual(
            preview.map((m) => /^(?:Pulumi\.dev\.yaml: )?Invalid (\S+)/.exec(m)?.[1]),
            ["stripe-analytics:retentionDays", "stripe-analytics:workflowtype", "stripe-analytics:extraEventTypes", "stripe-analytics:tags", "logRetentionDays", "receiverMemoryMb", "mrrCouponDurations[1]"],
        );
        assert.ok(preview.slice(0, 4).every((m) => m.startsWith("Pulumi.dev.yaml: ")), preview.join("\n"));
    });
});
