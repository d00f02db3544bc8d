/**
 * Runs the deployed archive definition (workflow/definition.ts) on this machine with
 * aws-local-stepfunctions. Only the two service calls are replaced: S3 PutObject writes into the
 * local lake (write-once, as `IfNoneMatch: "*"` asks, failing as Step Functions reports S3's 412),
 * SQS SendMessage into the local dead-letter queue. Retry, Catch, the write-once Choice and the key
 * expression run as they do in Step Functions. The definition is parsed and validated once; each
 * event is one execution of it.
 *
 * aws-local-stepfunctions (3.0.0) runs JSONPath states only; a JSONata state passes its input
 * through unchanged. So the JSONata Pass states a definition starts with (ingestion "eventbridge"
 * has one) are evaluated here with the `jsonata` package, at the version Step Functions implements
 * (2.0.6, https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html), and the
 * JSONPath states that follow run in aws-local-stepfunctions.
 */
import { randomUUID } from "node:crypto";
import jsonata from "jsonata";
import { ExecutionAbortedError, StateMachine } from "aws-local-stepfunctions";
import type { IngestionMode } from "../components/ingestion/settings";
import { archiveStateNames } from "../components/workflow/archiveStep";
import { buildArchiveDefinition } from "../components/workflow/definition";
import { EventBridgeEvent } from "./eventBridge";
import { LocalDeadLetterQueue, LocalLake, PARKED_ERROR_ATTRIBUTE, ParkedMessage, PutObjectOptions } from "./lakeStore";

export const LOCAL_BUCKET = "local-lake";
export const LOCAL_QUEUE_URL = "local-dead-letter";

export type WorkflowOutcome = { status: "stored"; key: string } | { status: "parked"; key: string; messageId: string };

/** A run stopped by `abort()`: its event reached no end, and stays wherever it came from. */
export class WorkflowAborted extends Error {
    override name = "WorkflowAborted";
}

export interface LocalWorkflowOptions {
    lake: LocalLake;
    deadLetterQueue: LocalDeadLetterQueue;
    lakePrefix: string;
    /** Which definition to run (workflow/definition.ts). Default: `webhook`. */
    ingestion?: IngestionMode;
    /** Wait between retries in ms instead of the deployed backoff (seconds); undefined keeps the deployed timing. */
    retryDelayMs?: number;
}

interface Definition {
    StartAt: string;
    States: Record<string, Record<string, unknown>>;
}

/** `{% expression %}`, JSONata's form in Step Functions. */
const JSONATA_TEMPLATE = /^\{%([\s\S]*)%\}$/;

/**
 * One JSONata Pass state applied to its input: its `Output` expression with `$states.input` bound,
 * as Step Functions evaluates it (no `Output` passes the input on).
 */
export async function runJsonataPass(state: Record<string, unknown>, input: unknown): Promise<unknown> {
    if (state.Type !== "Pass" || state.QueryLanguage !== "JSONata") {
        throw new Error(`not a JSONata Pass state: ${JSON.stringify(state)}`);
    }
    if (state.Output === undefined) return input;
    const expression = typeof state.Output === "string" ? JSONATA_TEMPLATE.exec(state.Output.trim())?.[1] : undefined;
    if (expression === undefined) {
        throw new Error(`the local workflow evaluates an Output that is one {% ... %} expression, not ${JSON.stringify(state.Output)}`);
    }
    const result = await jsonata(expression).evaluate(undefined, { states: { input } });
    // Plain JSON, as Step Functions hands state output on.
    return JSON.parse(JSON.stringify(result));
}

/** The leading JSONata Pass states of a definition, in order, and the JSONPath rest that starts after them. */
export function splitJsonataPrologue(definition: Definition): { prologue: Record<string, unknown>[]; rest: Definition } {
    const states = { ...definition.States };
    const prologue: Record<string, unknown>[] = [];
    let start = definition.StartAt;
    while (states[start]?.QueryLanguage === "JSONata") {
        const state = states[start];
        if (state.Type !== "Pass" || typeof state.Next !== "string") {
            throw new Error(`the local workflow runs JSONata Pass states ahead of the JSONPath ones only, not ${start}`);
        }
        prologue.push(state);
        delete states[start];
        start = state.Next;
    }
    return { prologue, rest: { ...definition, StartAt: start, States: states } };
}

export class LocalWorkflow {
    private readonly machine: StateMachine;
    private readonly prologue: Record<string, unknown>[];
    private readonly names = archiveStateNames();
    private readonly executions = new Set<{ abort(): void }>();
    /** Service calls in progress: an abort waits for them, so no write is left half done. */
    private readonly calls = new Set<Promise<unknown>>();

    constructor(private readonly options: LocalWorkflowOptions) {
        const definition = buildArchiveDefinition({ bucketName: LOCAL_BUCKET, lakePrefix: options.lakePrefix, deadLetterQueueUrl: LOCAL_QUEUE_URL, ingestion: options.ingestion }) as unknown as Definition;
        const { prologue, rest } = splitJsonataPrologue(definition);
        this.prologue = prologue;
        this.machine = new StateMachine(rest as never, { validationOptions: { checkArn: true, checkPaths: true } });
    }

    /** One execution for one delivered event; resolves with where the event ended up. */
    async run(event: EventBridgeEvent): Promise<WorkflowOutcome> {
        const names = this.names;
        let key = "";
        let messageId: string | undefined;
        // What the deployed execution's history shows as the failed write's error and cause: locally there is no
        // history to look the parked message's EXECUTION_ARN up in, so the message carries them itself.
        let writeError: string | undefined;
        const retries = this.options.retryDelayMs;
        let input: unknown = event;
        for (const state of this.prologue) {
            input = await runJsonataPass(state, input);
        }
        const execution = this.machine.run(input as never, {
            context: { Execution: { Id: `arn:aws:states:local:000000000000:express:archive:${randomUUID()}` } },
            overrides: {
                taskResourceLocalHandlers: {
                    [names.archive]: async (request) => {
                        const put = request as { Bucket: string; Key: string; Body: string; IfNoneMatch?: PutObjectOptions["ifNoneMatch"] };
                        key = put.Key;
                        await this.call(this.options.lake.putObject(put.Key, put.Body, { ifNoneMatch: put.IfNoneMatch }));
                        return {};
                    },
                    [names.park]: async (request) => {
                        const send = request as { MessageBody: string; MessageAttributes: ParkedMessage["attributes"] };
                        // The log dispatches the write's failure before this state runs; one turn of the event loop lets its reader catch up.
                        await new Promise((resolve) => setImmediate(resolve));
                        const attributes = writeError === undefined ? send.MessageAttributes : { ...send.MessageAttributes, [PARKED_ERROR_ATTRIBUTE]: { DataType: "String", StringValue: writeError } };
                        messageId = await this.call(this.options.deadLetterQueue.send(send.MessageBody, attributes));
                        return { MessageId: messageId };
                    },
                },
                ...(retries === undefined ? {} : { retryIntervalOverrides: { [names.archive]: retries, [names.park]: retries }, waitTimeOverrides: { [names.waitRewrite]: retries } }),
            },
        });
        // The log closes when the execution ends, however it ends.
        void (async () => {
            for await (const entry of execution.eventLogs) {
                if (entry.type === "StateFailed" && entry.state.name === names.archive) writeError = `${entry.Error}: ${String(entry.Cause)}`;
            }
        })();
        this.executions.add(execution);
        try {
            await execution.result;
            return { status: "stored", key };
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
