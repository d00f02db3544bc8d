/**
 * .github/workflows/preview.yml is a template users copy: its checks must stay .ci/run's (called,
 * not copied), and every secret and variable it reads must be documented in its header.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "../..");
const WORKFLOW = path.join(ROOT, ".github/workflows/preview.yml");

interface Step {
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
}

describe(".github/workflows/preview.yml", function () {
    const text = fs.readFileSync(WORKFLOW, "utf8");
    const steps: Step[] = parse(text).jobs.preview.steps;
    const header = text.slice(0, text.search(/^name:/m));

    it("runs .ci/run for the checks and copies none of its commands", function () {
        const runs = steps.flatMap((s) => (s.run === undefined ? [] : [s.run.trim()]));
        assert.ok(runs.includes(".ci/run"), "no step runs .ci/run");
        const ciCommands = ["npm test", "tsc", "npm run lint", "eslint", "mocha", "npm pack"];
        for (const run of runs.filter((r) => r !== ".ci/run")) {
            for (const command of ciCommands) assert.ok(!run.includes(command), `the step \`${run}\` repeats .ci/run's \`${command}\`: change .ci/run instead`);
        }
        assert.ok(fs.statSync(path.join(ROOT, ".ci/run")).mode & 0o111, ".ci/run is not executable");
    });

    it("then previews the stack with the policy pack", function () {
        const ci = steps.findIndex((s) => s.run?.trim() === ".ci/run");
        const preview = steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === "preview");
        assert.ok(preview > ci, "no pulumi/actions preview step after .ci/run");
        assert.equal(steps[preview].with?.policyPacks, "policy");
    });

    it("documents in its header every secret and variable it reads, and the encrypted Stripe key", function () {
        const read = [...new Set([...text.matchAll(/\b((?:secrets|vars)\.[A-Z_]+)/g)].map((m) => m[1]))];
        assert.ok(read.length > 0);
        for (const name of read) assert.match(header, new RegExp(`^#.*\\b${name.replace(".", "\\.")}\\b`, "m"), `${name} is read but not documented in the header`);
        assert.match(header, /pulumi config set --secret stripe:apiKey sk_test_/);
        assert.match(header, /Pulumi\.<stack>\.yaml/);
    });
});
