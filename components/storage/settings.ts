/**
 * The lake bucket's settings: where events go (prefix), how long they and their old versions stay,
 * the KMS key writers use, and bring-your-own: with `existingBucketName` the component writes into
 * a bucket its project already has and changes nothing about it, so settings that would configure
 * the bucket it no longer creates are refused here rather than silently ignored.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { StripeAnalyticsPipelineArgs } from "../args";
import { ConfigChecks, integerIn } from "../common/checks";
import { PipelineConfigError } from "../errors";
import { DEFAULT_LAKE_PREFIX, validateLakePrefix } from "../lake/layout";

export interface StorageSettings {
    lakePrefix: string;
    expireEventsAfterDays?: number;
    noncurrentVersionExpirationDays: number;
    retainBucketOnDelete: boolean;
    deadLetterRetentionDays: number;
    /** The caller's bucket; the component creates one when undefined. */
    existingBucketName?: string;
    /**
     * Key of the lake's SSE-KMS encryption, which every writer and reader is granted: `kmsKeyArn` for
     * a created bucket, `existingBucketKmsKeyArn` for an existing one; undefined for SSE-S3.
     */
    lakeKmsKeyArn?: pulumi.Input<string>;
}

/**
 * General purpose bucket names: 3 to 63 lowercase letters, digits, dots and hyphens, beginning
 * and ending with a letter or digit, no two adjacent dots.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
const BUCKET_NAME_PATTERN = /^(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** How an Input argument appears in a message: its value when plain, a marker when it is an Output. */
function shown(value: pulumi.Input<string>): string {
    return typeof value === "string" ? value : "(an Output)";
}

/** `lakePrefix` is the validated prefix, for the messages. */
function resolveExistingBucket(args: StripeAnalyticsPipelineArgs, lakePrefix: string): string | undefined {
    const name = args.existingBucketName;
    if (name === undefined) {
        if (args.existingBucketKmsKeyArn !== undefined) {
            throw new PipelineConfigError(
                "existingBucketKmsKeyArn",
                shown(args.existingBucketKmsKeyArn),
                "it only lets the writers use the key of an existing bucket, and existingBucketName is not set",
                "set existingBucketName, or use kmsKeyArn to encrypt the bucket the component creates",
            );
        }
        return undefined;
    }
    if (typeof name !== "string" || !BUCKET_NAME_PATTERN.test(name)) {
        throw new PipelineConfigError(
            "existingBucketName",
            name,
            "not an S3 bucket name (3 to 63 lowercase letters, digits, '.' or '-', starting and ending with a letter or digit)",
            `give the bucket's name, such as "acme-data-lake", not its ARN or an s3:// URL`,
        );
    }
    const notOwned = `existingBucketName "${name}" is not created by the component`;
    if (args.kmsKeyArn !== undefined) {
        throw new PipelineConfigError(
            "kmsKeyArn",
            shown(args.kmsKeyArn),
            `it sets the default encryption of the bucket the component creates, and ${notOwned}: its encryption belongs to its owner`,
            "remove kmsKeyArn; if the existing bucket encrypts with SSE-KMS, set existingBucketKmsKeyArn to its key so the writers may use it",
        );
    }
    if (args.quicksightManifestDataSet) {
        throw new PipelineConfigError(
            "quicksightManifestDataSet",
            true,
            `the S3-manifest dataset needs a manifest object that the component writes outside the lake prefix, and ${notOwned}, so the component writes nothing outside "${lakePrefix}/" there`,
            `remove quicksightManifestDataSet (the Athena datasets of quicksightPrincipalArn read the bucket without writing to it), or remove existingBucketName to let the component create its bucket`,
        );
    }
    if (args.retainBucketOnDelete !== undefined) {
        throw new PipelineConfigError(
            "retainBucketOnDelete",
            args.retainBucketOnDelete,
            `${notOwned}, so the component neither deletes nor retains it`,
            "remove retainBucketOnDelete",
        );
    }
    const lifecycle: [keyof StripeAnalyticsPipelineArgs, string][] = [
        ["expireEventsAfterDays", "an expiration rule"],
        ["noncurrentVersionExpirationDays", "a noncurrent-version expiration rule"],
    ];
    for (const [key, rule] of lifecycle) {
        if (args[key] !== undefined) {
            throw new PipelineConfigError(
                key,
                args[key],
                `${notOwned}: its lifecycle rules belong to its owner`,
                `remove ${key} and add ${rule} for the prefix "${lakePrefix}/" to the bucket's own lifecycle configuration`,
            );
        }
    }
    return name;
}

export function resolveStorageSettings(args: StripeAnalyticsPipelineArgs, checks: ConfigChecks): StorageSettings | undefined {
    const prefix = checks.run(() => ({ lakePrefix: validateLakePrefix(args.lakePrefix ?? DEFAULT_LAKE_PREFIX) }));
    const retention = checks.fields({
        expireEventsAfterDays: () => integerIn("expireEventsAfterDays", args.expireEventsAfterDays, 1, 36500, "days", "never expire"),
        noncurrentVersionExpirationDays: () => integerIn("noncurrentVersionExpirationDays", args.noncurrentVersionExpirationDays, 1, 36500, "days", "30") ?? 30,
        retainBucketOnDelete: () => args.retainBucketOnDelete ?? true,
        deadLetterRetentionDays: () => integerIn("deadLetterRetentionDays", args.deadLetterRetentionDays, 1, 14, "days", "14") ?? 14,
    });
    const existing = prefix && checks.run(() => {
        const existingBucketName = resolveExistingBucket(args, prefix.lakePrefix);
        return { existingBucketName, lakeKmsKeyArn: existingBucketName === undefined ? args.kmsKeyArn : args.existingBucketKmsKeyArn };
    });
    return prefix && retention && existing && { ...prefix, ...retention, ...existing };
}
