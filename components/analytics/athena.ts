import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { secureBucket } from "../common/secureBucket";
import { PartContext } from "../context";
import { Storage } from "../storage";
import { lakeLocation } from "../lake/layout";
import { viewSql } from "../compaction/sql";
import { EVENTS_TABLE_FORMAT, eventsTableColumns, eventsTableParameters, glueDatabaseName, GlueView, glueView, glueViewOf } from "./glue";
import { METRIC_SETTINGS_VIEW, metricSettingsSql } from "./metricSettings";
import { configuredViews, EVENTS_TABLE, METRIC_SETTINGS_COLUMNS_TYPED, metric, readSql, supplementaryQueries, ViewDefinition } from "./sql";

export interface Athena {
    database: aws.glue.CatalogDatabase;
    eventsTable: aws.glue.CatalogTable;
    /** The views of the configured families, with their definitions. */
    views: { definition: ViewDefinition; table: aws.glue.CatalogTable }[];
    /** The metric_settings view, when a configured view reads it. */
    settingsView?: aws.glue.CatalogTable;
    workgroup: aws.athena.Workgroup;
    resultsBucket: aws.s3.Bucket;
}

/** Athena's engine the views and queries are written for (Trino-based). */
export const ATHENA_ENGINE_VERSION = "Athena engine version 3";

/** Names of resources that are unique per account and region carry project, stack and component name. */
export function analyticsIdBase(name: string): string {
    return `${pulumi.getProject()}-${pulumi.getStack()}-${name}`;
}

/** The workgroup's results bucket, encrypted like the lake; query results are disposable, so it is emptied and deleted with the stack. */
function createResultsBucket(ctx: PartContext): aws.s3.Bucket {
    const { settings } = ctx;
    return secureBucket(ctx, "athena-results", {
        forceDestroy: true,
        kmsKeyArn: settings.lakeKmsKeyArn,
        lifecycleRules: [{ id: "expire-query-results", status: "Enabled", filter: {}, expiration: { days: settings.athenaResultsExpirationDays }, abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } }],
    });
}

/**
 * Glue database, lake table, one view per configured event family, an Athena workgroup that
 * enforces its encrypted results location and engine, and the saved metric queries. The views are
 * Glue tables in Athena's own view encoding (glue.ts), so no query has to run at deploy time.
 */
export function createAthena(ctx: PartContext, { storage }: { storage: Storage }): Athena {
    const { name, settings, parent } = ctx;
    const { tags } = settings;
    const { bucket } = storage;
    const databaseName = glueDatabaseName(pulumi.getProject(), pulumi.getStack(), name);

    const database = new aws.glue.CatalogDatabase(`${name}-glue-database`, { name: databaseName, description: "Stripe events archived by stripe-analytics", tags }, { parent });
    const eventsTable = new aws.glue.CatalogTable(
        `${name}-events-table`,
        {
            databaseName: database.name,
            name: EVENTS_TABLE,
            description: "One row per Stripe event of the lake (README \"Analytics\")",
            tableType: "EXTERNAL_TABLE",
            parameters: bucket.bucket.apply((bucketName) =>
                eventsTableParameters({ bucketName, lakePrefix: settings.lakePrefix, eventTypes: settings.eventTypes.enabledEvents, startDate: settings.analyticsStartDate }),
            ),
            partitionKeys: eventsTableColumns().partitionKeys,
            storageDescriptor: {
                location: bucket.bucket.apply((bucketName) => lakeLocation(bucketName, settings.lakePrefix)),
                columns: eventsTableColumns().columns,
                ...EVENTS_TABLE_FORMAT,
            },
        },
        { parent },
    );
    const viewTable = (role: string, tableName: string, description: string, view: GlueView, dependsOn: pulumi.Resource[]) =>
        new aws.glue.CatalogTable(
            `${name}-view-${role}`,
            {
                databaseName: database.name,
                name: tableName,
                description,
                tableType: view.tableType,
                parameters: view.parameters,
                viewOriginalText: view.viewOriginalText,
                viewExpandedText: view.viewExpandedText,
                storageDescriptor: view.storageDescriptor,
            },
            { parent, dependsOn },
        );
    const configured = configuredViews(settings.eventTypes.enabledEvents);
    // The metric views' choices (discounts, cancellation timing) as a one-row view of the arguments.
    const settingsView = configured.some((v) => v.readsSettings)
        ? viewTable(
              "metric-settings",
              METRIC_SETTINGS_VIEW,
              "The metric settings of this stack (mrrCouponDurations, cancellationChurn), one row (docs/metrics.md)",
              glueViewOf(metricSettingsSql(settings.metricSettings), METRIC_SETTINGS_COLUMNS_TYPED, databaseName),
              [],
          )
        : undefined;
    const views: Athena["views"] = [];
    for (const definition of configured) {
        // Views read the lake table and the views before them (the metric views read subscriptions).
        const before = [eventsTable, ...views.map((v) => v.table), ...(definition.readsSettings && settingsView ? [settingsView] : [])];
        const description = definition.readsSettings ? `Stripe ${definition.title} (docs/metrics.md)` : `Stripe ${definition.title}, one row per event (README "Analytics")`;
        const table = viewTable(definition.role, definition.name, description, glueView(definition, databaseName, viewSql(definition, settings.compaction)), before);
        views.push({ definition, table });
    }

    const resultsBucket = createResultsBucket(ctx);
    const workgroup = new aws.athena.Workgroup(
        `${name}-athena-workgroup`,
        {
            name: analyticsIdBase(name),
            description: "Stripe analytics: the lake's table, views and saved metric queries",
            configuration: {
                // Queries in this workgroup cannot override its results location, encryption or engine.
                enforceWorkgroupConfiguration: true,
                publishCloudwatchMetricsEnabled: true,
                engineVersion: { selectedEngineVersion: ATHENA_ENGINE_VERSION },
                resultConfiguration: {
                    outputLocation: pulumi.interpolate`s3://${resultsBucket.bucket}/`,
                    encryptionConfiguration: pulumi.output(settings.lakeKmsKeyArn).apply((kmsKeyArn) => (kmsKeyArn ? { encryptionOption: "SSE_KMS", kmsKeyArn } : { encryptionOption: "SSE_S3" })),
                    expectedBucketOwner: ctx.accountId,
                },
            },
            // The workgroup holds only this component's saved queries and their history.
            forceDestroy: true,
            tags,
        },
        { parent },
    );
    const queries = [...settings.analyticsMetrics.map(metric), ...supplementaryQueries(settings.analyticsMetrics, settings.eventTypes.enabledEvents)];
    for (const m of queries) {
        new aws.athena.NamedQuery(
            `${name}-query-${m.role}`,
            { name: m.title, description: `Stripe analytics (${name}): ${m.title}. README "Analytics" defines the figures.`, database: database.name, workgroup: workgroup.name, query: readSql(m.file) },
            { parent },
        );
    }
    return { database, eventsTable, views, settingsView, workgroup, resultsBucket };
}
