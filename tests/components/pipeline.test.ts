import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { deployPipeline, Pipeline, PipelineModule } from "../support/deployPipeline";
import { EXPECTED_CHILDREN } from "../support/expectedChildren";
import { ACCOUNT_ID, MOCK_SIGNING_SECRET, RecordingMocks, valueOf } from "../support/pulumiMocks";

const COMPONENT_TYPE = "stripe-analytics:index:StripeAnalyticsPipeline";
const QUICKSIGHT_USER = `arn:aws:quicksight:us-east-1:${ACCOUNT_ID}:user/default/alice`;


function doc(resource: { inputs: Record<string, any> }, field = "policy"): any {
    return JSON.parse(resource.inputs[field]);
}

/** Every Action and Resource of a policy's Allow statements, flattened. */
function allows(policy: any): { actions: string[]; resources: string[]; sid: string }[] {
    return policy.Statement.filter((s: any) => s.Effect === "Allow").map((s: any) => ({
        sid: s.Sid,
        actions: [s.Action].flat(),
        resources: [s.Resource].flat(),
    }));
}

describe("StripeAnalyticsPipeline (mocked deployment)", function () {
    let mocks: RecordingMocks;
    let mod: PipelineModule;
    let pipeline: Pipeline;
    let urns: string[];
    // Mocks see archives serialized without their contents, so the function's code is captured in-process.
    let receiverArchive: pulumi.asset.AssetArchive;

    before(async function () {
        ({ mocks, mod, pipeline, urns } = await deployPipeline(
            "stripe",
            {
                extraEventTypes: ["payment_intent.*", "customer.subscription.deleted"],
                stripeApiVersion: "2025-10-29.clover",
                analyticsMetrics: ["payments"],
                quicksightPrincipalArn: QUICKSIGHT_USER,
                quicksightManifestDataSet: true,
                tags: { team: "billing" },
            },
            {
                opts: {
                    transformations: [
                        (resource) => {
                            if (resource.type === "aws:lambda/function:Function") {
                                receiverArchive = resource.props.code;
                            }
                            return undefined;
                        },
                    ],
                },
            },
        ));
    });

    const find = (type: string, role: string) => mocks.get(type, `stripe-${role}`);

    it("creates exactly the expected children, each named after the component", function () {
        const actual = mocks.resources.filter((r) => r.type !== COMPONENT_TYPE).map((r) => `${r.type} ${r.name}`).sort();
        const expected = EXPECTED_CHILDREN.map(([type, role]) => `${type} stripe-${role}`).sort();
        assert.deepEqual(actual, expected);
    });

    it("parents every child to the component", function () {
        const children = urns.filter((urn) => !urn.endsWith(`::${COMPONENT_TYPE}::stripe`));
        assert.equal(children.length, EXPECTED_CHILDREN.length);
        for (const urn of children) {
            const chain = urn.split("::")[2].split("$");
            assert.deepEqual(chain.slice(0, -1), [COMPONENT_TYPE], `${urn} is not a direct child of the component`);
        }
    });

    it("exposes ARNs, names and URLs as outputs", async function () {
        assert.equal(await valueOf(pipeline.webhookUrl), "https://stripe-receiver-url-a1b2c3d.lambda-url.us-east-1.on.aws/");
        assert.equal(await valueOf(pipeline.bucketName), "stripe-lake-a1b2c3d");
        assert.equal(await valueOf(pipeline.eventBusName), "stripe-bus-a1b2c3d");
        assert.equal(await valueOf(pipeline.eventBusArn), `arn:aws:events:us-east-1:${ACCOUNT_ID}:event-bus/stripe-bus-a1b2c3d`);
        assert.equal(await valueOf(pipeline.ruleArn), `arn:aws:events:us-east-1:${ACCOUNT_ID}:rule/stripe-bus-a1b2c3d/stripe-rule-a1b2c3d`);
        assert.equal(await valueOf(pipeline.stateMachineArn), `arn:aws:states:us-east-1:${ACCOUNT_ID}:stateMachine:stripe-workflow-a1b2c3d`);
        assert.equal(await valueOf(pipeline.deadLetterQueueUrl), `https://sqs.us-east-1.amazonaws.com/${ACCOUNT_ID}/stripe-dlq-a1b2c3d`);
        assert.equal(await valueOf(pipeline.dataSetArn), `arn:aws:quicksight:us-east-1:${ACCOUNT_ID}:dataset/stripe-analytics-dev-stripe-events`);
        assert.equal(await valueOf(pipeline.dashboardArn), `arn:aws:quicksight:us-east-1:${ACCOUNT_ID}:dashboard/stripe-analytics-dev-stripe-metrics`);
        assert.equal(await valueOf(pipeline.dashboardUrl), "https://us-east-1.quicksight.aws.amazon.com/sn/dashboards/stripe-analytics-dev-stripe-metrics");
        assert.equal(await valueOf(pipeline.webhookEndpointId), "we_stripe-webhook");
    });

    describe("storage", function () {
        it("blocks every kind of public access and enforces bucket-owner object ownership", function () {
            const block = find("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "lake-public-access").inputs;
            assert.deepEqual(
                { ...block, bucket: undefined },
                { bucket: undefined, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            );
            assert.equal(block.bucket, "stripe-lake-id");
            assert.deepEqual(find("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "lake-ownership").inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
        });

        it("encrypts with SSE-S3 by default, versions objects and expires old versions", function () {
            assert.deepEqual(find("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "lake-encryption").inputs.rules, [
                { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false },
            ]);
            assert.deepEqual(find("aws:s3/bucketVersioning:BucketVersioning", "lake-versioning").inputs.versioningConfiguration, { status: "Enabled" });
            assert.deepEqual(find("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "lake-lifecycle").inputs.rules, [
                {
                    id: "noncurrent-versions-and-incomplete-uploads",
                    status: "Enabled",
                    filter: {},
                    noncurrentVersionExpiration: { noncurrentDays: 30 },
                    abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                },
            ]);
        });

        it("denies every request without TLS", function () {
            assert.deepEqual(doc(find("aws:s3/bucketPolicy:BucketPolicy", "lake-policy")), {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "DenyInsecureTransport",
                        Effect: "Deny",
                        Principal: "*",
                        Action: "s3:*",
                        Resource: ["arn:aws:s3:::stripe-lake-a1b2c3d", "arn:aws:s3:::stripe-lake-a1b2c3d/*"],
                        Condition: { Bool: { "aws:SecureTransport": false } },
                    },
                ],
            });
        });

        it("encrypts the dead-letter queue and keeps messages 14 days", function () {
            const queue = find("aws:sqs/queue:Queue", "dlq").inputs;
            assert.equal(queue.sqsManagedSseEnabled, true);
            assert.equal(queue.messageRetentionSeconds, 14 * 86400);
        });
    });

    describe("routing", function () {
        it("matches exactly the configured types, with family wildcards as prefixes", function () {
            const rule = find("aws:cloudwatch/eventRule:EventRule", "rule").inputs;
            assert.equal(rule.eventBusName, "stripe-bus-a1b2c3d");
            assert.deepEqual(JSON.parse(rule.eventPattern), {
                source: ["stripe-analytics.webhook"],
                "detail-type": ["checkout.session.completed", "customer.subscription.created", "customer.subscription.deleted", { prefix: "payment_intent." }],
            });
        });

        it("targets the state machine with its own role, a retry policy and the dead-letter queue", function () {
            const target = find("aws:cloudwatch/eventTarget:EventTarget", "target").inputs;
            assert.equal(target.arn, `arn:aws:states:us-east-1:${ACCOUNT_ID}:stateMachine:stripe-workflow-a1b2c3d`);
            assert.equal(target.roleArn, `arn:aws:iam::${ACCOUNT_ID}:role/stripe-target-role-a1b2c3d`);
            assert.equal(target.rule, "stripe-rule-a1b2c3d");
            assert.equal(target.eventBusName, "stripe-bus-a1b2c3d");
            assert.deepEqual(target.retryPolicy, { maximumEventAgeInSeconds: 86400, maximumRetryAttempts: 185 });
            assert.deepEqual(target.deadLetterConfig, { arn: `arn:aws:sqs:us-east-1:${ACCOUNT_ID}:stripe-dlq-a1b2c3d` });
        });

        it("lets the target role start only this state machine", function () {
            const policy = find("aws:iam/rolePolicy:RolePolicy", "target-policy");
            assert.equal(policy.inputs.role, "stripe-target-role-id");
            assert.deepEqual(allows(doc(policy)), [
                { sid: "StartArchiveWorkflow", actions: ["states:StartExecution"], resources: [`arn:aws:states:us-east-1:${ACCOUNT_ID}:stateMachine:stripe-workflow-a1b2c3d`] },
            ]);
            assert.deepEqual(doc(find("aws:iam/role:Role", "target-role"), "assumeRolePolicy").Statement[0].Principal, { Service: "events.amazonaws.com" });
        });

        it("lets only this rule's deliveries into the dead-letter queue", function () {
            const policy = doc(find("aws:sqs/queuePolicy:QueuePolicy", "dlq-policy"));
            assert.deepEqual(policy.Statement, [
                {
                    Sid: "AcceptFailedDeliveriesOfThisRule",
                    Effect: "Allow",
                    Principal: { Service: "events.amazonaws.com" },
                    Action: "sqs:SendMessage",
                    Resource: `arn:aws:sqs:us-east-1:${ACCOUNT_ID}:stripe-dlq-a1b2c3d`,
                    Condition: { ArnEquals: { "aws:SourceArn": `arn:aws:events:us-east-1:${ACCOUNT_ID}:rule/stripe-bus-a1b2c3d/stripe-rule-a1b2c3d` } },
                },
            ]);
        });
    });

    describe("workflow", function () {
        it("is an EXPRESS state machine logging errors to its own log group", function () {
            const sm = find("aws:sfn/stateMachine:StateMachine", "workflow").inputs;
            assert.equal(sm.type, "EXPRESS");
            assert.equal(sm.roleArn, `arn:aws:iam::${ACCOUNT_ID}:role/stripe-workflow-role-a1b2c3d`);
            const logGroup = find("aws:cloudwatch/logGroup:LogGroup", "workflow-logs").state;
            assert.deepEqual(sm.loggingConfiguration, { logDestination: `${logGroup.arn}:*`, level: "ERROR", includeExecutionData: false });
            assert.equal(find("aws:cloudwatch/logGroup:LogGroup", "workflow-logs").inputs.retentionInDays, 30);
        });

        it("deploys the definition built by buildArchiveDefinition for this bucket and queue", function () {
            const sm = find("aws:sfn/stateMachine:StateMachine", "workflow").inputs;
            assert.deepEqual(
                JSON.parse(sm.definition),
                mod.buildArchiveDefinition({
                    bucketName: "stripe-lake-a1b2c3d",
                    lakePrefix: "events",
                    deadLetterQueueUrl: `https://sqs.us-east-1.amazonaws.com/${ACCOUNT_ID}/stripe-dlq-a1b2c3d`,
                }),
            );
        });

        it("may only put objects under the lake prefix and park events in its queue", function () {
            const policy = doc(find("aws:iam/rolePolicy:RolePolicy", "workflow-policy"));
            const statements = allows(policy);
            assert.deepEqual(statements.slice(0, 2), [
                { sid: "ArchiveEvents", actions: ["s3:PutObject"], resources: ["arn:aws:s3:::stripe-lake-a1b2c3d/events/*"] },
                { sid: "ParkFailedEvents", actions: ["sqs:SendMessage"], resources: [`arn:aws:sqs:us-east-1:${ACCOUNT_ID}:stripe-dlq-a1b2c3d`] },
            ]);
            // The only "*" resource: log delivery actions, which AWS offers no narrower resource for.
            assert.equal(statements.length, 3);
            assert.equal(statements[2].sid, "DeliverExecutionLogs");
            assert.ok(statements[2].actions.every((a) => a.startsWith("logs:") && (a.includes("LogDeliver") || a.includes("ResourcePolic") || a === "logs:DescribeLogGroups")));
            const trust = doc(find("aws:iam/role:Role", "workflow-role"), "assumeRolePolicy");
            assert.deepEqual(trust.Statement, [
                { Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT_ID } } },
            ]);
        });
    });

    describe("ingestion", function () {
        it("runs the bundled receiver on Node.js 22 arm64, configured by environment, without the secret's value", function () {
            const fn = find("aws:lambda/function:Function", "receiver").inputs;
            assert.equal(fn.runtime, "nodejs22.x");
            assert.deepEqual(fn.architectures, ["arm64"]);
            assert.equal(fn.handler, "index.handler");
            assert.equal(fn.role, `arn:aws:iam::${ACCOUNT_ID}:role/stripe-receiver-role-a1b2c3d`);
            assert.deepEqual(fn.environment.variables, {
                EVENT_BUS_NAME: "stripe-bus-a1b2c3d",
                EVENT_SOURCE: "stripe-analytics.webhook",
                LAKE_BUCKET: "stripe-lake-a1b2c3d",
                LAKE_PREFIX: "events",
                SIGNING_SECRET_ARN: `arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:stripe-signing-secret-a1b2c3d-AbCdEf`,
                EVENT_PATTERN: find("aws:cloudwatch/eventRule:EventRule", "rule").inputs.eventPattern,
            });
            assert.ok(!JSON.stringify(fn).includes(MOCK_SIGNING_SECRET), "the signing secret leaked into the function's configuration");
            assert.deepEqual(fn.loggingConfig, { logFormat: "Text", logGroup: find("aws:cloudwatch/logGroup:LogGroup", "receiver-logs").state.name });
        });

        it("deploys the bundled handler, with the AWS SDK left to the runtime", async function () {
            const assets = await receiverArchive.assets;
            assert.deepEqual(Object.keys(assets), ["index.js"]);
            const code: string = await (assets["index.js"] as pulumi.asset.StringAsset).text;
            assert.equal(code, mod.bundleReceiver());
            assert.match(code, /require\("@aws-sdk\/client-eventbridge"\)/);
            assert.ok(!code.includes("class EventBridgeClient"), "the bundle carries its own AWS SDK copy");
            assert.match(code, /exports, *\{|module\.exports/);
        });

        it("opens a public function URL with both invoke permissions, the second only through the URL", function () {
            assert.deepEqual(find("aws:lambda/functionUrl:FunctionUrl", "receiver-url").inputs, { functionName: "stripe-receiver-a1b2c3d", authorizationType: "NONE" });
            assert.deepEqual(find("aws:lambda/permission:Permission", "receiver-url-invoke").inputs, {
                function: "stripe-receiver-a1b2c3d",
                action: "lambda:InvokeFunctionUrl",
                principal: "*",
                functionUrlAuthType: "NONE",
            });
            assert.deepEqual(find("aws:lambda/permission:Permission", "receiver-invoke").inputs, {
                function: "stripe-receiver-a1b2c3d",
                action: "lambda:InvokeFunction",
                principal: "*",
                invokedViaFunctionUrl: true,
            });
        });

        it("lets the receiver publish to its bus, write oversize events under the prefix, read its secret and log", function () {
            assert.deepEqual(allows(doc(find("aws:iam/rolePolicy:RolePolicy", "receiver-policy"))), [
                { sid: "PublishToPipelineBus", actions: ["events:PutEvents"], resources: [`arn:aws:events:us-east-1:${ACCOUNT_ID}:event-bus/stripe-bus-a1b2c3d`] },
                { sid: "ArchiveOversizeEvents", actions: ["s3:PutObject"], resources: ["arn:aws:s3:::stripe-lake-a1b2c3d/events/*"] },
                { sid: "ReadSigningSecret", actions: ["secretsmanager:GetSecretValue"], resources: [`arn:aws:secretsmanager:us-east-1:${ACCOUNT_ID}:secret:stripe-signing-secret-a1b2c3d-AbCdEf`] },
                {
                    sid: "WriteOwnLogs",
                    actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
                    resources: [`${find("aws:cloudwatch/logGroup:LogGroup", "receiver-logs").state.arn}:*`],
                },
            ]);
        });

        it("subscribes the Stripe endpoint at the function URL to the expanded event types", function () {
            const endpoint = find("stripe:index/webhookEndpoint:WebhookEndpoint", "webhook").inputs;
            assert.equal(endpoint.url, "https://stripe-receiver-url-a1b2c3d.lambda-url.us-east-1.on.aws/");
            assert.equal(endpoint.apiVersion, "2025-10-29.clover");
            assert.deepEqual(endpoint.enabledEvents, [
                "checkout.session.completed",
                "customer.subscription.created",
                "customer.subscription.deleted",
                "payment_intent.amount_capturable_updated",
                "payment_intent.canceled",
                "payment_intent.created",
                "payment_intent.partially_funded",
                "payment_intent.payment_failed",
                "payment_intent.processing",
                "payment_intent.requires_action",
                "payment_intent.succeeded",
            ]);
        });

        it("stores the endpoint's signing secret in Secrets Manager as a Pulumi secret", async function () {
            const version = find("aws:secretsmanager/secretVersion:SecretVersion", "signing-secret-value");
            assert.equal(version.inputs.secretId, "stripe-signing-secret-id");
            assert.deepEqual(version.inputs.secretString, { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: MOCK_SIGNING_SECRET });

        });
    });

    describe("QuickSight S3-manifest dataset (opt-in)", function () {
        it("points a manifest at the lake prefix and reads it through a read-only role", function () {
            const manifest = find("aws:s3/bucketObjectv2:BucketObjectv2", "quicksight-manifest").inputs;
            assert.equal(manifest.key, "quicksight/manifest.json");
            assert.deepEqual(JSON.parse(manifest.content), {
                fileLocations: [{ URIPrefixes: ["s3://stripe-lake-a1b2c3d/events/"] }],
                globalUploadSettings: { format: "JSON" },
            });
            assert.deepEqual(allows(doc(find("aws:iam/rolePolicy:RolePolicy", "quicksight-policy"))), [
                { sid: "ReadLake", actions: ["s3:GetObject"], resources: ["arn:aws:s3:::stripe-lake-a1b2c3d/events/*", "arn:aws:s3:::stripe-lake-a1b2c3d/quicksight/manifest.json"] },
                { sid: "ListLake", actions: ["s3:ListBucket"], resources: ["arn:aws:s3:::stripe-lake-a1b2c3d"] },
            ]);
            const source = find("aws:quicksight/dataSource:DataSource", "quicksight-source").inputs;
            assert.deepEqual(source.parameters, {
                s3: { manifestFileLocation: { bucket: "stripe-lake-a1b2c3d", key: "quicksight/manifest.json" }, roleArn: `arn:aws:iam::${ACCOUNT_ID}:role/stripe-quicksight-role-a1b2c3d` },
            });
            assert.equal(source.awsAccountId, ACCOUNT_ID);
            assert.equal(source.dataSourceId, "stripe-analytics-dev-stripe-events");
            assert.deepEqual(source.permissions, [{ principal: QUICKSIGHT_USER, actions: mod.DATA_SOURCE_OWNER_ACTIONS }]);
        });

        it("creates a SPICE dataset over the data source owned by the principal", function () {
            const dataSet = find("aws:quicksight/dataSet:DataSet", "quicksight-dataset").inputs;
            assert.equal(dataSet.importMode, "SPICE");
            assert.equal(dataSet.physicalTableMaps[0].s3Source.dataSourceArn, `arn:aws:quicksight:us-east-1:${ACCOUNT_ID}:datasource/stripe-analytics-dev-stripe-events`);
            assert.deepEqual(dataSet.permissions, [{ principal: QUICKSIGHT_USER, actions: mod.DATA_SET_OWNER_ACTIONS }]);
        });
    });
});
