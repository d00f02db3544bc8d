import { policy, PolicyDocument } from "../common/iam";
import { athenaDataCatalogArn, compactedTableStatements, glueArns, lakeKeyStatements, lakeReadStatements, queryResultsStatements } from "../analytics/policies";
import { EVENTS_TABLE } from "../analytics/sql";
import { COMPACTED_TABLE, TAIL_TABLE } from "./sql";

export interface CompactionPolicyOptions {
    workgroupArn: string;
    glueDatabaseArn: string;
    bucketArn: string;
    lakePrefix: string;
    compactedBucketArn: string;
    resultsBucketArn: string;
    /** The compaction state machine itself: an execution checks that it runs alone. */
    stateMachineArn: string;
    kmsKeyArn?: string;
}

/**
 * The compaction workflow's role. Step Functions' own template for `athena:startQueryExecution.sync`
 * grants every workgroup, `arn:aws:s3:::*` and every Glue database and table
 * (https://docs.aws.amazon.com/step-functions/latest/dg/athena-iam.html); this grants the same
 * kinds of access on this pipeline's resources only: queries in its workgroup; the definitions of
 * the lake, tail and compacted tables (commits to the Iceberg table and the seam are UpdateTable;
 * Glue checks table actions against catalog, database and table,
 * https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html); reading the lake
 * prefix; reading, writing and deleting the compacted table's files (VACUUM deletes nothing
 * without s3:DeleteObject: https://docs.aws.amazon.com/athena/latest/ug/vacuum-statement.html);
 * the workgroup's results; and listing its own running executions.
 */
export function compactionPolicy(o: CompactionPolicyOptions): PolicyDocument {
    const glue = glueArns(o.glueDatabaseArn, [EVENTS_TABLE, TAIL_TABLE, COMPACTED_TABLE]);
    const [, tail, compacted] = glue.tables;
    return policy(
        {
            Sid: "RunCompactionQueries",
            Effect: "Allow",
            Action: ["athena:StartQueryExecution", "athena:StopQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults"],
            Resource: o.workgroupArn,
        },
        { Sid: "ReadDataCatalog", Effect: "Allow", Action: "athena:GetDataCatalog", Resource: athenaDataCatalogArn(o.workgroupArn) },
        {
            Sid: "ReadTableDefinitions",
            Effect: "Allow",
            Action: ["glue:GetDatabase", "glue:GetTable", "glue:GetPartition", "glue:GetPartitions", "glue:BatchGetPartition"],
            Resource: [glue.catalog, glue.database, ...glue.tables],
        },
        { Sid: "CommitCompactedTableAndSeam", Effect: "Allow", Action: "glue:UpdateTable", Resource: [glue.catalog, glue.database, compacted, tail] },
        ...lakeReadStatements(o.bucketArn, o.lakePrefix),
        { Sid: "LocateLakeBucket", Effect: "Allow", Action: "s3:GetBucketLocation", Resource: o.bucketArn },
        ...compactedTableStatements(o.compactedBucketArn, ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]),
        ...queryResultsStatements(o.resultsBucketArn),
        { Sid: "CheckRunningCompactions", Effect: "Allow", Action: "states:ListExecutions", Resource: o.stateMachineArn },
        ...lakeKeyStatements(o.kmsKeyArn),
    );
}

/** The schedules' role: start executions of the compaction state machine, nothing else. */
export function compactionSchedulerPolicy(stateMachineArn: string): PolicyDocument {
    return policy({ Sid: "StartCompaction", Effect: "Allow", Action: "states:StartExecution", Resource: stateMachineArn });
}
