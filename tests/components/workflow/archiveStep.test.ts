/**
 * The composable archive step: spliced into a user's own state machine, before that team's
 * CloudFormation `CreateStack` provisioning task (as the original console walkthrough did), and
 * executed with aws-local-stepfunctions. Only the service calls are local handlers.
 */
import { strict as assert } from "assert";
import { StateMachine } from "aws-local-stepfunctions";
import {
    ARCHIVE_FAILED_ERROR,
    archiveStateNames,
    ArchiveStatesOptions,
    archiveStepStatements,
    buildArchiveStates,
    objectKey,
    PipelineConfigError,
    policies,
} from "../../../components";
import { EventBridgeEvent, toEventBridgeEvent } from "../../../lib/eventBridge";
import { stripeEvent } from "../../../fixtures/stripeEvents";

const BUCKET = "acme-data-lake";
const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/acme-parked-events";
const TEMPLATE_URL = "https://acme-templates.s3.amazonaws.com/customer-stack.yaml";
const EXECUTION_ID = "arn:aws:states:us-east-1:123456789012:execution:provision-customer:exec-1";

type Step = Omit<ArchiveStatesOptions, "bucketName" | "lakePrefix" | "deadLetterQueueUrl" | "next">;

/**
 * A user's workflow as another team would have it: started by an EventBridge rule, skip anything
 * not active, provision a CloudFormation stack. The archive states go between the check and the
 * provisioning; `event` is where that team's states find the Stripe event.
 */
function provisioningWorkflow(step: Step = {}, event = "$.detail", stackName = "States.Format('subscription-{}', $.id)") {
    const archive = archiveStateNames(step.statePrefix).archive;
    return {
        Comment: "Provision a customer stack for each active subscription",
        StartAt: "IsActive",
        States: {
            IsActive: { Type: "Choice", Choices: [{ Variable: `${event}.data.object.status`, StringEquals: "active", Next: archive }], Default: "NotActive" },
            NotActive: { Type: "Succeed" },
            ...buildArchiveStates({ bucketName: BUCKET, lakePrefix: "events", deadLetterQueueUrl: QUEUE_URL, next: "CreateStack", ...step }),
            CreateStack: {
                Type: "Task",
                Resource: "arn:aws:states:::aws-sdk:cloudformation:createStack",
                Parameters: {
                    "StackName.$": stackName,
                    TemplateURL: TEMPLATE_URL,
                    Parameters: [
                        { ParameterKey: "CustomerId", "ParameterValue.$": `${event}.data.object.customer` },
                        { ParameterKey: "StripeEventId", "ParameterValue.$": `${event}.id` },
                    ],
                },
                ResultPath: "$.stack",
                End: true,
            },
        },
    };
}

interface Run {
    puts: Record<string, unknown>[];
    parked: Record<string, unknown>[];
    createStack: Record<string, unknown>[];
    /** The input each state was entered with, by state name. */
    entered: Record<string, unknown>;
    output?: unknown;
    error?: Error;
}

const accessDenied = () => Object.assign(new Error("Access Denied"), { name: "S3.AccessDeniedException" });

async function run(definition: object, input: object, step: Step = {}, failPuts = 0, failure: () => Error = accessDenied): Promise<Run> {
    const names = archiveStateNames(step.statePrefix);
    const result: Run = { puts: [], parked: [], createStack: [], entered: {} };
    const machine = new StateMachine(definition as never, { validationOptions: { checkArn: true, checkPaths: true } });
    const execution = machine.run(input as never, {
        context: { Execution: { Id: EXECUTION_ID } },
        overrides: {
            taskResourceLocalHandlers: {
                [names.archive]: (request) => {
                    result.puts.push(request as Record<string, unknown>);
                    if (result.puts.length <= failPuts) {
                        throw failure();
                    }
                    return { ETag: '"etag"' };
                },
                [names.park]: (request) => {
                    result.parked.push(request as Record<string, unknown>);
                    return { MessageId: "m-1" };
                },
                CreateStack: (request) => {
                    result.createStack.push(request as Record<string, unknown>);
                    return { StackId: "arn:aws:cloudformation:us-east-1:123456789012:stack/customer/1" };
                },
            },
            retryIntervalOverrides: { [names.archive]: 0, [names.park]: 0 },
        },
    });
    try {
        result.output = await execution.result;
    } catch (e) {
        result.error = e as Error;
    }
    for await (const log of execution.eventLogs) {
        if (log.type === "StateEntered") {
            result.entered[log.state.name] = log.state.input;
        }
    }
    return result;
}

function subscriptionCreated(status = "active"): EventBridgeEvent {
    const event = stripeEvent("customer.subscription.created", { status, customer: "cus_Acme0001" });
    return toEventBridgeEvent({ Source: "stripe-analytics.webhook", DetailType: event.type, Detail: JSON.stringify(event), Time: new Date(event.created * 1000) });
}

describe("archive step spliced into a user's workflow (executed with aws-local-stepfunctions)", function () {
    it("writes the event under its lake key, then CreateStack gets the original event as its input", async function () {
        const input = subscriptionCreated();
        const event = input.detail as { id: string; type: string; created: number };
        const { puts, parked, createStack, entered, output, error } = await run(provisioningWorkflow(), input);
        assert.equal(error, undefined);
        assert.deepEqual(puts, [{ Bucket: BUCKET, Key: objectKey("events", event), Body: JSON.stringify(event), ContentType: "application/json", IfNoneMatch: "*" }]);
        assert.deepEqual(entered.CreateStack, input, "the archive step passed its input on unchanged");
        assert.deepEqual(createStack, [
            {
                StackName: `subscription-${input.id}`,
                TemplateURL: TEMPLATE_URL,
                Parameters: [
                    { ParameterKey: "CustomerId", ParameterValue: "cus_Acme0001" },
                    { ParameterKey: "StripeEventId", ParameterValue: event.id },
                ],
            },
        ]);
        assert.deepEqual(output, { ...input, stack: { StackId: "arn:aws:cloudformation:us-east-1:123456789012:stack/customer/1" } });
        assert.deepEqual(parked, []);
    });

    it("counts a redelivery, which S3 refuses with 412 under its generic error, as written: CreateStack runs, nothing is parked", async function () {
        const input = subscriptionCreated();
        const preconditionFailed = () =>
            Object.assign(new Error("At least one of the pre-conditions you specified did not hold (Service: S3, Status Code: 412, Request ID: 1)"), { name: "S3.S3Exception" });
        const { puts, parked, createStack, entered, error } = await run(provisioningWorkflow(), input, {}, 1, preconditionFailed);
        assert.equal(error, undefined);
        assert.equal(puts.length, 1);
        assert.deepEqual(parked, []);
        assert.equal(createStack.length, 1);
        const { archiveWriteError, ...rest } = entered.CreateStack as Record<string, unknown>;
        assert.deepEqual(rest, input, "the input, with the 412 the step read");
        assert.match((archiveWriteError as { Cause: string }).Cause, /Status Code: 412/);
    });

    it("runs only where the user's workflow routes to it", async function () {
        const input = subscriptionCreated("incomplete");
        const { puts, createStack, output, error } = await run(provisioningWorkflow(), input);
        assert.equal(error, undefined);
        assert.deepEqual([puts, createStack], [[], []]);
        assert.deepEqual(output, input);
    });

    it("parks the original event and fails before CreateStack when the write keeps failing", async function () {
        const input = subscriptionCreated();
        const { puts, parked, createStack, error } = await run(provisioningWorkflow(), input, {}, Infinity);
        assert.equal(puts.length, 3, "first try plus two retries for an error that is not transient");
        assert.deepEqual(parked, [
            {
                QueueUrl: QUEUE_URL,
                MessageBody: JSON.stringify(input),
                MessageAttributes: {
                    ERROR_CODE: { DataType: "String", StringValue: ARCHIVE_FAILED_ERROR },
                    EXECUTION_ARN: { DataType: "String", StringValue: EXECUTION_ID },
                },
            },
        ]);
        assert.deepEqual(createStack, [], "nothing is provisioned for an event the lake does not have");
        assert.match(String(error?.message), /Writing the Stripe event to the lake kept failing/);
    });

    it("takes the Stripe event and its time from caller-given paths, under prefixed state names", async function () {
        const stripe = stripeEvent("customer.subscription.created", { status: "active", customer: "cus_Acme0002" }, 1767225599 /* 2025-12-31T23:59:59Z */);
        const input = { tenant: "acme", request: { event: stripe, receivedAt: "2025-12-31T23:59:59Z" } };
        const step: Step = { statePrefix: "Stripe", eventPath: "$.request.event", timePath: "$.request.receivedAt" };
        const definition = provisioningWorkflow(step, "$.request.event", "States.Format('tenant-{}', $.tenant)");
        assert.ok("StripeArchiveStripeEvent" in definition.States && "StripeParkInDeadLetterQueue" in definition.States && "StripeArchiveFailed" in definition.States);
        const { puts, entered, createStack, error } = await run(definition, input, step);
        assert.equal(error, undefined);
        assert.deepEqual(puts, [{ Bucket: BUCKET, Key: objectKey("events", stripe), Body: JSON.stringify(stripe), ContentType: "application/json", IfNoneMatch: "*" }]);
        assert.equal(puts[0].Key, `events/type=customer.subscription.created/dt=2025-12-31/${stripe.id}.json`);
        assert.deepEqual(entered.CreateStack, input);
        assert.equal(createStack[0].StackName, "tenant-acme");
    });

    it("refuses paths it cannot splice into an intrinsic function, and unsafe prefixes", function () {
        const base = { bucketName: BUCKET, deadLetterQueueUrl: QUEUE_URL };
        assert.throws(
            () => buildArchiveStates({ ...base, lakePrefix: "events", eventPath: "$['detail']" }),
            (e: unknown) =>
                e instanceof PipelineConfigError &&
                e.message ===
                    `Invalid eventPath "$['detail']": must be a JSONPath of plain member names, such as $.detail or $.request.event. Fix: write it as $ followed by .name segments (letters, digits, _), without brackets, filters or wildcards`,
        );
        assert.throws(() => buildArchiveStates({ ...base, lakePrefix: "events", timePath: "time" }), /^PipelineConfigError: Invalid timePath "time": must be a JSONPath/);
        assert.throws(
            () => buildArchiveStates({ ...base, lakePrefix: "events', 'x" }),
            (e: unknown) => e instanceof PipelineConfigError && e.message.startsWith(`Invalid lakePrefix "events', 'x": the lake prefix must be`),
        );
    });
});

describe("archive step IAM statements", function () {
    const options = {
        bucketArn: `arn:aws:s3:::${BUCKET}`,
        lakePrefix: "stripe/events",
        deadLetterQueueArn: "arn:aws:sqs:us-east-1:123456789012:acme-parked-events",
    };
    const kmsKeyArn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    it("grants PutObject under the prefix and SendMessage to the queue, plus the key of an SSE-KMS bucket", function () {
        assert.deepEqual(archiveStepStatements(options), [
            { Sid: "ArchiveEvents", Effect: "Allow", Action: "s3:PutObject", Resource: `arn:aws:s3:::${BUCKET}/stripe/events/*` },
            { Sid: "ParkFailedEvents", Effect: "Allow", Action: "sqs:SendMessage", Resource: options.deadLetterQueueArn },
        ]);
        assert.deepEqual(archiveStepStatements({ ...options, kmsKeyArn }).slice(2), [
            { Sid: "EncryptLakeObjects", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: kmsKeyArn },
        ]);
    });

    it("is what the pipeline's own workflow policy is made of, without the log delivery only that one needs", function () {
        const statements = archiveStepStatements({ ...options, kmsKeyArn });
        const own = policies.workflowPolicy({ ...options, kmsKeyArn }).Statement;
        assert.deepEqual(own.slice(0, statements.length), statements);
        assert.deepEqual(own.slice(statements.length).map((s) => s.Sid), ["DeliverExecutionLogs"]);
        assert.ok(!JSON.stringify(statements).includes("logs:"));
    });

    it("refuses a prefix that would widen the object ARN", function () {
        assert.throws(() => archiveStepStatements({ ...options, lakePrefix: "*" }), /^PipelineConfigError: Invalid lakePrefix "\*"/);
    });
});
