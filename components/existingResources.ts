/**
 * Bring your own bucket and bus: validation of the `existing*` arguments. A pipeline may write
 * into a bucket and publish to a bus its project already has; the component then creates neither
 * and changes nothing about them. Settings that would configure the resource it no longer creates
 * are refused here, before anything is planned, rather than silently ignored.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { StripeAnalyticsPipelineArgs } from "./args";
import { PipelineConfigError } from "./errors";

/** A bus the caller owns: the rule and the receiver address it by name, IAM by ARN. */
export interface ExistingEventBus {
    name: string;
    arn: string;
}

export interface ExistingResources {
    existingBucketName?: string;
    existingEventBus?: ExistingEventBus;
}

/**
 * General purpose bucket names: 3 to 63 lowercase letters, digits, dots and hyphens, beginning
 * and ending with a letter or digit, no two adjacent dots.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
const BUCKET_NAME_PATTERN = /^(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * `arn:<partition>:events:<region>:<account>:event-bus/<name>`; names are letters, digits and `._-/`.
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_EventBus.html
 */
const EVENT_BUS_ARN_PATTERN = /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/([A-Za-z0-9._/-]{1,256})$/;

/**
 * Partner event buses (SaaS integrations such as Stripe's own) only take events from their partner.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-saas.html
 */
const PARTNER_BUS_PREFIX = "aws.partner/";

/** How an Input argument appears in a message: its value when plain, a marker when it is an Output. */
function shown(value: pulumi.Input<string>): string {
    return typeof value === "string" ? value : "(an Output)";
}

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

function resolveExistingEventBus(args: StripeAnalyticsPipelineArgs): ExistingEventBus | undefined {
    const { existingEventBusName: name, existingEventBusArn: arn } = args;
    if (name === undefined && arn === undefined) {
        return undefined;
    }
    if (arn === undefined) {
        throw new PipelineConfigError(
            "existingEventBusName",
            name,
            "existingEventBusArn is not set, and the IAM policies need the bus's ARN",
            `set existingEventBusArn as well (\`aws events describe-event-bus --name ${name}\` shows it)`,
        );
    }
    const match = EVENT_BUS_ARN_PATTERN.exec(arn);
    if (match === null) {
        throw new PipelineConfigError(
            "existingEventBusArn",
            arn,
            "not the ARN of an EventBridge event bus",
            "use arn:aws:events:<region>:<account>:event-bus/<name> (`aws events describe-event-bus --name <name>` shows it)",
        );
    }
    if (name === undefined) {
        throw new PipelineConfigError(
            "existingEventBusArn",
            arn,
            "existingEventBusName is not set, and the rule and the receiver address the bus by name",
            `set existingEventBusName to "${match[1]}"`,
        );
    }
    if (match[1] !== name) {
        throw new PipelineConfigError(
            "existingEventBusArn",
            arn,
            `it names the bus "${match[1]}", not existingEventBusName "${name}"`,
            "give the name and the ARN of the same bus",
        );
    }
    if (name.startsWith(PARTNER_BUS_PREFIX)) {
        throw new PipelineConfigError(
            "existingEventBusName",
            name,
            "a partner event bus accepts events only from its partner, so the receiver could not publish to it",
            "use a custom event bus of your own, or remove existingEventBusName and existingEventBusArn to let the component create one",
        );
    }
    return { name, arn };
}

/** Validates the bring-your-own arguments; `lakePrefix` is the validated prefix, for the messages. */
export function resolveExistingResources(args: StripeAnalyticsPipelineArgs, lakePrefix: string): ExistingResources {
    return {
        existingBucketName: resolveExistingBucket(args, lakePrefix),
        existingEventBus: resolveExistingEventBus(args),
    };
}
