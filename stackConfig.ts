/**
 * The `stripe-analytics:*` stack config keys and how each maps onto the component's arguments.
 * One table, two readers: index.ts reads it through `pulumi.Config` during `pulumi up`, and the
 * local pipeline reads the same keys from `Pulumi.<stack>.yaml` without the Pulumi CLI.
 */
import type { StripeAnalyticsPipelineArgs } from "./components/args";
import { PipelineConfigError } from "./components/errors";

/** Config namespace of this project (the project name in Pulumi.yaml). */
export const CONFIG_NAMESPACE = "stripe-analytics";
export const DEFAULT_PIPELINE_NAME = "stripe";

/** Reads one typed key; each method returns undefined when the key is not set. */
export interface ConfigReader {
    string(key: string): string | undefined;
    number(key: string): number | undefined;
    boolean(key: string): boolean | undefined;
    object<T>(key: string): T | undefined;
}

export interface PipelineConfig {
    name: string;
    args: StripeAnalyticsPipelineArgs;
}

/**
 * The QuickSight owner, from the flat key or from the structured `quicksight.principalArn`
 * (`pulumi config set --path stripe-analytics:quicksight.principalArn ...`); both name the same arg.
 */
function quickSightPrincipal(read: ConfigReader): string | undefined {
    const flat = read.string("quicksightPrincipalArn");
    const structured = read.object<{ principalArn?: string }>("quicksight")?.principalArn;
    if (flat !== undefined && structured !== undefined && flat !== structured) {
        throw new PipelineConfigError(
            "quicksight.principalArn",
            structured,
            `quicksightPrincipalArn is also set, to ${JSON.stringify(flat)}`,
            "keep one of the two keys",
        );
    }
    return flat ?? structured;
}

export function readPipelineConfig(read: ConfigReader): PipelineConfig {
    return {
        name: read.string("name") ?? DEFAULT_PIPELINE_NAME,
        args: {
            ingestion: read.string("ingestion"),
            extraEventTypes: read.object<string[]>("extraEventTypes"),
            stripeApiVersion: read.string("stripeApiVersion"),
            lakePrefix: read.string("lakePrefix"),
            kmsKeyArn: read.string("kmsKeyArn"),
            expireEventsAfterDays: read.number("expireEventsAfterDays"),
            noncurrentVersionExpirationDays: read.number("noncurrentVersionExpirationDays"),
            retainBucketOnDelete: read.boolean("retainBucketOnDelete"),
            workflowType: read.string("workflowType"),
            logRetentionDays: read.number("logRetentionDays"),
            receiverMemoryMb: read.number("receiverMemoryMb"),
            receiverReservedConcurrency: read.number("receiverReservedConcurrency"),
            retryMaximumEventAgeSeconds: read.number("retryMaximumEventAgeSeconds"),
            retryMaximumAttempts: read.number("retryMaximumAttempts"),
            deadLetterRetentionDays: read.number("deadLetterRetentionDays"),
            athena: read.boolean("athena"),
            analyticsMetrics: read.object<string[]>("analyticsMetrics"),
            analyticsStartDate: read.string("analyticsStartDate"),
            athenaResultsExpirationDays: read.number("athenaResultsExpirationDays"),
            mrrCouponDurations: read.object<string[]>("mrrCouponDurations"),
            cancellationChurn: read.string("cancellationChurn"),
            compaction: read.boolean("compaction"),
            compactionSchedule: read.string("compactionSchedule"),
            compactionMaintenanceSchedule: read.string("compactionMaintenanceSchedule"),
            compactionLookbackDays: read.number("compactionLookbackDays"),
            quicksightPrincipalArn: quickSightPrincipal(read),
            quicksightManifestDataSet: read.boolean("quicksightManifestDataSet"),
            quicksightRefreshInterval: read.string("quicksightRefreshInterval"),
            quicksightRefreshTime: read.string("quicksightRefreshTime"),
            tags: read.object<Record<string, string>>("tags"),
            existingBucketName: read.string("existingBucketName"),
            existingBucketKmsKeyArn: read.string("existingBucketKmsKeyArn"),
            existingEventBusName: read.string("existingEventBusName"),
            existingEventBusArn: read.string("existingEventBusArn"),
            alarmTopicArn: read.string("alarmTopicArn"),
            createAlarmTopic: read.boolean("createAlarmTopic"),
            alarmEmail: read.string("alarmEmail"),
            noEventsAlarmHours: read.number("noEventsAlarmHours"),
            archiveRetentionDays: read.number("archiveRetentionDays"),
        },
    };
}
