import { strict as assert } from "assert";
import { StateMachine } from "aws-local-stepfunctions";
import { eventDate, objectKey } from "../../../components/lake/layout";
import { ARCHIVE_FAILED_ERROR } from "../../../components/workflow/archiveStep";
import { buildArchiveDefinition } from "../../../components/workflow/definition";
import { EventBridgeEvent, toEventBridgeEvent } from "../../../lib/eventBridge";
import { stripeEvent, TestEvent } from "../../../fixtures/stripeEvents";

const BUCKET = "stripe-lake-a1b2c3d";
const QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/stripe-dlq";

function delivered(event: TestEvent): EventBridgeEvent {
    return toEventBridgeEvent({ Source: "stripe-analytics.webhook", DetailType: event.type, Detail: JSON.stringify(event, null, 2), Time: new Date(event.created * 1000) });
}

interface Calls {
    puts: Record<string, unknown>[];
    parked: Record<string, unknown>[];
}

/** Runs the deployed definition; `failPuts` makes that many PutObject calls fail with `errorName`. */
async function run(input: EventBridgeEvent, failPuts = 0, errorName = "S3.SlowDownException", lakePrefix = "events") {
    const calls: Calls = { puts: [], parked: [] };
    const machine = new StateMachine(buildArchiveDefinition({ bucketName: BUCKET, lakePrefix, deadLetterQueueUrl: QUEUE_URL }) as any, {
        validationOptions: { checkArn: true, checkPaths: true },
    });
    const execution = machine.run(input as any, {
        context: { Execution: { Id: "arn:aws:states:us-east-1:123456789012:express:stripe-workflow:exec-1" } },
        overrides: {
            taskResourceLocalHandlers: {
                ArchiveStripeEvent: (request: any) => {
                    calls.puts.push(request);
                    if (calls.puts.length <= failPuts) {
                        throw Object.assign(new Error("Please reduce your request rate."), { name: errorName });
                    }
                    return { ETag: '"etag"' };
                },
                ParkInDeadLetterQueue: (request: any) => {
                    calls.parked.push(request);
                    return { MessageId: "m-1" };
                },
            },
            retryIntervalOverrides: { ArchiveStripeEvent: 0, ParkInDeadLetterQueue: 0 },
        },
    });
    let output: unknown;
    let error: Error | undefined;
    try {
        output = await execution.result;
    } catch (e) {
        error = e as Error;
    }
    return { calls, output, error };
}

describe("archive workflow definition (executed with aws-local-stepfunctions)", function () {
    it("writes the Stripe event as compact JSON under the lake key, with the event id as name", async function () {
        const event = stripeEvent("customer.subscription.created", { status: "active", items: { data: [{ price: { unit_amount: 1200 } }] } });
        const input = delivered(event);
        const { calls, output, error } = await run(input);
        assert.equal(error, undefined);
        assert.deepEqual(calls.puts, [
            {
                Bucket: BUCKET,
                Key: `events/type=customer.subscription.created/dt=2025-11-26/${event.id}.json`,
                Body: JSON.stringify(event),
                ContentType: "application/json",
            },
        ]);
        assert.equal(calls.puts[0].Key, objectKey("events", event));
        assert.ok(!String(calls.puts[0].Body).includes("\n"), "Athena's JSON SerDe needs one document per line");
        assert.deepEqual(output, input, "ResultPath null keeps the event as the output");
        assert.deepEqual(calls.parked, []);
    });

    it("builds the same key as the lake layout around midnight UTC and with nested prefixes", async function () {
        for (const created of [1767225599 /* 2025-12-31T23:59:59Z */, 1767225600 /* 2026-01-01T00:00:00Z */, 0]) {
            const event = stripeEvent("payment_intent.succeeded", {}, created);
            const { calls } = await run(delivered(event), 0, undefined, "stripe/prod-events");
            assert.equal(calls.puts[0].Key, objectKey("stripe/prod-events", event));
            assert.equal(calls.puts[0].Key, `stripe/prod-events/type=payment_intent.succeeded/dt=${eventDate(created)}/${event.id}.json`);
        }
    });

    it("retries throttling until the write succeeds, without parking", async function () {
        const event = stripeEvent("checkout.session.completed");
        const { calls, error } = await run(delivered(event), 3);
        assert.equal(error, undefined);
        assert.equal(calls.puts.length, 4);
        assert.deepEqual(calls.parked, []);
    });

    it("parks the original event in the dead-letter queue and fails when the write keeps failing", async function () {
        const event = stripeEvent("checkout.session.completed");
        const input = delivered(event);
        const { calls, error } = await run(input, Infinity);
        assert.equal(calls.puts.length, 7, "first try plus six throttling retries");
        assert.deepEqual(calls.parked, [
            {
                QueueUrl: QUEUE_URL,
                MessageBody: JSON.stringify(input),
                MessageAttributes: {
                    ERROR_CODE: { DataType: "String", StringValue: ARCHIVE_FAILED_ERROR },
                    EXECUTION_ARN: { DataType: "String", StringValue: "arn:aws:states:us-east-1:123456789012:express:stripe-workflow:exec-1" },
                },
            },
        ]);
        assert.match(String(error?.message), /Writing the Stripe event to the lake kept failing/);
    });

    it("gives errors it does not know as transient only two more tries before parking", async function () {
        const { calls, error } = await run(delivered(stripeEvent("checkout.session.completed")), Infinity, "S3.AccessDeniedException");
        assert.equal(calls.puts.length, 3);
        assert.equal(calls.parked.length, 1);
        assert.ok(error);
    });
});
