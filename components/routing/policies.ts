import { policy, PolicyDocument, serviceOnBehalfOf } from "../common/iam";

/** EventBridge's role for the rule target: start executions of this one state machine. */
export function eventTargetPolicy(stateMachineArn: string): PolicyDocument {
    return policy({ Sid: "StartArchiveWorkflow", Effect: "Allow", Action: "states:StartExecution", Resource: stateMachineArn });
}

/** Dead-letter queue policy: only this rule's failed deliveries may be sent by EventBridge. */
export function deadLetterQueuePolicy(queueArn: string, ruleArn: string): PolicyDocument {
    return serviceOnBehalfOf("AcceptFailedDeliveriesOfThisRule", "events.amazonaws.com", "sqs:SendMessage", queueArn, ruleArn);
}
