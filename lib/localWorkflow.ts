/**
 * Runs the deployed archive definition (workflow/definition.ts) on this machine with
 * aws-local-stepfunctions. Only the two service calls are replaced: S3 PutObject writes into the
 * local lake, SQS SendMessage into the local dead-letter queue. Retry, Catch and the key
 * expression run as they do in Step Functions.
 */
import { randomUUID } from "node:crypto";
import { StateMachine } from "aws-local-stepfunctions";
import { archiveStateNames } from "../components/workflow/archiveStep";
import { buildArchiveDefinition } from "../components/workflow/definition";
import { EventBridgeEvent } from "./eventBridge";
import { LocalDeadLetterQueue, LocalLake, ParkedMessage } from "./lakeStore";

export const LOCAL_BUCKET = "local-lake";
export const LOCAL_QUEUE_URL = "local-dead-letter";

export type WorkflowOutcome = { status: "stored"; key: string } | { status: "parked"; key: string; messageId: string };

export interface LocalWorkflowOptions {
    lake: LocalLake;
    deadLetterQueue: LocalDeadLetterQueue;
    lakePrefix: string;
    /** Wait between retries in ms instead of the deployed backoff (seconds); undefined keeps the deployed timing. */
    retryDelayMs?: number;
}

export class LocalWorkflow {
    private readonly machine: StateMachine;

    constructor(private readonly options: LocalWorkflowOptions) {
        const definition = buildArchiveDefinition({ bucketName: LOCAL_BUCKET, lakePrefix: options.lakePrefix, deadLetterQueueUrl: LOCAL_QUEUE_URL });
        this.machine = new StateMachine(definition as never, { validationOptions: { checkArn: true, checkPaths: true } });
    }

    /** One execution for one delivered event; resolves with where the event ended up. */
    async run(event: EventBridgeEvent): Promise<WorkflowOutcome> {
        const names = archiveStateNames();
        let key = "";
        let messageId: string | undefined;
        const retries = this.options.retryDelayMs;
        const execution = this.machine.run(event as never, {
            context: { Execution: { Id: `arn:aws:states:local:000000000000:express:archive:${randomUUID()}` } },
            overrides: {
                taskResourceLocalHandlers: {
                    [names.archive]: async (request) => {
                        const put = request as { Bucket: string; Key: string; Body: string };
                        key = put.Key;
                        await this.options.lake.putObject(put.Key, put.Body);
                        return {};
                    },
                    [names.park]: async (request) => {
                        const send = request as { MessageBody: string; MessageAttributes: ParkedMessage["attributes"] };
                        messageId = await this.options.deadLetterQueue.send(send.MessageBody, send.MessageAttributes);
                        return { MessageId: messageId };
                    },
                },
                ...(retries === undefined ? {} : { retryIntervalOverrides: { [names.archive]: retries, [names.park]: retries } }),
            },
        });
        try {
            await execution.result;
            return { status: "stored", key };
        } catch (error) {
            if (messageId !== undefined) {
                return { status: "parked", key, messageId };
            }
            throw error;
        }
    }
}
