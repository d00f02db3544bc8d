/**
 * `npm run replay -- --from <time> [--to <time>]`: replays the Stripe events created in a window
 * from the pipeline's EventBridge archive through its rule (see ops/replay.ts).
 */
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { integerFlag, parseArgv, runCli } from "../local/cli";
import { CliIo, parseTime, processIo } from "./cli";
import { progressLine } from "./progress";
import { buildReplayRequest, parseArchiveArn, replayName, runReplay } from "./replay";
import { deployedValue, stackOutputsReader } from "./stack";

const USAGE = `Usage: npm run replay -- --from <time> [--to <time>] [options]

Replays the Stripe events created between --from and --to (default: now) from the pipeline's
EventBridge archive through its rule; the workflow rewrites each event at its own key.
Times: 2025-01-31 (midnight UTC) or 2025-01-31T12:00:00Z.

  --archive-arn ARN   archive to replay from    (default: stack output eventArchiveArn)
  --bus-arn ARN       the pipeline's event bus  (default: stack output eventBusArn)
  --rule-arn ARN      the pipeline's rule       (default: stack output ruleArn)
  --stack NAME        stack whose outputs to read with the Pulumi CLI (default: the selected stack)
  --name NAME         replay name (default: <archive name>-<start time>)
  --no-wait           return once the replay has started
  --poll-seconds N    seconds between status checks (1 to 3600, default 15)`;

/** Creates the EventBridge client for the archive's region; tests point it at a stand-in. */
export type EventBridgeFactory = (region: string) => Pick<EventBridgeClient, "send">;

export async function main(argv: string[], io: CliIo, eventBridge: EventBridgeFactory = (region) => new EventBridgeClient({ region })): Promise<number> {
    const flags = parseArgv(argv, {
        from: { type: "string" },
        to: { type: "string" },
        "archive-arn": { type: "string" },
        "bus-arn": { type: "string" },
        "rule-arn": { type: "string" },
        stack: { type: "string" },
        name: { type: "string" },
        "no-wait": { type: "boolean" },
        "poll-seconds": { type: "string" },
        help: { type: "boolean" },
    });
    if (flags.help) {
        io.stdout.write(`${USAGE}\n`);
        return 0;
    }
    const now = io.now();
    const from = parseTime(flags.from, "--from");
    const to = flags.to === undefined ? now : parseTime(flags.to, "--to");
    const pollSeconds = flags["poll-seconds"] === undefined ? 15 : integerFlag("poll-seconds", flags["poll-seconds"], 1, 3600);
    const outputs = stackOutputsReader(io.exec, io.cwd, flags.stack);
    const target = {
        archiveArn: deployedValue(flags, "archive-arn", outputs, "eventArchiveArn"),
        eventBusArn: deployedValue(flags, "bus-arn", outputs, "eventBusArn"),
        ruleArn: deployedValue(flags, "rule-arn", outputs, "ruleArn"),
    };
    const request = buildReplayRequest(target, { from, to }, flags.name ?? replayName(target.archiveArn, now), now);

    io.stdout.write(`Replaying ${request.EventStartTime!.toISOString()} .. ${request.EventEndTime!.toISOString()} from ${target.archiveArn} to ${target.ruleArn} as ${request.ReplayName}\n`);
    const progress = progressLine(io.stderr, () => io.now().getTime());
    const outcome = await runReplay(eventBridge(parseArchiveArn(target.archiveArn).region), request, {
        wait: !flags["no-wait"],
        pollIntervalMs: pollSeconds * 1000,
        sleep: io.sleep,
        onProgress: (p) => progress.update(p.fraction, `${p.state}${p.lastReplayed ? `, replayed up to ${p.lastReplayed.toISOString()}` : ""}`),
    });
    progress.finish();
    io.stdout.write(
        `${outcome.state}: ${outcome.replayArn}${outcome.lastReplayed ? `, events replayed up to ${outcome.lastReplayed.toISOString()}` : ""}${outcome.stateReason ? ` (${outcome.stateReason})` : ""}\n`,
    );
    if (outcome.state === "FAILED" || outcome.state === "CANCELLED") {
        return 1;
    }
    if (flags["no-wait"]) {
        io.stdout.write(`Follow it with: aws events describe-replay --replay-name ${request.ReplayName} --region ${parseArchiveArn(target.archiveArn).region}\n`);
    }
    return 0;
}

if (require.main === module) {
    runCli(() => main(process.argv.slice(2), processIo()));
}
