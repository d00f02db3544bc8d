import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { jsonFrom, PartContext } from "../context";
import { tlsOnlyBucketPolicy } from "./iam";

export interface SecureBucketOptions {
    /** Whether deleting the bucket deletes its objects too (disposable query results) or fails on a non-empty bucket (the lake). */
    forceDestroy: boolean;
    /** Keep the bucket and its protections when the component or stack is destroyed. */
    retainOnDelete?: boolean;
    /** Key of SSE-KMS default encryption (with an S3 Bucket Key); SSE-S3 when undefined. */
    kmsKeyArn?: pulumi.Input<string>;
    /** Keep every version of every object; the lifecycle rules then wait for it. */
    versioning?: boolean;
    lifecycleRules: aws.types.input.s3.BucketLifecycleConfigurationRule[];
}

/**
 * A private bucket as every bucket of the pipeline is: public access blocked, owner-enforced (no
 * ACLs), encrypted by default, TLS-only, and lifecycle rules, as `${name}-<role>` and
 * `${name}-<role>-<protection>`. A retained bucket keeps its protections, since one must never be
 * left public or unencrypted; its lifecycle rules, which delete rather than protect, go with the
 * stack. In the manner of aws-solutions-constructs' bucket helper:
 * https://github.com/awslabs/aws-solutions-constructs/blob/main/source/patterns/%40aws-solutions-constructs/core/lib/s3-bucket-helper.ts
 */
export function secureBucket(ctx: PartContext, role: string, options: SecureBucketOptions): aws.s3.Bucket {
    const { name, parent, settings } = ctx;
    const prefix = `${name}-${role}`;
    const keep: pulumi.CustomResourceOptions = { parent, retainOnDelete: options.retainOnDelete };

    const bucket = new aws.s3.Bucket(prefix, { forceDestroy: options.forceDestroy, tags: settings.tags }, keep);
    const bucketId = bucket.id;
    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
        `${prefix}-public-access`,
        { bucket: bucketId, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        keep,
    );
    new aws.s3.BucketOwnershipControls(`${prefix}-ownership`, { bucket: bucketId, rule: { objectOwnership: "BucketOwnerEnforced" } }, keep);
    const kmsKeyArn = pulumi.output(options.kmsKeyArn);
    new aws.s3.BucketServerSideEncryptionConfiguration(
        `${prefix}-encryption`,
        {
            bucket: bucketId,
            rules: [
                {
                    applyServerSideEncryptionByDefault: kmsKeyArn.apply((kmsMasterKeyId) => (kmsMasterKeyId ? { sseAlgorithm: "aws:kms", kmsMasterKeyId } : { sseAlgorithm: "AES256" })),
                    // An S3 Bucket Key cuts KMS requests (and their cost) per object to nearly none.
                    bucketKeyEnabled: kmsKeyArn.apply((k) => Boolean(k)),
                },
            ],
        },
        keep,
    );
    const versioning = options.versioning ? new aws.s3.BucketVersioning(`${prefix}-versioning`, { bucket: bucketId, versioningConfiguration: { status: "Enabled" } }, keep) : undefined;
    new aws.s3.BucketLifecycleConfiguration(
        `${prefix}-lifecycle`,
        { bucket: bucketId, rules: options.lifecycleRules },
        // Lifecycle rules on a bucket whose versioning is still being enabled can be rejected.
        { parent, dependsOn: versioning ? [versioning] : [] },
    );
    new aws.s3.BucketPolicy(
        `${prefix}-policy`,
        { bucket: bucketId, policy: jsonFrom([bucket.arn], tlsOnlyBucketPolicy) },
        // The public access block must exist first, so S3 never sees a policy on an unprotected bucket.
        { ...keep, dependsOn: [publicAccessBlock] },
    );
    return bucket;
}
