/**
 * `npm start` as a child process: kill -9 mid-load (the full fault test is `npm run chaos`; this is
 * a small one), Ctrl-C after a run that failed, a second Ctrl-C, and the secret it must not print.
 */
import { strict as assert } from "assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { killMidLoad, post, startTwin, Twin } from "../../bench/chaos";
import { loadSamples } from "../../fixtures/samples";

const SECRET = "whsec_processTestSecretNeverPrinted0123";

describe("npm start as a process", function () {
    this.timeout(180_000);
    let base: string;
    let twin: Twin | undefined;
    beforeEach(() => (base = fs.mkdtempSync(path.join(os.tmpdir(), "twin-process-"))));
    afterEach(async function () {
        if (twin && twin.process.exitCode === null && twin.process.signalCode === null) {
            twin.process.kill("SIGKILL");
            await twin.exited;
        }
        twin = undefined;
        fs.rmSync(base, { recursive: true, force: true });
    });

    /** A lake and a dead-letter folder that both refuse writes: every run ends neither stored nor parked. */
    function refusingFolders(): string {
        const lakeDir = path.join(base, "lake");
        fs.mkdirSync(lakeDir);
        fs.writeFileSync(path.join(lakeDir, "events"), "in the way");
        fs.writeFileSync(`${lakeDir}.dead-letter`, "in the way");
        return lakeDir;
    }

    const invoice = (id: string) => {
        const event = { ...loadSamples().find((e) => e.type === "invoice.paid")!, id };
        return { id, payload: JSON.stringify(event, null, 2) };
    };

    async function exitWithin(ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; afterMs: number }> {
        const started = Date.now();
        const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still running ${ms} ms after the signal:\n${twin?.output()}`)), ms).unref());
        const exit = await Promise.race([twin!.exited, timeout]);
        return { ...exit, afterMs: Date.now() - started };
    }

    it("kill -9 mid-load: every event answered 200 is in the lake after a restart (small; npm run chaos does it at size)", async function () {
        const result = await killMidLoad({ events: 150, concurrency: 20, stack: "dev", killAfter: 80 });
        assert.ok(result.acknowledged >= 60, `killed too early: ${result.acknowledged} acknowledged`);
        assert.deepEqual({ lost: result.lost, problems: result.problems }, { lost: 0, problems: [] }, result.notes.join("; "));
        assert.equal(result.stored + result.parked, result.acknowledged);
    });

    it("stops on Ctrl-C within seconds after a run that failed, keeps the event in the journal, and never prints a secret from the environment", async function () {
        twin = await startTwin({ lakeDir: refusingFolders(), secret: SECRET, extraArgs: ["--retry-delay", "0"] });
        const { acknowledged } = await post(twin.url, SECRET, [invoice("evt_1FailsThenCtrlC01")], 1);
        assert.equal(acknowledged.size, 1);
        const deadline = Date.now() + 30_000;
        while (!/failed .* kept in the journal/.test(twin.output())) {
            assert.ok(Date.now() < deadline, twin.output());
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
        twin.process.kill("SIGINT");
        const exit = await exitWithin(5000);
        assert.equal(exit.code, 0, twin.output());
        const output = twin.output();
        assert.match(output, /journal: 1 accepted event\(s\) neither stored nor parked yet \(1 after a failed run\): the next npm start on this lake runs them again/);
        assert.match(output, /STRIPE_WEBHOOK_SECRET=<from your environment> npm run demo -- --url http:\/\/127\.0\.0\.1:\d+\/webhook --lake /);
        assert.ok(!output.includes(SECRET), "the secret is printed nowhere");
    });

    it("exits at once on a second Ctrl-C, while the first is still finishing events", async function () {
        // The deployed retry waits (5 s and more) keep the run busy for longer than the stop's grace.
        twin = await startTwin({ lakeDir: refusingFolders(), secret: SECRET });
        await post(twin.url, SECRET, [invoice("evt_1SecondCtrlC0001")], 1);
        twin.process.kill("SIGINT");
        await new Promise((resolve) => setTimeout(resolve, 300));
        twin.process.kill("SIGINT");
        const exit = await exitWithin(1500);
        assert.equal(exit.code, 130);
    });
});
