import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Athena } from "../analytics/athena";
import { analyticsIdBase } from "../analytics/athena";
import { EVENTS_TABLE_FORMAT, eventsTableColumns, eventsTableParameters } from "../analytics/glue";
import { secureBucket } from "../common/secureBucket";
import { serviceRole } from "../common/serviceRole";
import { jsonFrom, PartContext } from "../context";
import { lakeLocation } from "../lake/layout";
import type { Storage } from "../storage";
import { buildCompactionDefinition, compactionStateMachineArn, compactionStateMachineName } from "./definition";
import { compactionPolicy, compactionSchedulerPolicy } from "./policies";
import { COMPACTED_TABLE, TAIL_TABLE } from "./sql";
import { COMPACTED_PREFIX, compactedTableFingerprint, icebergTableInput } from "./table";

export interface Compaction {
    /** Holds the Iceberg table's data and metadata files. */
    bucket: aws.s3.Bucket;
    table: aws.glue.CatalogTable;
    /** The lake from the seam on, for the views. */
    tailTable: aws.glue.CatalogTable;
    stateMachine: aws.sfn.StateMachine;
    schedules: aws.scheduler.Schedule[];
}

/**
 * The compacted layer (docs/compaction.md): the Iceberg table and its bucket, the tail table the
 * views read beside it, the STANDARD state machine that merges the lake into it, and the two
 * EventBridge Scheduler schedules that start it (daily merge, weekly OPTIMIZE and VACUUM).
 */
export function createCompaction(ctx: PartContext, { storage, athena }: { storage: Storage; athena: Athena }): Compaction {
    const { name, settings, parent } = ctx;
    const { tags } = settings;
    const workgroupName = analyticsIdBase(name);
    const stateMachineName = compactionStateMachineName(workgroupName);

    // Derived data, rebuilt from the lake by the next merges: disposable like query results.
    const bucket = secureBucket(ctx, "compacted", {
        forceDestroy: true,
        kmsKeyArn: settings.lakeKmsKeyArn,
        lifecycleRules: [{ id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } }],
    });
    const location = pulumi.interpolate`s3://${bucket.bucket}/${COMPACTED_PREFIX}/`;
    // Glue writes the first metadata.json from this definition. An in-place update of an Iceberg
    // definition may not reach that metadata (docs/compaction.md, "What the table relies on"), so
    // any change replaces the table, and its tail table with it, which starts the seam over.
    const table = new aws.glue.CatalogTable(
        `${name}-compacted-table`,
        {
            databaseName: athena.database.name,
            name: COMPACTED_TABLE,
            description: "Every Stripe event of the lake once, compacted into Parquet by the compaction workflow (docs/compaction.md)",
            openTableFormatInput: { icebergInput: { metadataOperation: "CREATE", version: "2", icebergTableInput: location.apply(icebergTableInput) } },
        },
        { parent, replaceOnChanges: ["*"], deleteBeforeReplace: true },
    );

    // The lake table's twin whose projection starts at the seam; the workflow moves the start
    // (docs/compaction.md, "The seam"), so Pulumi leaves that one property alone. Any other change
    // (event types, prefix, the compacted table's fingerprint) recreates it at the configured
    // start: the views then read more raw days, never fewer, until the next merge catches up.
    const tailTable = new aws.glue.CatalogTable(
        `${name}-tail-table`,
        {
            databaseName: athena.database.name,
            name: TAIL_TABLE,
            description: "The Stripe events of the lake from the compaction seam on (docs/compaction.md)",
            tableType: "EXTERNAL_TABLE",
            parameters: pulumi.all([storage.bucket.bucket, location]).apply(([bucketName, compactedLocation]) => ({
                ...eventsTableParameters({ bucketName, lakePrefix: settings.lakePrefix, eventTypes: settings.eventTypes.enabledEvents, startDate: settings.analyticsStartDate }),
                "stripe_analytics.compacted_table": compactedTableFingerprint(compactedLocation),
            })),
            partitionKeys: eventsTableColumns().partitionKeys,
            storageDescriptor: {
                location: storage.bucket.bucket.apply((bucketName) => lakeLocation(bucketName, settings.lakePrefix)),
                columns: eventsTableColumns().columns,
                ...EVENTS_TABLE_FORMAT,
            },
        },
        { parent, dependsOn: [table], replaceOnChanges: ["*"], deleteBeforeReplace: true, ignoreChanges: ['parameters["projection.dt.range"]'] },
    );

    const stateMachineArn = athena.workgroup.arn.apply((arn) => compactionStateMachineArn(arn, workgroupName));
    const { role, policy: rolePolicy } = serviceRole(ctx, "compaction", {
        service: "states.amazonaws.com",
        sourceAccount: ctx.accountId,
        policy: jsonFrom(
            [athena.workgroup.arn, athena.database.arn, storage.bucket.arn, bucket.arn, athena.resultsBucket.arn, stateMachineArn, settings.lakeKmsKeyArn],
            (workgroupArn, glueDatabaseArn, bucketArn, compactedBucketArn, resultsBucketArn, ownArn, kmsKeyArn) =>
                compactionPolicy({ workgroupArn, glueDatabaseArn, bucketArn, lakePrefix: settings.lakePrefix, compactedBucketArn, resultsBucketArn, stateMachineArn: ownArn, kmsKeyArn }),
        ),
    });
    const stateMachine = new aws.sfn.StateMachine(
        `${name}-compaction`,
        {
            name: stateMachineName,
            type: "STANDARD",
            roleArn: role.arn,
            definition: jsonFrom([athena.database.name, athena.workgroup.name], (database, workgroup) =>
                buildCompactionDefinition({ database, workgroup, lookbackDays: settings.compactionLookbackDays }),
            ),
            tags,
        },
        { parent, dependsOn: [rolePolicy, tailTable] },
    );

    const group = new aws.scheduler.ScheduleGroup(`${name}-compaction-schedules`, { tags }, { parent });
    const scheduler = serviceRole(ctx, "compaction-scheduler", {
        service: "scheduler.amazonaws.com",
        // Scheduler's confused-deputy guard names the schedule group:
        // https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html
        sourceAccount: ctx.accountId,
        sourceArn: group.arn,
        policy: jsonFrom([stateMachine.arn], compactionSchedulerPolicy),
    });
    const schedule = (role: string, task: "merge" | "maintain", expression: string, description: string) =>
        new aws.scheduler.Schedule(
            `${name}-compaction-${role}`,
            {
                groupName: group.name,
                description,
                scheduleExpression: expression,
                scheduleExpressionTimezone: "UTC",
                flexibleTimeWindow: { mode: "OFF" },
                target: {
                    arn: stateMachine.arn,
                    roleArn: scheduler.role.arn,
                    // The scheduled time, not the start time: a retried or late start merges the same window.
                    // https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html
                    input: JSON.stringify({ task, scheduledTime: "<aws.scheduler.scheduled-time>" }),
                },
            },
            { parent, dependsOn: [scheduler.policy] },
        );
    const schedules = [
        schedule("merge", "merge", settings.compactionSchedule, "Merge the Stripe events lake into its compacted table and move the seam"),
        schedule("maintenance", "maintain", settings.compactionMaintenanceSchedule, "OPTIMIZE and VACUUM the compacted Stripe events table"),
    ];
    return { bucket, table, tailTable, stateMachine, schedules };
}
