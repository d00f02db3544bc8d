/**
 * The twin's promise, in process: an event answered 200 is on disk before the answer, and ends in
 * the lake or the dead-letter folder even across a stop, a crash, or a lake that refuses writes.
 */
import { strict as assert } from "assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { objectKey } from "../../components/lake/layout";
import { resolveSettings } from "../../components/settings";
import { loadSamples, oversize, SampleEvent } from "../../fixtures/samples";
import { toEventBridgeEvent } from "../../lib/eventBridge";
import { Journal, readJournal } from "../../lib/journal";
import { postSigned } from "../../local/demo";
import { LocalPipeline, LocalPipelineOptions, OutcomeRecord } from "../../local/pipeline";
import { startServer, stopServer } from "../../local/server";
import { main as redriveMain } from "../../ops/redrive-cli";
import { testIo } from "../support/standIns";

const SECRET = "whsec_durability_test_secret";
const settings = resolveSettings("stripe", { extraEventTypes: ["payment_intent.*", "invoice.paid"] });
const sample = (type: string, id: string): SampleEvent => ({ ...loadSamples().find((e) => e.type === type)!, id });

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}

describe("the twin keeps what it acknowledged (in process)", function () {
    let base: string;
    let lakeDir: string;
    let deadLetterDir: string;
    let journalDir: string;
    const running: { pipeline: LocalPipeline; server: Awaited<ReturnType<typeof startServer>> }[] = [];

    beforeEach(function () {
        base = fs.mkdtempSync(path.join(os.tmpdir(), "durability-"));
        lakeDir = path.join(base, "lake");
        deadLetterDir = path.join(base, "lake.dead-letter");
        journalDir = path.join(base, "lake.journal");
    });

    afterEach(async function () {
        for (const { pipeline, server } of running.splice(0)) {
            await stopServer(server);
            await pipeline.stop(0);
        }
        fs.rmSync(base, { recursive: true, force: true });
    });

    async function twin(options: Partial<LocalPipelineOptions> = {}) {
        const records: OutcomeRecord[] = [];
        const pipeline = new LocalPipeline({ settings, lakeDir, signingSecrets: [SECRET], retryDelayMs: 0, redeliveryDelayMs: 100, onOutcome: (r) => records.push(r), ...options });
        const server = await startServer(pipeline, 0);
        running.push({ pipeline, server });
        const post = (event: unknown) => postSigned(`http://127.0.0.1:${server.port}/webhook`, JSON.stringify(event, null, 2), SECRET);
        return { pipeline, records, post };
    }

    /** Makes a folder unusable: a file where it should be (root ignores mode bits, so chmod would not do). */
    const block = (dir: string) => fs.writeFileSync(dir, "in the way");
    const unblock = (dir: string) => fs.rmSync(dir, { force: true });
    const lakeFile = (event: SampleEvent) => path.join(lakeDir, objectKey("events", event));

    it("answers 200 only once the event is in the journal on disk, beside the lake", async function () {
        const { pipeline, post } = await twin();
        const event = sample("invoice.paid", "evt_1Journaled0001");
        assert.equal((await post(event)).status, 200);
        const journaled = fs.readFileSync(path.join(journalDir, "events.jsonl"), "utf8");
        assert.ok(journaled.includes(`"id":"${event.id}"`), "the accepted event is in the journal file");
        await pipeline.idle();
        assert.equal(fs.readFileSync(lakeFile(event), "utf8"), JSON.stringify(event));
        assert.deepEqual((await readJournal(journalDir)).unfinished, [], "and leaves it once stored");
    });

    it("runs again, at start, every event accepted but not finished when the last process ended", async function () {
        const event = sample("payment_intent.succeeded", "evt_1Unfinished0001");
        const crashed = await Journal.open(journalDir);
        await crashed.append(toEventBridgeEvent({ Source: "stripe-analytics.webhook", DetailType: event.type, Detail: JSON.stringify(event), Time: new Date(event.created * 1000) }));
        // A process that is gone leaves its lock behind; kill -9 also leaves the temporary files of its writes.
        fs.writeFileSync(path.join(journalDir, "lock"), "999999999");
        fs.mkdirSync(path.join(lakeDir, "events"), { recursive: true });
        fs.writeFileSync(path.join(lakeDir, "events", `${event.id}.json.0b7f8a36-0c2e-4d6a-9d1e-2f6a5b3c4d5e.tmp`), '{"id":');
        const { pipeline, records } = await twin();
        const report = await pipeline.start();
        assert.deepEqual(report, { recovered: 1, temporaryFilesRemoved: 1, unreadableJournalLines: 0 });
        await pipeline.idle();
        assert.equal(fs.readFileSync(lakeFile(event), "utf8"), JSON.stringify(event));
        assert.deepEqual(records.map((r) => `${r.outcome} ${r.id}`), [`stored ${event.id}`]);
        assert.deepEqual(fs.readdirSync(path.join(lakeDir, "events")).filter((f) => f.endsWith(".tmp")), []);
    });

    it("parks in the dead-letter folder beside the lake when the lake cannot be written, and redrive stores it after", async function () {
        fs.mkdirSync(lakeDir);
        block(path.join(lakeDir, "events"));
        const { pipeline, post, records } = await twin();
        const event = sample("invoice.paid", "evt_1LakeRefuses0001");
        assert.equal((await post(event)).status, 200);
        await pipeline.idle();
        assert.deepEqual(records.map((r) => r.outcome), ["parked"]);
        assert.deepEqual(fs.readdirSync(deadLetterDir).length, 1, "one parked message, outside the lake folder");
        unblock(path.join(lakeDir, "events"));
        const io = testIo({ cwd: base });
        assert.equal(await redriveMain(["--lake", lakeDir], io), 0, io.out());
        assert.match(io.out(), /^ {2}1 had been parked by: Error: ENOTDIR: not a directory, open '.*evt_1LakeRefuses0001\.json\.[0-9a-f-]+\.tmp'$/m);
        assert.equal(fs.readFileSync(lakeFile(event), "utf8"), JSON.stringify(event));
    });

    it("keeps an event it could neither store nor park in the journal, runs it again with backoff, and redrive reports it", async function () {
        fs.mkdirSync(lakeDir);
        block(path.join(lakeDir, "events"));
        block(deadLetterDir);
        const { pipeline, post, records } = await twin();
        const event = sample("invoice.paid", "evt_1NeitherNor0001");
        assert.equal((await post(event)).status, 200);
        await until(() => records.some((r) => r.outcome === "failed"), "a failed run");
        assert.match(records[0].detail ?? "", /kept in the journal, run again in 100 ms$/);
        assert.equal(pipeline.bus.unfinished, 1);

        const io = testIo({ cwd: base });
        assert.equal(await redriveMain(["--lake", lakeDir, "--dead-letter", path.join(base, "empty")], io), 1);
        assert.match(io.out(), new RegExp(`event ${event.id}: neither stored nor parked \\(.*\\); still in the journal`));

        unblock(path.join(lakeDir, "events"));
        unblock(deadLetterDir);
        // A run already under way when the folders came back may park it rather than store it: either is safe.
        await until(() => pipeline.bus.unfinished === 0, "an empty journal", 15_000);
        assert.ok(["stored", "parked"].includes(records.at(-1)?.outcome ?? ""), JSON.stringify(records.at(-1)));
        assert.ok(fs.existsSync(lakeFile(event)) || fs.readdirSync(deadLetterDir).length === 1);
    });

    it("leaves what it could not finish at a stop in the journal, and the next start runs it", async function () {
        fs.mkdirSync(lakeDir);
        block(path.join(lakeDir, "events"));
        block(deadLetterDir);
        const first = await twin();
        const event = sample("payment_intent.payment_failed", "evt_1AcrossStops0001");
        assert.equal((await first.post(event)).status, 200);
        await until(() => first.records.some((r) => r.outcome === "failed"), "a failed run");
        await first.pipeline.stop();
        assert.equal(first.pipeline.bus.unfinished, 1);
        assert.deepEqual((await readJournal(journalDir)).unfinished.map((e) => e.event.detail.id), [event.id]);

        unblock(path.join(lakeDir, "events"));
        unblock(deadLetterDir);
        const second = await twin();
        assert.equal((await second.pipeline.start()).recovered, 1);
        await second.pipeline.idle();
        assert.equal(fs.readFileSync(lakeFile(event), "utf8"), JSON.stringify(event));
    });

    it("writes an event once: a redelivery, small or oversize, finds it in the lake and leaves the object as it is", async function () {
        const { pipeline, post, records } = await twin();
        const small = sample("payment_intent.succeeded", "evt_1Redelivered0001");
        const big = oversize(sample("invoice.paid", "evt_1RedeliveredBig1"));
        for (const event of [small, big]) assert.equal((await post(event)).status, 200);
        await pipeline.idle();
        const inodes = [small, big].map((e) => fs.statSync(lakeFile(e)).ino);
        for (const event of [small, big]) assert.equal((await post(event)).status, 200);
        await pipeline.idle();
        assert.deepEqual([small, big].map((e) => fs.statSync(lakeFile(e)).ino), inodes);
        assert.deepEqual(records.map((r) => r.outcome).sort(), ["oversize", "oversize", "stored", "stored"]);
        for (const file of fs.readdirSync(lakeDir, { recursive: true }) as string[]) {
            const stat = fs.statSync(path.join(lakeDir, file));
            assert.equal(stat.mode & 0o777, stat.isDirectory() ? 0o700 : 0o600, file);
        }
    });

    it("takes events EventBridge has shaped (a partner event source) through the same durable entry point", async function () {
        const { pipeline } = await twin();
        const event = sample("invoice.paid", "evt_1FromThePartner01");
        const delivered = toEventBridgeEvent({ Source: "stripe-analytics.webhook", DetailType: event.type, Detail: JSON.stringify(event), Time: new Date(event.created * 1000) });
        assert.deepEqual(await pipeline.bus.accept(delivered), { eventId: delivered.id, routed: true });
        assert.deepEqual(await pipeline.bus.accept({ ...delivered, "detail-type": "customer.created" }), { eventId: delivered.id, routed: false });
        await pipeline.idle();
        assert.equal(fs.readFileSync(lakeFile(event), "utf8"), JSON.stringify(event));
    });
});
