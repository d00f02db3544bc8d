import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { tlsOnlyBucketPolicy } from "../common/iam";
import { PartContext, jsonFrom } from "../context";

/** The lake bucket as the other parts use it: created here (an aws.s3.Bucket) or the caller's. */
export interface LakeBucket {
    id: pulumi.Output<string>;
    bucket: pulumi.Output<string>;
    arn: pulumi.Output<string>;
}

export interface Storage {
    bucket: LakeBucket;
    /** Parks events that could not be delivered or written, for redrive. */
    deadLetterQueue: aws.sqs.Queue;
}

/**
 * The lake bucket (created, or the caller's `existingBucketName`) and the dead-letter queue that
 * keeps what the lake could not take.
 */
export function createStorage(ctx: PartContext): Storage {
    const { name, settings, parent } = ctx;
    const existing = settings.existingBucketName;
    const bucket = existing === undefined ? createLakeBucket(ctx) : existingLakeBucket(existing, ctx.partition);
    const deadLetterQueue = new aws.sqs.Queue(
        `${name}-dlq`,
        { sqsManagedSseEnabled: true, messageRetentionSeconds: settings.deadLetterRetentionDays * 86400, tags: settings.tags },
        { parent },
    );
    return { bucket, deadLetterQueue };
}

/** The caller's bucket: referenced by name only, so the component never reads or changes its settings. */
function existingLakeBucket(bucketName: string, partition: pulumi.Output<string>): LakeBucket {
    const name = pulumi.output(bucketName);
    return { id: name, bucket: name, arn: pulumi.interpolate`arn:${partition}:s3:::${bucketName}` };
}

/**
 * A private, encrypted, versioned and TLS-only bucket. The bucket and the settings that protect it
 * are retained on delete by default: a retained bucket must not be left public or unencrypted.
 */
function createLakeBucket(ctx: PartContext): aws.s3.Bucket {
    const { name, settings, parent } = ctx;
    const { tags } = settings;
    const keep: pulumi.CustomResourceOptions = { parent, retainOnDelete: settings.retainBucketOnDelete };

    const bucket = new aws.s3.Bucket(`${name}-lake`, { forceDestroy: false, tags }, keep);
    const bucketId = bucket.id;

    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
        `${name}-lake-public-access`,
        { bucket: bucketId, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        keep,
    );
    new aws.s3.BucketOwnershipControls(`${name}-lake-ownership`, { bucket: bucketId, rule: { objectOwnership: "BucketOwnerEnforced" } }, keep);
    new aws.s3.BucketServerSideEncryptionConfiguration(
        `${name}-lake-encryption`,
        {
            bucket: bucketId,
            rules: [
                {
                    applyServerSideEncryptionByDefault: pulumi.output(settings.lakeKmsKeyArn).apply((kmsMasterKeyId) =>
                        kmsMasterKeyId ? { sseAlgorithm: "aws:kms", kmsMasterKeyId } : { sseAlgorithm: "AES256" },
                    ),
                    // An S3 Bucket Key cuts KMS requests (and their cost) per object to nearly none.
                    bucketKeyEnabled: pulumi.output(settings.lakeKmsKeyArn).apply((k) => Boolean(k)),
                },
            ],
        },
        keep,
    );
    const versioning = new aws.s3.BucketVersioning(`${name}-lake-versioning`, { bucket: bucketId, versioningConfiguration: { status: "Enabled" } }, keep);
    new aws.s3.BucketLifecycleConfiguration(
        `${name}-lake-lifecycle`,
        {
            bucket: bucketId,
            rules: [
                {
                    id: "noncurrent-versions-and-incomplete-uploads",
                    status: "Enabled",
                    filter: {},
                    noncurrentVersionExpiration: { noncurrentDays: settings.noncurrentVersionExpirationDays },
                    abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                },
                ...(settings.expireEventsAfterDays
                    ? [{ id: "expire-events", status: "Enabled", filter: { prefix: `${settings.lakePrefix}/` }, expiration: { days: settings.expireEventsAfterDays } }]
                    : []),
            ],
        },
        // Lifecycle rules on a bucket whose versioning is still being enabled can be rejected.
        { parent, dependsOn: [versioning] },
    );
    new aws.s3.BucketPolicy(
        `${name}-lake-policy`,
        { bucket: bucketId, policy: jsonFrom([bucket.arn], tlsOnlyBucketPolicy) },
        // The public access block must exist first, so S3 never sees a policy on an unprotected bucket.
        { ...keep, dependsOn: [publicAccessBlock] },
    );
    return bucket;
}
