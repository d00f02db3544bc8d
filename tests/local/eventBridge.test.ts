/**
 * The local twin with ingestion "eventbridge": the HTTP endpoint stands in for Stripe's delivery to
 * EventBridge, the Stripe event goes onto the local bus as a partner event of the local source, the
 * rule matches that source and the eventbridge definition (its JSONata date state included) writes
 * the lake. An event too big for Step Functions is parked, and redrive writes it to its key.
 */
import { strict as assert } from "assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { objectKey } from "../../components/lake/layout";
import { resolveSettings } from "../../components/settings";
import { loadSamples, oversize, SampleEvent } from "../../fixtures/samples";
import { LOCAL_PARTNER_SOURCE } from "../../lib/eventBridge";
import { LocalLake } from "../../lib/lakeStore";
import { loadStackConfig, withIngestion } from "../../lib/stackConfig";
import { postEvent, runDemo, runningTarget } from "../../local/demo";
import { LocalPipeline, OutcomeRecord } from "../../local/pipeline";
import { startServer, stopServer } from "../../local/server";
import { main as redriveMain } from "../../ops/redrive-cli";
import { main as startMain } from "../../local/start";
import { testIo } from "../support/standIns";
import { removeLake } from "../support/twinFolders";

const settings = resolveSettings("stripe", { ingestion: "eventbridge", extraEventTypes: ["payment_intent.*", "customer.subscription.deleted", "invoice.paid"] });
const sample = (type: string): SampleEvent => {
    const found = loadSamples().find((e) => e.type === type);
    if (!found) throw new Error(`no sample of ${type}`);
    return found;
};

describe("local pipeline with ingestion eventbridge (npm start -- --ingestion eventbridge)", function () {
    let lakeDir: string;
    let pipeline: LocalPipeline;
    let server: Awaited<ReturnType<typeof startServer>>;
    let url: string;
    let records: OutcomeRecord[];

    beforeEach(async function () {
        lakeDir = fs.mkdtempSync(path.join(os.tmpdir(), "lake-eb-"));
        records = [];
        pipeline = new LocalPipeline({ settings, lakeDir, retryDelayMs: 0, onOutcome: (r) => records.push(r) });
        server = await startServer(pipeline, 0);
        url = `http://127.0.0.1:${server.port}/webhook`;
    });

    afterEach(async function () {
        await stopServer(server);
        await pipeline.stop();
        removeLake(lakeDir);
    });

    // Stripe's pretty-printed JSON, as `stripe listen` forwards it; no signature.
    const post = (event: unknown) => postEvent(url, JSON.stringify(event, null, 2));

    it("matches the local partner source, and stores each configured event as compact JSON at its key", async function () {
        assert.deepEqual(pipeline.pattern.source, [LOCAL_PARTNER_SOURCE]);
        const events = ["customer.subscription.created", "payment_intent.succeeded", "customer.created"].map(sample);
        for (const event of events) assert.deepEqual(await post(event), { status: 200, body: JSON.stringify({ received: event.id }) });
        await pipeline.idle();
        const lake = new LocalLake(lakeDir);
        const stored = events.filter((e) => e.type !== "customer.created");
        assert.deepEqual(await lake.list("events"), stored.map((e) => objectKey("events", e)).sort());
        for (const event of stored) assert.equal(fs.readFileSync(lake.pathOf(objectKey("events", event)), "utf8"), JSON.stringify(event));
        assert.deepEqual(records.map((r) => r.outcome).sort(), ["ignored", "stored", "stored"]);
    });

    it("answers 400 for a body that is not a Stripe event, and stores nothing", async function () {
        assert.deepEqual(await postEvent(url, "not json"), { status: 400, body: JSON.stringify({ error: "not a Stripe event: the body is not JSON" }) });
        const noId = await post({ ...sample("invoice.paid"), id: "in_1" });
        assert.equal(noId.status, 400);
        assert.match(noId.body, /`id` is not an event id/);
        await pipeline.idle();
        assert.deepEqual(await new LocalLake(lakeDir).list("events"), []);
        assert.deepEqual(records.map((r) => r.outcome), ["rejected", "rejected"]);
    });

    it("parks an event too big for Step Functions, as the rule would; redrive writes it straight to its key", async function () {
        const invoice = oversize(sample("invoice.paid"));
        assert.equal((await post(invoice)).status, 200, "EventBridge accepts up to 1 MB");
        await pipeline.idle();
        const parked = await pipeline.deadLetterQueue.receive();
        assert.equal(parked.length, 1);
        const body = JSON.parse(parked[0].body);
        assert.deepEqual({ source: body.source, type: body["detail-type"], detail: body.detail }, { source: LOCAL_PARTNER_SOURCE, type: "invoice.paid", detail: invoice });
        assert.match(parked[0].attributes.ERROR_MESSAGE.StringValue ?? "", /larger than the 262144 bytes Step Functions accepts/);
        assert.deepEqual(records.map((r) => r.outcome), ["parked"]);
        assert.deepEqual(await new LocalLake(lakeDir).list("events"), []);

        const io = testIo();
        assert.equal(await redriveMain(["--lake", lakeDir, "--ingestion", "eventbridge"], io), 0);
        assert.equal(
            io.out(),
            "redrive: 1 parked event(s) received, 1 stored (1 too big for the workflow, written straight to the lake), 0 parked again, 0 left in the queue\n" +
                "  1 had been parked by: the event is larger than the 262144 bytes Step Functions accepts as execution input\n",
        );
        const key = objectKey("events", invoice);
        assert.deepEqual(await new LocalLake(lakeDir).list("events"), [key]);
        assert.equal(fs.readFileSync(path.join(lakeDir, key), "utf8"), JSON.stringify(invoice));
        assert.deepEqual(await pipeline.deadLetterQueue.receive(), []);
    });

    it("runs the demo in this mode against a running twin: nothing signed, the oversize invoice parked", async function () {
        const config = withIngestion(loadStackConfig("dev"), "eventbridge");
        const running = new LocalPipeline({ settings: config.settings, lakeDir, retryDelayMs: 0 });
        const runningServer = await startServer(running, 0);
        try {
            const result = await runDemo(lakeDir, config, runningTarget(`http://127.0.0.1:${runningServer.port}/webhook`, undefined, running.info()));
            assert.ok(result.ok, result.lines.join("\n"));
            assert.deepEqual(result.summary, { received: 9, stored: 7, ignored: 1, rejected: 0, parked: 1 });
            assert.match(result.lines.find((line) => line.includes("oversize invoice")) ?? "", /^ok {3}oversize invoice +parked/);
            assert.deepEqual({ stored: running.counts.stored, parked: running.counts.parked, ignored: running.counts.ignored, rejected: running.counts.rejected }, { stored: 7, parked: 1, ignored: 1, rejected: 0 });
        } finally {
            await new Promise((resolve) => runningServer.close(resolve));
        }
    });
});

describe("--ingestion of the local commands", function () {
    this.timeout(120000);

    it("npm run demo -- --ingestion eventbridge stores, ignores and parks each bundled sample as expected, and exits 0", async function () {
        const lakeDir = fs.mkdtempSync(path.join(os.tmpdir(), "demo-eb-"));
        const { stdout } = await promisify(execFile)("npm", ["run", "--silent", "demo", "--", "--lake", lakeDir, "--ingestion", "eventbridge"], { cwd: path.resolve(__dirname, "../..") });
        assert.match(stdout, /demo: every outcome as expected/);
        assert.match(stdout, /received 9, stored 7, ignored 1, rejected 0, parked 1; lake /);
        removeLake(lakeDir);
    });

    it("takes the stack's ingestion unless given, and refuses what preview refuses", function () {
        const dev = loadStackConfig("dev");
        assert.equal(dev.settings.ingestion, "webhook");
        assert.equal(withIngestion(dev, undefined), dev);
        assert.equal(withIngestion(dev, "eventbridge").settings.ingestion, "eventbridge");
        assert.throws(() => withIngestion(dev, "EventBridge"), { name: "UsageError", message: '--ingestion must be webhook or eventbridge, not "EventBridge"' });
        const withReceiverMemory = { ...dev, args: { ...dev.args, receiverMemoryMb: 512 } };
        assert.throws(() => withIngestion(withReceiverMemory, "eventbridge"), { name: "PipelineConfigError", message: /^Invalid receiverMemoryMb 512: ingestion "eventbridge" has no webhook receiver/ });
    });

    it("makes npm start serve the EventBridge stand-in, without a signing secret", async function () {
        const lakeDir = fs.mkdtempSync(path.join(os.tmpdir(), "start-eb-"));
        const io = testIo({ cwd: lakeDir });
        let stop: () => void = () => undefined;
        const stopped = new Promise<void>((resolve) => (stop = resolve));
        const running = startMain(["--ingestion", "eventbridge", "--port", "0", "--lake", lakeDir], io, () => stopped);
        while (!io.out().includes("Ctrl-C stops.")) await new Promise((resolve) => setTimeout(resolve, 20));
        const printed = io.out();
        assert.match(printed, /, ingestion eventbridge\n/);
        assert.match(printed, /stands in for Stripe's delivery to EventBridge: POST a Stripe event, no signature/);
        assert.match(printed, new RegExp(`source +${LOCAL_PARTNER_SOURCE.replace(/\./g, "\\.")}`));
        assert.doesNotMatch(printed, /whsec_/);
        const listening = /listening +(http:\/\/127\.0\.0\.1:\d+\/webhook)/.exec(printed)?.[1] ?? "";
        const event = sample("customer.subscription.created");
        assert.equal((await postEvent(listening, JSON.stringify(event))).status, 200);
        stop();
        assert.equal(await running, 0);
        assert.ok(fs.existsSync(path.join(lakeDir, objectKey("events", event))));
        removeLake(lakeDir);
    });
});
