/**
 * `npm run compact`: merges the lake into its compacted table (docs/compaction.md).
 *   deployed stack:  npm run compact -- --from 2024-01-01 --to 2024-01-31 [--state-machine-arn ARN] [--wait]
 *   local lake:      npm run compact -- --lake .lake [--from DAY --to DAY]
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { SFNClient } from "@aws-sdk/client-sfn";
import { compactionStateMachineArn } from "../components/compaction/definition";
import { DEFAULT_LAKE_PREFIX, validateLakePrefix } from "../components/lake/layout";
import { CliIo, defineCommand, integerFlag, runMain, UsageError } from "../lib/cli";
import { missingDeployedValue, stackOutputsReader } from "../lib/stackOutputs";
import { compactLake, CompactResult } from "../report/compact";
import { parseWindow, regionOf, startCompaction, waitForExecution } from "./compact";

export const compactCommand = defineCommand({
    name: "compact",
    summary: "Merges the lake into its compacted table: a window of days in the deployed stack, or a local lake folder.",
    description:
        "Against the deployed stack it starts the compaction workflow for the days --from to --to (inclusive), e.g. after " +
        "`npm run backfill` or `npm run redrive` brought events older than the views' seam; the daily schedule merges the recent days itself. " +
        "The workflow's ARN comes from --state-machine-arn or from `pulumi stack output` (stateMachineArn and athenaWorkgroupName). " +
        "\n\n" +
        "With --lake it merges the events of a local lake folder that its compacted layer (DIR/.compacted/) lacks, or every event of " +
        "--from to --to, with the same MERGE statement; `npm run report` then reads the layer and only the newer files. " +
        "Merging a window again changes nothing.",
    options: {
        from: { type: "string", placeholder: "DAY", description: "first day of the window, YYYY-MM-DD (UTC); with --to" },
        to: { type: "string", placeholder: "DAY", description: "last day of the window, included" },
        lake: { type: "string", placeholder: "DIR", description: "compact this local lake folder instead of the deployed stack" },
        prefix: { type: "string", default: DEFAULT_LAKE_PREFIX, placeholder: "PREFIX", description: "key prefix of the events in the local lake (the stack's lakePrefix)" },
        "state-machine-arn": { type: "string", placeholder: "ARN", defaultText: "from the stack outputs", description: "the deployed compaction workflow" },
        stack: { type: "string", placeholder: "NAME", defaultText: "the selected stack", description: "stack whose outputs to read with the Pulumi CLI" },
        wait: { type: "boolean", description: "wait until the deployed execution ends; exit 1 unless it succeeded" },
        "poll-seconds": { type: "string", default: "15", placeholder: "N", description: "seconds between status checks with --wait, 1 to 3600" },
        json: { type: "boolean", description: "print only the outcome as JSON" },
    },
    examples: ["npm run compact -- --from 2024-01-01 --to 2024-01-31 --wait", "npm run compact -- --lake .lake", "npm run compact -- --lake .lake --from 2025-01-01 --to 2025-01-31"],
});

/** Creates the Step Functions client for the state machine's region; tests point it at a stand-in. */
export type SfnFactory = (region: string) => Pick<SFNClient, "send">;

function describeLocal(result: CompactResult, lakeDir: string): string {
    const layer = path.relative(lakeDir, result.layer);
    if (!result.window) return `Nothing to compact: ${layer} already holds every event of ${lakeDir}.`;
    return (
        `Compacted ${result.files} event file(s) of ${result.partitions} partition folder(s), days ${result.window.from} to ${result.window.to}, ` +
        `into ${layer}: ${result.inserted} new, ${result.files - result.inserted} already there.`
    );
}

/** The deployed workflow's ARN: the flag, or derived from the stack's outputs. */
function stateMachineArnFrom(flags: { "state-machine-arn"?: string }, outputs: () => Record<string, unknown> | undefined): string {
    if (flags["state-machine-arn"]) return flags["state-machine-arn"];
    const values = outputs();
    const archive = values?.stateMachineArn;
    const workgroup = values?.athenaWorkgroupName;
    if (typeof archive === "string" && typeof workgroup === "string" && workgroup !== "") return compactionStateMachineArn(archive, workgroup);
    if (typeof archive === "string") throw new Error("the stack has no Athena workgroup (athena: false), so it has no compaction workflow");
    throw missingDeployedValue("state-machine-arn", outputs, "stateMachineArn", "athenaWorkgroupName");
}

export async function main(argv: string[], io: CliIo, sfn: SfnFactory = (region) => new SFNClient({ region })): Promise<number> {
    return compactCommand.run(argv, io, async (flags) => {
        const window = parseWindow(flags.from, flags.to);
        const print = (text: string, json: unknown) => io.stdout.write(flags.json ? `${JSON.stringify(json, null, 2)}\n` : `${text}\n`);
        if (flags.lake !== undefined) {
            const lakeDir = path.resolve(io.cwd, flags.lake);
            if (!fs.existsSync(lakeDir)) {
                throw new Error(`No lake at ${flags.lake}: pass --lake DIR, the folder that stands for the bucket (events are under DIR/${flags.prefix}/).`);
            }
            const result = await compactLake(lakeDir, validateLakePrefix(flags.prefix, "--prefix"), { ...window, sleep: io.sleep, now: () => io.now().getTime() });
            print(describeLocal(result, lakeDir), result);
            return 0;
        }
        if (!window) {
            throw new UsageError("--from and --to are required against the deployed stack (its schedule merges the recent days); pass --lake DIR to compact a local lake folder");
        }
        const pollSeconds = integerFlag("poll-seconds", flags["poll-seconds"], 1, 3600);
        const stateMachineArn = stateMachineArnFrom(flags, stackOutputsReader(io.exec, io.cwd, flags.stack));
        const client = sfn(regionOf(stateMachineArn));
        const executionArn = await startCompaction(client, stateMachineArn, window, io.now());
        if (!flags.wait) {
            print(`Started ${executionArn} for ${window.from} to ${window.to}; --wait follows it.`, { executionArn, status: "RUNNING" });
            return 0;
        }
        const outcome = await waitForExecution(client, executionArn, io.sleep, pollSeconds * 1000);
        print(`${outcome.status}: ${executionArn}${outcome.error ? ` (${outcome.error}: ${outcome.cause ?? ""})` : ""}`, { executionArn, ...outcome });
        return outcome.status === "SUCCEEDED" ? 0 : 1;
    });
}

if (require.main === module) {
    runMain(main);
}
