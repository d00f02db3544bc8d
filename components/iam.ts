/**
 * Every IAM and resource policy document of the pipeline, as pure functions of plain ARNs, so
 * tests can assert their exact scope. Each grants one principal what its code or integration
 * really calls, on the exact resources; `*` appears only where AWS has no resource-level
 * permission for the action (noted at the statement).
 */
import { validateLakePrefix } from "./lake/layout";

export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Action: string | string[];
    /** Absent only in trust policies, where IAM forbids it. */
    Resource?: string | string[];
    Principal?: Record<string, string | string[]> | "*";
    Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

function policy(...statements: PolicyStatement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements };
}

/**
 * Trust policy letting one AWS service assume a role. `sourceAccount` adds the confused-deputy
 * guard for services documented to send `aws:SourceAccount` when assuming roles (Step Functions);
 * Lambda execution roles do not get one, as Lambda does not send it.
 */
export function assumeRolePolicy(service: string, sourceAccount?: string): PolicyDocument {
    return policy({
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        ...(sourceAccount ? { Condition: { StringEquals: { "aws:SourceAccount": sourceAccount } } } : {}),
    });
}

/** Objects of the lake, under its prefix only. */
export function lakeObjectsArn(bucketArn: string, lakePrefix: string): string {
    return `${bucketArn}/${lakePrefix}/*`;
}

/** Statements for writing to a bucket encrypted with a customer-managed KMS key (none for SSE-S3). */
function kmsWriteStatements(kmsKeyArn: string | undefined): PolicyStatement[] {
    return kmsKeyArn ? [{ Sid: "EncryptLakeObjects", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: kmsKeyArn }] : [];
}

/** Writing a Lambda function's logs to its own log group. */
function logGroupStatement(logGroupArn: string): PolicyStatement {
    return { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroupArn}:*` };
}

export interface ReceiverPolicyOptions {
    eventBusArn: string;
    bucketArn: string;
    lakePrefix: string;
    signingSecretArn: string;
    logGroupArn: string;
    kmsKeyArn?: string;
}

/** The receiver: publish to its bus, write oversize events to the lake, read its signing secret, log. */
export function receiverPolicy(o: ReceiverPolicyOptions): PolicyDocument {
    return policy(
        { Sid: "PublishToPipelineBus", Effect: "Allow", Action: "events:PutEvents", Resource: o.eventBusArn },
        { Sid: "ArchiveOversizeEvents", Effect: "Allow", Action: "s3:PutObject", Resource: lakeObjectsArn(o.bucketArn, o.lakePrefix) },
        { Sid: "ReadSigningSecret", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: o.signingSecretArn },
        logGroupStatement(o.logGroupArn),
        ...kmsWriteStatements(o.kmsKeyArn),
    );
}

/**
 * The actions Step Functions needs to deliver execution logs. They have no resource-level
 * permissions, so they are the only actions granted on `"*"` (the policy pack allows exactly these).
 * https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html
 */
export const LOG_DELIVERY_ACTIONS: readonly string[] = [
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
];

export interface ArchiveStepPolicyOptions {
    bucketArn: string;
    /** Validated as lake/layout.ts does, since it becomes part of the object ARN. */
    lakePrefix: string;
    deadLetterQueueArn: string;
    kmsKeyArn?: string;
}

/**
 * What the role of any state machine running the archive states (workflow/definition.ts) needs:
 * PutObject under the lake prefix, SendMessage to the parking queue, and the KMS key of an
 * SSE-KMS bucket. For callers splicing those states into their own workflow (README: Reuse).
 */
export function archiveStepStatements(o: ArchiveStepPolicyOptions): PolicyStatement[] {
    return [
        { Sid: "ArchiveEvents", Effect: "Allow", Action: "s3:PutObject", Resource: lakeObjectsArn(o.bucketArn, validateLakePrefix(o.lakePrefix)) },
        { Sid: "ParkFailedEvents", Effect: "Allow", Action: "sqs:SendMessage", Resource: o.deadLetterQueueArn },
        ...kmsWriteStatements(o.kmsKeyArn),
    ];
}

/** The pipeline's own state machine: the archive step's statements, and delivery of its logs. */
export function workflowPolicy(o: ArchiveStepPolicyOptions): PolicyDocument {
    return policy(
        ...archiveStepStatements(o),
        // CloudWatch Logs delivery for Step Functions has no resource-level permissions, so AWS requires "*".
        { Sid: "DeliverExecutionLogs", Effect: "Allow", Action: [...LOG_DELIVERY_ACTIONS], Resource: "*" },
    );
}

/** EventBridge's role for the rule target: start executions of this one state machine. */
export function eventTargetPolicy(stateMachineArn: string): PolicyDocument {
    return policy({ Sid: "StartArchiveWorkflow", Effect: "Allow", Action: "states:StartExecution", Resource: stateMachineArn });
}

/** Bucket policy: refuse any request that does not use TLS. */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
    return policy({
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": false } },
    });
}

/**
 * Resource policy letting one AWS service perform one action on the resource, only on behalf of the
 * given source ARNs (the confused-deputy guard), and of this account when given.
 */
function serviceOnBehalfOf(sid: string, service: string, action: string, resource: string, sourceArns: string | string[], sourceAccount?: string): PolicyDocument {
    return policy({
        Sid: sid,
        Effect: "Allow",
        Principal: { Service: service },
        Action: action,
        Resource: resource,
        Condition: { ArnEquals: { "aws:SourceArn": sourceArns }, ...(sourceAccount ? { StringEquals: { "aws:SourceAccount": sourceAccount } } : {}) },
    });
}

/** Dead-letter queue policy: only this rule's failed deliveries may be sent by EventBridge. */
export function deadLetterQueuePolicy(queueArn: string, ruleArn: string): PolicyDocument {
    return serviceOnBehalfOf("AcceptFailedDeliveriesOfThisRule", "events.amazonaws.com", "sqs:SendMessage", queueArn, ruleArn);
}

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

/**
 * Policy of the alarm topic this component creates: CloudWatch may publish, on behalf of exactly
 * this pipeline's alarms. A topic policy replaces SNS's default one; principals of the account keep
 * managing the topic through their IAM policies.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Notify_Users_Alarm_Changes.html
 */
export function alarmTopicPolicy(topicArn: string, alarmArns: string[], accountId: string): PolicyDocument {
    return serviceOnBehalfOf("PublishAlarmsOfThisPipeline", "cloudwatch.amazonaws.com", "sns:Publish", topicArn, alarmArns, accountId);
}

/**
 * Key policy of the alarm topic's KMS key. The first statement is AWS's default key policy (the
 * account administers the key through IAM, so the key can never become unmanageable); the second
 * lets CloudWatch encrypt the messages it publishes to the topic, which SNS requires for alarms on
 * an encrypted topic. In a key policy, Resource "*" means this key.
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 */
export function alarmTopicKeyPolicy(accountId: string, partition = "aws"): PolicyDocument {
    return policy(
        { Sid: "AccountAdministersKeyThroughIam", Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" },
        {
            Sid: "CloudWatchAlarmsEncryptNotifications",
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": accountId } },
        },
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
        { Sid: "ReadLake", Effect: "Allow", Action: "s3:GetObject", Resource: lakeObjectsArn(o.bucketArn, o.lakePrefix) },
        {
            Sid: "ListLake",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: o.bucketArn,
            Condition: { StringLike: { "s3:prefix": [`${o.lakePrefix}/*`] } },
        },
        {
            Sid: "WriteQueryResults",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
            Resource: `${o.resultsBucketArn}/*`,
        },
        {
            Sid: "ListQueryResults",
            Effect: "Allow",
            Action: ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
            Resource: o.resultsBucketArn,
        },
        { Sid: "LocateLakeBucket", Effect: "Allow", Action: "s3:GetBucketLocation", Resource: o.bucketArn },
        ...(o.kmsKeyArn ? [{ Sid: "UseLakeKey", Effect: "Allow" as const, Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: o.kmsKeyArn }] : []),
    );
}
