import { strict as assert } from "assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { toEventBridgeEvent } from "../../lib/eventBridge";
import { Journal, journalFolder, readJournal } from "../../lib/journal";

const event = (id: string) => toEventBridgeEvent({ Source: "stripe-analytics.webhook", DetailType: "invoice.paid", Detail: JSON.stringify({ id, type: "invoice.paid" }) }, `eb-${id}`);
const ids = (entries: { event: { detail: Record<string, unknown> } }[]) => entries.map((e) => e.event.detail.id);

describe("lib/journal: the local bus's write-ahead journal", function () {
    let dir: string;
    const file = () => path.join(dir, "events.jsonl");
    beforeEach(() => (dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "journal-")), "journal")));
    afterEach(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

    it("has an event on disk, in a file only its owner reads, when append resolves", async function () {
        const journal = await Journal.open(dir);
        const seq = await journal.append(event("evt_1"));
        const lines = fs.readFileSync(file(), "utf8").trim().split("\n").map((l) => JSON.parse(l));
        assert.deepEqual(lines, [{ seq, event: event("evt_1") }]);
        assert.equal(fs.statSync(file()).mode & 0o777, 0o600);
        assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
        await journal.close();
    });

    it("flushes concurrent appends together, in order", async function () {
        const journal = await Journal.open(dir);
        const seqs = await Promise.all(Array.from({ length: 50 }, (_, i) => journal.append(event(`evt_${i}`))));
        assert.deepEqual(seqs, Array.from({ length: 50 }, (_, i) => i + 1));
        assert.deepEqual(ids((await readJournal(dir)).unfinished), Array.from({ length: 50 }, (_, i) => `evt_${i}`));
        await journal.close();
    });

    it("gives back at the next open exactly the events not finished, with why a run failed, and compacts the file", async function () {
        const first = await Journal.open(dir);
        const [a, b, c] = [await first.append(event("evt_a")), await first.append(event("evt_b")), await first.append(event("evt_c"))];
        first.finish(a);
        first.noteFailure(c, "EACCES: permission denied");
        first.noteFailure(b, "ENOSPC");
        first.finish(b);
        await first.close();
        const second = await Journal.open(dir);
        assert.deepEqual(second.recovered.map((e) => [e.seq, e.event.detail.id, e.lastError]), [[c, "evt_c", "EACCES: permission denied"]]);
        assert.equal(second.unfinished, 1);
        assert.deepEqual(fs.readFileSync(file(), "utf8").trim().split("\n").length, 2, "compacted: the unfinished event and its failure");
        // Sequence numbers go on from the last one, so a later done mark never finishes an older event.
        assert.equal(await second.append(event("evt_d")), c + 1);
        await second.close();
    });

    it("skips a last line a crash cut short (never acknowledged), and counts it", async function () {
        const journal = await Journal.open(dir);
        await journal.append(event("evt_kept"));
        await journal.close();
        fs.appendFileSync(file(), '{"seq":2,"event":{"version":"0","id":"eb-');
        const reopened = await Journal.open(dir);
        assert.deepEqual(ids(reopened.recovered), ["evt_kept"]);
        assert.equal(reopened.unreadable, 1);
        assert.ok(fs.readFileSync(file(), "utf8").endsWith("\n"), "the torn tail is gone after the compaction");
        await reopened.close();
    });

    it("compacts while running once the file passes its size limit, keeping what is unfinished", async function () {
        const journal = await Journal.open(dir, { compactBytes: 4096 });
        const seqs: number[] = [];
        for (let i = 0; i < 100; i++) seqs.push(await journal.append(event(`evt_${i}`)));
        for (const seq of seqs.slice(0, 99)) journal.finish(seq);
        await journal.append(event("evt_last"));
        // Closing waits for the flush in progress, and with it the compaction that follows.
        await journal.close();
        assert.ok(fs.statSync(file()).size < 1024, `compacted to ${fs.statSync(file()).size} bytes`);
        assert.deepEqual(ids((await readJournal(dir)).unfinished), ["evt_99", "evt_last"]);
        assert.deepEqual(fs.readdirSync(dir), ["events.jsonl"], "no temporary file left, and the lock released");
    });

    it("is used by one process at a time; a lock left by a process that is gone is taken over", async function () {
        const journal = await Journal.open(dir);
        fs.writeFileSync(path.join(dir, "lock"), String(process.ppid));
        await assert.rejects(Journal.open(dir), /is in use by process \d+ \(another npm start on the same lake\?\)/);
        fs.writeFileSync(path.join(dir, "lock"), "999999999");
        const taken = await Journal.open(dir);
        await taken.close();
        assert.ok(!fs.existsSync(path.join(dir, "lock")), "released on close");
        await journal.close();
    });

    it("refuses an event it cannot serialise, so that it is never acknowledged", async function () {
        const journal = await Journal.open(dir);
        const circular: Record<string, unknown> = {};
        circular.self = circular;
        assert.throws(() => journal.append({ ...event("evt_x"), detail: circular }), TypeError);
        await journal.close();
        await assert.rejects(journal.append(event("evt_late")), /the journal is closed/);
    });

    it("lives beside the lake folder by default", function () {
        assert.equal(journalFolder("/data/lake"), "/data/lake.journal");
        assert.equal(journalFolder("/data/lake", "/elsewhere/j"), "/elsewhere/j");
    });
});
