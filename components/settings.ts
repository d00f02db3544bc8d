/**
 * The one resolved view of a pipeline's arguments: each part's settings (`<part>/settings.ts`),
 * validated, with every default applied and every derived value computed once. The component is
 * built from it and the local twin (lib/stackConfig.ts) runs it too, so both refuse the same
 * configurations with the same messages; every refused setting is reported, not only the first.
 */
import type * as pulumi from "@pulumi/pulumi";
import { AnalyticsSettings, resolveAnalyticsSettings } from "./analytics/settings";
import type { StripeAnalyticsPipelineArgs } from "./args";
import { ConfigChecks } from "./common/checks";
import { CompactionSettings, resolveCompactionSettings } from "./compaction/settings";
import { PipelineConfigError } from "./errors";
import { IngestionSettings, resolveIngestionSettings } from "./ingestion/settings";
import { MonitoringSettings, resolveMonitoringSettings } from "./monitoring/settings";
import { resolveRoutingSettings, RoutingSettings } from "./routing/settings";
import { resolveStorageSettings, StorageSettings } from "./storage/settings";
import { resolveWorkflowSettings, WorkflowSettings } from "./workflow/settings";

/** What concerns every part. */
export interface CommonSettings {
    /** Added to every taggable resource. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Validated arguments with every default applied: what the parts are built from. One flat record of the parts' settings. */
export type PipelineSettings = CommonSettings &
    StorageSettings &
    WorkflowSettings &
    RoutingSettings &
    IngestionSettings &
    AnalyticsSettings &
    CompactionSettings &
    MonitoringSettings;

/**
 * Component names become the start of every physical name (S3 buckets: lowercase, at most 63
 * characters with Pulumi's suffix; IAM roles: 64), hence the short lowercase form.
 */
const COMPONENT_NAME_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,22}[a-z0-9])?$/;

function resolveCommonSettings(name: string, args: StripeAnalyticsPipelineArgs, checks: ConfigChecks): CommonSettings | undefined {
    return checks.run(() => {
        if (!COMPONENT_NAME_PATTERN.test(name)) {
            throw new PipelineConfigError(
                "name",
                name,
                "the component name must be 1 to 24 lowercase letters, digits or '-', starting and ending with a letter or digit, because it begins every bucket, role and function name",
                `use a short name such as "stripe" or "billing-events"`,
            );
        }
        return { tags: args.tags };
    });
}

/**
 * Validates the arguments and applies defaults. Throws the PipelineConfigError of a single bad
 * setting as it is, or one PipelineConfigErrors listing all of them.
 */
export function resolveSettings(name: string, args: StripeAnalyticsPipelineArgs): PipelineSettings {
    const checks = new ConfigChecks();
    const common = resolveCommonSettings(name, args, checks);
    const storage = resolveStorageSettings(args, checks);
    const workflow = resolveWorkflowSettings(args, checks);
    const ingestion = resolveIngestionSettings(args, checks);
    const routing = resolveRoutingSettings(args, checks, ingestion?.ingestion);
    const analytics = resolveAnalyticsSettings(args, checks, routing?.eventTypes);
    const compaction = resolveCompactionSettings(args, checks, routing?.retryMaximumEventAgeSeconds);
    const monitoring = resolveMonitoringSettings(args, checks);
    return checks.settle(common, storage, workflow, routing, ingestion, analytics, compaction, monitoring);
}
