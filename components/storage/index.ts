import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { secureBucket } from "../common/secureBucket";
import { PartContext } from "../context";

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
 * The lake: versioned, and with the protections retained on delete by default, since it holds the
 * data. Old versions and incomplete uploads expire; events only when `expireEventsAfterDays` says so.
 */
function createLakeBucket(ctx: PartContext): aws.s3.Bucket {
    const { settings } = ctx;
    return secureBucket(ctx, "lake", {
        forceDestroy: false,
        retainOnDelete: settings.retainBucketOnDelete,
        kmsKeyArn: settings.lakeKmsKeyArn,
        versioning: true,
        lifecycleRules: [
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
    });
}
