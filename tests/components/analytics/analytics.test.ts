import { strict as assert } from "assert";
import { deployPipeline, Pipeline, PipelineModule } from "../../support/deployPipeline";
import { ACCOUNT_ID, installMocks, RecordingMocks, valueOf } from "../../support/pulumiMocks";

const QUICKSIGHT_USER = `arn:aws:quicksight:us-east-1:${ACCOUNT_ID}:user/default/alice`;
const KMS_KEY = `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const DATABASE = "stripe_analytics_dev_billing";
const WORKGROUP = "stripe-analytics-dev-billing";

const ANALYTICS_TYPES = [
    "aws:glue/catalogDatabase:CatalogDatabase",
    "aws:glue/catalogTable:CatalogTable",
    "aws:athena/workgroup:Workgroup",
    "aws:athena/namedQuery:NamedQuery",
    "aws:quicksight/dataSource:DataSource",
    "aws:quicksight/dataSet:DataSet",
    "aws:quicksight/refreshSchedule:RefreshSchedule",
    "aws:s3/bucketObjectv2:BucketObjectv2",
];

function decodeView(viewOriginalText: string): any {
    const match = /^\/\* Presto View: ([A-Za-z0-9+/=]+) \*\/$/.exec(viewOriginalText);
    assert.ok(match, `not a Presto view: ${viewOriginalText.slice(0, 40)}`);
    return JSON.parse(Buffer.from(match[1], "base64").toString("utf8"));
}

describe("analytics (mocked deployment)", function () {
    describe("with payments, invoices and cancellations archived and a QuickSight principal", function () {
        let mocks: RecordingMocks;
        let mod: PipelineModule;
        let pipeline: Pipeline;
        let warnings: string[];
        const find = (type: string, role: string) => mocks.get(type, `billing-${role}`);

        before(async function () {
            ({ mocks, mod, pipeline, warnings } = await deployPipeline("billing", {
                extraEventTypes: ["payment_intent.*", "customer.subscription.deleted", "invoice.paid"],
                quicksightPrincipalArn: QUICKSIGHT_USER,
            }));
        });

        it("creates a Glue database named after project, stack and component", function () {
            assert.equal(find("aws:glue/catalogDatabase:CatalogDatabase", "glue-database").inputs.name, DATABASE);
        });

        it("declares the lake table: OpenX JSON documents under the prefix, typed columns, type and dt partitions projected", function () {
            const table = find("aws:glue/catalogTable:CatalogTable", "events-table").inputs;
            const enabled = mod.selectEventTypes(["payment_intent.*", "customer.subscription.deleted", "invoice.paid"]).enabledEvents;
            assert.equal(table.name, "events");
            assert.equal(table.databaseName, DATABASE);
            assert.equal(table.tableType, "EXTERNAL_TABLE");
            assert.deepEqual(table.parameters, {
                EXTERNAL: "TRUE",
                classification: "json",
                "projection.enabled": "true",
                "projection.type.type": "enum",
                "projection.type.values": enabled.join(","),
                "projection.dt.type": "date",
                "projection.dt.format": "yyyy-MM-dd",
                "projection.dt.range": "2025-01-01,NOW",
                "projection.dt.interval": "1",
                "projection.dt.interval.unit": "DAYS",
                "storage.location.template": "s3://billing-lake-a1b2c3d/events/type=${type}/dt=${dt}/",
            });
            assert.ok(enabled.includes("invoice.paid") && enabled.includes("payment_intent.payment_failed"));
            assert.deepEqual(table.partitionKeys, [
                { name: "type", type: "string" },
                { name: "dt", type: "string" },
            ]);
            assert.deepEqual(table.storageDescriptor, {
                location: "s3://billing-lake-a1b2c3d/events/",
                columns: mod.eventsTableColumns().columns,
                inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
                outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                serDeInfo: { serializationLibrary: "org.openx.data.jsonserde.JsonSerDe" },
            });
            assert.deepEqual(
                table.storageDescriptor.columns.map((c: { name: string }) => c.name),
                ["id", "object", "api_version", "created", "livemode", "account", "data"],
            );
            assert.match(table.storageDescriptor.columns[6].type, /^struct<object:struct<id:string,object:string,customer:string,status:string,currency:string,created:bigint,/);
            assert.ok(table.storageDescriptor.columns[6].type.includes("items:struct<data:array<struct<id:string,quantity:bigint,price:struct<"));
            assert.ok(table.storageDescriptor.columns[6].type.includes(",source:struct<type:string,coupon:string>,"), "discounts name their coupon under source");
        });

        it("stores one Athena view per configured family, in Athena's own encoding of the shared SQL", function () {
            const views = mocks.ofType("aws:glue/catalogTable:CatalogTable").filter((t) => t.inputs.tableType === "VIRTUAL_VIEW");
            assert.deepEqual(views.map((v) => [v.name, v.inputs.name]).sort(), [
                ["billing-view-checkout-sessions", "checkout_sessions"],
                ["billing-view-invoices", "invoices"],
                ["billing-view-metric-settings", "metric_settings"],
                ["billing-view-metrics-by-month", "metrics_by_month"],
                ["billing-view-mrr-movements", "mrr_movements"],
                ["billing-view-payment-intents", "payment_intents"],
                ["billing-view-subscription-mrr", "subscription_mrr"],
                ["billing-view-subscriptions", "subscriptions"],
            ]);
            const settings = views.find((v) => v.inputs.name === "metric_settings")!;
            assert.deepEqual(decodeView(settings.inputs.viewOriginalText), {
                originalSql: "SELECT\n    CAST(true AS boolean) AS deduct_forever_coupons,\n    CAST(true AS boolean) AS deduct_repeating_coupons,\n    CAST(false AS boolean) AS deduct_once_coupons,\n    CAST(true AS boolean) AS churn_at_cancellation",
                catalog: "awsdatacatalog",
                schema: DATABASE,
                columns: ["deduct_forever_coupons", "deduct_repeating_coupons", "deduct_once_coupons", "churn_at_cancellation"].map((name) => ({ name, type: "boolean" })),
            });
            assert.deepEqual(settings.inputs.storageDescriptor.columns, ["deduct_forever_coupons", "deduct_repeating_coupons", "deduct_once_coupons", "churn_at_cancellation"].map((name) => ({ name, type: "boolean" })));
            for (const view of views.filter((v) => v.inputs.name !== "metric_settings")) {
                const definition = mod.VIEWS.find((v) => v.name === view.inputs.name)!;
                assert.equal(view.inputs.databaseName, DATABASE);
                assert.deepEqual(view.inputs.parameters, { presto_view: "true", comment: "Presto View" });
                assert.equal(view.inputs.viewExpandedText, "/* Presto View */");
                assert.deepEqual(decodeView(view.inputs.viewOriginalText), {
                    originalSql: mod.readSql(definition.file),
                    catalog: "awsdatacatalog",
                    schema: DATABASE,
                    columns: definition.columns.map((c) => ({ name: c.name, type: { string: "varchar", bigint: "bigint", double: "double", boolean: "boolean", timestamp: "timestamp", date: "date" }[c.type] })),
                });
                assert.deepEqual(
                    view.inputs.storageDescriptor.columns,
                    definition.columns.map((c) => ({ name: c.name, type: c.type })),
                    "Glue column types are the Hive spellings (string, bigint, double, boolean, timestamp), the same words as the schema's",
                );
            }
        });

        it("declares in its views every column the saved queries read", function () {
            const subscriptions = mod.VIEWS.find((v) => v.name === "subscriptions")!.columns.map((c) => c.name);
            const payments = mod.VIEWS.find((v) => v.name === "payment_intents")!.columns.map((c) => c.name);
            for (const column of ["event_time", "event_type", "subscription_id", "version", "is_latest", "is_active", "currency", "monthly_amount"]) {
                assert.ok(subscriptions.includes(column), column);
            }
            for (const column of ["event_time", "event_type", "currency", "amount_received"]) {
                assert.ok(payments.includes(column), column);
            }
        });

        it("runs queries in a workgroup that enforces its encrypted results bucket and engine version 3", function () {
            const workgroup = find("aws:athena/workgroup:Workgroup", "athena-workgroup").inputs;
            assert.equal(workgroup.name, WORKGROUP);
            assert.equal(workgroup.forceDestroy, true);
            assert.deepEqual(workgroup.configuration, {
                enforceWorkgroupConfiguration: true,
                publishCloudwatchMetricsEnabled: true,
                engineVersion: { selectedEngineVersion: "Athena engine version 3" },
                resultConfiguration: {
                    outputLocation: "s3://billing-athena-results-a1b2c3d/",
                    encryptionConfiguration: { encryptionOption: "SSE_S3" },
                    expectedBucketOwner: ACCOUNT_ID,
                },
            });
        });

        it("keeps query results in a private, owner-enforced, encrypted, TLS-only bucket that expires them", function () {
            const results = find("aws:s3/bucket:Bucket", "athena-results").inputs;
            assert.equal(results.forceDestroy, true);
            assert.deepEqual(find("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "athena-results-public-access").inputs, {
                bucket: "billing-athena-results-id",
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            });
            assert.deepEqual(find("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "athena-results-ownership").inputs, {
                bucket: "billing-athena-results-id",
                rule: { objectOwnership: "BucketOwnerEnforced" },
            });
            assert.deepEqual(find("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "athena-results-encryption").inputs.rules, [
                { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: false },
            ]);
            assert.deepEqual(find("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "athena-results-lifecycle").inputs.rules, [
                { id: "expire-query-results", status: "Enabled", filter: {}, expiration: { days: 7 }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } },
            ]);
            assert.deepEqual(JSON.parse(find("aws:s3/bucketPolicy:BucketPolicy", "athena-results-policy").inputs.policy), mod.policies.tlsOnlyBucketPolicy("arn:aws:s3:::billing-athena-results-a1b2c3d"));
        });

        it("saves every metric query whose event types are archived, with the shared SQL", function () {
            const queries = mocks.ofType("aws:athena/namedQuery:NamedQuery");
            assert.deepEqual(
                queries.map((q) => [q.name, q.inputs.name, q.inputs.database, q.inputs.workgroup]).sort(),
                [
                    ["billing-query-active-subscriptions", "Active subscriptions and MRR by currency", DATABASE, WORKGROUP],
                    ["billing-query-mrr", "MRR by currency and month", DATABASE, WORKGROUP],
                    ["billing-query-payments", "Payment volume and failure rate by day", DATABASE, WORKGROUP],
                    ["billing-query-subscription-movements", "New vs churned subscriptions by month", DATABASE, WORKGROUP],
                ],
            );
            for (const m of mod.METRICS) {
                assert.equal(find("aws:athena/namedQuery:NamedQuery", `query-${m.role}`).inputs.query, mod.readSql(m.file));
            }
        });

        it("warns at deployment that MRR sees subscriptions as created without customer.subscription.updated", function () {
            const types = mod.selectEventTypes(["payment_intent.*", "customer.subscription.deleted", "invoice.paid"]).enabledEvents;
            const metrics = ["mrr", "active_subscriptions", "subscription_movements", "payments"] as const;
            assert.deepEqual(warnings, [...mod.metricCaveats(types, [...metrics]), ...mod.discountCaveats(types, [...metrics])]);
            assert.equal(warnings.length, 2);
            assert.match(warnings[1], /^customer\.discount\.created, customer\.discount\.deleted, coupon\.created are not archived, so mrr and active_subscriptions are at list prices/);
        });

        it("connects QuickSight to the workgroup through a role of its own", function () {
            const source = find("aws:quicksight/dataSource:DataSource", "quicksight-athena-source").inputs;
            assert.equal(source.type, "ATHENA");
            assert.equal(source.dataSourceId, "stripe-analytics-dev-billing-athena");
            assert.equal(source.awsAccountId, ACCOUNT_ID);
            assert.deepEqual(source.parameters, { athena: { workGroup: WORKGROUP, roleArn: `arn:aws:iam::${ACCOUNT_ID}:role/billing-quicksight-athena-role-a1b2c3d` } });
            assert.deepEqual(source.permissions, [{ principal: QUICKSIGHT_USER, actions: mod.DATA_SOURCE_OWNER_ACTIONS }]);
            assert.deepEqual(JSON.parse(find("aws:iam/role:Role", "quicksight-athena-role").inputs.assumeRolePolicy).Statement, [
                { Effect: "Allow", Principal: { Service: "quicksight.amazonaws.com" }, Action: "sts:AssumeRole" },
            ]);
        });

        it("lets that role query only this workgroup, read only these tables and the lake prefix, and write only its results bucket", function () {
            const policy = JSON.parse(find("aws:iam/rolePolicy:RolePolicy", "quicksight-athena-policy").inputs.policy);
            const glue = `arn:aws:glue:us-east-1:${ACCOUNT_ID}`;
            assert.deepEqual(policy.Statement, [
                {
                    Sid: "QueryInOwnWorkgroup",
                    Effect: "Allow",
                    Action: ["athena:StartQueryExecution", "athena:StopQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:GetQueryResultsStream", "athena:GetWorkGroup"],
                    Resource: `arn:aws:athena:us-east-1:${ACCOUNT_ID}:workgroup/${WORKGROUP}`,
                },
                {
                    Sid: "ReadCatalogMetadata",
                    Effect: "Allow",
                    Action: ["athena:GetDataCatalog", "athena:GetDatabase", "athena:ListDatabases", "athena:GetTableMetadata", "athena:ListTableMetadata"],
                    Resource: `arn:aws:athena:us-east-1:${ACCOUNT_ID}:datacatalog/AwsDataCatalog`,
                },
                {
                    Sid: "ReadTableDefinitions",
                    Effect: "Allow",
                    Action: ["glue:GetDatabase", "glue:GetDatabases", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition"],
                    Resource: [
                        `${glue}:catalog`,
                        `${glue}:database/${DATABASE}`,
                        ...["events", "subscriptions", "checkout_sessions", "payment_intents", "invoices", "subscription_mrr", "mrr_movements", "metrics_by_month", "metric_settings"].map(
                            (t) => `${glue}:table/${DATABASE}/${t}`,
                        ),
                    ],
                },
                { Sid: "ReadLake", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::billing-lake-a1b2c3d/events/*" },
                { Sid: "ListLake", Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::billing-lake-a1b2c3d", Condition: { StringLike: { "s3:prefix": ["events/*"] } } },
                {
                    Sid: "WriteQueryResults",
                    Effect: "Allow",
                    Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                    Resource: "arn:aws:s3:::billing-athena-results-a1b2c3d/*",
                },
                { Sid: "ListQueryResults", Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"], Resource: "arn:aws:s3:::billing-athena-results-a1b2c3d" },
                { Sid: "LocateLakeBucket", Effect: "Allow", Action: "s3:GetBucketLocation", Resource: "arn:aws:s3:::billing-lake-a1b2c3d" },
            ]);
        });

        it("imports each view a visual reads into a SPICE dataset owned by the principal, refreshed daily at 03:00 UTC", function () {
            const imported = mod.VIEWS.filter((v) => v.name !== "charges" && v.dataSet !== false);
            assert.deepEqual(imported.map((v) => v.name), ["subscriptions", "checkout_sessions", "payment_intents", "invoices", "metrics_by_month"]);
            assert.equal(mocks.ofType("aws:quicksight/dataSet:DataSet").length, imported.length);
            for (const view of imported) {
                const dataSet = find("aws:quicksight/dataSet:DataSet", `quicksight-${view.role}-dataset`).inputs;
                assert.equal(dataSet.dataSetId, `stripe-analytics-dev-billing-${view.role}`);
                assert.equal(dataSet.importMode, "SPICE");
                assert.deepEqual(dataSet.permissions, [{ principal: QUICKSIGHT_USER, actions: mod.DATA_SET_OWNER_ACTIONS }]);
                assert.deepEqual(dataSet.physicalTableMaps, [
                    {
                        physicalTableMapId: view.role,
                        relationalTable: {
                            dataSourceArn: `arn:aws:quicksight:us-east-1:${ACCOUNT_ID}:datasource/stripe-analytics-dev-billing-athena`,
                            catalog: "AwsDataCatalog",
                            schema: DATABASE,
                            name: view.name,
                            inputColumns: view.columns.map((c) => ({ name: c.name, type: { string: "STRING", bigint: "INTEGER", double: "DECIMAL", boolean: "BIT", timestamp: "DATETIME", date: "DATETIME" }[c.type] })),
                        },
                    },
                ]);
                assert.deepEqual(find("aws:quicksight/refreshSchedule:RefreshSchedule", `quicksight-${view.role}-refresh`).inputs, {
                    awsAccountId: ACCOUNT_ID,
                    dataSetId: `stripe-analytics-dev-billing-${view.role}`,
                    scheduleId: "scheduled-refresh",
                    schedule: { refreshType: "FULL_REFRESH", scheduleFrequency: { interval: "DAILY", timezone: "UTC", timeOfTheDay: "03:00" } },
                });
            }
        });

        it("leaves the S3-manifest dataset out unless opted in", function () {
            assert.deepEqual(mocks.ofType("aws:s3/bucketObjectv2:BucketObjectv2"), []);
            assert.equal(mocks.ofType("aws:quicksight/dataSource:DataSource").length, 1);
        });

        it("exposes the database, workgroup and dataset ARNs", async function () {
            assert.equal(await valueOf(pipeline.athenaDatabaseName), DATABASE);
            assert.equal(await valueOf(pipeline.athenaWorkgroupName), WORKGROUP);
            assert.deepEqual(
                await valueOf(pipeline.quicksightDataSetArns),
                ["subscriptions", "checkout-sessions", "payment-intents", "invoices", "metrics-by-month"].map((role) => `arn:aws:quicksight:us-east-1:${ACCOUNT_ID}:dataset/stripe-analytics-dev-billing-${role}`),
            );
            assert.equal(await valueOf(pipeline.dataSetArn), undefined);
        });
    });

    describe("with a KMS key, one requested metric and a weekly refresh", function () {
        let mocks: RecordingMocks;
        const find = (type: string, role: string) => mocks.get(type, `kms-${role}`);

        before(async function () {
            ({ mocks } = await deployPipeline("kms", {
                extraEventTypes: ["payment_intent.*", "customer.subscription.*"],
                kmsKeyArn: KMS_KEY,
                analyticsMetrics: ["payments"],
                analyticsStartDate: "2024-06-01",
                athenaResultsExpirationDays: 30,
                quicksightPrincipalArn: QUICKSIGHT_USER,
                quicksightRefreshInterval: "WEEKLY",
                quicksightRefreshTime: "05:30",
            }));
        });

        it("encrypts query results with the lake's key", function () {
            assert.deepEqual(find("aws:athena/workgroup:Workgroup", "athena-workgroup").inputs.configuration.resultConfiguration.encryptionConfiguration, {
                encryptionOption: "SSE_KMS",
                kmsKeyArn: KMS_KEY,
            });
            assert.deepEqual(find("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "athena-results-encryption").inputs.rules, [
                { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KMS_KEY }, bucketKeyEnabled: true },
            ]);
            const statements = JSON.parse(find("aws:iam/rolePolicy:RolePolicy", "quicksight-athena-policy").inputs.policy).Statement;
            assert.deepEqual(statements[statements.length - 1], { Sid: "UseLakeKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: KMS_KEY });
        });

        it("saves only the requested metric and applies the start date and results expiry", function () {
            assert.deepEqual(mocks.ofType("aws:athena/namedQuery:NamedQuery").map((q) => q.name), ["kms-query-payments"]);
            assert.equal(find("aws:glue/catalogTable:CatalogTable", "events-table").inputs.parameters["projection.dt.range"], "2024-06-01,NOW");
            assert.equal(find("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "athena-results-lifecycle").inputs.rules[0].expiration.days, 30);
        });

        it("refreshes weekly on Mondays at the configured time", function () {
            assert.deepEqual(find("aws:quicksight/refreshSchedule:RefreshSchedule", "quicksight-payment-intents-refresh").inputs.schedule, {
                refreshType: "FULL_REFRESH",
                scheduleFrequency: { interval: "WEEKLY", timezone: "UTC", timeOfTheDay: "05:30", refreshOnDay: { dayOfWeek: "MONDAY" } },
            });
        });
    });

    describe("with the default event types and no QuickSight", function () {
        let mocks: RecordingMocks;
        let warnings: string[];

        before(async function () {
            ({ mocks, warnings } = await deployPipeline("plain", {}));
        });

        it("creates the Athena side with the views of the two default families and no saved queries", function () {
            assert.deepEqual(
                mocks.ofType("aws:glue/catalogTable:CatalogTable").map((t) => t.name).sort(),
                [
                    "plain-events-table",
                    "plain-view-checkout-sessions",
                    "plain-view-metric-settings",
                    "plain-view-metrics-by-month",
                    "plain-view-mrr-movements",
                    "plain-view-subscription-mrr",
                    "plain-view-subscriptions",
                ],
            );
            assert.equal(mocks.get("aws:glue/catalogTable:CatalogTable", "plain-events-table").inputs.parameters["projection.type.values"], "checkout.session.completed,customer.subscription.created");
            assert.deepEqual(mocks.ofType("aws:athena/namedQuery:NamedQuery"), []);
            assert.equal(mocks.ofType("aws:athena/workgroup:Workgroup").length, 1);
            assert.deepEqual(warnings, []);
        });

        it("creates nothing in QuickSight", function () {
            for (const type of ["aws:quicksight/dataSource:DataSource", "aws:quicksight/dataSet:DataSet", "aws:quicksight/refreshSchedule:RefreshSchedule"]) {
                assert.deepEqual(mocks.ofType(type), [], type);
            }
        });
    });

    describe("over an existing bucket", function () {
        let mocks: RecordingMocks;
        const find = (type: string, role: string) => mocks.get(type, `reuse-${role}`);

        before(async function () {
            ({ mocks } = await deployPipeline("reuse", { existingBucketName: "acme-data-lake", lakePrefix: "stripe/events", extraEventTypes: ["payment_intent.*"], quicksightPrincipalArn: QUICKSIGHT_USER }));
        });

        it("points the table at the prefix in that bucket and lets QuickSight only read it", function () {
            const table = find("aws:glue/catalogTable:CatalogTable", "events-table").inputs;
            assert.equal(table.storageDescriptor.location, "s3://acme-data-lake/stripe/events/");
            assert.equal(table.parameters["storage.location.template"], "s3://acme-data-lake/stripe/events/type=${type}/dt=${dt}/");
            const lakeStatements = JSON.parse(find("aws:iam/rolePolicy:RolePolicy", "quicksight-athena-policy").inputs.policy).Statement.filter((s: { Resource: string | string[] }) =>
                [s.Resource].flat().some((r) => r.startsWith("arn:aws:s3:::acme-data-lake")),
            );
            assert.deepEqual(lakeStatements, [
                { Sid: "ReadLake", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::acme-data-lake/stripe/events/*" },
                { Sid: "ListLake", Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::acme-data-lake", Condition: { StringLike: { "s3:prefix": ["stripe/events/*"] } } },
                { Sid: "LocateLakeBucket", Effect: "Allow", Action: "s3:GetBucketLocation", Resource: "arn:aws:s3:::acme-data-lake" },
            ]);
        });
    });

    describe("with athena: false", function () {
        let mocks: RecordingMocks;
        let pipeline: Pipeline;

        before(async function () {
            ({ mocks, pipeline } = await deployPipeline("lean", { athena: false }));
        });

        it("creates no analytics resources and outputs no database, workgroup or datasets", async function () {
            for (const type of ANALYTICS_TYPES) {
                assert.deepEqual(mocks.ofType(type), [], type);
            }
            assert.equal(mocks.ofType("aws:s3/bucket:Bucket").length, 1, "only the lake bucket");
            assert.equal(await valueOf(pipeline.athenaDatabaseName), undefined);
            assert.equal(await valueOf(pipeline.athenaWorkgroupName), undefined);
            assert.deepEqual(await valueOf(pipeline.quicksightDataSetArns), []);
        });
    });

    describe("refuses configurations that cannot work, at preview", function () {
        let mod: PipelineModule;
        before(async function () {
            await installMocks(true);
            mod = await import("../../../components");
        });

        const refuses = (args: Record<string, unknown>, message: string) => assert.throws(() => mod.resolveSettings("stripe", args), (error: Error) => error.name === "PipelineConfigError" && error.message === message);

        it("a metric whose event types are not archived", function () {
            refuses(
                { analyticsMetrics: ["mrr"] },
                'Invalid analyticsMetrics[0] "mrr": it needs the event types customer.subscription.deleted, which are not archived. ' +
                    'Fix: add "customer.subscription.deleted" (or the family, e.g. "customer.subscription.*") to extraEventTypes, or remove "mrr" from analyticsMetrics',
            );
            refuses(
                { extraEventTypes: ["customer.subscription.deleted"], analyticsMetrics: ["mrr", "payments"] },
                'Invalid analyticsMetrics[1] "payments": it needs the event types payment_intent.succeeded, payment_intent.payment_failed, which are not archived. ' +
                    'Fix: add "payment_intent.succeeded" and "payment_intent.payment_failed" (or the family, e.g. "payment_intent.*") to extraEventTypes, or remove "payments" from analyticsMetrics',
            );
        });

        it("coupon durations and a cancellation timing Stripe does not have", function () {
            refuses(
                { mrrCouponDurations: ["forever", "weekly"] },
                'Invalid mrrCouponDurations[1] "weekly": not a coupon duration. Fix: use forever, repeating, once, or an empty list for MRR at list prices (docs/metrics.md)',
            );
            refuses(
                { mrrCouponDurations: "forever" },
                `Invalid mrrCouponDurations "forever": must be a list of coupon durations. Fix: write it as a YAML list, e.g. pulumi config set --path 'stripe-analytics:mrrCouponDurations[0]' forever`,
            );
            refuses(
                { cancellationChurn: "at-renewal" },
                'Invalid cancellationChurn "at-renewal": must be one of at-cancellation, at-period-end. Fix: set "at-cancellation" (Stripe\'s default) or "at-period-end" (docs/metrics.md)',
            );
            assert.deepEqual(mod.resolveSettings("stripe", {}).metricSettings, { mrrCouponDurations: ["forever", "repeating"], cancellationChurn: "at-cancellation" });
            assert.deepEqual(mod.resolveSettings("stripe", { mrrCouponDurations: ["once", "forever"], cancellationChurn: "at-period-end" }).metricSettings, {
                mrrCouponDurations: ["forever", "once"],
                cancellationChurn: "at-period-end",
            });
        });

        it("metrics given as one string", function () {
            refuses(
                { analyticsMetrics: "mrr" },
                `Invalid analyticsMetrics "mrr": must be a list of metric names. Fix: write it as a YAML list, e.g. pulumi config set --path 'stripe-analytics:analyticsMetrics[0]' payments`,
            );
        });

        it("a metric the component does not define", function () {
            refuses(
                { analyticsMetrics: ["churn_rate"] },
                'Invalid analyticsMetrics[0] "churn_rate": not a metric of this component. Fix: use one of mrr, active_subscriptions, subscription_movements, payments (README "Analytics")',
            );
        });

        it("saved queries without Athena", function () {
            refuses(
                { athena: false, analyticsMetrics: ["payments"], extraEventTypes: ["payment_intent.*"] },
                'Invalid analyticsMetrics ["payments"]: saved queries live in the Athena workgroup, which athena: false leaves out. Fix: remove analyticsMetrics, or set athena to true (the default)',
            );
        });

        it("a start date that is not a date", function () {
            refuses({ analyticsStartDate: "2025-02-30" }, 'Invalid analyticsStartDate "2025-02-30": must be a date written YYYY-MM-DD. Fix: use the first day of your events, e.g. "2025-01-01"');
            refuses({ analyticsStartDate: "01/02/2025" }, 'Invalid analyticsStartDate "01/02/2025": must be a date written YYYY-MM-DD. Fix: use the first day of your events, e.g. "2025-01-01"');
        });

        it("a results expiry out of range", function () {
            refuses(
                { athenaResultsExpirationDays: 0 },
                "Invalid athenaResultsExpirationDays 0: must be a whole number of days from 1 to 3650. Fix: set it within that range, or remove it for the default (7)",
            );
        });

        it("the S3-manifest dataset without an owner", function () {
            refuses({ quicksightManifestDataSet: true }, "Invalid quicksightManifestDataSet true: QuickSight datasets need an owner. Fix: set quicksightPrincipalArn too, or remove quicksightManifestDataSet");
        });

        it("a QuickSight principal with nothing to own", function () {
            refuses(
                { athena: false, quicksightPrincipalArn: QUICKSIGHT_USER },
                "Invalid athena false: the QuickSight datasets read the Athena views, which athena: false leaves out, so quicksightPrincipalArn would create nothing. " +
                    "Fix: set athena to true (the default), or set quicksightManifestDataSet to true for the small-account S3 dataset, or remove quicksightPrincipalArn",
            );
            assert.equal(mod.resolveSettings("stripe", { athena: false, quicksightPrincipalArn: QUICKSIGHT_USER, quicksightManifestDataSet: true }).quicksightManifestDataSet, true);
        });

        it("a refresh interval SPICE cannot do fully, or none at all", function () {
            refuses(
                { quicksightRefreshInterval: "MINUTE15" },
                'Invalid quicksightRefreshInterval "MINUTE15": QuickSight refreshes that often only incrementally, and these datasets refresh fully. Fix: use "HOURLY" (the most frequent full refresh) or "DAILY" (the default)',
            );
            refuses(
                { quicksightRefreshInterval: "daily" },
                'Invalid quicksightRefreshInterval "daily": must be one of HOURLY, DAILY, WEEKLY, MONTHLY. Fix: set "DAILY" (the default) or another of them',
            );
        });

        it("a refresh time that is not HH:MM", function () {
            refuses({ quicksightRefreshTime: "3am" }, 'Invalid quicksightRefreshTime "3am": must be a time of day written HH:MM (24-hour, UTC). Fix: use e.g. "03:00"');
            refuses({ quicksightRefreshTime: "24:00" }, 'Invalid quicksightRefreshTime "24:00": must be a time of day written HH:MM (24-hour, UTC). Fix: use e.g. "03:00"');
        });

        it("fails the component itself, so `pulumi preview` stops", function () {
            assert.throws(() => new mod.StripeAnalyticsPipeline("stripe", { analyticsMetrics: ["payments"] }), /^PipelineConfigError: Invalid analyticsMetrics\[0\] "payments"/);
        });
    });

    it("builds hourly and monthly refresh schedules", async function () {
        const mod: PipelineModule = await import("../../../components");
        assert.deepEqual(mod.refreshSchedule("HOURLY", "03:00"), { refreshType: "FULL_REFRESH", scheduleFrequency: { interval: "HOURLY", timezone: "UTC" } });
        assert.deepEqual(mod.refreshSchedule("MONTHLY", "01:15"), {
            refreshType: "FULL_REFRESH",
            scheduleFrequency: { interval: "MONTHLY", timezone: "UTC", timeOfTheDay: "01:15", refreshOnDay: { dayOfMonth: "1" } },
        });
    });

    it("names the Glue database so Athena accepts it", async function () {
        const mod: PipelineModule = await import("../../../components");
        assert.equal(mod.glueDatabaseName("Stripe.Analytics", "prod-eu", "billing-events"), "stripe_analytics_prod_eu_billing_events");
    });
});
