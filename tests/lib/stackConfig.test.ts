/**
 * The twin's reading of Pulumi.<stack>.yaml: YAML values become what the Pulumi CLI would hand the
 * program, so the cases of issue 15 fail locally as they fail at preview, naming the file.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PipelineConfigErrors } from "../../components/errors";
import { loadStackConfig } from "../../lib/stackConfig";

function stackFile(lines: string[]): { dir: string; file: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-config-"));
    const file = path.join(dir, "Pulumi.prod.yaml");
    fs.writeFileSync(file, ["config:", ...lines.map((line) => `  ${line}`)].join("\n"));
    return { dir, file };
}

function errorsOf(lines: string[]): { file: string; messages: string[] } {
    const { dir, file } = stackFile(lines);
    try {
        loadStackConfig("prod", dir);
    } catch (error) {
        assert.ok(error instanceof PipelineConfigErrors, `one error, or not a config error: ${error}`);
        return { file, messages: error.errors.map((e) => e.message) };
    }
    assert.fail("the config was accepted");
}

describe("loadStackConfig (Pulumi.<stack>.yaml)", function () {
    it("refuses the misspelled keys of issue 15 instead of ignoring them, each with its file and the key meant", function () {
        const { file, messages } = errorsOf(["stripe-analytics:retentionDays: 90", "stripe-analytics:workflowtype: STANDARD", "aws:region: us-east-1"]);
        assert.deepEqual(messages, [
            `${file}: Invalid stripe-analytics:retentionDays "90": no such key, so it would be ignored. Fix: did you mean stripe-analytics:logRetentionDays? Rename it`,
            `${file}: Invalid stripe-analytics:workflowtype "STANDARD": no such key, so it would be ignored. Fix: did you mean stripe-analytics:workflowType? Rename it`,
        ]);
    });

    it("names the key, the file, the shape and an example for a scalar where a list or map belongs, never a JSON parse error", function () {
        const { file, messages } = errorsOf(["stripe-analytics:extraEventTypes: invoice.paid", "stripe-analytics:tags: x"]);
        assert.deepEqual(messages, [
            `${file}: Invalid stripe-analytics:extraEventTypes "invoice.paid": must be a list of event types, e.g. [invoice.paid, customer.subscription.deleted]. Fix: pulumi config set --path 'stripe-analytics:extraEventTypes[0]' invoice.paid`,
            `${file}: Invalid stripe-analytics:tags "x": must be a map of tag names to values, e.g. {team: analytics, env: prod}. Fix: pulumi config set --path 'stripe-analytics:tags.team' analytics`,
        ]);
    });

    it("reads lists and maps written as YAML and as the JSON strings Pulumi stores", function () {
        const asYaml = stackFile(["stripe-analytics:extraEventTypes: [invoice.paid]", "stripe-analytics:tags:", "    team: analytics", "stripe-analytics:athena: false"]);
        const asJson = stackFile([`stripe-analytics:extraEventTypes: '["invoice.paid"]'`, `stripe-analytics:tags: '{"team":"analytics"}'`, "stripe-analytics:athena: 'false'"]);
        for (const { dir } of [asYaml, asJson]) {
            const { args } = loadStackConfig("prod", dir);
            assert.deepEqual(args, { extraEventTypes: ["invoice.paid"], tags: { team: "analytics" }, athena: false });
        }
    });

    it("reports every problem of the file in one run: keys, shapes and the component's checks", function () {
        const { messages } = errorsOf([
            "stripe-analytics:workflowtype: STANDARD",
            "stripe-analytics:extraEventTypes: invoice.paid",
            "stripe-analytics:logRetentionDays: 7000",
            "stripe-analytics:receiverMemoryMb: lots",
            "stripe-analytics:deadLetterRetentionDays: 30",
        ]);
        assert.deepEqual(
            messages.map((m) => /Invalid (\S+)/.exec(m)?.[1]),
            ["stripe-analytics:workflowtype", "stripe-analytics:extraEventTypes", "stripe-analytics:receiverMemoryMb", "deadLetterRetentionDays", "logRetentionDays"],
        );
    });
});
