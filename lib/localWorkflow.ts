/**
 * Runs the deployed archive definition (workflow/definition.ts) on this machine with
 * aws-local-stepfunctions. Only the two service calls are replaced: S3 PutObject writes into the
 * local lake (write-once, as `IfNoneMatch: "*"` asks, failing as Step Functions reports S3's 412),
 * SQS SendMessage into the local dead-letter queue. Retry, Catch, the write-once Choice and the key
 * expression run as they do in Step Functions. The definition is parsed and validated once; each
 * event is one execution of it.
 */
import { randomUUID } from "node:crypto";
import { ExecutionAbortedError, StateMachine } from "aws-local-stepfunctions";
import { archiveStateNames } from "../components/workflow/archiveStep";
import { buildArchiveDefinition } from "../components/workflow/definition";
import { EventBridgeEvent } from "./eventBridge";
import { LocalDeadLetterQueue, LocalLake, ParkedMessage, PreconditionFailed, PutObjectOptions } from "./lakeStore";

export const LOCAL_BUCKET = "local-lake";
export const LOCAL_QUEUE_URL = "local-dead-letter";

export type WorkflowOutcome = { status: "stored"; key: string; alreadyStored: boolean } | { status: "parked"; key: string; messageId: string };

/** A run stopped by `abort()`: its event reached no end, and stays wherever it came from. */
export class WorkflowAborted extends Error {
    override name = "WorkflowAborted";
}

export interface LocalWorkflowOptions {
    lake: LocalLake;
    deadLetterQueue: LocalDeadLetterQueue;
    lakePrefix: string;
    /** Wait between retries in ms instead of the deployed backoff (seconds); undefined keeps the deployed timing. */
    retryDelayMs?: number;
}

export class LocalWorkflow {
    private readonly machine: StateMachine;
    private readonly names = archiveStateNames();
    private readonly executions = new Set<{ abort(): void }>();
    /** Service calls in progress: an abort waits for them, so no write is left half done. */
    private readonly calls = new Set<Promise<unknown>>();

    constructor(private readonly options: LocalWorkflowOptions) {
        const definition = buildArchiveDefinition({ bucketName: LOCAL_BUCKET, lakePrefix: options.lakePrefix, deadLetterQueueUrl: LOCAL_QUEUE_URL });
        this.machine = new StateMachine(definition as never, { validationOptions: { checkArn: true, checkPaths: true } });
    }

    /** One execution for one delivered event; resolves with where the event ended up. */
    async run(event: EventBridgeEvent): Promise<WorkflowOutcome> {
        const names = this.names;
        let key = "";
        let alreadyStored = false;
        let messageId: string | undefined;
        const retries = this.options.retryDelayMs;
        const execution = this.machine.run(event as never, {
            context: { Execution: { Id: `arn:aws:states:local:000000000000:express:archive:${randomUUID()}` } },
            overrides: {
                taskResourceLocalHandlers: {
                    [names.archive]: async (request) => {
                        const put = request as { Bucket: string; Key: string; Body: string; IfNoneMatch?: PutObjectOptions["ifNoneMatch"] };
                        key = put.Key;
                        try {
                            await this.call(this.options.lake.putObject(put.Key, put.Body, { ifNoneMatch: put.IfNoneMatch }));
                        } catch (error) {
                            alreadyStored = error instanceof PreconditionFailed;
                            throw error;
                        }
                        return {};
                    },
                    [names.park]: async (request) => {
                        const send = request as { MessageBody: string; MessageAttributes: ParkedMessage["attributes"] };
                        messageId = await this.call(this.options.deadLetterQueue.send(send.MessageBody, send.MessageAttributes));
                        return { MessageId: messageId };
                    },
                },
                ...(retries === undefined ? {} : { retryIntervalOverrides: { [names.archive]: retries, [names.park]: retries }, waitTimeOverrides: { [names.waitRewrite]: retries } }),
            },
        });
        this.executions.add(execution);
        try {
            await execution.result;
            return { status: "stored", key, alreadyStored };
        } catch (error) {
            if (messageId !== undefined) {
                return { status: "parked", key, messageId };
            }
            if (error instanceof ExecutionAbortedError) throw new WorkflowAborted("stopped before its event was stored or parked");
            throw error;
        } finally {
            this.executions.delete(execution);
        }
    }

    /** Stops every running execution and waits until no write or send is in progress. */
    async abort(): Promise<void> {
        for (const execution of this.executions) execution.abort();
        while (this.calls.size > 0) await Promise.allSettled([...this.calls]);
    }

    private call<T>(operation: Promise<T>): Promise<T> {
        this.calls.add(operation);
        return operation.finally(() => this.calls.delete(operation));
    }
}
