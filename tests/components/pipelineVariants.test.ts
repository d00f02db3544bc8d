import { strict as assert } from "assert";
import type * as pulumiTypes from "@pulumi/pulumi";
import { EXPECTED_CHILDREN } from "../support/expectedChildren";
import { deployPipeline, deployPipelines, Pipeline, PipelineModule } from "../support/deployPipeline";
import { ACCOUNT_ID, installMocks, RecordingMocks, valueOf } from "../support/pulumiMocks";

const KMS_KEY = `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

describe("StripeAnalyticsPipeline variants", function () {
    let mocks: RecordingMocks;
    let stripe: Pipeline;
    /** Resource options as the component passed them, by resource name (mocks do not see options). */
    const options: Record<string, pulumiTypes.CustomResourceOptions> = {};
    const recordOptions: pulumiTypes.ResourceTransformation = (resource) => {
        options[resource.name] = resource.opts;
        return undefined;
    };

    before(async function () {
        let pipelines: Pipeline[];
        ({ mocks, pipelines } = await deployPipelines([
            {
                name: "billing",
                args: { kmsKeyArn: KMS_KEY, workflowType: "STANDARD", expireEventsAfterDays: 400, noncurrentVersionExpirationDays: 7, lakePrefix: "stripe/events", retainBucketOnDelete: false },
                opts: { transformations: [recordOptions] },
            },
            { name: "stripe", args: {}, opts: { transformations: [recordOptions] } },
        ]));
        stripe = pipelines[1];
    });

    it("lets two pipelines live in one stack without a name collision", function () {
        const names = mocks.resources.map((r) => `${r.type}::${r.name}`);
        assert.equal(new Set(names).size, names.length);
        const buckets = mocks.ofType("aws:s3/bucket:Bucket").map((r) => r.name).sort();
        assert.deepEqual(buckets, ["billing-athena-results", "billing-lake", "stripe-athena-results", "stripe-lake"]);
        // Glue databases and Athena workgroups have account-wide names: each carries the component name.
        assert.deepEqual(mocks.ofType("aws:glue/catalogDatabase:CatalogDatabase").map((r) => r.inputs.name).sort(), ["stripe_analytics_dev_billing", "stripe_analytics_dev_stripe"]);
        assert.deepEqual(mocks.ofType("aws:athena/workgroup:Workgroup").map((r) => r.inputs.name).sort(), ["stripe-analytics-dev-billing", "stripe-analytics-dev-stripe"]);
        const quickSightIds = mocks.ofType("aws:quicksight/dataSet:DataSet");
        assert.deepEqual(quickSightIds, [], "no QuickSight without a principal");
    });

    it("creates no QuickSight resources and a dataSetArn of undefined without a principal", async function () {
        assert.equal(mocks.resources.filter((r) => r.type.startsWith("aws:quicksight")).length, 0);
        assert.equal(mocks.resources.filter((r) => r.name.includes("quicksight")).length, 0);
        assert.equal(await valueOf(stripe.dataSetArn), undefined);
    });

    it("retains the bucket and its protections by default, and not when retainBucketOnDelete is false", function () {
        for (const role of ["lake", "lake-public-access", "lake-ownership", "lake-encryption", "lake-versioning", "lake-policy"]) {
            assert.equal(options[`stripe-${role}`].retainOnDelete, true, `stripe-${role}`);
            assert.equal(options[`billing-${role}`].retainOnDelete, false, `billing-${role}`);
        }
        assert.equal(options["stripe-dlq"].retainOnDelete, undefined);
    });

    it("encrypts with the given KMS key and grants the writers exactly that key", function () {
        assert.deepEqual(mocks.get("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "billing-lake-encryption").inputs.rules, [
            { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KMS_KEY }, bucketKeyEnabled: true },
        ]);
        for (const role of ["workflow-policy", "receiver-policy"]) {
            const statements = JSON.parse(mocks.get("aws:iam/rolePolicy:RolePolicy", `billing-${role}`).inputs.policy).Statement;
            assert.deepEqual(statements.filter((s: any) => s.Sid === "EncryptLakeObjects"), [{ Sid: "EncryptLakeObjects", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: KMS_KEY }]);
            assert.ok(statements.some((s: any) => s.Action === "s3:PutObject" && s.Resource === "arn:aws:s3:::billing-lake-a1b2c3d/stripe/events/*"));
        }
        const stripeStatements = JSON.parse(mocks.get("aws:iam/rolePolicy:RolePolicy", "stripe-workflow-policy").inputs.policy).Statement;
        assert.ok(!JSON.stringify(stripeStatements).includes("kms:"), "no KMS grant without a key");
    });

    it("honours the workflow type, the lake prefix and the lifecycle settings", function () {
        assert.equal(mocks.get("aws:sfn/stateMachine:StateMachine", "billing-workflow").inputs.type, "STANDARD");
        const definition = JSON.parse(mocks.get("aws:sfn/stateMachine:StateMachine", "billing-workflow").inputs.definition);
        assert.match(definition.States.ArchiveStripeEvent.Parameters["Key.$"], /^States\.Format\('stripe\/events\/type=\{\}/);
        assert.equal(mocks.get("aws:lambda/function:Function", "billing-receiver").inputs.environment.variables.LAKE_PREFIX, "stripe/events");
        assert.deepEqual(mocks.get("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "billing-lake-lifecycle").inputs.rules, [
            {
                id: "noncurrent-versions-and-incomplete-uploads",
                status: "Enabled",
                filter: {},
                noncurrentVersionExpiration: { noncurrentDays: 7 },
                abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
            },
            { id: "expire-events", status: "Enabled", filter: { prefix: "stripe/events/" }, expiration: { days: 400 } },
        ]);
    });
});

describe("StripeAnalyticsPipeline configuration errors", function () {
    let mod: PipelineModule;
    before(async function () {
        await installMocks();
        mod = await import("../../components");
    });

    const cases: [string, string, Record<string, unknown>, string][] = [
        [
            "an event type that does not exist",
            "stripe",
            { extraEventTypes: ["customer.subscription.canceled"] },
            'Invalid extraEventTypes[0] "customer.subscription.canceled": not a Stripe event type. Fix: did you mean "customer.subscription.deleted"? Use an exact type from https://docs.stripe.com/api/events/types or a family wildcard such as "customer.subscription.*"',
        ],
        [
            "event types given as one string",
            "stripe",
            { extraEventTypes: "payment_intent.*" },
            `Invalid extraEventTypes "payment_intent.*": must be a list of event types. Fix: write it as a YAML list, e.g. pulumi config set --path 'stripe-analytics:extraEventTypes[0]' payment_intent.*`,
        ],
        [
            "a component name that cannot start a bucket name",
            "Stripe_Prod",
            {},
            `Invalid name "Stripe_Prod": the component name must be 1 to 24 lowercase letters, digits or '-', starting and ending with a letter or digit, because it begins every bucket, role and function name. Fix: use a short name such as "stripe" or "billing-events"`,
        ],
        [
            "an unknown workflow type",
            "stripe",
            { workflowType: "express" },
            'Invalid workflowType "express": must be one of EXPRESS, STANDARD. Fix: set "EXPRESS" (default, cheapest) or "STANDARD"',
        ],
        [
            "a log retention CloudWatch does not offer",
            "stripe",
            { logRetentionDays: 10 },
            'Invalid logRetentionDays 10: CloudWatch Logs accepts only certain retention periods. Fix: use 7 or another of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653',
        ],
        [
            "a lake prefix with a leading slash",
            "stripe",
            { lakePrefix: "/events" },
            `Invalid lakePrefix "/events": the lake prefix must be one or more path segments of letters, digits, '-' or '_', separated by '/', without leading or trailing '/'. Fix: use something like "events" or "stripe/events"`,
        ],
        [
            "a dead-letter retention beyond the SQS maximum",
            "stripe",
            { deadLetterRetentionDays: 30 },
            "Invalid deadLetterRetentionDays 30: must be a whole number of days from 1 to 14. Fix: set it within that range, or remove it for the default (14)",
        ],
        [
            "a receiver reservation of 0, which would throttle every delivery",
            "stripe",
            { receiverReservedConcurrency: 0 },
            "Invalid receiverReservedConcurrency 0: 0 reserves nothing and lets the receiver run nowhere: Lambda would throttle every delivery. Fix: set a whole number from 1 to 900, or -1 for no reservation",
        ],
        [
            "a receiver reservation beyond what a default account can leave unreserved",
            "stripe",
            { receiverReservedConcurrency: 901 },
            "Invalid receiverReservedConcurrency 901: must be -1 (no reservation) or a whole number of concurrent executions from 1 to 900. Fix: set it within that range, or remove it for the default (10)",
        ],
        [
            "a fractional receiver reservation",
            "stripe",
            { receiverReservedConcurrency: 2.5 },
            "Invalid receiverReservedConcurrency 2.5: must be -1 (no reservation) or a whole number of concurrent executions from 1 to 900. Fix: set it within that range, or remove it for the default (10)",
        ],
        [
            "a fractional retry count",
            "stripe",
            { retryMaximumAttempts: 2.5 },
            "Invalid retryMaximumAttempts 2.5: must be a whole number of attempts from 0 to 185. Fix: set it within that range, or remove it for the default (185)",
        ],
        [
            "a QuickSight principal that is not a QuickSight ARN",
            "stripe",
            { quicksightPrincipalArn: "alice" },
            'Invalid quicksightPrincipalArn "alice": not the ARN of a QuickSight user or group. Fix: use arn:aws:quicksight:<region>:<account>:user/<namespace>/<user name> (`aws quicksight list-users` shows it)',
        ],
    ];
    for (const [what, name, args, message] of cases) {
        it(`refuses ${what}`, function () {
            assert.throws(() => new mod.StripeAnalyticsPipeline(name, args as any), { name: "PipelineConfigError", message });
        });
    }
});

describe("the receiver's concurrency cap", function () {
    it("reserves 10 executions by default, the given number otherwise, and none with -1", async function () {
        const { mocks } = await deployPipelines([
            { name: "capped", args: {} },
            { name: "wide", args: { receiverReservedConcurrency: 200 } },
            { name: "open", args: { receiverReservedConcurrency: -1 } },
        ]);
        const reserved = (name: string) => mocks.get("aws:lambda/function:Function", `${name}-receiver`).inputs.reservedConcurrentExecutions;
        assert.deepEqual([reserved("capped"), reserved("wide"), reserved("open")], [10, 200, -1]);
    });
});

describe("StripeAnalyticsPipeline during `pulumi preview`", function () {
    let mocks: RecordingMocks;
    before(async function () {
        ({ mocks } = await deployPipeline(
            "stripe",
            { extraEventTypes: ["payment_intent.*"], quicksightPrincipalArn: `arn:aws:quicksight:us-east-1:${ACCOUNT_ID}:user/default/alice`, quicksightManifestDataSet: true },
            { preview: true },
        ));
    });

    it("plans every child, none of them hidden inside an apply", function () {
        const planned = mocks.resources.filter((r) => r.type !== "stripe-analytics:index:StripeAnalyticsPipeline").map((r) => `${r.type} ${r.name}`);
        assert.deepEqual(planned.sort(), EXPECTED_CHILDREN.map(([type, role]) => `${type} stripe-${role}`).sort());
    });

    it("shows the reviewer the event types, pattern and runtime before anything exists", function () {
        assert.deepEqual(JSON.parse(mocks.get("aws:cloudwatch/eventRule:EventRule", "stripe-rule").inputs.eventPattern)["detail-type"], [
            "checkout.session.completed",
            "customer.subscription.created",
            { prefix: "payment_intent." },
        ]);
        assert.ok(mocks.get("stripe:index/webhookEndpoint:WebhookEndpoint", "stripe-webhook").inputs.enabledEvents.includes("payment_intent.succeeded"));
        assert.equal(mocks.get("aws:lambda/function:Function", "stripe-receiver").inputs.runtime, "nodejs22.x");
    });
});

describe("event pattern size", function () {
    it("refuses more exact types than the receiver's environment can carry, suggesting family wildcards", async function () {
        const { resolveSettings, STRIPE_EVENT_TYPES } = await import("../../components");
        const many = STRIPE_EVENT_TYPES.filter((t) => t.startsWith("treasury.") || t.startsWith("issuing") || t.startsWith("financial_connections."));
        assert.throws(() => resolveSettings("stripe", { extraEventTypes: many }), (error: Error) => {
            assert.equal(error.name, "PipelineConfigError");
            assert.match(error.message, /^Invalid extraEventTypes \[.*\]: the rule's event pattern would take \d+ bytes, more than the 2048 the receiver's environment leaves for it\. Fix: replace exact types by family wildcards such as "invoice\.\*"$/);
            return true;
        });
        assert.doesNotThrow(() => resolveSettings("stripe", { extraEventTypes: ["treasury.*", "issuing_card.*", "financial_connections.*"] }));
    });
});
