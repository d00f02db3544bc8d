import { strict as assert } from "assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeFileAtomically } from "../../lib/atomicWrite";
import { InjectedWriteFault, LocalDeadLetterQueue, LocalLake } from "../../lib/lakeStore";

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
});
