import { strict as assert } from "assert";
import { main } from "../../ops/compact-cli";
import { executionName, parseWindow } from "../../ops/compact";
import { testIo } from "../support/standIns";

const ARCHIVE = "arn:aws:states:eu-west-1:123456789012:stateMachine:stripe-workflow-a1b2c3d";
const COMPACTION = "arn:aws:states:eu-west-1:123456789012:stateMachine:stripe-analytics-prod-stripe-compaction";

/** A fake Step Functions behind the SDK's `send`: executions run for `polls` checks, then end as `status`. */
function fakeSfn(status = "SUCCEEDED", polls = 1, failStart?: string) {
    const calls: { command: string; input: any }[] = [];
    const regions: string[] = [];
    const send = async (command: { constructor: { name: string }; input: any }): Promise<any> => {
        calls.push({ command: command.constructor.name, input: command.input });
        if (command.constructor.name === "StartExecutionCommand") {
            if (failStart) throw Object.assign(new Error("State Machine Does Not Exist"), { name: failStart });
            return { executionArn: `${command.input.stateMachineArn.replace(":stateMachine:", ":execution:")}:${command.input.name}` };
        }
        const seen = calls.filter((c) => c.command === "DescribeExecutionCommand").length;
        return seen <= polls ? { status: "RUNNING" } : { status, ...(status === "FAILED" ? { error: "States.TaskFailed", cause: "ICEBERG_COMMIT_ERROR" } : {}) };
    };
    return {
        factory: (region: string) => {
            regions.push(region);
            return { send } as any;
        },
        calls,
        regions,
    };
}

describe("npm run compact against the deployed stack", function () {
    it("starts the compaction workflow for the window, named after it, and follows it with --wait", async function () {
        const sfn = fakeSfn("SUCCEEDED", 2);
        const io = testIo();
        const code = await main(["--from", "2024-01-01", "--to", "2024-01-31", "--state-machine-arn", COMPACTION, "--wait", "--poll-seconds", "5"], io, sfn.factory);
        assert.equal(code, 0, io.err());
        assert.deepEqual(sfn.regions, ["eu-west-1"]);
        assert.deepEqual(sfn.calls[0], {
            command: "StartExecutionCommand",
            input: { stateMachineArn: COMPACTION, name: "compact-2024-01-01-2024-01-31-20250301T120000Z", input: '{"from":"2024-01-01","to":"2024-01-31"}' },
        });
        assert.deepEqual(
            sfn.calls.slice(1).map((c) => c.command),
            ["DescribeExecutionCommand", "DescribeExecutionCommand", "DescribeExecutionCommand"],
        );
        assert.deepEqual(io.sleeps, [5000, 5000]);
        assert.equal(io.out(), "SUCCEEDED: arn:aws:states:eu-west-1:123456789012:execution:stripe-analytics-prod-stripe-compaction:compact-2024-01-01-2024-01-31-20250301T120000Z\n");
    });

    it("finds the workflow from `pulumi stack output`, returns at once without --wait, and exits 1 when a followed run fails", async function () {
        const calls: string[][] = [];
        const io = testIo({
            exec: (file, args) => {
                calls.push([file, ...args]);
                return JSON.stringify({ stateMachineArn: ARCHIVE, athenaWorkgroupName: "stripe-analytics-prod-stripe" });
            },
        });
        const started = fakeSfn();
        assert.equal(await main(["--from", "2025-01-01", "--to", "2025-01-01", "--stack", "prod"], io, started.factory), 0, io.err());
        assert.deepEqual(calls, [["pulumi", "stack", "output", "--json", "--stack", "prod"]]);
        assert.equal(started.calls[0].input.stateMachineArn, COMPACTION);
        assert.match(io.out(), /^Started .*:execution:stripe-analytics-prod-stripe-compaction:compact-2025-01-01-2025-01-01-20250301T120000Z for 2025-01-01 to 2025-01-01; --wait follows it\.\n$/);

        const failing = testIo();
        assert.equal(await main(["--from", "2025-01-01", "--to", "2025-01-02", "--state-machine-arn", COMPACTION, "--wait", "--json"], failing, fakeSfn("FAILED").factory), 1);
        assert.deepEqual(JSON.parse(failing.out()), {
            executionArn: `${COMPACTION.replace(":stateMachine:", ":execution:")}:compact-2025-01-01-2025-01-02-20250301T120000Z`,
            status: "FAILED",
            error: "States.TaskFailed",
            cause: "ICEBERG_COMMIT_ERROR",
        });
    });

    it("says what is missing or wrong, in the command's words", async function () {
        const sfn = fakeSfn();
        await assert.rejects(main(["--from", "2025-01-01"], testIo(), sfn.factory), { name: "UsageError", message: "--from and --to go together: the first and the last day of the window" });
        await assert.rejects(main(["--from", "2025-02-30", "--to", "2025-03-01"], testIo(), sfn.factory), {
            name: "UsageError",
            message: '--from "2025-02-30" is not a day written YYYY-MM-DD (UTC), such as 2025-01-31',
        });
        await assert.rejects(main(["--from", "2025-03-02", "--to", "2025-03-01"], testIo(), sfn.factory), { name: "UsageError", message: "--from 2025-03-02 is after --to 2025-03-01" });
        await assert.rejects(main([], testIo(), sfn.factory), {
            name: "UsageError",
            message: "--from and --to are required against the deployed stack (its schedule merges the recent days); pass --lake DIR to compact a local lake folder",
        });
        await assert.rejects(main(["--from", "2025-01-01", "--to", "2025-01-02"], testIo(), sfn.factory), {
            name: "UsageError",
            message: "--state-machine-arn is required: the Pulumi CLI (pulumi) is not on PATH, so the deployed stack's stateMachineArn and athenaWorkgroupName cannot be read for you. Pass --state-machine-arn with the value from `pulumi stack output stateMachineArn` and `pulumi stack output athenaWorkgroupName` (run where the stack was deployed), or install the Pulumi CLI (https://www.pulumi.com/docs/iac/download-install/) and log in",
        });
        const lean = testIo({ exec: () => JSON.stringify({ stateMachineArn: ARCHIVE }) });
        await assert.rejects(main(["--from", "2025-01-01", "--to", "2025-01-02"], lean, sfn.factory), { message: "the stack has no Athena workgroup (athena: false), so it has no compaction workflow" });
        await assert.rejects(main(["--from", "2025-01-01", "--to", "2025-01-02", "--state-machine-arn", "arn:aws:sqs:eu-west-1:1:q"], testIo(), sfn.factory), {
            message: '--state-machine-arn "arn:aws:sqs:eu-west-1:1:q" is not a state machine ARN (arn:aws:states:<region>:<account>:stateMachine:<name>)',
        });
        await assert.rejects(main(["--from", "2025-01-01", "--to", "2025-01-02", "--state-machine-arn", COMPACTION], testIo(), fakeSfn("SUCCEEDED", 0, "StateMachineDoesNotExist").factory), {
            message: `${COMPACTION} does not exist: is compaction: true set in the stack, and is it deployed?`,
        });
        await assert.rejects(main(["--lake", "no-such-lake"], testIo(), sfn.factory), {
            message: "No lake at no-such-lake: pass --lake DIR, the folder that stands for the bucket (events are under DIR/events/).",
        });
        await assert.rejects(main(["--lake", ".", "--prefix", "/bad"], testIo(), sfn.factory), { name: "PipelineConfigError", message: /^Invalid --prefix "\/bad"/ });
    });

    it("names executions within Step Functions' 80 characters, and takes both days of a window or neither", function () {
        assert.equal(executionName({ from: "2024-01-01", to: "2024-12-31" }, new Date("2025-03-01T12:34:56.789Z")), "compact-2024-01-01-2024-12-31-20250301T123456Z");
        assert.ok(executionName({ from: "2024-01-01", to: "2024-12-31" }, new Date()).length <= 80);
        assert.equal(parseWindow(undefined, undefined), undefined);
        assert.deepEqual(parseWindow("2024-02-29", "2024-02-29"), { from: "2024-02-29", to: "2024-02-29" });
    });
});
