import { strict as assert } from "assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import Stripe from "stripe";
import { resolveSettings } from "../../components/settings";
import { objectKey } from "../../components/lake/layout";
import { postSigned, runDemo, runningTarget } from "../../local/demo";
import { loadStackConfig } from "../../lib/stackConfig";
import { LocalPipeline, OutcomeRecord } from "../../local/pipeline";
import { loadSamples, oversize, SampleEvent } from "../../fixtures/samples";
import { startServer, stopServer } from "../../local/server";
import { redrive } from "../../ops/redrive";
import { localExecutor, localParkedEvents } from "../../ops/redriveSources";
import { removeLake } from "../support/twinFolders";

const SECRET = "whsec_local_test_secret";
const settings = resolveSettings("stripe", { extraEventTypes: ["payment_intent.*", "customer.subscription.deleted", "invoice.paid"] });
const sample = (type: string): SampleEvent => {
    const found = loadSamples().find((e) => e.type === type);
    if (!found) throw new Error(`no sample of ${type}`);
    return found;
};

/** Every file under a folder, relative, sorted. */
function filesIn(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
        .filter((d) => d.isFile())
        .map((d) => path.relative(dir, path.join(d.parentPath, d.name)))
        .sort();
}

describe("local pipeline (npm start) over HTTP", function () {
    let lakeDir: string;
    let pipeline: LocalPipeline;
    let server: Awaited<ReturnType<typeof startServer>>;
    let url: string;
    let records: OutcomeRecord[];

    beforeEach(async function () {
        lakeDir = fs.mkdtempSync(path.join(os.tmpdir(), "lake-"));
        records = [];
        pipeline = new LocalPipeline({ settings, lakeDir, signingSecrets: [SECRET], retryDelayMs: 0, onOutcome: (r) => records.push(r) });
        server = await startServer(pipeline, 0);
        url = `http://127.0.0.1:${server.port}/webhook`;
    });

    afterEach(async function () {
        await stopServer(server);
        await pipeline.stop();
        removeLake(lakeDir);
    });

    const post = (event: unknown, secret = SECRET) => postSigned(url, JSON.stringify(event, null, 2), secret);

    it("stores every configured sample as compact JSON under its lake key, and nothing else", async function () {
        const samples = loadSamples().map((e) => (e.type === "invoice.paid" ? oversize(e) : e));
        for (const event of samples) {
            assert.equal((await post(event)).status, 200, event.type);
        }
        await pipeline.idle();
        const configured = samples.filter((e) => e.type !== "customer.created" && e.type !== "customer.subscription.updated");
        assert.deepEqual(filesIn(lakeDir), configured.map((e) => objectKey("events", e)).sort());
        for (const event of configured) {
            assert.equal(fs.readFileSync(path.join(lakeDir, objectKey("events", event)), "utf8"), JSON.stringify(event));
        }
        assert.deepEqual(
            records.map((r) => `${r.outcome} ${r.type}`).sort(),
            [
                "ignored customer.created",
                "ignored customer.subscription.updated",
                "oversize invoice.paid",
                ...configured.filter((e) => e.type !== "invoice.paid").map((e) => `stored ${e.type}`),
            ].sort(),
        );
    });

    it("writes nothing for rejected requests", async function () {
        const event = sample("checkout.session.completed");
        assert.equal((await post(event, "whsec_someone_else")).status, 400);
        const unsigned = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(event) });
        assert.equal(unsigned.status, 400);
        assert.equal((await fetch(url)).status, 405);
        const stale = new Stripe("sk_test_unused").webhooks.generateTestHeaderString({ payload: JSON.stringify(event), secret: SECRET, timestamp: Math.floor(Date.now() / 1000) - 3600 });
        assert.equal((await fetch(url, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": stale }, body: JSON.stringify(event) })).status, 400);
        const huge = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: Buffer.alloc(6 * 1024 * 1024 + 1, 32) });
        assert.equal(huge.status, 413);
        await pipeline.idle();
        assert.deepEqual(filesIn(lakeDir), []);
        assert.equal(pipeline.counts.rejected, 5);
    });

    it("passes non-text bodies base64-encoded, as the function URL does, and still verifies them", async function () {
        const event = sample("payment_intent.succeeded");
        const payload = JSON.stringify(event);
        const header = new Stripe("sk_test_unused").webhooks.generateTestHeaderString({ payload, secret: SECRET });
        const response = await fetch(url, { method: "POST", headers: { "content-type": "application/octet-stream", "stripe-signature": header }, body: payload });
        assert.equal(response.status, 200);
        await pipeline.idle();
        assert.deepEqual(filesIn(lakeDir), [objectKey("events", event)]);
    });

    it("leaves one file for a duplicate delivery", async function () {
        const event = sample("customer.subscription.created");
        assert.equal((await post(event)).status, 200);
        assert.equal((await post(event)).status, 200);
        await pipeline.idle();
        assert.deepEqual(filesIn(lakeDir), [objectKey("events", event)]);
        assert.equal(pipeline.counts.stored, 2);
    });

    it("serves the receiver on /webhook only: another path is a 404 naming it, another method the receiver's 405; GET /twin.json says where the twin writes", async function () {
        const base = url.replace(/\/webhook$/, "");
        const elsewhere = await fetch(`${base}/`, { method: "POST", body: JSON.stringify(sample("invoice.paid")) });
        assert.equal(elsewhere.status, 404);
        assert.deepEqual(await elsewhere.json(), { error: "nothing at /: Stripe events are POSTed to /webhook" });
        assert.deepEqual(records.map((r) => `${r.outcome} ${r.detail}`), ["rejected 404 nothing at /: Stripe events are POSTed to /webhook"], "npm start prints it");
        const get = await fetch(url);
        assert.equal(get.status, 405);
        assert.equal(get.headers.get("allow"), "POST");
        assert.deepEqual(filesIn(lakeDir), []);
        const info = await fetch(`${base}/twin.json`);
        assert.deepEqual(await info.json(), { lake: lakeDir, deadLetter: `${lakeDir}.dead-letter`, journal: `${lakeDir}.journal`, lakePrefix: "events", ingestion: "webhook" });
    });

    it("answers 500 and writes nothing while the bus is unavailable; Stripe's retry after the fault is stored", async function () {
        const event = sample("customer.subscription.deleted");
        pipeline.faults.busUnavailable = true;
        const refused = await post(event);
        assert.equal(refused.status, 500);
        await pipeline.idle();
        assert.deepEqual(filesIn(lakeDir), []);
        pipeline.faults.busUnavailable = false;
        assert.equal((await post(event)).status, 200);
        await pipeline.idle();
        assert.deepEqual(filesIn(lakeDir), [objectKey("events", event)]);
    });

    it("parks an event whose write keeps failing, and redrive stores it once the fault is cleared", async function () {
        const event = sample("payment_intent.payment_failed");
        pipeline.lake.failWrites = true;
        assert.equal((await post(event)).status, 200, "the bus accepted it; the workflow fails later");
        await pipeline.idle();
        const parked = await pipeline.deadLetterQueue.receive();
        assert.equal(parked.length, 1);
        assert.equal(JSON.parse(parked[0].body).detail.id, event.id);
        assert.equal(parked[0].attributes.ERROR_CODE.StringValue, "StripeEventArchiveFailed");
        // The error that parked it, as the deployed execution's history names it: error name and cause.
        assert.equal(parked[0].attributes.ERROR_MESSAGE.StringValue, "S3.ServiceUnavailableException: injected fault: the lake refuses writes");
        assert.deepEqual(filesIn(lakeDir).filter((f) => !f.startsWith(".dead-letter")), []);
        assert.deepEqual(records.map((r) => r.outcome), ["parked"]);

        // While the fault lasts, a redrive parks the event anew and stops; nothing is lost.
        const stillFailing = await redrive(localParkedEvents(pipeline.deadLetterQueue), localExecutor(pipeline.workflow));
        const parkedBy = { "S3.ServiceUnavailableException: injected fault: the lake refuses writes": 1 };
        assert.deepEqual({ ...stillFailing, problems: [] }, { received: 1, stored: 0, parkedAgain: 1, kept: 0, problems: [], parkedFor: parkedBy });
        assert.equal((await pipeline.deadLetterQueue.receive()).length, 1);

        pipeline.lake.failWrites = false;
        const report = await redrive(localParkedEvents(pipeline.deadLetterQueue), localExecutor(pipeline.workflow));
        assert.deepEqual(report, { received: 1, stored: 1, parkedAgain: 0, kept: 0, problems: [], parkedFor: parkedBy });
        assert.deepEqual(filesIn(lakeDir), [objectKey("events", event)]);
        assert.equal(fs.readFileSync(path.join(lakeDir, objectKey("events", event)), "utf8"), JSON.stringify(event));
    });

    it("lets the demo drive a pipeline that is already running (npm start), checking the shared lake", async function () {
        const devConfig = loadStackConfig("dev");
        const running = new LocalPipeline({ settings: devConfig.settings, lakeDir, signingSecrets: [SECRET], retryDelayMs: 0 });
        const runningServer = await startServer(running, 0);
        try {
            const result = await runDemo(lakeDir, devConfig, runningTarget(`http://127.0.0.1:${runningServer.port}/webhook`, SECRET, running.info()));
            assert.ok(result.ok, result.lines.join("\n"));
            assert.deepEqual(result.summary, { received: 10, stored: 8, ignored: 1, rejected: 1 });
            assert.deepEqual({ stored: running.counts.stored, oversize: running.counts.oversize, ignored: running.counts.ignored, rejected: running.counts.rejected }, { stored: 7, oversize: 1, ignored: 1, rejected: 1 });
        } finally {
            await stopServer(runningServer);
            await running.stop();
        }
    });

    it("keeps a message that is not an event instead of deleting it", async function () {
        await pipeline.deadLetterQueue.send("not json");
        const report = await redrive(localParkedEvents(pipeline.deadLetterQueue), localExecutor(pipeline.workflow));
        assert.equal(report.kept, 1);
        assert.equal((await pipeline.deadLetterQueue.receive()).length, 1);
    });
});

describe("local commands", function () {
    this.timeout(120000);
    const run = promisify(execFile);
    const npm = (args: string[]) => run("npm", ["run", "--silent", ...args], { cwd: path.resolve(__dirname, "../.."), env: { ...process.env, STRIPE_WEBHOOK_SECRET: "" } });

    it("npm run demo stores, ignores and rejects each bundled sample as expected, and exits 0", async function () {
        const lakeDir = fs.mkdtempSync(path.join(os.tmpdir(), "demo-"));
        const { stdout } = await npm(["demo", "--", "--lake", lakeDir]);
        assert.match(stdout, /demo: every outcome as expected/);
        assert.match(stdout, /received 10, stored \d+, ignored \d+, rejected 1/);
        removeLake(lakeDir);
    });

    it("npm start fails with one line when the port is in use or the config cannot be read", async function () {
        const blocker = await startServer(new LocalPipeline({ settings, lakeDir: os.tmpdir(), signingSecrets: [SECRET] }), 0);
        try {
            await assert.rejects(npm(["start", "--", "--port", String(blocker.port)]), (error: any) => {
                assert.equal(error.code, 1);
                assert.equal(error.stderr.trim(), `error: port ${blocker.port} is already in use; stop the other process or pass --port <n>`);
                return true;
            });
        } finally {
            await new Promise((resolve) => blocker.close(resolve));
        }
        await assert.rejects(npm(["start", "--", "--stack", "nosuchstack"]), (error: any) => {
            assert.equal(error.code, 1);
            assert.match(error.stderr.trim(), /^error: cannot read the config of stack "nosuchstack": .*Pulumi\.nosuchstack\.yaml \(ENOENT\)\. Use --stack with an existing Pulumi\.<stack>\.yaml\.$/);
            assert.equal(error.stderr.trim().split("\n").length, 1);
            return true;
        });
    });
});
