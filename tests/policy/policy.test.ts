import { strict as assert } from "assert";
import type { ResourceValidationArgs } from "@pulumi/policy";
import { PipelinePolicy, pipelinePolicies } from "../../policy/policies";
import { deployPipeline } from "../support/deployPipeline";
import { ACCOUNT_ID, RecordedResource, RecordingMocks } from "../support/pulumiMocks";

const TODAY = new Date("2026-01-15T00:00:00Z");
const policies = pipelinePolicies(() => TODAY);
const policy = (name: string) => policies.find((p) => p.name === name)!;

/** What the engine passes a resource policy, for a resource the mocked program registered. */
function validationArgs(type: string, props: Record<string, any>, name = "test"): ResourceValidationArgs {
    return {
        type,
        props,
        name,
        urn: `urn:pulumi:dev::stripe-analytics::${type}::${name}`,
        opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T>() => ({}) as T,
        notApplicable: (reason?: string) => {
            throw new Error(`not applicable: ${reason}`);
        },
    };
}

/** The violations a policy reports for one resource. */
async function violations(p: PipelinePolicy, type: string, props: Record<string, any>): Promise<string[]> {
    const reported: string[] = [];
    for (const validate of [p.validateResource!].flat()) {
        await validate(validationArgs(type, props), (message) => reported.push(message));
    }
    return reported;
}

describe("policy pack", function () {
    let mocks: RecordingMocks;
    /** A recorded resource's inputs, copied so a test can break its top-level fields (nested documents are JSON text, parsed afresh). */
    let props: (type: string, name: string) => Record<string, any>;

    before(async function () {
        // Every optional part on, so every guarded resource type is in the run.
        ({ mocks } = await deployPipeline("stripe", {
            extraEventTypes: ["payment_intent.*"],
            kmsKeyArn: `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/lake-key`,
            quicksightPrincipalArn: `arn:aws:quicksight:us-east-1:${ACCOUNT_ID}:user/default/alice`,
            quicksightManifestDataSet: true,
            createAlarmTopic: true,
            alarmEmail: "oncall@example.com",
            noEventsAlarmHours: 12,
            compaction: true,
        }));
        props = (type, name) => ({ ...mocks.get(type, name).inputs });
    });

    it("packs one mandatory policy per guarantee", function () {
        assert.deepEqual(
            policies.map((p) => [p.name, p.enforcementLevel]),
            [
                ["lake-bucket-private", "mandatory"],
                ["storage-encrypted", "mandatory"],
                ["tls-only", "mandatory"],
                ["no-wildcard-iam", "mandatory"],
                ["lambda-runtime-supported", "mandatory"],
                ["dlq-present", "mandatory"],
            ],
        );
    });

    it("passes every resource of the component's deployment", async function () {
        const found: string[] = [];
        for (const r of mocks.resources as RecordedResource[]) {
            for (const p of policies) {
                for (const message of await violations(p, r.type, r.inputs)) {
                    found.push(`${p.name} ${r.type} ${r.name}: ${message}`);
                }
            }
        }
        assert.deepEqual(found, []);
    });

    it("checks resources the component really creates (no policy passes for want of anything to check)", function () {
        const types = new Set(mocks.resources.map((r) => r.type));
        for (const p of policies) {
            const checked = p.resourceTypes.filter((t) => types.has(t));
            assert.ok(checked.length > 0, `${p.name} checks none of the deployed types`);
        }
        // The types each guarantee hinges on are all among them.
        for (const type of [
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "aws:s3/bucketPolicy:BucketPolicy",
            "aws:sqs/queue:Queue",
            "aws:sns/topic:Topic",
            "aws:iam/rolePolicy:RolePolicy",
            "aws:iam/role:Role",
            "aws:lambda/function:Function",
            "aws:cloudwatch/eventTarget:EventTarget",
        ]) {
            assert.ok(types.has(type), `the mocked run has no ${type}`);
        }
    });

    describe("rejects the bad variant of each guarantee", function () {
        it("lake-bucket-private: a public access block with a gap, ACLs, a public grant", async function () {
            const p = policy("lake-bucket-private");
            const block = props("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "stripe-lake-public-access");
            assert.deepEqual(await violations(p, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", { ...block, blockPublicPolicy: false, restrictPublicBuckets: undefined }), [
                "blockPublicPolicy, restrictPublicBuckets must be true",
            ]);
            const ownership = props("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "stripe-lake-ownership");
            assert.deepEqual(await violations(p, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", { ...ownership, rule: { objectOwnership: "ObjectWriter" } }), [
                'objectOwnership "ObjectWriter" keeps ACLs working; use "BucketOwnerEnforced"',
            ]);
            const bucket = props("aws:s3/bucket:Bucket", "stripe-lake");
            assert.deepEqual(await violations(p, "aws:s3/bucket:Bucket", { ...bucket, acl: "public-read" }), ['acl "public-read" opens the bucket; leave acl unset (object ownership disables ACLs)']);
            const bucketPolicy = props("aws:s3/bucketPolicy:BucketPolicy", "stripe-lake-policy");
            const document = JSON.parse(bucketPolicy.policy);
            document.Statement.push({ Sid: "PublicRead", Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::stripe-lake-a1b2c3d/*" });
            assert.deepEqual(await violations(p, "aws:s3/bucketPolicy:BucketPolicy", { ...bucketPolicy, policy: JSON.stringify(document) }), [
                'statement PublicRead allows Principal "*": grant the exact service or account instead',
            ]);
        });

        it("storage-encrypted: a bucket rule without an algorithm, an unencrypted queue and topic", async function () {
            const p = policy("storage-encrypted");
            const type = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
            assert.deepEqual(await violations(p, type, { ...props(type, "stripe-lake-encryption"), rules: [{ bucketKeyEnabled: true }] }), [
                "every rule needs applyServerSideEncryptionByDefault.sseAlgorithm, one of AES256, aws:kms, aws:kms:dsse",
            ]);
            assert.deepEqual(await violations(p, "aws:sqs/queue:Queue", { ...props("aws:sqs/queue:Queue", "stripe-dlq"), sqsManagedSseEnabled: false }), [
                "the queue is not encrypted: set sqsManagedSseEnabled: true or a kmsMasterKeyId",
            ]);
            const { kmsMasterKeyId, ...plainTopic } = props("aws:sns/topic:Topic", "stripe-alarm-topic");
            assert.ok(kmsMasterKeyId);
            assert.deepEqual(await violations(p, "aws:sns/topic:Topic", plainTopic), [
                "the topic is not encrypted: set kmsMasterKeyId (a customer-managed key if CloudWatch alarms publish to it)",
            ]);
        });

        it("tls-only: a bucket policy that no longer refuses plain HTTP", async function () {
            const p = policy("tls-only");
            const good = props("aws:s3/bucketPolicy:BucketPolicy", "stripe-lake-policy");
            const weakened = JSON.parse(good.policy);
            weakened.Statement[0].Resource = [weakened.Statement[0].Resource[0]]; // the bucket, not its objects
            const message = 'the bucket policy needs a Deny of "s3:*" to Principal "*" on the bucket and its objects when aws:SecureTransport is false';
            assert.deepEqual(await violations(p, "aws:s3/bucketPolicy:BucketPolicy", { ...good, policy: JSON.stringify(weakened) }), [message]);
            assert.deepEqual(await violations(p, "aws:s3/bucketPolicy:BucketPolicy", { ...good, policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) }), [message]);
        });

        it("no-wildcard-iam: wildcard actions, unscoped resources, NotAction, anyone as principal", async function () {
            const p = policy("no-wildcard-iam");
            const rolePolicy = props("aws:iam/rolePolicy:RolePolicy", "stripe-workflow-policy");
            const document = JSON.parse(rolePolicy.policy);
            document.Statement[0].Action = "s3:*";
            document.Statement[1].Resource = "*";
            document.Statement.push({ Effect: "Allow", NotAction: "iam:*", Resource: "*" });
            assert.deepEqual(await violations(p, "aws:iam/rolePolicy:RolePolicy", { ...rolePolicy, policy: JSON.stringify(document) }), [
                "statement ArchiveEvents allows wildcard actions s3:*; list the exact actions",
                'statement ParkFailedEvents allows sqs:SendMessage on Resource "*"; scope them to exact ARNs',
                "statement 5 uses NotAction/NotResource, which allows everything else; list the actions and resources",
            ]);
            // The log-delivery statement alone may use "*", and only with its own actions.
            const logs = JSON.parse(rolePolicy.policy);
            logs.Statement.find((s: { Sid?: string }) => s.Sid === "DeliverExecutionLogs").Action.push("s3:GetObject");
            assert.deepEqual(await violations(p, "aws:iam/rolePolicy:RolePolicy", { ...rolePolicy, policy: JSON.stringify(logs) }), [
                'statement DeliverExecutionLogs allows s3:GetObject on Resource "*"; scope them to exact ARNs',
            ]);
            const role = props("aws:iam/role:Role", "stripe-receiver-role");
            const trust = JSON.parse(role.assumeRolePolicy);
            trust.Statement[0].Principal = "*";
            assert.deepEqual(await violations(p, "aws:iam/role:Role", { ...role, assumeRolePolicy: JSON.stringify(trust) }), [
                "trust statement 1 lets anyone assume the role; name the service or account",
            ]);
            const topicPolicy = props("aws:sns/topicPolicy:TopicPolicy", "stripe-alarm-topic-policy");
            const open = JSON.parse(topicPolicy.policy);
            open.Statement[0].Principal = { AWS: ["*"] };
            assert.deepEqual(await violations(p, "aws:sns/topicPolicy:TopicPolicy", { ...topicPolicy, policy: JSON.stringify(open) }), [
                'statement PublishAlarmsOfThisPipeline allows Principal "*": grant the exact service or account instead',
            ]);
        });

        it("lambda-runtime-supported: an unknown or deprecated runtime", async function () {
            const fn = props("aws:lambda/function:Function", "stripe-receiver");
            assert.equal(fn.runtime, "nodejs22.x");
            const p = policy("lambda-runtime-supported");
            assert.deepEqual(await violations(p, "aws:lambda/function:Function", { ...fn, runtime: "nodejs18.x" }), [
                'runtime "nodejs18.x" is not one of nodejs20.x, nodejs22.x, nodejs24.x',
            ]);
            assert.deepEqual(await violations(p, "aws:lambda/function:Function", { ...fn, runtime: "nodejs20.x" }), []);
            const later = pipelinePolicies(() => new Date("2027-04-30T00:00:00Z")).find((q) => q.name === "lambda-runtime-supported")!;
            assert.deepEqual(await violations(later, "aws:lambda/function:Function", fn), ["runtime nodejs22.x is deprecated since 2027-04-30; move to a newer Node.js runtime"]);
        });

        it("dlq-present: an EventBridge target without a dead-letter queue", async function () {
            const { deadLetterConfig, ...target } = props("aws:cloudwatch/eventTarget:EventTarget", "stripe-target");
            assert.ok(deadLetterConfig.arn);
            assert.deepEqual(await violations(policy("dlq-present"), "aws:cloudwatch/eventTarget:EventTarget", target), [
                "the target has no deadLetterConfig: events EventBridge cannot deliver would be dropped",
            ]);
        });
    });
});
