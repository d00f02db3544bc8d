/**
 * `npm run replay -- --from <time> [--to <time>]`: replays the Stripe events created in a window
 * from the pipeline's EventBridge archive through its rule (see ops/replay.ts).
 */
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { CliIo, defineCommand, integerFlag, parseTime, runMain, TIME_FORMS } from "../lib/cli";
import { progressLine } from "../lib/progress";
import { deployedValue, stackOutputsReader } from "../lib/stackOutputs";
import { buildReplayRequest, parseArchiveArn, replayName, runReplay } from "./replay";

export const replayCommand = defineCommand({
    name: "replay",
    summary: "Replays the Stripe events created in a window from the pipeline's EventBridge archive through its rule.",
    description:
        "Replays the Stripe events created between --from and --to from the pipeline's EventBridge archive through its rule; " +
        "the workflow rewrites each event at its own key, so events the lake already has come out identical. " +
        "ARNs not given as options are read from `pulumi stack output --json` (needs the Pulumi CLI and a selected stack).",
    options: {
        from: { type: "string", required: true, placeholder: "TIME", description: `start of the window: ${TIME_FORMS}` },
        to: { type: "string", placeholder: "TIME", defaultText: "now", description: "end of the window, same forms" },
        "archive-arn": { type: "string", placeholder: "ARN", defaultText: "stack output eventArchiveArn", description: "archive to replay from" },
        "bus-arn": { type: "string", placeholder: "ARN", defaultText: "stack output eventBusArn", description: "the pipeline's event bus" },
        "rule-arn": { type: "string", placeholder: "ARN", defaultText: "stack output ruleArn", description: "the pipeline's rule" },
        stack: { type: "string", placeholder: "NAME", defaultText: "the selected stack", description: "stack whose outputs to read with the Pulumi CLI" },
        name: { type: "string", placeholder: "NAME", defaultText: "<archive name>-<start time>", description: "replay name" },
        "no-wait": { type: "boolean", description: "return once the replay has started" },
        "poll-seconds": { type: "string", default: "15", placeholder: "N", description: "seconds between status checks, 1 to 3600" },
    },
    examples: ["npm run replay -- --from 2025-01-31 --to 2025-02-01", "npm run replay -- --from 2025-01-31T12:00:00Z --stack prod --no-wait"],
});

/** Creates the EventBridge client for the archive's region; tests point it at a stand-in. */
export type EventBridgeFactory = (region: string) => Pick<EventBridgeClient, "send">;

export async function main(argv: string[], io: CliIo, eventBridge: EventBridgeFactory = (region) => new EventBridgeClient({ region })): Promise<number> {
    return replayCommand.run(argv, io, async (flags) => {
        const now = io.now();
        const from = parseTime(flags.from, "--from");
        const to = flags.to === undefined ? now : parseTime(flags.to, "--to");
        const pollSeconds = integerFlag("poll-seconds", flags["poll-seconds"], 1, 3600);
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
    });
}

if (require.main === module) {
    runMain(main);
}
