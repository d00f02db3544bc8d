/**
 * Bring your own bucket and bus: with `existingBucketName` and `existingEventBusName`/`Arn` the
 * component creates neither, touches none of their settings, and points the writers, the rule
 * and the IAM policies at them. Children it still creates keep their names.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { deployPipeline, deployPipelines, Pipeline, PipelineModule } from "../support/deployPipeline";
import { EXPECTED_CHILDREN } from "../support/expectedChildren";
import { ACCOUNT_ID, installMocks, RecordingMocks, settled, valueOf } from "../support/pulumiMocks";

const COMPONENT_TYPE = "stripe-analytics:index:StripeAnalyticsPipeline";
const BUCKET = "acme-data-lake";
const BUS = "acme-events";
const BUS_ARN = `arn:aws:events:us-east-1:${ACCOUNT_ID}:event-bus/${BUS}`;
const KMS_KEY = `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

/** Roles of the children that belong to the bucket and the bus; with QuickSight off there are none of its children either. */
const BUCKET_ROLES = ["lake", "lake-public-access", "lake-ownership", "lake-encryption", "lake-versioning", "lake-lifecycle", "lake-policy"];
const BUS_ROLES = ["bus"];
/** Analytics children of types these pipelines do not archive (they keep the default event types). */
const PAYMENT_ROLES = ["view-payment-intents", "query-payments"];

function expectedChildren(name: string, without: string[]): string[] {
    return EXPECTED_CHILDREN.filter(([, role]) => !without.includes(role) && !role.startsWith("quicksight"))
        .map(([type, role]) => `${type} ${name}-${role}`)
        .sort();
}

function childrenOf(mocks: RecordingMocks, name: string): string[] {
    return mocks.resources
        .filter((r) => r.type !== COMPONENT_TYPE && r.name.startsWith(`${name}-`))
        .map((r) => `${r.type} ${r.name}`)
        .sort();
}

function statements(mocks: RecordingMocks, name: string): any[] {
    return JSON.parse(mocks.get("aws:iam/rolePolicy:RolePolicy", name).inputs.policy).Statement;
}

describe("StripeAnalyticsPipeline with an existing bucket and bus (mocked deployment)", function () {
    let mocks: RecordingMocks;
    let mod: PipelineModule;
    let both: Pipeline;
    let bucketOnly: Pipeline;
    let busOnly: Pipeline;

    before(async function () {
        let pipelines: Pipeline[];
        ({ mocks, mod, pipelines } = await deployPipelines([
            { name: "billing", args: { existingBucketName: BUCKET, existingBucketKmsKeyArn: KMS_KEY, existingEventBusName: BUS, existingEventBusArn: BUS_ARN, lakePrefix: "stripe/events" } },
            { name: "lakeonly", args: { existingBucketName: BUCKET } },
            { name: "busonly", args: { existingEventBusName: BUS, existingEventBusArn: BUS_ARN } },
        ]));
        [both, bucketOnly, busOnly] = pipelines;
    });

    it("creates every other child under its usual name, and no bucket, bucket setting or bus", function () {
        assert.deepEqual(childrenOf(mocks, "billing"), expectedChildren("billing", [...BUCKET_ROLES, ...BUS_ROLES, ...PAYMENT_ROLES]));
        assert.deepEqual(childrenOf(mocks, "lakeonly"), expectedChildren("lakeonly", [...BUCKET_ROLES, ...PAYMENT_ROLES]));
        assert.deepEqual(childrenOf(mocks, "busonly"), expectedChildren("busonly", [...BUS_ROLES, ...PAYMENT_ROLES]));
        // The Athena results bucket and its settings are the component's own bucket, not the lake's.
        const touchingTheBucket = mocks.resources.filter(
            (r) => r.type.startsWith("aws:s3/") && (r.name.startsWith("billing-") || r.name.startsWith("lakeonly-")) && !r.name.includes("-athena-results"),
        );
        assert.deepEqual(touchingTheBucket, []);
        assert.equal(mocks.ofType("aws:cloudwatch/eventBus:EventBus").map((r) => r.name).join(), "lakeonly-bus");
    });

    it("reports the existing bucket and bus as its outputs", async function () {
        assert.equal(await valueOf(both.bucketName), BUCKET);
        assert.equal(await valueOf(both.eventBusName), BUS);
        assert.equal(await valueOf(both.eventBusArn), BUS_ARN);
        assert.equal(await valueOf(bucketOnly.eventBusName), "lakeonly-bus-a1b2c3d");
        assert.equal(await valueOf(busOnly.bucketName), "busonly-lake-a1b2c3d");
    });

    it("writes into the existing bucket under the prefix, with IAM scoped to that prefix and the bucket's key", function () {
        const definition = JSON.parse(mocks.get("aws:sfn/stateMachine:StateMachine", "billing-workflow").inputs.definition);
        assert.deepEqual(
            definition,
            mod.buildArchiveDefinition({ bucketName: BUCKET, lakePrefix: "stripe/events", deadLetterQueueUrl: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT_ID}/billing-dlq-a1b2c3d` }),
        );
        const encrypt = { Sid: "EncryptLakeObjects", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: KMS_KEY };
        const workflow = statements(mocks, "billing-workflow-policy");
        assert.deepEqual(
            workflow.filter((s) => s.Sid !== "DeliverExecutionLogs"),
            [
                { Sid: "ArchiveEvents", Effect: "Allow", Action: "s3:PutObject", Resource: `arn:aws:s3:::${BUCKET}/stripe/events/*` },
                { Sid: "ParkFailedEvents", Effect: "Allow", Action: "sqs:SendMessage", Resource: `arn:aws:sqs:us-east-1:${ACCOUNT_ID}:billing-dlq-a1b2c3d` },
                encrypt,
            ],
        );
        const receiver = statements(mocks, "billing-receiver-policy");
        assert.deepEqual(receiver.find((s) => s.Sid === "ArchiveOversizeEvents").Resource, `arn:aws:s3:::${BUCKET}/stripe/events/*`);
        assert.deepEqual(receiver.find((s) => s.Sid === "EncryptLakeObjects"), encrypt);
        // Nothing on the bucket itself (no bucket-level ARN), and no grant outside the prefix.
        for (const s of [...workflow, ...receiver]) {
            assert.ok(![s.Resource].flat().includes(`arn:aws:s3:::${BUCKET}`), `${s.Sid} grants on the bucket itself`);
        }
        assert.ok(!JSON.stringify(statements(mocks, "lakeonly-workflow-policy")).includes("kms:"), "no KMS grant without existingBucketKmsKeyArn");
    });

    it("publishes to the existing bus and puts the rule and its target on it, with IAM on its ARN", function () {
        const fn = mocks.get("aws:lambda/function:Function", "billing-receiver").inputs;
        assert.equal(fn.environment.variables.EVENT_BUS_NAME, BUS);
        assert.equal(fn.environment.variables.LAKE_BUCKET, BUCKET);
        assert.equal(fn.environment.variables.LAKE_PREFIX, "stripe/events");
        assert.deepEqual(statements(mocks, "billing-receiver-policy").find((s) => s.Sid === "PublishToPipelineBus"), {
            Sid: "PublishToPipelineBus",
            Effect: "Allow",
            Action: "events:PutEvents",
            Resource: BUS_ARN,
        });
        assert.equal(mocks.get("aws:cloudwatch/eventRule:EventRule", "billing-rule").inputs.eventBusName, BUS);
        assert.equal(mocks.get("aws:cloudwatch/eventTarget:EventTarget", "billing-target").inputs.eventBusName, BUS);
        assert.equal(mocks.get("aws:cloudwatch/eventArchive:EventArchive", "billing-archive").inputs.eventSourceArn, BUS_ARN);
        const queuePolicy = JSON.parse(mocks.get("aws:sqs/queuePolicy:QueuePolicy", "billing-dlq-policy").inputs.policy);
        assert.deepEqual(queuePolicy.Statement[0].Condition, { ArnEquals: { "aws:SourceArn": `arn:aws:events:us-east-1:${ACCOUNT_ID}:rule/${BUS}/billing-rule-a1b2c3d` } });
    });

    it("leaves a created bucket and bus exactly as without the options", function () {
        const versioning = mocks.get("aws:s3/bucketVersioning:BucketVersioning", "busonly-lake-versioning").inputs;
        assert.deepEqual(versioning.versioningConfiguration, { status: "Enabled" });
        assert.equal(mocks.get("aws:cloudwatch/eventRule:EventRule", "lakeonly-rule").inputs.eventBusName, "lakeonly-bus-a1b2c3d");
    });
});

describe("existing bucket ARN in another partition", function () {
    it("builds the bucket ARN from the partition of the deploying identity", async function () {
        class GovCloudMocks extends RecordingMocks {
            call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
                const answer = super.call(args);
                return { ...answer, arn: `arn:aws-us-gov:iam::${ACCOUNT_ID}:user/ci` };
            }
        }
        const { mocks } = await deployPipeline("gov", { existingBucketName: BUCKET }, { mocks: new GovCloudMocks() });
        const archive = statements(mocks, "gov-workflow-policy").find((s) => s.Sid === "ArchiveEvents");
        assert.equal(archive.Resource, `arn:aws-us-gov:s3:::${BUCKET}/events/*`);
    });
});

describe("bring-your-own configuration errors", function () {
    let mod: PipelineModule;
    before(async function () {
        await installMocks();
        mod = await import("../../components");
    });

    const cases: [string, Record<string, unknown>, string][] = [
        [
            "a bucket ARN instead of its name",
            { existingBucketName: `arn:aws:s3:::${BUCKET}` },
            `Invalid existingBucketName "arn:aws:s3:::${BUCKET}": not an S3 bucket name (3 to 63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit). Fix: give the bucket's name, such as "acme-data-lake", not its ARN or an s3:// URL`,
        ],
        [
            "a KMS key for the bucket's encryption with an existing bucket",
            { existingBucketName: BUCKET, kmsKeyArn: KMS_KEY },
            `Invalid kmsKeyArn "${KMS_KEY}": it sets the default encryption of the bucket the component creates, and existingBucketName "${BUCKET}" is not created by the component: its encryption belongs to its owner. Fix: remove kmsKeyArn; if the existing bucket encrypts with SSE-KMS, set existingBucketKmsKeyArn to its key so the writers may use it`,
        ],
        [
            "the S3-manifest dataset with an existing bucket",
            { existingBucketName: BUCKET, lakePrefix: "stripe", quicksightPrincipalArn: `arn:aws:quicksight:us-east-1:${ACCOUNT_ID}:user/default/alice`, quicksightManifestDataSet: true },
            `Invalid quicksightManifestDataSet true: the S3-manifest dataset needs a manifest object that the component writes outside the lake prefix, and existingBucketName "${BUCKET}" is not created by the component, so the component writes nothing outside "stripe/" there. Fix: remove quicksightManifestDataSet (the Athena datasets of quicksightPrincipalArn read the bucket without writing to it), or remove existingBucketName to let the component create its bucket`,
        ],
        [
            "retainBucketOnDelete with an existing bucket",
            { existingBucketName: BUCKET, retainBucketOnDelete: true },
            `Invalid retainBucketOnDelete true: existingBucketName "${BUCKET}" is not created by the component, so the component neither deletes nor retains it. Fix: remove retainBucketOnDelete`,
        ],
        [
            "an event expiry with an existing bucket",
            { existingBucketName: BUCKET, expireEventsAfterDays: 400 },
            `Invalid expireEventsAfterDays 400: existingBucketName "${BUCKET}" is not created by the component: its lifecycle rules belong to its owner. Fix: remove expireEventsAfterDays and add an expiration rule for the prefix "events/" to the bucket's own lifecycle configuration`,
        ],
        [
            "a noncurrent-version expiry with an existing bucket",
            { existingBucketName: BUCKET, noncurrentVersionExpirationDays: 7 },
            `Invalid noncurrentVersionExpirationDays 7: existingBucketName "${BUCKET}" is not created by the component: its lifecycle rules belong to its owner. Fix: remove noncurrentVersionExpirationDays and add a noncurrent-version expiration rule for the prefix "events/" to the bucket's own lifecycle configuration`,
        ],
        [
            "the existing bucket's key without an existing bucket",
            { existingBucketKmsKeyArn: KMS_KEY },
            `Invalid existingBucketKmsKeyArn "${KMS_KEY}": it only lets the writers use the key of an existing bucket, and existingBucketName is not set. Fix: set existingBucketName, or use kmsKeyArn to encrypt the bucket the component creates`,
        ],
        [
            "a bus name without its ARN",
            { existingEventBusName: BUS },
            `Invalid existingEventBusName "${BUS}": existingEventBusArn is not set, and the IAM policies need the bus's ARN. Fix: set existingEventBusArn as well (\`aws events describe-event-bus --name ${BUS}\` shows it)`,
        ],
        [
            "a bus ARN without its name",
            { existingEventBusArn: BUS_ARN },
            `Invalid existingEventBusArn "${BUS_ARN}": existingEventBusName is not set, and the rule and the receiver address the bus by name. Fix: set existingEventBusName to "${BUS}"`,
        ],
        [
            "a bus ARN that names another bus",
            { existingEventBusName: "acme-billing", existingEventBusArn: BUS_ARN },
            `Invalid existingEventBusArn "${BUS_ARN}": it names the bus "${BUS}", not existingEventBusName "acme-billing". Fix: give the name and the ARN of the same bus`,
        ],
        [
            "something that is not a bus ARN",
            { existingEventBusName: BUS, existingEventBusArn: `arn:aws:events:us-east-1:${ACCOUNT_ID}:rule/${BUS}` },
            `Invalid existingEventBusArn "arn:aws:events:us-east-1:${ACCOUNT_ID}:rule/${BUS}": not the ARN of an EventBridge event bus. Fix: use arn:aws:events:<region>:<account>:event-bus/<name> (\`aws events describe-event-bus --name <name>\` shows it)`,
        ],
        [
            "a partner event bus",
            { existingEventBusName: "aws.partner/stripe.com/ed_123", existingEventBusArn: `arn:aws:events:us-east-1:${ACCOUNT_ID}:event-bus/aws.partner/stripe.com/ed_123` },
            `Invalid existingEventBusName "aws.partner/stripe.com/ed_123": a partner event bus accepts events only from its partner, so the receiver could not publish to it. Fix: use a custom event bus of your own, or remove existingEventBusName and existingEventBusArn to let the component create one`,
        ],
    ];

    for (const [what, args, message] of cases) {
        it(`refuses ${what}`, function () {
            assert.throws(
                () => mod.resolveSettings("stripe", args),
                (e: unknown) => e instanceof mod.PipelineConfigError && e.message === message,
            );
        });
    }

    it("refuses them in the constructor, before any child exists", async function () {
        const mocks = await installMocks();
        assert.throws(() => new mod.StripeAnalyticsPipeline("stripe", { existingBucketName: BUCKET, retainBucketOnDelete: false }), /^PipelineConfigError: Invalid retainBucketOnDelete false/);
        await settled(mocks);
        assert.deepEqual(
            mocks.resources.filter((r) => r.type !== COMPONENT_TYPE),
            [],
        );
    });

    it("shows an Output argument as such rather than its serialization", function () {
        assert.throws(
            () => mod.resolveSettings("stripe", { existingBucketName: BUCKET, kmsKeyArn: pulumi.output(KMS_KEY) }),
            (e: unknown) => e instanceof mod.PipelineConfigError && e.message.startsWith(`Invalid kmsKeyArn "(an Output)": it sets the default encryption`),
        );
    });
});
