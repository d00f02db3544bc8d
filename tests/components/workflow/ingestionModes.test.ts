/**
 * The two ingestion modes end in the same lake: the same Stripe event, delivered through the
 * webhook receiver (its PutEvents entry becomes the EventBridge event) or through Stripe's event
 * destination (a partner event whose `time` is when Stripe sent it), runs through each mode's
 * deployed definition and leaves the same bytes at the same key. The eventbridge definition's one
 * JSONata state is checked against lake/layout.ts's eventDate at the calendar's edges.
 */
import { strict as assert } from "assert";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { eventDate, objectKey } from "../../../components/lake/layout";
import { createReceiver } from "../../../components/receiver/handler";
import { EVENT_SOURCE } from "../../../components/routing/eventPattern";
import { buildArchiveStates } from "../../../components/workflow/archiveStep";
import { buildArchiveDefinition, CREATED_TIME_PATH, CREATED_TIME_STATE } from "../../../components/workflow/definition";
import { NOW, SIGNING_SECRET, signedDelivery, stripeEventBody } from "../../../fixtures/stripeWebhooks";
import { toEventBridgeEvent, toPartnerEvent } from "../../../lib/eventBridge";
import { LocalDeadLetterQueue, LocalLake } from "../../../lib/lakeStore";
import { LocalWorkflow, runJsonataPass } from "../../../lib/localWorkflow";
import type { IngestionMode } from "../../../components/ingestion/settings";

const LAKE_PREFIX = "stripe/events";
/** The archive step's states (components/workflow/archiveStep.ts), in the order the step builds them. */
const ARCHIVE_STATES = Object.keys(buildArchiveStates({ bucketName: "lake", lakePrefix: LAKE_PREFIX, deadLetterQueueUrl: "https://sqs.example/dlq" }));
const DAY = 86400;
/** 2025-12-31T23:59:59Z: a day later is another day, month and year. */
const LAST_SECOND_OF_2025 = 1767225599;

function workflow(ingestion: IngestionMode) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `lake-${ingestion}-`));
    const lake = new LocalLake(dir);
    return { lake, run: new LocalWorkflow({ lake, deadLetterQueue: new LocalDeadLetterQueue(dir), lakePrefix: LAKE_PREFIX, ingestion, retryDelayMs: 0 }) };
}

const definitionOf = (ingestion?: IngestionMode) => buildArchiveDefinition({ bucketName: "lake", lakePrefix: LAKE_PREFIX, deadLetterQueueUrl: "https://sqs.example/dlq", ingestion }) as any;

describe("ingestion modes: one lake", function () {
    it("stores the same Stripe event as the same bytes at the same key through either mode's envelope", async function () {
        // Stripe's pretty-printed body, non-ASCII text included.
        const body = stripeEventBody({ created: LAST_SECOND_OF_2025, minBytes: 6000 });
        const event = JSON.parse(body);

        const entries: PutEventsRequestEntry[] = [];
        const receive = createReceiver({
            signingSecrets: [SIGNING_SECRET],
            now: () => NOW,
            source: EVENT_SOURCE,
            lakePrefix: LAKE_PREFIX,
            publish: async (published) => {
                entries.push(...published);
                return { FailedEntryCount: 0, Entries: published.map(() => ({ EventId: "eb-1" })) };
            },
            archiveOversize: async () => assert.fail("not oversize"),
            log: () => undefined,
        });
        assert.equal((await receive(signedDelivery(body, NOW))).statusCode, 200);
        assert.equal(entries.length, 1);
        const webhookMode = workflow("webhook");
        const viaReceiver = await webhookMode.run.run(toEventBridgeEvent(entries[0]));

        // Stripe sent it a day after it happened (it retries for up to three days).
        const partnerEvent = toPartnerEvent(event, { source: "aws.partner/stripe.com/ed_test_61Tg", time: new Date((LAST_SECOND_OF_2025 + DAY) * 1000) });
        assert.equal(partnerEvent.time, "2026-01-01T23:59:59Z");
        const eventBridgeMode = workflow("eventbridge");
        const viaDestination = await eventBridgeMode.run.run(partnerEvent);

        const key = objectKey(LAKE_PREFIX, event);
        assert.equal(key, `${LAKE_PREFIX}/type=checkout.session.completed/dt=2025-12-31/${event.id}.json`);
        assert.deepEqual(viaReceiver, { status: "stored", key });
        assert.deepEqual(viaDestination, { status: "stored", key });
        assert.deepEqual(await webhookMode.lake.list(LAKE_PREFIX), [key]);
        assert.deepEqual(await eventBridgeMode.lake.list(LAKE_PREFIX), [key]);
        const [stored, storedToo] = [fs.readFileSync(webhookMode.lake.pathOf(key)), fs.readFileSync(eventBridgeMode.lake.pathOf(key))];
        assert.ok(stored.equals(storedToo), "the two objects differ");
        assert.equal(stored.toString("utf8"), JSON.stringify(event));
    });

    it("keeps the webhook definition as it was: no JSONata state, dt from EventBridge's time", function () {
        const definition = definitionOf("webhook");
        assert.equal(JSON.stringify(definition), JSON.stringify(definitionOf()));
        // SHA-256 of the same definition built by the code of issue 12 (the write-once states), which issue 11 leaves as it is.
        assert.equal(createHash("sha256").update(JSON.stringify(definition)).digest("hex"), "7d912c2b6dc1d18cf1480edc3f29b2344a8b1084c4d3aef69876dfd8efab8582");
        assert.deepEqual(Object.keys(definition.States), ARCHIVE_STATES);
        assert.equal(definition.StartAt, "ArchiveStripeEvent");
        assert.match(definition.States.ArchiveStripeEvent.Parameters["Key.$"], /States\.StringSplit\(\$\.time, 'T'\)/);
    });

    it("puts one JSONata Pass state before the unchanged archive states in the eventbridge definition", function () {
        const definition = definitionOf("eventbridge");
        assert.equal(definition.StartAt, CREATED_TIME_STATE);
        assert.deepEqual(Object.keys(definition.States), [CREATED_TIME_STATE, ...ARCHIVE_STATES]);
        assert.deepEqual(definition.States[CREATED_TIME_STATE], {
            Type: "Pass",
            QueryLanguage: "JSONata",
            Comment: "The time of the Stripe event's created (unix seconds) as ISO-8601 UTC, for the lake key's dt",
            Output: '{% {"detail": $states.input.detail, "createdTime": $fromMillis($states.input.detail.created * 1000)} %}',
            Next: "ArchiveStripeEvent",
        });
        assert.equal(CREATED_TIME_PATH, "$.createdTime");
        const webhook = definitionOf("webhook").States;
        const { ArchiveStripeEvent, ...others } = definition.States;
        assert.deepEqual(ArchiveStripeEvent, {
            ...webhook.ArchiveStripeEvent,
            Parameters: { ...webhook.ArchiveStripeEvent.Parameters, "Key.$": webhook.ArchiveStripeEvent.Parameters["Key.$"].replace("$.time", CREATED_TIME_PATH) },
        });
        assert.deepEqual(others.ParkInDeadLetterQueue, webhook.ParkInDeadLetterQueue);
        assert.deepEqual(others.ArchiveFailed, webhook.ArchiveFailed);
    });

    describe("the date state, against eventDate", function () {
        const state = definitionOf("eventbridge").States[CREATED_TIME_STATE];
        const cases: [string, number, string][] = [
            ["midnight UTC", 1767225600, "2026-01-01"],
            ["the last second before midnight UTC", 1767225599, "2025-12-31"],
            ["a leap day", 1709208000, "2024-02-29"],
            ["the first second after a leap day", 1709251200, "2024-03-01"],
            ["the last second of year 9999", 253402300799, "9999-12-31"],
            ["the epoch", 0, "1970-01-01"],
        ];
        for (const [label, created, day] of cases) {
            it(`gives the day of created at ${label}: ${day}`, async function () {
                const detail = { id: "evt_1Date", type: "invoice.paid", created, data: { object: {} } };
                const output = (await runJsonataPass(state, toPartnerEvent(detail))) as { detail: unknown; createdTime: string };
                assert.equal(eventDate(created), day);
                assert.equal(output.createdTime, `${new Date(created * 1000).toISOString()}`);
                assert.equal(output.createdTime.split("T")[0], day);
                assert.deepEqual(output.detail, detail);
            });
        }

        it("reads created as the integer it is: whole seconds, no rounding, milliseconds zero", async function () {
            for (const created of [1, 1750000000, 1750000001, 253402300798]) {
                const output = (await runJsonataPass(state, { detail: { created } })) as { createdTime: string };
                assert.match(output.createdTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
                assert.equal(Date.parse(output.createdTime) / 1000, created);
            }
        });

        it("hands on no more data than it received, so it never crosses Step Functions' 256 KiB", async function () {
            const input = toPartnerEvent({ id: "evt_1Size", type: "invoice.paid", created: 1750000000, data: { object: {} } }, { source: "aws.partner/stripe.com/ed_61PgtRTG5aTCIz98516PLsRGLISQK0Otk6FWKjBrcDia" });
            const output = await runJsonataPass(state, input);
            assert.deepEqual(Object.keys(output as object), ["detail", "createdTime"]);
            assert.ok(JSON.stringify(output).length < JSON.stringify(input).length);
        });

        it("puts the key's dt at the day of created however late Stripe sent the event", async function () {
            const run = workflow("eventbridge");
            for (const [created, lateBy] of [[1767225599, 1], [1709251199, 3 * DAY], [1767225600, 0]]) {
                const event = { id: `evt_1Late${created}`, type: "invoice.paid", created, data: { object: { id: "in_1" } } };
                const outcome = await run.run.run(toPartnerEvent(event, { time: new Date((created + lateBy) * 1000) }));
                assert.deepEqual(outcome, { status: "stored", key: objectKey(LAKE_PREFIX, event) });
            }
        });
    });
});
