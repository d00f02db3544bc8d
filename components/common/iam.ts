/**
 * The IAM building blocks every part's policies are made of, as pure functions of plain ARNs, so
 * tests can assert their exact scope. Each part keeps its own documents beside its resources
 * (`<part>/policies.ts`); each grants one principal what its code or integration really calls, on
 * the exact resources, and `*` appears only where AWS has no resource-level permission for the
 * action (noted at the statement).
 */

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

export function policy(...statements: PolicyStatement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements };
}

/**
 * Trust policy letting one AWS service assume a role. `sourceAccount` adds the confused-deputy
 * guard for services documented to send `aws:SourceAccount` when assuming roles (Step Functions);
 * Lambda execution roles do not get one, as Lambda does not send it. `sourceArn` narrows it to one
 * resource of that service, for services that send `aws:SourceArn` too (EventBridge Scheduler).
 */
export function assumeRolePolicy(service: string, sourceAccount?: string, sourceArn?: string): PolicyDocument {
    const condition = {
        ...(sourceAccount ? { StringEquals: { "aws:SourceAccount": sourceAccount } } : {}),
        ...(sourceArn ? { ArnEquals: { "aws:SourceArn": sourceArn } } : {}),
    };
    return policy({
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
    });
}

/** Objects of the lake, under its prefix only. */
export function lakeObjectsArn(bucketArn: string, lakePrefix: string): string {
    return `${bucketArn}/${lakePrefix}/*`;
}

/** Statements for writing to a bucket encrypted with a customer-managed KMS key (none for SSE-S3). */
export function kmsWriteStatements(kmsKeyArn: string | undefined): PolicyStatement[] {
    return kmsKeyArn ? [{ Sid: "EncryptLakeObjects", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: kmsKeyArn }] : [];
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
export function serviceOnBehalfOf(sid: string, service: string, action: string, resource: string, sourceArns: string | string[], sourceAccount?: string): PolicyDocument {
    return policy({
        Sid: sid,
        Effect: "Allow",
        Principal: { Service: service },
        Action: action,
        Resource: resource,
        Condition: { ArnEquals: { "aws:SourceArn": sourceArns }, ...(sourceAccount ? { StringEquals: { "aws:SourceAccount": sourceAccount } } : {}) },
    });
}
