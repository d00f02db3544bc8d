import { strict as assert } from "assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execute } from "../../lib/cli";
import { loadStackConfig } from "../../lib/stackConfig";
import { main } from "../../local/demo";
import { LocalPipeline } from "../../local/pipeline";
import { startServer, stopServer } from "../../local/server";
import { testIo } from "../support/standIns";
import { removeLake } from "../support/twinFolders";

const SECRET = "whsec_demo_test_secret";

/** `npm run demo` in this process: its exit code, stdout and stderr. */
async function demo(argv: string[], cwd: string) {
    const io = testIo({ cwd, env: { STRIPE_WEBHOOK_SECRET: SECRET } });
    const code = await execute(main, argv, io);
    return { code, out: io.out(), err: io.err() };
}

/** A lake whose writes all fail: the prefix's folder is a file, so every object's folder is refused (ENOTDIR). */
function unwritableLake(root: string): string {
    const lakeDir = path.join(root, "lake");
    fs.mkdirSync(lakeDir);
    fs.writeFileSync(path.join(lakeDir, "events"), "");
    return lakeDir;
}

describe("npm run demo: it reports success only when its events are stored", function () {
    let root: string;

    beforeEach(function () {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "demo-"));
    });

    afterEach(function () {
        removeLake(path.join(root, "lake"));
        fs.rmSync(root, { recursive: true, force: true });
    });

    describe("--url, against a running twin (npm start)", function () {
        let pipeline: LocalPipeline;
        let server: Awaited<ReturnType<typeof startServer>>;
        let url: string;

        async function startTwin(lakeDir: string) {
            pipeline = new LocalPipeline({ settings: loadStackConfig("dev").settings, lakeDir, signingSecrets: [SECRET], retryDelayMs: 0 });
            server = await startServer(pipeline, 0);
            url = `http://127.0.0.1:${server.port}/webhook`;
        }

        afterEach(async function () {
            await stopServer(server);
            await pipeline.stop();
        });

        it("exits 1 with the error that parked the events when the twin parks everything", async function () {
            const lakeDir = unwritableLake(root);
            await startTwin(lakeDir);
            const { code, out, err } = await demo(["--url", url, "--lake", lakeDir], root);
            assert.equal(code, 1, out);
            assert.doesNotMatch(out, /every outcome as expected/);
            assert.match(out, /^FAIL customer\.subscription\.created +stored .*<- parked \(Error: ENOTDIR: not a directory/m);
            assert.match(out, /^received 10, stored 0, ignored 1, rejected 2, parked 7; lake /m);
            assert.match(err, /^error: 6 demo event\(s\) are not stored in the lake; the first: parked \(Error: ENOTDIR: not a directory, .*\)\nFix that cause \(docs\/durability\.md\), then store the parked events with: npm run redrive -- --lake /);
        });

        it("refuses a --lake other than the twin's, naming the twin's", async function () {
            await startTwin(path.join(root, "lake"));
            const { code, out, err } = await demo(["--url", url, "--lake", "elsewhere"], root);
            assert.equal(code, 2);
            assert.equal(out, "");
            assert.equal(err, `error: the twin at ${url} writes to ${path.join(root, "lake")}, not ${path.join(root, "elsewhere")}: pass --lake ${path.join(root, "lake")}\nRun with --help for the options.\n`);
        });

        it("refuses a --url off the webhook path and an --ingestion other than the twin's", async function () {
            await startTwin(path.join(root, "lake"));
            const bare = url.replace(/webhook$/, "");
            const { code, err } = await demo(["--url", bare, "--lake", "lake", "--ingestion", "eventbridge"], root);
            assert.equal(code, 2);
            assert.match(err, new RegExp(`^error: the twin takes Stripe events at ${url}, not ${bare}: pass --url ${url}\n`));
            assert.match(err, new RegExp(`^the twin at ${bare} runs ingestion webhook, not eventbridge: pass --ingestion webhook$`, "m"));
        });
    });

    it("says nothing listens at a --url where nothing does, and what to start", async function () {
        const closed = await startServer(new LocalPipeline({ settings: loadStackConfig("dev").settings, lakeDir: path.join(root, "lake"), signingSecrets: [SECRET] }), 0);
        await stopServer(closed);
        const url = `http://127.0.0.1:${closed.port}/webhook`;
        const { code, err } = await demo(["--url", url], root);
        assert.equal(code, 1);
        assert.equal(err, `error: cannot reach ${url} (ECONNREFUSED): is npm start running? Start it with npm start, or pass the --url it printed\n`);
    });

    it("without --url, fails with the cause when its own pipeline parks everything (the deployed retries: about 15 s)", async function () {
        this.timeout(90_000);
        const lakeDir = unwritableLake(root);
        const { code, out, err } = await demo(["--lake", lakeDir], root);
        assert.equal(code, 1, out);
        assert.match(out, /^FAIL payment_intent\.succeeded +stored .*<- parked \(Error: ENOTDIR: not a directory/m);
        assert.match(err, /^error: 6 demo event\(s\) are not stored in the lake; the first: parked \(Error: ENOTDIR/);
    });
});
