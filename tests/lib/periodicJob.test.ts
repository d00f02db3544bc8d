import { strict as assert } from "assert";
import { formatCompaction } from "../../local/start";
import { JobRun, startPeriodicJob } from "../../lib/periodicJob";

const node = (script: string) => ({ command: process.execPath, args: ["-e", script], cwd: process.cwd() });

describe("periodic job (npm start -- --compact-every)", function () {
    it("runs the command again after each run ends, never two at once, until stopped", async function () {
        const runs: JobRun[] = [];
        let resolveTwo: () => void;
        const two = new Promise<void>((resolve) => (resolveTwo = resolve));
        const job = startPeriodicJob({
            ...node("setTimeout(() => console.log(JSON.stringify({ pid: process.pid })), 50)"),
            intervalMs: 10,
            onRun: (run) => {
                runs.push(run);
                if (runs.length === 2) resolveTwo();
            },
        });
        await two;
        await job.stop();
        const after = runs.length;
        await new Promise((resolve) => setTimeout(resolve, 100));
        assert.equal(runs.length, after, "no run after stop");
        assert.ok(runs.every((r) => r.code === 0));
        assert.notEqual(JSON.parse(runs[0].stdout).pid, JSON.parse(runs[1].stdout).pid);
    });

    it("ends a run in progress when stopped", async function () {
        const runs: JobRun[] = [];
        const job = startPeriodicJob({ ...node("console.error('started'); setTimeout(() => {}, 60000)"), intervalMs: 1, onRun: (run) => runs.push(run) });
        await new Promise((resolve) => setTimeout(resolve, 300));
        await job.stop();
        assert.equal(runs.length, 1);
        assert.equal(runs[0].code, null);
    });

    it("prints one line per compaction", function () {
        assert.equal(formatCompaction({ code: 0, stdout: JSON.stringify({ files: 12, inserted: 10 }), stderr: "" }), "[compact] 10 new event(s) compacted, 2 already there");
        assert.equal(formatCompaction({ code: 0, stdout: JSON.stringify({ files: 0, inserted: 0 }), stderr: "" }), "[compact] 0 new event(s) compacted");
        assert.equal(formatCompaction({ code: 1, stdout: "", stderr: "error: something broke\n" }), "[compact] failed with exit code 1: error: something broke");
        assert.equal(formatCompaction({ code: null, stdout: "", stderr: "" }), "[compact] failed (stopped): ");
    });
});
