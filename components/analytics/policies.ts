import { lakeObjectsArn, policy, PolicyDocument, PolicyStatement } from "../common/iam";
import { COMPACTED_PREFIX } from "../compaction/table";

export interface QuickSightReadPolicyOptions {
    bucketArn: string;
    lakePrefix: string;
    manifestKey: string;
    kmsKeyArn?: string;
}

/** QuickSight's S3 data source role: read the manifest and the lake objects, list the lake prefix. */
export function quickSightReadPolicy(o: QuickSightReadPolicyOptions): PolicyDocument {
    return policy(
        { Sid: "ReadLake", Effect: "Allow", Action: "s3:GetObject", Resource: [lakeObjectsArn(o.bucketArn, o.lakePrefix), `${o.bucketArn}/${o.manifestKey}`] },
        {
            Sid: "ListLake",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: o.bucketArn,
            Condition: { StringLike: { "s3:prefix": [`${o.lakePrefix}/*`, o.manifestKey] } },
        },
        ...(o.kmsKeyArn ? [{ Sid: "DecryptLake", Effect: "Allow" as const, Action: "kms:Decrypt", Resource: o.kmsKeyArn }] : []),
    );
}

/** ARNs of the Glue Data Catalog of a database's account and region, and of tables in the database, from the database's ARN. */
export function glueArns(databaseArn: string, tableNames: readonly string[]): { catalog: string; database: string; tables: string[] } {
    const [prefix, database] = databaseArn.split(":database/");
    return { catalog: `${prefix}:catalog`, database: databaseArn, tables: tableNames.map((t) => `${prefix}:table/${database}/${t}`) };
}

/** ARN of the account's Glue-backed Athena data catalog, from the ARN of a workgroup in the same account and region. */
export function athenaDataCatalogArn(workgroupArn: string): string {
    return `${workgroupArn.split(":workgroup/")[0]}:datacatalog/AwsDataCatalog`;
}

export interface QuickSightAthenaPolicyOptions {
    workgroupArn: string;
    glueDatabaseArn: string;
    /** The lake table and the views the datasets read. */
    tableNames: readonly string[];
    bucketArn: string;
    lakePrefix: string;
    resultsBucketArn: string;
    kmsKeyArn?: string;
    /** The compacted table's bucket, when the views read it (compaction on). */
    compactedBucketArn?: string;
}

/**
 * The role QuickSight's Athena data source runs queries with: this workgroup only, the Glue
 * definitions of this database's tables and views, reading the lake prefix, and writing and
 * reading query results in the workgroup's bucket. Modelled on the AWSQuicksightAthenaAccess
 * managed policy, scoped to these resources; its listing of every catalog and workgroup (which only
 * `*` can grant) is left out, as the datasets name their catalog, database and view.
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSQuicksightAthenaAccess.html
 * https://docs.aws.amazon.com/athena/latest/ug/fine-grained-access-to-glue-resources.html
 */
export function quickSightAthenaPolicy(o: QuickSightAthenaPolicyOptions): PolicyDocument {
    const glue = glueArns(o.glueDatabaseArn, o.tableNames);
    return policy(
        {
            Sid: "QueryInOwnWorkgroup",
            Effect: "Allow",
            Action: ["athena:StartQueryExecution", "athena:StopQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:GetQueryResultsStream", "athena:GetWorkGroup"],
            Resource: o.workgroupArn,
        },
        {
            Sid: "ReadCatalogMetadata",
            Effect: "Allow",
            Action: ["athena:GetDataCatalog", "athena:GetDatabase", "athena:ListDatabases", "athena:GetTableMetadata", "athena:ListTableMetadata"],
            Resource: athenaDataCatalogArn(o.workgroupArn),
        },
        {
            Sid: "ReadTableDefinitions",
            Effect: "Allow",
            Action: ["glue:GetDatabase", "glue:GetDatabases", "glue:GetTable", "glue:GetTables", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition"],
            Resource: [glue.catalog, glue.database, ...glue.tables],
        },
        ...lakeReadStatements(o.bucketArn, o.lakePrefix),
        ...(o.compactedBucketArn ? compactedTableStatements(o.compactedBucketArn, ["s3:GetObject"]) : []),
        ...queryResultsStatements(o.resultsBucketArn),
        { Sid: "LocateLakeBucket", Effect: "Allow", Action: "s3:GetBucketLocation", Resource: o.bucketArn },
        ...lakeKeyStatements(o.kmsKeyArn),
    );
}

/** Reading the lake's objects and listing its prefix, as Athena does to scan the lake table. */
export function lakeReadStatements(bucketArn: string, lakePrefix: string): PolicyStatement[] {
    return [
        { Sid: "ReadLake", Effect: "Allow", Action: "s3:GetObject", Resource: lakeObjectsArn(bucketArn, lakePrefix) },
        {
            Sid: "ListLake",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: bucketArn,
            Condition: { StringLike: { "s3:prefix": [`${lakePrefix}/*`] } },
        },
    ];
}

/** The files of the compacted Iceberg table (components/compaction): `objectActions` on them, and listing its folder. */
export function compactedTableStatements(compactedBucketArn: string, objectActions: string[]): PolicyStatement[] {
    return [
        { Sid: "UseCompactedTable", Effect: "Allow", Action: objectActions.length === 1 ? objectActions[0] : objectActions, Resource: `${compactedBucketArn}/${COMPACTED_PREFIX}/*` },
        {
            Sid: "ListCompactedTable",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: compactedBucketArn,
            Condition: { StringLike: { "s3:prefix": [COMPACTED_PREFIX, `${COMPACTED_PREFIX}/*`] } },
        },
        { Sid: "LocateCompactedBucket", Effect: "Allow", Action: "s3:GetBucketLocation", Resource: compactedBucketArn },
    ];
}

/** Writing and reading query results in the workgroup's bucket. */
export function queryResultsStatements(resultsBucketArn: string): PolicyStatement[] {
    return [
        {
            Sid: "WriteQueryResults",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
            Resource: `${resultsBucketArn}/*`,
        },
        {
            Sid: "ListQueryResults",
            Effect: "Allow",
            Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
            Resource: resultsBucketArn,
        },
    ];
}

/** Decrypting what the lake's key encrypted and encrypting with it (query results, compacted files). */
export function lakeKeyStatements(kmsKeyArn: string | undefined): PolicyStatement[] {
    return kmsKeyArn ? [{ Sid: "UseLakeKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: kmsKeyArn }] : [];
}
