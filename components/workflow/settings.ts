/** The archive workflow's settings: its Step Functions type and how long the pipeline's logs are kept. */
import type { StripeAnalyticsPipelineArgs } from "../args";
import { ConfigChecks } from "../common/checks";
import { PipelineConfigError } from "../errors";

/** The workflow types Step Functions offers. */
export const WORKFLOW_TYPES = ["EXPRESS", "STANDARD"] as const;

/** Retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

export interface WorkflowSettings {
    workflowType: (typeof WORKFLOW_TYPES)[number];
    /** Retention of the workflow's and the receiver's log groups. */
    logRetentionDays: number;
}

function resolveWorkflowType(workflowType: string): WorkflowSettings["workflowType"] {
    if (!(WORKFLOW_TYPES as readonly string[]).includes(workflowType)) {
        throw new PipelineConfigError("workflowType", workflowType, `must be one of ${WORKFLOW_TYPES.join(", ")}`, `set "EXPRESS" (default, cheapest) or "STANDARD"`);
    }
    return workflowType as WorkflowSettings["workflowType"];
}

function resolveLogRetention(logRetentionDays: number): number {
    if (!LOG_RETENTION_DAYS.includes(logRetentionDays)) {
        const nearest = LOG_RETENTION_DAYS.reduce((a, b) => (Math.abs(b - logRetentionDays) < Math.abs(a - logRetentionDays) ? b : a));
        throw new PipelineConfigError("logRetentionDays", logRetentionDays, "CloudWatch Logs accepts only certain retention periods", `use ${nearest} or another of ${LOG_RETENTION_DAYS.join(", ")}`);
    }
    return logRetentionDays;
}

export function resolveWorkflowSettings(args: StripeAnalyticsPipelineArgs, checks: ConfigChecks): WorkflowSettings | undefined {
    return checks.fields({
        workflowType: () => resolveWorkflowType(args.workflowType ?? "EXPRESS"),
        logRetentionDays: () => resolveLogRetention(args.logRetentionDays ?? 30),
    });
}
