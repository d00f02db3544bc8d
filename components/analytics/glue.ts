import { lakeLocation, partitionPath } from "../lake/layout";
import { hiveType, LAKE_COLUMNS, LAKE_PARTITION_KEYS, scalarSpelling, ViewColumn } from "./schema";
import { readSql, ViewDefinition } from "./sql";

/**
 * Pure builders of the Glue Data Catalog entries Athena reads: the lake table and the views.
 */

/**
 * Glue database name: Athena accepts lowercase letters, digits and `_` only, and the name must be
 * unique in the account and region, so it carries project, stack and component name.
 * https://docs.aws.amazon.com/athena/latest/ug/tables-databases-columns-names.html
 */
export function glueDatabaseName(project: string, stack: string, name: string): string {
    return `${project}_${stack}_${name}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
}

/** The lake is text files of one JSON document each, read with the OpenX JSON SerDe. https://docs.aws.amazon.com/athena/latest/ug/openx-json-serde.html */
export const EVENTS_TABLE_FORMAT = {
    inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
    outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
    serDeInfo: { serializationLibrary: "org.openx.data.jsonserde.JsonSerDe" },
};

/** Columns and partition keys of the lake table in Glue's terms. */
export function eventsTableColumns(): { columns: { name: string; type: string }[]; partitionKeys: { name: string; type: string }[] } {
    return {
        columns: LAKE_COLUMNS.map((c) => ({ name: c.name, type: hiveType(c.type) })),
        partitionKeys: LAKE_PARTITION_KEYS.map((k) => ({ name: k.name, type: hiveType(k.type) })),
    };
}

export interface EventsTableParametersOptions {
    bucketName: string;
    lakePrefix: string;
    /** The archived event types: the values of the `type` partition. */
    eventTypes: readonly string[];
    /** First `dt` partition, YYYY-MM-DD. */
    startDate: string;
}

/**
 * Table properties: partition projection, so Athena computes the partitions from the key layout
 * instead of reading them from the catalog, and neither a crawler nor MSCK REPAIR TABLE is needed.
 * `type` is an enum of the archived types (types archived earlier and since dropped from the
 * configuration are no longer projected); `dt` is every day from the start date to today.
 * https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html
 */
export function eventsTableParameters(o: EventsTableParametersOptions): Record<string, string> {
    return {
        EXTERNAL: "TRUE",
        classification: "json",
        "projection.enabled": "true",
        "projection.type.type": "enum",
        "projection.type.values": o.eventTypes.join(","),
        "projection.dt.type": "date",
        "projection.dt.format": "yyyy-MM-dd",
        "projection.dt.range": `${o.startDate},NOW`,
        "projection.dt.interval": "1",
        "projection.dt.interval.unit": "DAYS",
        "storage.location.template": `${lakeLocation(o.bucketName, o.lakePrefix)}${partitionPath((key) => `\${${key}}`)}/`,
    };
}

export interface GlueView {
    tableType: "VIRTUAL_VIEW";
    parameters: Record<string, string>;
    viewOriginalText: string;
    viewExpandedText: string;
    columns: { name: string; type: string }[];
    /** The view's storage descriptor: its columns and the placeholder SerDeInfo (VIEW_SERDE_INFO). */
    storageDescriptor: { columns: { name: string; type: string }[]; serDeInfo: typeof VIEW_SERDE_INFO };
}

/**
 * SerDeInfo of a view's storage descriptor. A view reads no files, but without SerDeInfo Athena
 * fails every query of it with "HIVE_METASTORE_ERROR: Table storage descriptor is missing SerDe
 * info" (hashicorp/terraform-provider-aws#28517) and Trino's Glue converter refuses the table
 * ("Table SerdeInfo is null", trinodb/trino#21591, and #21981 drops such tables from listings).
 * Views Athena creates carry an empty one, which the provider cannot send: it drops a ser_de_info
 * block without values (expandSerDeInfo in internal/service/glue/catalog_table.go). "-" for both
 * fields is what iconara/terraform-aws-athena-view deploys.
 */
export const VIEW_SERDE_INFO = { name: "-", serializationLibrary: "-" };

/**
 * An Athena view as a Glue table, the way Athena itself stores one on CREATE VIEW: type
 * VIRTUAL_VIEW, `presto_view` and the comment "Presto View" as markers, and the view in
 * `viewOriginalText` as `/* Presto View: <base64 of {originalSql, catalog, schema, columns}> *\/`.
 * The declared column types must be ones Athena can coerce the query's types to, or it reports the
 * view as stale; every view column is an explicit CAST to its declared type (tests/components/analytics/sql.test.ts).
 * How Trino recognises and decodes the encoding:
 * https://github.com/trinodb/trino/blob/master/plugin/trino-hive/src/main/java/io/trino/plugin/hive/ViewReaderUtil.java
 * The same approach in Terraform: https://github.com/iconara/terraform-aws-athena-view
 *
 * The blob holds what Athena itself writes (originalSql, catalog, schema, columns) and nothing
 * more. Trino decodes it into ConnectorViewDefinition (core/trino-spi/.../ConnectorViewDefinition.java,
 * commit b3d0235c): owner and comment are Optional, so absent is empty; runAsInvoker is a primitive,
 * so absent is false, and it may not be true with an owner; columns must not be empty and schema
 * needs catalog. A view without owner and runAsInvoker is what Athena creates (open-source Trino
 * refuses such definer views, trinodb/trino#18573, which Athena evidently does not). Newer Trino
 * added a SQL `path`, which its own Hive view reader fills with an empty list (ViewReaderUtil,
 * commit 01344209) and which Athena-created views do not carry either; Athena engine 3 needs none
 * of the three. `originalSql` defaults to the view's file; with compaction the caller passes the
 * SQL over the compacted table (compaction/sql.ts).
 */
export function glueView(view: ViewDefinition, database: string, originalSql: string = readSql(view.file)): GlueView {
    return glueViewOf(originalSql, view.columns, database);
}

/** The same encoding for a view given as SQL text and columns (the generated metric_settings view). */
export function glueViewOf(originalSql: string, viewColumns: readonly ViewColumn[], database: string): GlueView {
    const definition = {
        originalSql,
        catalog: "awsdatacatalog",
        schema: database,
        columns: viewColumns.map((c) => ({ name: c.name, type: scalarSpelling(c.type).presto })),
    };
    const columns = viewColumns.map((c) => ({ name: c.name, type: scalarSpelling(c.type).hive }));
    return {
        tableType: "VIRTUAL_VIEW",
        parameters: { presto_view: "true", comment: "Presto View" },
        viewOriginalText: `/* Presto View: ${Buffer.from(JSON.stringify(definition)).toString("base64")} */`,
        viewExpandedText: "/* Presto View */",
        columns,
        storageDescriptor: { columns, serDeInfo: VIEW_SERDE_INFO },
    };
}
