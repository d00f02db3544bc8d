import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceRole } from "../common/serviceRole";
import { PartContext, jsonFrom } from "../context";
import { Storage } from "../storage";
import { Athena, analyticsIdBase } from "./athena";
import { METRIC_SETTINGS_VIEW } from "./metricSettings";
import { quickSightAthenaPolicy } from "./policies";
import { dashboardArn, dashboardTemplate, dashboardUrl, METRICS_DATA_SET, PAYMENTS_DATA_SET } from "./quicksightDashboard";
import { scalarSpelling } from "./schema";
import { RefreshInterval } from "./settings";
import { EVENTS_TABLE } from "./sql";
import type { Compaction } from "../compaction";
import { COMPACTED_TABLE, TAIL_TABLE } from "../compaction/sql";

/** Owner permissions of a QuickSight data source, as the console grants them. */
export const DATA_SOURCE_OWNER_ACTIONS = [
    "quicksight:DescribeDataSource",
    "quicksight:DescribeDataSourcePermissions",
    "quicksight:PassDataSource",
    "quicksight:UpdateDataSource",
    "quicksight:DeleteDataSource",
    "quicksight:UpdateDataSourcePermissions",
];

/** Owner permissions of a QuickSight dataset, as the console grants them. */
export const DATA_SET_OWNER_ACTIONS = [
    "quicksight:DescribeDataSet",
    "quicksight:DescribeDataSetPermissions",
    "quicksight:PassDataSet",
    "quicksight:DescribeIngestion",
    "quicksight:ListIngestions",
    "quicksight:UpdateDataSet",
    "quicksight:DeleteDataSet",
    "quicksight:CreateIngestion",
    "quicksight:CancelIngestion",
    "quicksight:UpdateDataSetPermissions",
];

/** Athena's name for the Glue Data Catalog of the account, as QuickSight addresses it. */
export const ATHENA_CATALOG = "AwsDataCatalog";

/**
 * The SPICE refresh schedule: a full refresh at the configured interval, at the configured UTC
 * time of day (not used by hourly refreshes), weekly on Mondays, monthly on the 1st.
 * https://docs.aws.amazon.com/quicksight/latest/APIReference/API_RefreshFrequency.html
 */
export function refreshSchedule(interval: RefreshInterval, timeOfTheDay: string) {
    return {
        refreshType: "FULL_REFRESH",
        scheduleFrequency: {
            interval,
            timezone: "UTC",
            ...(interval === "HOURLY" ? {} : { timeOfTheDay }),
            ...(interval === "WEEKLY" ? { refreshOnDay: { dayOfWeek: "MONDAY" } } : interval === "MONTHLY" ? { refreshOnDay: { dayOfMonth: "1" } } : {}),
        },
    };
}

export interface QuickSightDashboard {
    /** The CloudFormation stack holding the analysis and the dashboard. */
    stack: aws.cloudformation.Stack;
    arn: pulumi.Output<string>;
    url: pulumi.Output<string>;
}

export interface QuickSightDataSets {
    dataSets: aws.quicksight.DataSet[];
    /** Over the metrics_by_month dataset: absent when it is (no subscription events archived). */
    dashboard?: QuickSightDashboard;
}

/**
 * QuickSight over Athena: a data source that queries the component's workgroup with its own role
 * (so QuickSight's account-wide role needs no access to the lake), and one SPICE dataset per
 * configured family's view, owned by the principal and refreshed on the configured schedule.
 */
export function createQuickSightDataSets(
    ctx: PartContext,
    principalArn: pulumi.Input<string>,
    { storage, athena, compaction }: { storage: Storage; athena: Athena; compaction?: Compaction },
): QuickSightDataSets {
    const { name, settings, parent } = ctx;
    const { tags } = settings;
    const idBase = analyticsIdBase(name);
    const { role, policy: rolePolicy } = serviceRole(ctx, "quicksight-athena", {
        service: "quicksight.amazonaws.com",
        policy: jsonFrom(
            [athena.workgroup.arn, athena.database.arn, storage.bucket.arn, athena.resultsBucket.arn, settings.lakeKmsKeyArn, compaction?.bucket.arn],
            (workgroupArn, glueDatabaseArn, bucketArn, resultsBucketArn, kmsKeyArn, compactedBucketArn) =>
                quickSightAthenaPolicy({
                    workgroupArn,
                    glueDatabaseArn,
                    // With compaction the views read the compacted and tail tables instead of the lake table.
                    tableNames: [
                        EVENTS_TABLE,
                        ...(compaction ? [COMPACTED_TABLE, TAIL_TABLE] : []),
                        ...athena.views.map((v) => v.definition.name),
                        ...(athena.settingsView ? [METRIC_SETTINGS_VIEW] : []),
                    ],
                    bucketArn,
                    lakePrefix: settings.lakePrefix,
                    resultsBucketArn,
                    kmsKeyArn,
                    compactedBucketArn,
                }),
        ),
    });
    const dataSource = new aws.quicksight.DataSource(
        `${name}-quicksight-athena-source`,
        {
            awsAccountId: ctx.accountId,
            dataSourceId: `${idBase}-athena`,
            name: `Stripe analytics (${idBase})`,
            type: "ATHENA",
            parameters: { athena: { workGroup: athena.workgroup.name, roleArn: role.arn } },
            permissions: [{ principal: principalArn, actions: DATA_SOURCE_OWNER_ACTIONS }],
            tags,
        },
        { parent, dependsOn: [rolePolicy] },
    );
    const byView = new Map<string, aws.quicksight.DataSet>();
    const dataSets = athena.views.filter(({ definition }) => definition.dataSet !== false).map(({ definition, table }) => {
        const dataSet = new aws.quicksight.DataSet(
            `${name}-quicksight-${definition.role}-dataset`,
            {
                awsAccountId: ctx.accountId,
                dataSetId: `${idBase}-${definition.role}`,
                name: `Stripe ${definition.title} (${idBase})`,
                importMode: "SPICE",
                physicalTableMaps: [
                    {
                        physicalTableMapId: definition.role,
                        relationalTable: {
                            dataSourceArn: dataSource.arn,
                            catalog: ATHENA_CATALOG,
                            schema: athena.database.name,
                            name: table.name,
                            inputColumns: definition.columns.map((c) => ({ name: c.name, type: scalarSpelling(c.type).quicksight })),
                        },
                    },
                ],
                permissions: [{ principal: principalArn, actions: DATA_SET_OWNER_ACTIONS }],
                tags,
            },
            { parent },
        );
        new aws.quicksight.RefreshSchedule(
            `${name}-quicksight-${definition.role}-refresh`,
            {
                awsAccountId: ctx.accountId,
                dataSetId: dataSet.dataSetId,
                scheduleId: "scheduled-refresh",
                schedule: refreshSchedule(settings.quicksightRefreshInterval, settings.quicksightRefreshTime),
            },
            { parent },
        );
        byView.set(definition.name, dataSet);
        return dataSet;
    });
    const metrics = byView.get(METRICS_DATA_SET);
    const payments = byView.get(PAYMENTS_DATA_SET);
    return { dataSets, dashboard: metrics && createDashboard(ctx, principalArn, dataSource, metrics, payments) };
}

/**
 * The analysis and the published dashboard (quicksightDashboard.ts), owned by the principal, in a
 * CloudFormation stack: @pulumi/aws's quicksight.Analysis and Dashboard take no `definition`
 * (docs/dashboard.md). The region is the data source's, which is where QuickSight runs.
 */
function createDashboard(
    ctx: PartContext,
    principalArn: pulumi.Input<string>,
    dataSource: aws.quicksight.DataSource,
    metrics: aws.quicksight.DataSet,
    payments: aws.quicksight.DataSet | undefined,
): QuickSightDashboard {
    const { name, settings, parent } = ctx;
    const id = `${analyticsIdBase(name)}-metrics`;
    const stack = new aws.cloudformation.Stack(
        `${name}-quicksight-dashboard`,
        {
            name: id,
            templateBody: jsonFrom([ctx.accountId, principalArn, metrics.arn, payments?.arn], (accountId, principal, metricsDataSetArn, paymentsDataSetArn) =>
                dashboardTemplate({ accountId, principalArn: principal, id, name: `Stripe metrics (${analyticsIdBase(name)})`, metricsDataSetArn, paymentsDataSetArn }),
            ),
            tags: settings.tags,
        },
        { parent },
    );
    const region = dataSource.arn.apply((arn) => arn.split(":")[3]);
    return {
        stack,
        arn: pulumi.all([ctx.partition, region, ctx.accountId]).apply(([partition, r, accountId]) => dashboardArn(partition, r, accountId, id)),
        url: region.apply((r) => dashboardUrl(r, id)),
    };
}
