import { strict as assert } from "assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { StateMachine } from "aws-local-stepfunctions";
import Stripe from "stripe";
import { objectKey, selectEventTypes } from "../../components";
import { buildArchiveDefinition } from "../../components/workflow/definition";
import { listedEvents, MAX_TYPES_PER_REQUEST } from "../../ops/backfill";
import { BackfillClients, main } from "../../ops/backfill-cli";
import { LocalLake } from "../../lib/lakeStore";
import { FAKE_CREDENTIALS, StandIn, startStandIn, testIo } from "../support/standIns";
import { fixtureEvent, ListedFixture, parseQuery, RATE_LIMITED, startStripeStandIn } from "../support/stripeStandIn";

const NOW = new Date("2025-03-01T12:00:00Z");
const NOW_S = NOW.getTime() / 1000;
const SINCE = "2025-02-10";
const SINCE_S = Date.parse("2025-02-10T00:00:00Z") / 1000;
const API_KEY = "sk_test_standInKey";

/** A project folder with the stack file `Pulumi.dev.yaml` (dev is the default stack) holding `config`. */
function stackDir(config: Record<string, unknown>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "backfill-"));
    fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), JSON.stringify({ config }));
    return dir;
}

/** The object keys of a local lake folder, as the local lake lists them (unfinished writes are not objects). */
function filesUnder(dir: string, prefix = "events"): Promise<string[]> {
    return new LocalLake(dir).list(prefix);
}

function clientsFor(stripe: StandIn, s3?: StandIn, versions: (string | undefined)[] = []): BackfillClients {
    return {
        stripe: (apiKey, apiVersion) => {
            versions.push(apiVersion);
            return new Stripe(apiKey, { host: "127.0.0.1", port: stripe.port, protocol: "http", maxNetworkRetries: 0, ...(apiVersion ? { apiVersion: apiVersion as Stripe.LatestApiVersion } : {}) });
        },
        s3: (region) => new S3Client({ region: region ?? "us-east-1", endpoint: s3?.url ?? "http://127.0.0.1:1", forcePathStyle: true, credentials: FAKE_CREDENTIALS }),
    };
}

/** The types a stack with extraEventTypes [customer.subscription.deleted] archives. */
const ARCHIVED = ["checkout.session.completed", "customer.subscription.created", "customer.subscription.deleted"];

/** 300 events, one every 1.75 hours back from now (some before --since), every fourth of a type the stack does not archive. */
function accountEvents(): ListedFixture[] {
    return Array.from({ length: 300 }, (_, n) => fixtureEvent(n, n % 4 === 3 ? "invoice.paid" : ARCHIVED[n % 4], NOW_S - 60 - n * 6300));
}

/** What a backfill since SINCE must store, newest first (the order Stripe lists them in). */
function expectedStored(events: ListedFixture[]): ListedFixture[] {
    return events.filter((e) => ARCHIVED.includes(String(e.type)) && e.created >= SINCE_S);
}

describe("backfill", function () {
    let stripe: StandIn | undefined;
    let s3: StandIn | undefined;
    const dirs: string[] = [];
    const tempDir = (config: Record<string, unknown>) => {
        const dir = stackDir(config);
        dirs.push(dir);
        return dir;
    };
    afterEach(async function () {
        await stripe?.close();
        await s3?.close();
        stripe = s3 = undefined;
        for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
    });

    describe("events (against a local Stripe stand-in)", function () {
        it("pages through /v1/events for the stack's types and stores each event at its live key as compact JSON", async function () {
            const events = accountEvents();
            stripe = await startStripeStandIn({ "/v1/events": events });
            const dir = tempDir({ "stripe-analytics:extraEventTypes": ["customer.subscription.deleted"], "stripe-analytics:lakePrefix": "stripe/events" });
            const io = testIo({ cwd: dir, env: { STRIPE_API_KEY: API_KEY } });
            assert.equal(await main(["--since", SINCE, "--lake", "lake"], io, clientsFor(stripe)), 0, io.err());

            const stored = expectedStored(events);
            assert.equal(stored.length, 201, "three pages: 100, 100 and 1");
            const queries = stripe.requests.map((r) => parseQuery(r.url));
            assert.deepEqual(
                queries.map((q) => ({ path: q.path, types: q.arrays.types, created: q.ranges.created, limit: q.scalars.limit, after: q.scalars.starting_after })),
                [undefined, stored[99].id, stored[199].id].map((after) => ({ path: "/v1/events", types: ARCHIVED, created: { gte: SINCE_S, lt: NOW_S }, limit: "100", after })),
            );
            assert.ok(stripe.requests.every((r) => r.headers.authorization === `Bearer ${API_KEY}`));

            // Every event of the archived types created since --since, and nothing else, at objectKey(prefix, event).
            const lake = path.join(dir, "lake");
            assert.deepEqual(await filesUnder(lake, "stripe/events"), stored.map((e) => objectKey("stripe/events", e as never)).sort());
            for (const event of stored) {
                assert.equal(fs.readFileSync(path.join(lake, objectKey("stripe/events", event as never)), "utf8"), JSON.stringify(event));
            }
            assert.equal(fs.existsSync(path.join(dir, ".backfill", "dev-events.json")), false, "the checkpoint of a finished backfill is removed");
            assert.equal(
                io.out(),
                `Backfilling 3 event types since 2025-02-10T00:00:00.000Z into ${lake}/stripe/events (checkpoint ${path.join(dir, ".backfill", "dev-events.json")})\nstored 201 events in 3 pages\n`,
            );
        });

        it("stores an event at the very key, and with the same document, as the deployed workflow does", async function () {
            const event = fixtureEvent(1, "customer.subscription.created", Date.parse("2025-02-20T23:59:59Z") / 1000);
            stripe = await startStripeStandIn({ "/v1/events": [event] });
            const dir = tempDir({});
            assert.equal(await main(["--since", SINCE, "--lake", "lake"], testIo({ cwd: dir, env: { STRIPE_API_KEY: API_KEY } }), clientsFor(stripe)), 0);
            const [backfilled] = await filesUnder(path.join(dir, "lake"));

            // The live path: the EventBridge event the rule delivers for this Stripe event (time = created,
            // as the receiver publishes it), run through the deployed definition with S3 stubbed.
            const definition = buildArchiveDefinition({ bucketName: "lake-bucket", lakePrefix: "events", deadLetterQueueUrl: "https://sqs.example/dlq" });
            const writes: Record<string, unknown>[] = [];
            const machine = new StateMachine(definition as never);
            await machine.run(
                {
                    version: "0",
                    id: "0d5b7e3c-0000-0000-0000-000000000000",
                    "detail-type": event.type,
                    source: "stripe-analytics.webhook",
                    account: "123456789012",
                    time: "2025-02-20T23:59:59Z",
                    region: "us-east-1",
                    resources: [],
                    detail: event,
                } as never,
                { overrides: { taskResourceLocalHandlers: { ArchiveStripeEvent: (input) => (writes.push(input as Record<string, unknown>), {}) } } },
            ).result;
            assert.equal(writes.length, 1);
            assert.equal(writes[0].Key, backfilled);
            assert.deepEqual(JSON.parse(writes[0].Body as string), JSON.parse(fs.readFileSync(path.join(dir, "lake", backfilled), "utf8")));
        });

        it("asks for at most 20 types per request and pages each batch on its own", async function () {
            const extra = ["customer.*", "invoice.*"];
            const types = selectEventTypes(extra).enabledEvents;
            assert.ok(types.length > MAX_TYPES_PER_REQUEST, `the test needs two batches, got ${types.length} types`);
            const events = types.map((type, n) => fixtureEvent(n, type, NOW_S - 3600 - n));
            stripe = await startStripeStandIn({ "/v1/events": events });
            const dir = tempDir({ "stripe-analytics:extraEventTypes": extra });
            const io = testIo({ cwd: dir, env: { STRIPE_API_KEY: API_KEY } });
            assert.equal(await main(["--since", SINCE, "--lake", "lake"], io, clientsFor(stripe)), 0, io.err());
            const batches = stripe.requests.map((r) => parseQuery(r.url).arrays.types);
            assert.deepEqual(batches.flat(), types);
            assert.ok(batches.every((b) => b.length <= MAX_TYPES_PER_REQUEST));
            assert.equal((await filesUnder(path.join(dir, "lake"))).length, types.length);
        });

        it("resumes an interrupted run after the last stored page", async function () {
            const events = accountEvents();
            const stored = expectedStored(events);
            stripe = await startStripeStandIn({ "/v1/events": events });
            const dir = tempDir({ "stripe-analytics:extraEventTypes": ["customer.subscription.deleted"] });
            const env = { STRIPE_API_KEY: API_KEY };
            // A folder where the 150th event's file goes makes that write fail, half-way through page 2.
            const blocked = path.join(dir, "lake", objectKey("events", stored[149] as never));
            fs.mkdirSync(blocked, { recursive: true });
            await assert.rejects(main(["--since", SINCE, "--lake", "lake"], testIo({ cwd: dir, env }), clientsFor(stripe)), /EISDIR|illegal operation on a directory/);
            const checkpointFile = path.join(dir, ".backfill", "dev-events.json");
            const checkpoint = JSON.parse(fs.readFileSync(checkpointFile, "utf8"));
            assert.deepEqual(
                { source: checkpoint.source, startingAfter: checkpoint.startingAfter, stored: checkpoint.stored, pages: checkpoint.pages, since: checkpoint.since, until: checkpoint.until },
                { source: 0, startingAfter: stored[99].id, stored: 100, pages: 1, since: SINCE_S, until: NOW_S },
            );

            fs.rmdirSync(blocked);
            const before = stripe.requests.length;
            // A day later: the window still ends where the first run started, so the cursor stays valid.
            const later = testIo({ cwd: dir, env, now: () => new Date(NOW.getTime() + 86400_000) });
            assert.equal(await main(["--since", SINCE, "--lake", "lake"], later, clientsFor(stripe)), 0, later.err());
            assert.deepEqual(
                stripe.requests.slice(before).map((r) => [parseQuery(r.url).scalars.starting_after, parseQuery(r.url).ranges.created.lt]),
                [
                    [stored[99].id, NOW_S],
                    [stored[199].id, NOW_S],
                ],
            );
            assert.deepEqual(await filesUnder(path.join(dir, "lake")), stored.map((e) => objectKey("events", e as never)).sort());
            assert.equal(fs.existsSync(checkpointFile), false);
            // 100 from the first run, 101 from the second: page 2 is written again in full, harmlessly.
            assert.match(later.out(), new RegExp(`Resumed after ${stored[99].id}; stored 201 events in 3 pages\\n$`));
        });

        it("refuses to resume a checkpoint that belongs to another backfill", async function () {
            stripe = await startStripeStandIn({ "/v1/events": [] });
            const dir = tempDir({});
            const checkpoint = path.join(dir, ".backfill", "dev-events.json");
            fs.mkdirSync(path.dirname(checkpoint));
            fs.writeFileSync(checkpoint, JSON.stringify({ version: 1, job: "events other since 2025-01-01", since: 0, until: 1, source: 0, stored: 0, pages: 0 }));
            await assert.rejects(main(["--since", SINCE, "--lake", "lake"], testIo({ cwd: dir, env: { STRIPE_API_KEY: API_KEY } }), clientsFor(stripe)), {
                message: `${checkpoint} belongs to another backfill (events other since 2025-01-01); rerun that one with the same flags, or delete the file to start this one`,
            });
            assert.equal(stripe.requests.length, 0);
        });

        it("waits out 429 with exponential backoff, and gives up after 8 retries", async function () {
            stripe = await startStripeStandIn({ "/v1/events": accountEvents() }, (_, index) => (index < 2 ? RATE_LIMITED : undefined));
            const dir = tempDir({ "stripe-analytics:extraEventTypes": ["customer.subscription.deleted"] });
            const io = testIo({ cwd: dir, env: { STRIPE_API_KEY: API_KEY } });
            assert.equal(await main(["--since", SINCE, "--lake", "lake"], io, clientsFor(stripe)), 0, io.err());
            assert.deepEqual(io.sleeps, [1000, 2000]);
            assert.equal(stripe.requests.length, 5);
            assert.match(io.err(), /Stripe answered 429 \(rate limited\); retrying in 1 s\n/);
            assert.match(io.out(), /stored 201 events in 3 pages, waited out 2 rate-limited requests\n$/);

            await stripe.close();
            stripe = await startStripeStandIn({}, () => RATE_LIMITED);
            const dir2 = tempDir({});
            const stubborn = testIo({ cwd: dir2, env: { STRIPE_API_KEY: API_KEY } });
            await assert.rejects(main(["--since", SINCE, "--lake", "lake"], stubborn, clientsFor(stripe)), { type: "StripeRateLimitError" });
            assert.deepEqual(stubborn.sleeps, [1000, 2000, 4000, 8000, 16000, 32000, 32000, 32000]);
            assert.equal(stripe.requests.length, 9);
        });

        it("writes to the bucket from the stack outputs with S3 PutObject", async function () {
            const event = fixtureEvent(7, "checkout.session.completed", NOW_S - 7200);
            stripe = await startStripeStandIn({ "/v1/events": [event] });
            s3 = await startStandIn(() => ({ status: 200, headers: { etag: '"e"' } }));
            const dir = tempDir({ "aws:region": "eu-central-1" });
            const regions: (string | undefined)[] = [];
            const clients = clientsFor(stripe, s3);
            const io = testIo({ cwd: dir, env: { STRIPE_API_KEY: API_KEY }, exec: () => JSON.stringify({ bucketName: "stripe-lake-a1b2c3d" }) });
            const code = await main(["--since", SINCE], io, { ...clients, s3: (region) => (regions.push(region), clients.s3(region)) });
            assert.equal(code, 0, io.err());
            assert.deepEqual(regions, ["eu-central-1"]);
            assert.equal(s3.requests.length, 1);
            const put = s3.requests[0];
            assert.equal(put.method, "PUT");
            assert.equal(decodeURIComponent(put.url.split("?")[0]), `/stripe-lake-a1b2c3d/${objectKey("events", event as never)}`);
            assert.equal(put.headers["content-type"], "application/json");
            assert.equal(put.headers["if-none-match"], "*", "written once: never over an object the lake has");
            assert.equal(put.body, JSON.stringify(event));
        });

        it("counts an event S3 already has (412) as stored, and writes again after a conflict (409)", async function () {
            const events = [fixtureEvent(8, "checkout.session.completed", NOW_S - 7200), fixtureEvent(9, "checkout.session.completed", NOW_S - 7100)];
            stripe = await startStripeStandIn({ "/v1/events": events });
            const s3Error = (status: number, code: string) => ({
                status,
                headers: { "content-type": "application/xml" },
                body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message><RequestId>1</RequestId></Error>`,
            });
            let conflicts = 0;
            s3 = await startStandIn((request) => {
                if (request.url.includes(events[0].id)) return s3Error(412, "PreconditionFailed");
                return conflicts++ === 0 ? s3Error(409, "ConditionalRequestConflict") : { status: 200, headers: { etag: '"e"' } };
            });
            const io = testIo({ cwd: tempDir({}), env: { STRIPE_API_KEY: API_KEY }, exec: () => JSON.stringify({ bucketName: "stripe-lake-a1b2c3d" }) });
            assert.equal(await main(["--since", SINCE], io, clientsFor(stripe, s3)), 0, io.err());
            assert.match(io.out(), /stored 2 events/);
            const puts = s3.requests.map((r) => decodeURIComponent(r.url.split("?")[0]).split("/").pop());
            assert.deepEqual(puts.sort(), [`${events[0].id}.json`, `${events[1].id}.json`, `${events[1].id}.json`].sort());
        });
    });

    describe("objects, for history older than 30 days", function () {
        const day = (d: string) => Date.parse(`${d}T00:00:00Z`) / 1000;

        it("turns listed subscriptions and checkout sessions into events of the configured types", async function () {
            const subscriptions = [
                { id: "sub_old1", object: "subscription", created: day("2024-06-01"), status: "active", livemode: true },
                { id: "sub_old2", object: "subscription", created: day("2024-05-01"), status: "canceled", ended_at: day("2024-07-01"), livemode: true },
                { id: "sub_new", object: "subscription", created: day("2025-02-20"), status: "active", livemode: true },
            ];
            const sessions = [
                { id: "cs_live_a1", object: "checkout.session", created: day("2024-06-02"), status: "complete", livemode: true },
                { id: "cs_live_a2", object: "checkout.session", created: day("2024-06-03"), status: "expired", expires_at: day("2024-06-04"), livemode: true },
            ];
            stripe = await startStripeStandIn({ "/v1/subscriptions": subscriptions, "/v1/checkout/sessions": sessions });
            const dir = tempDir({ "stripe-analytics:extraEventTypes": ["customer.subscription.deleted"], "stripe-analytics:stripeApiVersion": "2025-10-29.clover" });
            const versions: (string | undefined)[] = [];
            const io = testIo({ cwd: dir, env: { STRIPE_API_KEY: API_KEY } });
            const code = await main(["--since", "2024-01-01", "--until", "2025-01-01", "--objects", "subscriptions,checkout_sessions", "--lake", "lake"], io, clientsFor(stripe, undefined, versions));
            assert.equal(code, 0, io.err());

            assert.deepEqual(versions, ["2025-10-29.clover"]);
            assert.ok(stripe.requests.every((r) => r.headers["stripe-version"] === "2025-10-29.clover"));
            assert.deepEqual(
                stripe.requests.map((r) => parseQuery(r.url)).map((q) => ({ path: q.path, status: q.scalars.status, created: q.ranges.created })),
                [
                    { path: "/v1/subscriptions", status: "all", created: { gte: day("2024-01-01"), lt: day("2025-01-01") } },
                    { path: "/v1/checkout/sessions", status: undefined, created: { gte: day("2024-01-01"), lt: day("2025-01-01") } },
                ],
            );
            // sub_new is after --until; the expired session's type is not archived by this stack.
            assert.deepEqual(await filesUnder(path.join(dir, "lake")), [
                "events/type=checkout.session.completed/dt=2024-06-02/evt_listed_cs_live_a1_completed.json",
                "events/type=customer.subscription.created/dt=2024-05-01/evt_listed_sub_old2_created.json",
                "events/type=customer.subscription.created/dt=2024-06-01/evt_listed_sub_old1_created.json",
                "events/type=customer.subscription.deleted/dt=2024-07-01/evt_listed_sub_old2_deleted.json",
            ]);
            const deleted = JSON.parse(fs.readFileSync(path.join(dir, "lake", "events/type=customer.subscription.deleted/dt=2024-07-01/evt_listed_sub_old2_deleted.json"), "utf8"));
            assert.deepEqual(deleted, {
                id: "evt_listed_sub_old2_deleted",
                object: "event",
                api_version: "2025-10-29.clover",
                created: day("2024-07-01"),
                data: { object: subscriptions[1] },
                livemode: true,
                pending_webhooks: 0,
                request: { id: null, idempotency_key: null },
                type: "customer.subscription.deleted",
                listed: true,
            });
            assert.match(io.out(), /stored 4 events in 2 pages, skipped 1 of types the stack does not archive\n$/);
        });

        it("derives each object's events from its state", function () {
            const v = "2025-10-29.clover";
            const types = (kind: Parameters<typeof listedEvents>[0], object: Record<string, unknown>) =>
                listedEvents(kind, { id: "x_1", created: 100, ...object }, v).map((e) => `${e.type}@${e.created}`);
            assert.deepEqual(types("subscriptions", { status: "trialing" }), ["customer.subscription.created@100"]);
            assert.deepEqual(types("subscriptions", { status: "canceled", ended_at: 500 }), ["customer.subscription.created@100", "customer.subscription.deleted@500"]);
            assert.deepEqual(types("payment_intents", { status: "succeeded" }), ["payment_intent.created@100", "payment_intent.succeeded@100"]);
            assert.deepEqual(types("payment_intents", { status: "canceled", canceled_at: 300 }), ["payment_intent.created@100", "payment_intent.canceled@300"]);
            assert.deepEqual(types("payment_intents", { status: "requires_payment_method" }), ["payment_intent.created@100"]);
            assert.deepEqual(types("checkout_sessions", { status: "open" }), []);
            assert.deepEqual(types("checkout_sessions", { status: "complete" }), ["checkout.session.completed@100"]);
            assert.deepEqual(types("coupons", { duration: "forever", percent_off: 20 }), ["coupon.created@100"]);
            // A subscription's own discount and its item's, each at its start; unexpanded ids say nothing.
            const withDiscounts = {
                object: "subscription",
                discounts: [{ id: "di_sub", object: "discount", start: 150, source: { type: "coupon", coupon: "co_1" } }, "di_unexpanded"],
                items: { data: [{ id: "si_1", discounts: [{ id: "di_item", object: "discount", start: 160, subscription_item: "si_1" }] }] },
            };
            assert.deepEqual(types("discounts", withDiscounts), ["customer.discount.created@150", "customer.discount.created@160"]);
            assert.deepEqual(
                listedEvents("discounts", { id: "sub_1", created: 100, ...withDiscounts }, v).map((e) => [e.id, (e as unknown as { data: { object: { id: string } } }).data.object.id]),
                [
                    ["evt_listed_di_sub_created", "di_sub"],
                    ["evt_listed_di_item_created", "di_item"],
                ],
            );
        });
    });

    describe("command line", function () {
        const run = (argv: string[], env: Record<string, string> = { STRIPE_API_KEY: API_KEY }, config: Record<string, unknown> = {}) =>
            main(argv, testIo({ cwd: tempDir(config), env }), clientsFor({ port: 1 } as StandIn));

        it("explains what is missing or contradictory", async function () {
            await assert.rejects(run(["--lake", "l"]), { name: "UsageError", message: "--since is required" });
            await assert.rejects(run(["--since", SINCE, "--until", "2025-02-20", "--lake", "l"]), { message: "--until only goes with --objects; an events backfill runs up to now" });
            await assert.rejects(run(["--since", SINCE, "--objects", "subscriptions", "--lake", "l"]), {
                message: "--until is required with --objects: the day from which the lake already has the real events, so listed objects do not double them",
            });
            await assert.rejects(run(["--since", SINCE, "--objects", "subscriptions,invoices", "--until", "2025-02-20"]), {
                message: '--objects "subscriptions,invoices": invoices not one of subscriptions, payment_intents, checkout_sessions, coupons, discounts',
            });
            await assert.rejects(run(["--since", "2025-03-02", "--lake", "l"]), { message: "--since 2025-03-02T00:00:00.000Z must be before now" });
            await assert.rejects(run(["--since", SINCE, "--lake", "l", "--bucket", "b"]), { message: "--lake and --bucket are two destinations; pass one" });
            await assert.rejects(run(["--since", SINCE, "--lake", "l"], {}), {
                message: "STRIPE_API_KEY is not set: export a Stripe secret or restricted key with read access to events and the listed objects",
            });
            await assert.rejects(run(["--since", SINCE]), { message: "--bucket is required: the Pulumi CLI (pulumi) is not on PATH, so the deployed stack's bucketName cannot be read for you. Pass --bucket with the value from `pulumi stack output bucketName` (run where the stack was deployed), or install the Pulumi CLI (https://www.pulumi.com/docs/iac/download-install/) and log in" });
        });

        it("reads the stack named by --stack", async function () {
            const dir = tempDir({});
            await assert.rejects(main(["--since", SINCE, "--lake", "l", "--stack", "qa"], testIo({ cwd: dir, env: { STRIPE_API_KEY: API_KEY } }), clientsFor({ port: 1 } as StandIn)), {
                message: `cannot read the config of stack "qa": ${path.join(dir, "Pulumi.qa.yaml")} (ENOENT). Use --stack with an existing Pulumi.<stack>.yaml.`,
            });
        });

        it("validates the stack's event types as `pulumi preview` does", async function () {
            await assert.rejects(run(["--since", SINCE, "--lake", "l"], undefined, { "stripe-analytics:extraEventTypes": ["customer.subscription.canceled"] }), {
                name: "PipelineConfigError",
                message: /^Invalid extraEventTypes\[0\] "customer.subscription.canceled": not a Stripe event type. Fix: did you mean "customer.subscription.deleted"\?/,
            });
        });

        it("warns that Stripe keeps events for 30 days and points to --objects", async function () {
            stripe = await startStripeStandIn({ "/v1/events": [] });
            const io = testIo({ cwd: tempDir({}), env: { STRIPE_API_KEY: API_KEY } });
            assert.equal(await main(["--since", "2025-01-01", "--lake", "l"], io, clientsFor(stripe)), 0);
            assert.match(io.err(), /^Note: Stripe keeps events for 30 days, so nothing older than 2025-01-30 comes back\. For older history run with --objects subscriptions,payment_intents,checkout_sessions --until <the first day the lake has>\.\n/);
        });
    });
});
