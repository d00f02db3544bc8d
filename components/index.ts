/**
 * The public API of the `stripe-analytics` package, documented in docs/reuse.md ("Public API"):
 * the component, its args and outputs, and the pure pieces it is built from, for programs that use
 * them without it (the archive step in another state machine, the lake layout, the event pattern,
 * the SQL, the IAM documents under `policies`). Nothing else is reachable: package.json's
 * `exports` names this module only.
 */
export { StripeAnalyticsPipeline, PIPELINE_TYPE, PIPELINE_OUTPUTS, PipelineOutputs, pipelineOutputs } from "./pipeline";
export { StripeAnalyticsPipelineArgs } from "./args";
export { PipelineSettings, resolveSettings } from "./settings";
export { WORKFLOW_TYPES, LOG_RETENTION_DAYS } from "./workflow/settings";
export { REFRESH_INTERVALS } from "./analytics/settings";
export { MAX_PATTERN_BYTES } from "./routing/settings";
export { PipelineConfigError, PipelineConfigErrors } from "./errors";
export { DEFAULT_EVENT_TYPES, EventTypeSelection, selectEventTypes, suggestEventType } from "./events/eventTypes";
export { STRIPE_EVENT_TYPES } from "./events/catalog.generated";
export { DEFAULT_LAKE_PREFIX, objectKey, eventDate, parseObjectKey } from "./lake/layout";
export { EVENT_SOURCE, buildArchivePattern, buildEventPattern, matchesEventPattern, StripeEventPattern } from "./routing/eventPattern";
export {
    AlarmSpec,
    AlarmTargets,
    buildAlarmSpecs,
    buildReceiverMetricFilters,
    MetricFilterSpec,
    receiverMetricsNamespace,
    REJECTED_REQUESTS_METRIC,
    REJECTED_REQUESTS_THRESHOLD,
} from "./monitoring/alarms";
export { buildArchiveDefinition } from "./workflow/definition";
export {
    buildArchiveStates,
    archiveStateNames,
    ArchiveStatesOptions,
    ArchiveStateNames,
    ARCHIVE_FAILED_ERROR,
    NOT_PARKED_ERROR,
    NOT_PARKED_CAUSE,
    S3_GENERIC_ERROR,
    MAX_REWRITES,
    WRITE_ERROR_FIELD,
    REWRITES_FIELD,
    DEFAULT_EVENT_PATH,
    DEFAULT_TIME_PATH,
    archiveStepStatements,
    ArchiveStepPolicyOptions,
} from "./workflow/archiveStep";
export { PolicyStatement } from "./common/iam";
export * as policies from "./policies";
export { DATA_SET_OWNER_ACTIONS, DATA_SOURCE_OWNER_ACTIONS, QUICKSIGHT_MANIFEST_KEY, refreshSchedule } from "./analytics";
export { glueDatabaseName, glueView, eventsTableParameters, eventsTableColumns } from "./analytics/glue";
export { VIEWS, METRICS, METRIC_NAMES, MetricName, configuredViews, availableMetrics, metricCaveats, readSql, discountCaveats, NET_MRR_EVENT_TYPES, SUPPLEMENTARY_QUERIES } from "./analytics/sql";
export { COUPON_DURATIONS, CANCELLATION_CHURN, DEFAULT_METRIC_SETTINGS, MetricSettings, metricSettingsSql } from "./analytics/metricSettings";
export { DASHBOARD_KPIS, DASHBOARD_CHARTS } from "./analytics/dashboard";
export { buildDashboardDefinition, dashboardTemplate, ANALYSIS_OWNER_ACTIONS, DASHBOARD_OWNER_ACTIONS } from "./analytics/quicksightDashboard";
export { bundleReceiver } from "./receiver/bundle";
