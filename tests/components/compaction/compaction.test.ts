import { strict as assert } from "assert";
import type * as pulumiTypes from "@pulumi/pulumi";
import { buildCompactionDefinition, compactionStateMachineName } from "../../../components/compaction/definition";
import { viewOverLakeEvents } from "../../../components/compaction/sql";
import { deployPipeline, PipelineModule } from "../../support/deployPipeline";
import { ACCOUNT_ID, RecordingMocks } from "../../support/pulumiMocks";

const QUICKSIGHT_USER = `arn:aws:quicksight:us-east-1:${ACCOUNT_ID}:user/default/alice`;
const KMS_KEY = `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const DATABASE = "stripe_analytics_dev_billing";
const WORKGROUP = "stripe-analytics-dev-billing";
const GLUE = `arn:aws:glue:us-east-1:${ACCOUNT_ID}`;
const STATE_MACHINE = `arn:aws:states:us-east-1:${ACCOUNT_ID}:stateMachine:stripe-analytics-dev-billing-compaction`;
const COMPACTED_BUCKET = "arn:aws:s3:::billing-compacted-a1b2c3d";
const TYPES = ["payment_intent.*", "customer.subscription.*", "invoice.paid"];

describe("compaction (mocked deployment)", function () {
    let mocks: RecordingMocks;
    let mod: PipelineModule;
    const options: Record<string, pulumiTypes.CustomResourceOptions> = {};
    const find = (type: string, role: string) => mocks.get(type, `billing-${role}`);
    const policyOf = (role: string) => JSON.parse(find("aws:iam/rolePolicy:RolePolicy", `${role}-policy`).inputs.policy);
    const trustOf = (role: string) => JSON.parse(find("aws:iam/role:Role", `${role}-role`).inputs.assumeRolePolicy);

    before(async function () {
        ({ mocks, mod } = await deployPipeline(
            "billing",
            { extraEventTypes: TYPES, compaction: true, kmsKeyArn: KMS_KEY, quicksightPrincipalArn: QUICKSIGHT_USER },
            {
                opts: {
                    transformations: [
                        (resource) => {
                            options[resource.name] = resource.opts;
                            return undefined;
                        },
                    ],
                },
            },
        ));
    });

    it("keeps the Iceberg table's files in a bucket of their own, private, encrypted with the lake's key and TLS-only", function () {
        assert.equal(find("aws:s3/bucket:Bucket", "compacted").inputs.forceDestroy, true);
        assert.deepEqual(find("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "compacted-encryption").inputs.rules, [
            { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KMS_KEY }, bucketKeyEnabled: true },
        ]);
        assert.deepEqual(find("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "compacted-lifecycle").inputs.rules, [
            { id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } },
        ]);
        assert.deepEqual(JSON.parse(find("aws:s3/bucketPolicy:BucketPolicy", "compacted-policy").inputs.policy), mod.policies.tlsOnlyBucketPolicy(COMPACTED_BUCKET));
        assert.equal(find("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "compacted-public-access").inputs.restrictPublicBuckets, true);
    });

    it("declares the Iceberg table in Glue: schema, identity(type) and month(event_date) partitions, location, Parquet with ZSTD", function () {
        const table = find("aws:glue/catalogTable:CatalogTable", "compacted-table").inputs;
        assert.deepEqual(Object.keys(table).sort(), ["databaseName", "description", "name", "openTableFormatInput"]);
        assert.equal(table.databaseName, DATABASE);
        assert.equal(table.name, "events_compacted");
        const iceberg = table.openTableFormatInput.icebergInput;
        assert.equal(iceberg.metadataOperation, "CREATE");
        assert.equal(iceberg.version, "2");
        const { location, schema, partitionSpec, properties } = iceberg.icebergTableInput;
        assert.equal(location, "s3://billing-compacted-a1b2c3d/events_compacted/");
        assert.deepEqual(properties, { "write.format.default": "parquet", "write.parquet.compression-codec": "zstd" });
        assert.deepEqual(partitionSpec, {
            specId: 0,
            fields: [
                { fieldId: 1000, name: "type", sourceId: 8, transform: "identity" }, // after the lake columns, `account` (issue 14) among them
                { fieldId: 1001, name: "event_date_month", sourceId: 10, transform: "month" },
            ],
        });
        assert.equal(schema.schemaId, 0);
        assert.equal(schema.type, "struct");
        assert.deepEqual(
            schema.fields.map((f: any) => [f.id, f.name, f.required, f.name === "data" ? "(struct)" : JSON.parse(f.type)]),
            [
                [1, "id", false, "string"],
                [2, "object", false, "string"],
                [3, "api_version", false, "string"],
                [4, "created", false, "long"],
                [5, "livemode", false, "boolean"],
                [6, "account", false, "string"],
                [7, "data", false, "(struct)"],
                [8, "type", false, "string"],
                [9, "dt", false, "string"],
                [10, "event_date", false, "date"],
            ],
        );
        // The nested type mirrors the lake table's struct, every list element and map entry with an id of its own.
        const data = JSON.parse(schema.fields[6].type);
        const object = data.fields[0];
        assert.deepEqual([data.type, object.id, object.name, object.type.type], ["struct", 11, "object", "struct"]);
        const field = (struct: any, name: string) => struct.fields.find((f: any) => f.name === name);
        assert.deepEqual(field(object.type, "metadata").type, { type: "map", "key-id": field(object.type, "metadata").type["key-id"], key: "string", "value-id": field(object.type, "metadata").type["value-id"], "value-required": false, value: "string" });
        const items = field(field(object.type, "items").type, "data").type;
        assert.equal(items.type, "list");
        assert.equal(field(field(items.element, "price").type, "unit_amount").type, "long");
        const ids: number[] = [];
        const collect = (t: any) => {
            if (typeof t !== "object") return;
            if (t.type === "struct") t.fields.forEach((f: any) => (ids.push(f.id), collect(f.type)));
            if (t.type === "list") (ids.push(t["element-id"]), collect(t.element));
            if (t.type === "map") (ids.push(t["key-id"], t["value-id"]), collect(t.value));
        };
        schema.fields.forEach((f: any) => (ids.push(f.id), collect(JSON.parse(f.type))));
        assert.equal(new Set(ids).size, ids.length, "field ids are unique in the schema");
        assert.deepEqual(options["billing-compacted-table"].replaceOnChanges, ["*"]);
        assert.equal(options["billing-compacted-table"].deleteBeforeReplace, true);
    });

    it("adds the tail table: the lake table's twin, whose projection the workflow moves to the seam", function () {
        const tail = find("aws:glue/catalogTable:CatalogTable", "tail-table").inputs;
        const events = find("aws:glue/catalogTable:CatalogTable", "events-table").inputs;
        assert.equal(tail.name, "events_tail");
        assert.equal(tail.tableType, "EXTERNAL_TABLE");
        assert.deepEqual(tail.storageDescriptor, events.storageDescriptor);
        assert.deepEqual(tail.partitionKeys, events.partitionKeys);
        const { ["stripe_analytics.compacted_table"]: fingerprint, ...projection } = tail.parameters;
        assert.deepEqual(projection, events.parameters);
        assert.match(fingerprint, /^[0-9a-f]{16}$/);
        assert.deepEqual(options["billing-tail-table"].ignoreChanges, ['parameters["projection.dt.range"]']);
        assert.deepEqual(options["billing-tail-table"].replaceOnChanges, ["*"]);
        assert.equal(options["billing-tail-table"].deleteBeforeReplace, true);
    });

    it("renders every view over the compacted table and the tail instead of the lake table", function () {
        // Every configured view; mrr_movements reads the lake through subscription_mrr, so its SQL stays as written.
        const configured = mod.VIEWS.filter((v) => mocks.ofType("aws:glue/catalogTable:CatalogTable").some((t) => t.name === `billing-view-${v.role}`));
        assert.ok(configured.some((v) => v.name === "mrr_movements"));
        for (const definition of configured) {
            const view = find("aws:glue/catalogTable:CatalogTable", `view-${definition.role}`).inputs;
            const blob = JSON.parse(Buffer.from(/^\/\* Presto View: (\S+) \*\/$/.exec(view.viewOriginalText)![1], "base64").toString("utf8"));
            assert.equal(blob.originalSql, definition.name === "mrr_movements" ? mod.readSql(definition.file) : viewOverLakeEvents(definition));
            assert.deepEqual(view.storageDescriptor.serDeInfo, { name: "-", serializationLibrary: "-" });
        }
    });

    it("runs a STANDARD state machine named after the workgroup, with the deployed definition", function () {
        const machine = find("aws:sfn/stateMachine:StateMachine", "compaction").inputs;
        assert.equal(machine.name, "stripe-analytics-dev-billing-compaction");
        assert.equal(machine.type, "STANDARD");
        assert.equal(machine.roleArn, `arn:aws:iam::${ACCOUNT_ID}:role/billing-compaction-role-a1b2c3d`);
        assert.deepEqual(JSON.parse(machine.definition), buildCompactionDefinition({ database: DATABASE, workgroup: WORKGROUP, lookbackDays: 4 }));
    });

    it("lets the workflow's role query only this workgroup, these tables, the lake prefix (read) and the compacted table's folder", function () {
        assert.deepEqual(trustOf("compaction").Statement, [
            { Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT_ID } } },
        ]);
        const table = (name: string) => `${GLUE}:table/${DATABASE}/${name}`;
        assert.deepEqual(policyOf("compaction"), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "RunCompactionQueries",
                    Effect: "Allow",
                    Action: ["athena:StartQueryExecution", "athena:StopQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults"],
                    Resource: `arn:aws:athena:us-east-1:${ACCOUNT_ID}:workgroup/${WORKGROUP}`,
                },
                { Sid: "ReadDataCatalog", Effect: "Allow", Action: "athena:GetDataCatalog", Resource: `arn:aws:athena:us-east-1:${ACCOUNT_ID}:datacatalog/AwsDataCatalog` },
                {
                    Sid: "ReadTableDefinitions",
                    Effect: "Allow",
                    Action: ["glue:GetDatabase", "glue:GetTable", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition"],
                    Resource: [`${GLUE}:catalog`, `${GLUE}:database/${DATABASE}`, table("events"), table("events_tail"), table("events_compacted")],
                },
                { Sid: "CommitCompactedTableAndSeam", Effect: "Allow", Action: "glue:UpdateTable", Resource: [`${GLUE}:catalog`, `${GLUE}:database/${DATABASE}`, table("events_compacted"), table("events_tail")] },
                { Sid: "ReadLake", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::billing-lake-a1b2c3d/events/*" },
                { Sid: "ListLake", Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::billing-lake-a1b2c3d", Condition: { StringLike: { "s3:prefix": ["events/*"] } } },
                { Sid: "LocateLakeBucket", Effect: "Allow", Action: "s3:GetBucketLocation", Resource: "arn:aws:s3:::billing-lake-a1b2c3d" },
                {
                    Sid: "UseCompactedTable",
                    Effect: "Allow",
                    Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                    Resource: `${COMPACTED_BUCKET}/events_compacted/*`,
                },
                { Sid: "ListCompactedTable", Effect: "Allow", Action: "s3:ListBucket", Resource: COMPACTED_BUCKET, Condition: { StringLike: { "s3:prefix": ["events_compacted", "events_compacted/*"] } } },
                { Sid: "LocateCompactedBucket", Effect: "Allow", Action: "s3:GetBucketLocation", Resource: COMPACTED_BUCKET },
                {
                    Sid: "WriteQueryResults",
                    Effect: "Allow",
                    Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                    Resource: "arn:aws:s3:::billing-athena-results-a1b2c3d/*",
                },
                { Sid: "ListQueryResults", Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"], Resource: "arn:aws:s3:::billing-athena-results-a1b2c3d" },
                { Sid: "CheckRunningCompactions", Effect: "Allow", Action: "states:ListExecutions", Resource: STATE_MACHINE },
                { Sid: "UseLakeKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: KMS_KEY },
            ],
        });
    });

    it("starts it from two schedules in a group of their own, through a role that may only start this state machine", function () {
        const group = "billing-compaction-schedules-a1b2c3d";
        assert.deepEqual(trustOf("compaction-scheduler").Statement, [
            {
                Effect: "Allow",
                Principal: { Service: "scheduler.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT_ID }, ArnEquals: { "aws:SourceArn": `arn:aws:scheduler:us-east-1:${ACCOUNT_ID}:schedule-group/${group}` } },
            },
        ]);
        assert.deepEqual(policyOf("compaction-scheduler"), {
            Version: "2012-10-17",
            Statement: [{ Sid: "StartCompaction", Effect: "Allow", Action: "states:StartExecution", Resource: STATE_MACHINE }],
        });
        const schedule = (task: string, expression: string, description: string) => ({
            groupName: group,
            description,
            scheduleExpression: expression,
            scheduleExpressionTimezone: "UTC",
            flexibleTimeWindow: { mode: "OFF" },
            target: { arn: STATE_MACHINE, roleArn: `arn:aws:iam::${ACCOUNT_ID}:role/billing-compaction-scheduler-role-a1b2c3d`, input: JSON.stringify({ task, scheduledTime: "<aws.scheduler.scheduled-time>" }) },
        });
        assert.deepEqual(find("aws:scheduler/schedule:Schedule", "compaction-merge").inputs, schedule("merge", "cron(30 0 * * ? *)", "Merge the Stripe events lake into its compacted table and move the seam"));
        assert.deepEqual(
            find("aws:scheduler/schedule:Schedule", "compaction-maintenance").inputs,
            schedule("maintain", "cron(0 3 ? * SUN *)", "OPTIMIZE and VACUUM the compacted Stripe events table"),
        );
    });

    it("alarms when a compaction run fails or times out", function () {
        for (const [role, metricName] of [
            ["alarm-compaction-failed", "ExecutionsFailed"],
            ["alarm-compaction-timed-out", "ExecutionsTimedOut"],
        ]) {
            const alarm = find("aws:cloudwatch/metricAlarm:MetricAlarm", role).inputs;
            assert.equal(alarm.namespace, "AWS/States");
            assert.equal(alarm.metricName, metricName);
            assert.deepEqual(alarm.dimensions, { StateMachineArn: STATE_MACHINE });
            assert.match(alarm.alarmDescription, /The views stay complete/);
        }
        assert.match(find("aws:cloudwatch/metricAlarm:MetricAlarm", "alarm-compaction-failed").inputs.alarmDescription, /npm run compact -- --from/);
    });

    it("lets QuickSight's role read the compacted and tail tables the views now read", function () {
        const statements = policyOf("quicksight-athena").Statement;
        const byId = (sid: string) => statements.find((s: any) => s.Sid === sid);
        assert.ok(byId("ReadTableDefinitions").Resource.includes(`${GLUE}:table/${DATABASE}/events_compacted`));
        assert.ok(byId("ReadTableDefinitions").Resource.includes(`${GLUE}:table/${DATABASE}/events_tail`));
        assert.deepEqual(byId("UseCompactedTable"), { Sid: "UseCompactedTable", Effect: "Allow", Action: "s3:GetObject", Resource: `${COMPACTED_BUCKET}/events_compacted/*` });
        assert.deepEqual(
            statements.map((s: any) => s.Sid),
            ["QueryInOwnWorkgroup", "ReadCatalogMetadata", "ReadTableDefinitions", "ReadLake", "ListLake", "UseCompactedTable", "ListCompactedTable", "LocateCompactedBucket", "WriteQueryResults", "ListQueryResults", "LocateLakeBucket", "UseLakeKey"],
        );
    });
});

describe("compaction settings", function () {
    it("is off by default, with the defaults it would use", async function () {
        const { resolveSettings } = await import("../../../components");
        const settings = resolveSettings("stripe", {});
        assert.deepEqual(
            [settings.compaction, settings.compactionSchedule, settings.compactionMaintenanceSchedule, settings.compactionLookbackDays],
            [false, "cron(30 0 * * ? *)", "cron(0 3 ? * SUN *)", 4],
        );
        assert.deepEqual(resolveSettings("stripe", { compaction: true, compactionSchedule: "rate(12 hours)", compactionLookbackDays: 7 }).compactionSchedule, "rate(12 hours)");
    });

    it("refuses what cannot work, with the setting, the value and the fix", async function () {
        const { resolveSettings } = await import("../../../components");
        const refused = (args: Record<string, unknown>, message: string) => assert.throws(() => resolveSettings("stripe", args), { name: "PipelineConfigError", message });
        refused(
            { compaction: true, athena: false },
            "Invalid compaction true: the compacted table lives in the Athena side's Glue database and workgroup, which athena: false leaves out. Fix: set athena to true (the default), or remove compaction",
        );
        refused(
            { compaction: true, compactionSchedule: "at(2025-01-01T00:00:00)" },
            'Invalid compactionSchedule "at(2025-01-01T00:00:00)": must be an EventBridge Scheduler cron(...) expression with six fields or a rate(...) expression. Fix: use e.g. "cron(30 0 * * ? *)" (the default, UTC)',
        );
        refused(
            { compaction: true, compactionMaintenanceSchedule: "cron(0 3 * * *)" },
            'Invalid compactionMaintenanceSchedule "cron(0 3 * * *)": must be an EventBridge Scheduler cron(...) expression with six fields or a rate(...) expression. Fix: use e.g. "cron(0 3 ? * SUN *)" (the default, UTC)',
        );
        refused({ compactionSchedule: "rate(1 day)" }, 'Invalid compactionSchedule "rate(1 day)": it schedules the compaction, which is off. Fix: set compaction: true, or remove compactionSchedule');
        refused({ compactionLookbackDays: 5 }, "Invalid compactionLookbackDays 5: it sets the compaction's seam, and compaction is off. Fix: set compaction: true, or remove compactionLookbackDays");
        for (const days of [3, 32, 4.5]) {
            refused(
                { compaction: true, compactionLookbackDays: days },
                `Invalid compactionLookbackDays ${days}: must be a whole number of days from 4 to 31: an event can reach the lake up to 4 days after it was created ` +
                    "(Stripe retries for 3 days, then EventBridge for retryMaximumEventAgeSeconds), and a shorter lookback would leave such events out of the views. " +
                    "Fix: set it within that range, or remove it for the default (4)",
            );
        }
    });

    it("refuses a stack and component name that would make the state machine's name longer than Step Functions' 80 characters", function () {
        assert.equal(compactionStateMachineName("p".repeat(69)), `${"p".repeat(69)}-compaction`);
        assert.throws(() => compactionStateMachineName("p".repeat(70)), {
            name: "PipelineConfigError",
            message: `Invalid compaction true: the compaction state machine would be named "${"p".repeat(70)}-compaction" (81 characters), and Step Functions allows 80. Fix: use a shorter stack or component name`,
        });
    });
});
