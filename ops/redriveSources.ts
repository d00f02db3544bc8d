/**
 * Where parked events are redriven from and through: the local folder queue and workflow, or SQS
 * and the deployed state machine.
 */
import { DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DescribeExecutionCommand, DescribeStateMachineCommand, SFNClient, StartExecutionCommand, StartSyncExecutionCommand } from "@aws-sdk/client-sfn";
import type { EventBridgeEvent } from "../lib/eventBridge";
import { LocalDeadLetterQueue, ParkedMessage, parkedError } from "../lib/lakeStore";
import { LocalWorkflow } from "../lib/localWorkflow";
import { ARCHIVE_FAILED_ERROR } from "../components/workflow/archiveStep";
import { ExecutionResult, ParkedEvents } from "./redrive";

/** The local dead-letter folder, as it was when the redrive began. */
export function localParkedEvents(queue: LocalDeadLetterQueue): ParkedEvents {
    let handedOut = false;
    return {
        receive: async () => {
            if (handedOut) return [];
            handedOut = true;
            return (await queue.receive()).map((m) => ({ handle: m.messageId, body: m.body, error: parkedError(m) }));
        },
        delete: (handle) => queue.delete(handle),
    };
}

export function localExecutor(workflow: LocalWorkflow): (event: EventBridgeEvent) => Promise<ExecutionResult> {
    return async (event) => {
        try {
            const outcome = await workflow.run(event);
            return outcome.status === "stored" ? { status: "stored" } : { status: "failed", error: ARCHIVE_FAILED_ERROR };
        } catch (error) {
            return { status: "failed", error: (error as Error).message };
        }
    };
}

/** An SQS queue, up to the number of messages it held when the redrive began. */
export function sqsParkedEvents(sqs: Pick<SQSClient, "send">, queueUrl: string): ParkedEvents {
    let remaining: number | undefined;
    return {
        receive: async () => {
            if (remaining === undefined) {
                const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }));
                remaining = Number(attributes.Attributes?.ApproximateNumberOfMessages ?? 0);
            }
            if (remaining <= 0) return [];
            // The visibility timeout keeps a message hidden while its execution runs (Express: up to 5 minutes).
            const received = await sqs.send(
                new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: Math.min(10, remaining), WaitTimeSeconds: 1, VisibilityTimeout: 360, MessageAttributeNames: ["All"] }),
            );
            const messages = (received.Messages ?? []).map((m) => ({
                handle: m.ReceiptHandle ?? "",
                body: m.Body ?? "",
                error: parkedError({ body: m.Body ?? "", attributes: (m.MessageAttributes ?? {}) as ParkedMessage["attributes"] }),
            }));
            remaining -= messages.length;
            return messages;
        },
        delete: async (handle) => {
            await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: handle }));
        },
    };
}

/**
 * Runs the deployed state machine and waits for the end of the execution: StartSyncExecution for
 * EXPRESS, StartExecution and polling for STANDARD.
 */
export function stateMachineExecutor(sfn: Pick<SFNClient, "send">, stateMachineArn: string, pollMs = 2000): (event: EventBridgeEvent) => Promise<ExecutionResult> {
    let type: string | undefined;
    return async (event) => {
        type ??= (await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }))).type;
        const input = JSON.stringify(event);
        if (type === "EXPRESS") {
            const result = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn, input }));
            return result.status === "SUCCEEDED" ? { status: "stored" } : { status: "failed", error: result.error ?? result.status ?? "unknown" };
        }
        const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input }));
        for (;;) {
            const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
            if (execution.status === "SUCCEEDED") return { status: "stored" };
            if (execution.status !== "RUNNING" && execution.status !== "PENDING_REDRIVE") return { status: "failed", error: execution.error ?? execution.status ?? "unknown" };
            await new Promise((resolve) => setTimeout(resolve, pollMs));
        }
    };
}
