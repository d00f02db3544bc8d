import { policy, PolicyDocument } from "../common/iam";
import { ArchiveStepPolicyOptions, archiveStepStatements } from "./archiveStep";

/**
 * The actions Step Functions needs to deliver execution logs. They have no resource-level
 * permissions, so they are the only actions granted on `"*"` (the policy pack allows exactly these).
 * https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html
 */
export const LOG_DELIVERY_ACTIONS: readonly string[] = [
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
];

/** The pipeline's own state machine: the archive step's statements, and delivery of its logs. */
export function workflowPolicy(o: ArchiveStepPolicyOptions): PolicyDocument {
    return policy(
        ...archiveStepStatements(o),
        // CloudWatch Logs delivery for Step Functions has no resource-level permissions, so AWS requires "*".
        { Sid: "DeliverExecutionLogs", Effect: "Allow", Action: [...LOG_DELIVERY_ACTIONS], Resource: "*" },
    );
}
