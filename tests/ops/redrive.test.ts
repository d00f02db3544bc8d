import { strict as assert } from "assert";
import { objectKey } from "../../components/lake/layout";
import { oversize, loadSamples } from "../../fixtures/samples";
import { toPartnerEvent } from "../../lib/eventBridge";
import { s3Lake } from "../../ops/lake";
import { redrive } from "../../ops/redrive";
import { sqsParkedEvents, stateMachineExecutor } from "../../ops/redriveSources";
import * as os from "node:os";
import * as path from "node:path";
import { execute } from "../../lib/cli";
import { formatReport, main as redriveMain } from "../../ops/redrive-cli";
import { testIo } from "../support/standIns";

const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/stripe-dlq";
const STATE_MACHINE = "arn:aws:states:us-east-1:123456789012:stateMachine:stripe-workflow";

const parked = (id: string) => JSON.stringify({ version: "0", id: `eb-${id}`, "detail-type": "invoice.paid", source: "stripe-analytics.webhook", time: "2025-11-26T12:00:00Z", detail: { id, type: "invoice.paid" } });

/** A fake SQS queue and Step Functions account behind the SDK's `send`, recording every command. */
function fakeAws(messages: (string | { body: string; attributes: Record<string, { DataType: string; StringValue: string }> })[], outcome: (input: any) => { status: string; error?: string }, type = "EXPRESS") {
    const calls: { command: string; input: any }[] = [];
    let queue = messages.map((m, i) => ({ MessageId: `m${i}`, ReceiptHandle: `rh${i}`, ...(typeof m === "string" ? { Body: m } : { Body: m.body, MessageAttributes: m.attributes }) }));
    const inFlight = new Set<string>();
    const send = async (command: { constructor: { name: string }; input: any }): Promise<any> => {
        const name = command.constructor.name;
        calls.push({ command: name, input: command.input });
        switch (name) {
            case "GetQueueAttributesCommand":
                return { Attributes: { ApproximateNumberOfMessages: String(queue.length) } };
            case "ReceiveMessageCommand": {
                const batch = queue.filter((m) => !inFlight.has(m.ReceiptHandle)).slice(0, command.input.MaxNumberOfMessages);
                batch.forEach((m) => inFlight.add(m.ReceiptHandle));
                return { Messages: batch };
            }
            case "DeleteMessageCommand":
                queue = queue.filter((m) => m.ReceiptHandle !== command.input.ReceiptHandle);
                return {};
            case "PutObjectCommand":
                return {};
            case "DescribeStateMachineCommand":
                return { type };
            case "StartSyncExecutionCommand": {
                const result = outcome(JSON.parse(command.input.input));
                if (result.error === "StripeEventArchiveFailed") queue.push({ MessageId: "new", ReceiptHandle: `rh-new-${queue.length}`, Body: command.input.input });
                return result;
            }
            case "StartExecutionCommand":
                return { executionArn: `${STATE_MACHINE}:exec-${calls.length}`, input: command.input.input };
            case "DescribeExecutionCommand": {
                const start = calls.find((c) => c.command === "StartExecutionCommand" && command.input.executionArn.endsWith(`exec-${calls.indexOf(c) + 1}`));
                const polls = calls.filter((c) => c.command === "DescribeExecutionCommand" && c.input.executionArn === command.input.executionArn).length;
                return polls < 2 ? { status: "RUNNING" } : outcome(JSON.parse(start!.input.input));
            }
            default:
                throw new Error(`unexpected command ${name}`);
        }
    };
    return { client: { send } as any, calls, remaining: () => queue.map((m) => m.Body) };
}

describe("redrive from SQS through the deployed state machine", function () {
    it("runs each parked event with StartSyncExecution (Express) and deletes a message only after its execution succeeded", async function () {
        const aws = fakeAws([parked("evt_1"), parked("evt_2"), "not an event"], (event) => (event.detail.id === "evt_2" ? { status: "FAILED", error: "States.Runtime" } : { status: "SUCCEEDED" }));
        const report = await redrive(sqsParkedEvents(aws.client, QUEUE_URL), stateMachineExecutor(aws.client, STATE_MACHINE));
        assert.deepEqual(report, {
            received: 3,
            stored: 1,
            parkedAgain: 0,
            kept: 2,
            problems: ["event evt_2: States.Runtime, left in the queue", "message rh2: not an EventBridge event, left in the queue"],
        });
        assert.deepEqual(aws.remaining(), [parked("evt_2"), "not an event"]);
        const deletes = aws.calls.filter((c) => c.command === "DeleteMessageCommand").map((c) => c.input);
        assert.deepEqual(deletes, [{ QueueUrl: QUEUE_URL, ReceiptHandle: "rh0" }]);
        const start = aws.calls.find((c) => c.command === "StartSyncExecutionCommand")!;
        assert.deepEqual({ ...start.input, input: JSON.parse(start.input.input) }, { stateMachineArn: STATE_MACHINE, input: JSON.parse(parked("evt_1")) });
        assert.equal(aws.calls.find((c) => c.command === "ReceiveMessageCommand")!.input.VisibilityTimeout, 360);
    });

    it("polls a STANDARD execution to its end before deleting", async function () {
        const aws = fakeAws([parked("evt_1")], () => ({ status: "SUCCEEDED" }), "STANDARD");
        const report = await redrive(sqsParkedEvents(aws.client, QUEUE_URL), stateMachineExecutor(aws.client, STATE_MACHINE, 0));
        assert.equal(report.stored, 1);
        const order = aws.calls.map((c) => c.command).filter((c) => c !== "GetQueueAttributesCommand" && c !== "ReceiveMessageCommand");
        assert.deepEqual(order, ["DescribeStateMachineCommand", "StartExecutionCommand", "DescribeExecutionCommand", "DescribeExecutionCommand", "DeleteMessageCommand"]);
    });

    it("stops after an event is parked again (the fault is not cleared), keeping everything in the queue", async function () {
        const aws = fakeAws([parked("evt_1"), parked("evt_2")], () => ({ status: "FAILED", error: "StripeEventArchiveFailed" }));
        const report = await redrive(sqsParkedEvents(aws.client, QUEUE_URL), stateMachineExecutor(aws.client, STATE_MACHINE));
        assert.deepEqual({ ...report }, { received: 1, stored: 0, parkedAgain: 1, kept: 0, problems: [] });
        // evt_1 was re-parked by the workflow itself before its old message was deleted; evt_2 was not touched.
        assert.deepEqual(aws.remaining().map((b) => JSON.parse(b).detail.id).sort(), ["evt_1", "evt_2"]);
        assert.match(formatReport(report), /the lake still refuses writes: stopped; run redrive again once the fault is cleared/);
    });
});

describe("redrive says why the events had been parked", function () {
    it("from each message's attributes: the workflow's execution, or EventBridge's own error message", async function () {
        const execution = "arn:aws:states:us-east-1:123456789012:express:stripe-workflow:run-1";
        const aws = fakeAws(
            [
                { body: parked("evt_1"), attributes: { ERROR_CODE: { DataType: "String", StringValue: "StripeEventArchiveFailed" }, EXECUTION_ARN: { DataType: "String", StringValue: execution } } },
                { body: parked("evt_2"), attributes: { ERROR_CODE: { DataType: "String", StringValue: "SDK_CLIENT_ERROR" }, ERROR_MESSAGE: { DataType: "String", StringValue: "Step Functions refused the input" } } },
                parked("evt_3"),
            ],
            () => ({ status: "SUCCEEDED" }),
        );
        const report = await redrive(sqsParkedEvents(aws.client, QUEUE_URL), stateMachineExecutor(aws.client, STATE_MACHINE));
        assert.ok(aws.calls.filter((c) => c.command === "ReceiveMessageCommand").every((c) => c.input.MessageAttributeNames?.includes("All")), "SQS returns attributes only when asked");
        assert.equal(
            formatReport(report),
            [
                "redrive: 3 parked event(s) received, 3 stored, 0 parked again, 0 left in the queue",
                `  1 had been parked by: StripeEventArchiveFailed (the write's error is in the history of execution ${execution})`,
                "  1 had been parked by: Step Functions refused the input",
            ].join("\n"),
        );
    });
});

describe("redrive of events too big for the workflow (ingestion eventbridge parks them at once)", function () {
    const invoice = oversize(loadSamples().find((e) => e.type === "invoice.paid")!);
    // The rule's DLQ message is the partner event as EventBridge would have delivered it.
    const tooBig = JSON.stringify(toPartnerEvent(invoice, { source: "aws.partner/stripe.com/ed_test_61Tg" }));

    it("writes them straight to their lake key with --bucket, the same compact document, and runs the rest through the workflow", async function () {
        const aws = fakeAws([tooBig, parked("evt_1")], () => ({ status: "SUCCEEDED" }));
        const report = await redrive(sqsParkedEvents(aws.client, QUEUE_URL), stateMachineExecutor(aws.client, STATE_MACHINE), { lake: s3Lake(aws.client, "stripe-lake-1a2b3c4"), lakePrefix: "stripe/events" });
        assert.deepEqual(report, { received: 2, stored: 2, storedDirectly: 1, parkedAgain: 0, kept: 0, problems: [] });
        const puts = aws.calls.filter((c) => c.command === "PutObjectCommand").map((c) => c.input);
        assert.deepEqual(puts, [{ Bucket: "stripe-lake-1a2b3c4", Key: objectKey("stripe/events", invoice), Body: JSON.stringify(invoice), ContentType: "application/json", IfNoneMatch: "*" }]);
        const started = aws.calls.filter((c) => c.command === "StartSyncExecutionCommand").map((c) => JSON.parse(c.input.input).detail.id);
        assert.deepEqual(started, ["evt_1"], "the oversize event never goes to StartExecution");
        assert.deepEqual(aws.remaining(), []);
        assert.equal(formatReport(report), "redrive: 2 parked event(s) received, 2 stored (1 too big for the workflow, written straight to the lake), 0 parked again, 0 left in the queue");
    });

    it("leaves them in the queue without --bucket, and says how to store them", async function () {
        const aws = fakeAws([tooBig], () => ({ status: "SUCCEEDED" }));
        const report = await redrive(sqsParkedEvents(aws.client, QUEUE_URL), stateMachineExecutor(aws.client, STATE_MACHINE));
        assert.deepEqual(report, {
            received: 1,
            stored: 0,
            parkedAgain: 0,
            kept: 1,
            problems: [`event ${invoice.id}: ${Buffer.byteLength(tooBig)} bytes, more than the 262144 Step Functions takes as input; run redrive with --bucket and --lake-prefix to write it straight to the lake, left in the queue`],
        });
        assert.deepEqual(aws.remaining(), [tooBig]);
        assert.ok(!aws.calls.some((c) => c.command === "StartSyncExecutionCommand" || c.command === "PutObjectCommand"));
    });
});

describe("npm run redrive on a local lake", function () {
    it("fails on a --lake with nothing there, instead of reporting an empty queue", async function () {
        const missing = path.join(os.tmpdir(), `no-lake-${process.pid}`);
        await assert.rejects(redriveMain(["--lake", missing], testIo()), {
            message: `no lake at ${missing} (nor its dead-letter folder ${missing}.dead-letter or journal ${missing}.journal): pass the --lake npm start printed on its "lake" line (default .lake, in the folder you ran npm start from)`,
        });
        const io = testIo();
        assert.equal(await execute(redriveMain, ["--lake", missing], io), 1);
        assert.match(io.err(), /^error: no lake at /);
    });
});
