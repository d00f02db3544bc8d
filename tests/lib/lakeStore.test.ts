import { strict as assert } from "assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { removeTemporaryFiles, writeFileAtomically, writeFileOnce } from "../../lib/atomicWrite";
import { deadLetterFolder, InjectedWriteFault, isAlreadyStored, LocalDeadLetterQueue, LocalLake, PreconditionFailed } from "../../lib/lakeStore";

describe("lib/atomicWrite and lib/lakeStore: the lake folder", function () {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "lake-store-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("writes a whole file through a temporary one, creating its folder and leaving nothing else", async function () {
        const file = path.join(dir, "a", "b", "c.json");
        await writeFileAtomically(file, "{}");
        await writeFileAtomically(file, '{"second":true}');
        assert.equal(fs.readFileSync(file, "utf8"), '{"second":true}');
        assert.deepEqual(fs.readdirSync(path.dirname(file)), ["c.json"]);
    });

    it("lets concurrent writers of one file race without a reader ever seeing a mix", async function () {
        const file = path.join(dir, "race.json");
        const bodies = ["a", "b", "c", "d"].map((c) => c.repeat(256 * 1024));
        const writing = Promise.all(bodies.map((body) => writeFileAtomically(file, body)));
        let done = false;
        void writing.then(() => (done = true));
        while (!done) {
            const seen = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
            if (seen !== undefined) {
                assert.ok(bodies.includes(seen), "a reader sees one whole body");
            }
            await new Promise((resolve) => setImmediate(resolve));
        }
        assert.ok(bodies.includes(fs.readFileSync(file, "utf8")));
        assert.deepEqual(fs.readdirSync(dir), ["race.json"]);
    });

    it("lists objects under a prefix, sorted, without files being written", async function () {
        const lake = new LocalLake(dir);
        await lake.putObject("events/type=b/dt=2025-01-02/evt_2.json", "{}");
        await lake.putObject("events/type=a/dt=2025-01-01/evt_1.json", "{}");
        fs.writeFileSync(path.join(dir, "events", "type=a", "dt=2025-01-01", "evt_3.json.1234.tmp"), "{");
        assert.deepEqual(await lake.list("events"), ["events/type=a/dt=2025-01-01/evt_1.json", "events/type=b/dt=2025-01-02/evt_2.json"]);
        assert.deepEqual(await lake.list("other"), []);
    });

    it("refuses keys that would leave the lake folder, and fails writes while a fault is injected", async function () {
        const lake = new LocalLake(dir);
        for (const key of ["../x.json", "events/../../x.json", "events//x.json", "/etc/x.json"]) {
            assert.throws(() => lake.pathOf(key), /object key escapes the lake/, key);
        }
        lake.failWrites = true;
        await assert.rejects(lake.putObject("events/x.json", "{}"), (error: Error) => error instanceof InjectedWriteFault && error.name === "S3.ServiceUnavailableException");
    });

    it("keeps parked messages beside the lake prefix until they are deleted", async function () {
        const queue = new LocalDeadLetterQueue(dir);
        assert.deepEqual(await queue.receive(), []);
        const id = await queue.send('{"detail":{}}', { ErrorCode: { DataType: "String", StringValue: "S3.ServiceUnavailableException" } });
        assert.deepEqual(await queue.receive(), [{ messageId: id, body: '{"detail":{}}', attributes: { ErrorCode: { DataType: "String", StringValue: "S3.ServiceUnavailableException" } } }]);
        assert.deepEqual(await new LocalLake(dir).list("events"), []);
        await queue.delete(id);
        assert.deepEqual(await queue.receive(), []);
    });

    it("writes once: a second write of a key leaves the first object as it is, as S3's If-None-Match: * does", async function () {
        const file = path.join(dir, "events", "x.json");
        assert.equal(await writeFileOnce(file, "first"), true);
        const inode = fs.statSync(file).ino;
        assert.equal(await writeFileOnce(file, "second"), false);
        assert.equal(fs.readFileSync(file, "utf8"), "first");
        assert.equal(fs.statSync(file).ino, inode, "not replaced");
        assert.deepEqual(fs.readdirSync(path.dirname(file)), ["x.json"], "no temporary file left");

        const lake = new LocalLake(dir);
        await lake.putObject("events/y.json", "{}", { ifNoneMatch: "*" });
        await assert.rejects(lake.putObject("events/y.json", "{}", { ifNoneMatch: "*" }), (error: Error) => {
            // As Step Functions reports S3's 412, so the workflow's write-once states run as they do in AWS.
            assert.ok(error instanceof PreconditionFailed && isAlreadyStored(error));
            assert.equal(error.name, "S3.S3Exception");
            assert.match(error.message, /Status Code: 412/);
            return true;
        });
        assert.ok(isAlreadyStored(Object.assign(new Error("PreconditionFailed"), { name: "PreconditionFailed", $metadata: { httpStatusCode: 412 } })), "the AWS SDK's 412");
        assert.ok(!isAlreadyStored(Object.assign(new Error("x"), { $metadata: { httpStatusCode: 503 } })));
    });

    it("keeps customer data to its owner: files 0600, folders 0700", async function () {
        const lake = new LocalLake(dir);
        await lake.putObject("events/type=a/dt=2025-01-01/evt_1.json", "{}", { ifNoneMatch: "*" });
        await lake.putObject("events/type=a/dt=2025-01-01/evt_2.json", "{}");
        const queue = new LocalDeadLetterQueue(path.join(dir, "parked"));
        await queue.send("{}");
        const modes = (fs.readdirSync(dir, { recursive: true }) as string[]).map((f) => [f, fs.statSync(path.join(dir, f))] as const);
        for (const [f, stat] of modes) assert.equal(stat.mode & 0o777, stat.isDirectory() ? 0o700 : 0o600, f);
        assert.equal(modes.length, 7, "three folders and two objects of the lake, a folder and a message of the queue");
    });

    it("removes the temporary files a killed writer left, and nothing else", async function () {
        fs.mkdirSync(path.join(dir, "events", "type=a"), { recursive: true });
        const left = path.join(dir, "events", "type=a", "evt_1.json.0b7f8a36-0c2e-4d6a-9d1e-2f6a5b3c4d5e.tmp");
        fs.writeFileSync(left, "{");
        fs.writeFileSync(path.join(dir, "events", "type=a", "evt_2.json"), "{}");
        fs.writeFileSync(path.join(dir, "notes.tmp"), "mine");
        assert.equal(await removeTemporaryFiles(dir), 1);
        assert.deepEqual((fs.readdirSync(dir, { recursive: true }) as string[]).sort(), ["events", path.join("events", "type=a"), path.join("events", "type=a", "evt_2.json"), "notes.tmp"]);
        assert.equal(await removeTemporaryFiles(path.join(dir, "missing")), 0);
    });

    it("keeps the dead-letter folder beside the lake, not inside it, and still reads a lake's old one", async function () {
        const lakeDir = path.join(dir, "lake");
        assert.equal(deadLetterFolder(lakeDir), path.join(dir, "lake.dead-letter"));
        const legacy = new LocalDeadLetterQueue(path.join(lakeDir, ".dead-letter"));
        const old = await legacy.send('{"detail":{"id":"evt_old"}}');
        const queue = LocalDeadLetterQueue.forLake(lakeDir);
        const fresh = await queue.send('{"detail":{"id":"evt_new"}}');
        assert.ok(fs.existsSync(path.join(dir, "lake.dead-letter", `${fresh}.json`)));
        assert.deepEqual((await queue.receive()).map((m) => m.messageId), [fresh, old]);
        await queue.delete(old);
        assert.deepEqual((await queue.receive()).map((m) => m.messageId), [fresh]);
        assert.equal(LocalDeadLetterQueue.forLake(lakeDir, path.join(dir, "elsewhere")).dir, path.join(dir, "elsewhere"));
    });
});
