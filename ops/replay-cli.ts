/**
 * `npm run replay -- --from <time> [--to <time>]`: replays the Stripe events created in a window
 * from the pipeline's EventBridge archive through its rule (see ops/replay.ts).
 * `npm run replay -- --events FILE`: replays the windows covering the events a Logs Insights
 * export lists (FAILED_EVENTS_QUERY: the events neither stored nor parked).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { CliIo, defineCommand, integerFlag, parseTime, runMain, TIME_FORMS, UsageError } from "../lib/cli";
import { progressLine } from "../lib/progress";
import { deployedValue, stackOutputsReader } from "../lib/stackOutputs";
import { buildReplayRequest, FAILED_EVENTS_QUERY, parseArchiveArn, parseFailedEvents, replayName, replayWindows, runReplay } from "./replay";

export const replayCommand = defineCommand({
    name: "replay",
    summary: "Replays the Stripe events created in a window from the pipeline's EventBridge archive through its rule.",
    description:
        "Replays the Stripe events created between --from and --to from the pipeline's EventBridge archive through its rule; " +
        "the workflow writes each event once at its own key, so events the lake already has stay as they are. " +
        "ARNs not given as options are read from `pulumi stack output --json` (needs the Pulumi CLI and a selected stack)." +
        "\n\n" +
        "With --events FILE instead of --from and --to, it replays the windows around the events listed in FILE: the CSV or JSON export " +
        "of this CloudWatch Logs Insights query on the workflow's log group, which lists the executions that could neither store nor park their event: " +
        FAILED_EVENTS_QUERY.replace(/\n/g, " "),
    options: {
        from: { type: "string", placeholder: "TIME", description: `start of the window: ${TIME_FORMS} (required unless --events)` },
        to: { type: "string", placeholder: "TIME", defaultText: "now", description: "end of the window, same forms" },
        events: { type: "string", placeholder: "FILE", description: "replay the windows covering the events of this Logs Insights export (CSV or JSON) instead" },
        "archive-arn": { type: "string", placeholder: "ARN", defaultText: "stack output eventArchiveArn", description: "archive to replay from" },
        "bus-arn": { type: "string", placeholder: "ARN", defaultText: "stack output eventBusArn", description: "the pipeline's event bus" },
        "rule-arn": { type: "string", placeholder: "ARN", defaultText: "stack output ruleArn", description: "the pipeline's rule" },
        stack: { type: "string", placeholder: "NAME", defaultText: "the selected stack", description: "stack whose outputs to read with the Pulumi CLI" },
        name: { type: "string", placeholder: "NAME", defaultText: "<archive name>-<start time>", description: "replay name" },
        "no-wait": { type: "boolean", description: "return once the replay has started" },
        "poll-seconds": { type: "string", default: "15", placeholder: "N", description: "seconds between status checks, 1 to 3600" },
    },
    examples: [
        "npm run replay -- --from 2025-01-31 --to 2025-02-01",
        "npm run replay -- --from 2025-01-31T12:00:00Z --stack prod --no-wait",
        "npm run replay -- --events logs-insights-results.csv",
    ],
});

/** Creates the EventBridge client for the archive's region; tests point it at a stand-in. */
export type EventBridgeFactory = (region: string) => Pick<EventBridgeClient, "send">;

/** The windows to replay: --from and --to, or those covering the events of --events. */
function windowsOf(flags: { from?: string; to?: string; events?: string }, io: CliIo, now: Date): { from: Date; to: Date }[] {
    if (flags.events === undefined) {
        if (flags.from === undefined) throw new UsageError("--from is required, or --events with the export of the failed events");
        return [{ from: parseTime(flags.from, "--from"), to: flags.to === undefined ? now : parseTime(flags.to, "--to") }];
    }
    if (flags.from !== undefined || flags.to !== undefined) throw new UsageError("--events replaces --from and --to: pass one or the other");
    const file = path.resolve(io.cwd, flags.events);
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new UsageError(`--events ${flags.events}: cannot read it (${(error as NodeJS.ErrnoException).code ?? error})`);
    }
    const events = parseFailedEvents(text);
    if (events.length === 0) throw new UsageError(`--events ${flags.events} lists no events: nothing to replay`);
    const byFailure = events.filter((e) => e.timeFrom === "@timestamp").length;
    io.stdout.write(
        `${events.length} event(s) in ${flags.events}: ${events.slice(0, 5).map((e) => e.eventId).join(", ")}${events.length > 5 ? ", ..." : ""}\n` +
            (byFailure > 0 ? `  ${byFailure} without eventTime: their windows are around when they failed, which may miss one Stripe created long before (a retried delivery)\n` : ""),
    );
    return replayWindows(events.map((e) => e.time));
}

/** `name`, or `name-2`, `name-3` ... for the second and later windows, within the 64 characters a replay name may have. */
function numbered(name: string, index: number): string {
    const suffix = index === 0 ? "" : `-${index + 1}`;
    return `${name.slice(0, 64 - suffix.length)}${suffix}`;
}

export async function main(argv: string[], io: CliIo, eventBridge: EventBridgeFactory = (region) => new EventBridgeClient({ region })): Promise<number> {
    return replayCommand.run(argv, io, async (flags) => {
        const now = io.now();
        const windows = windowsOf(flags, io, now);
        const pollSeconds = integerFlag("poll-seconds", flags["poll-seconds"], 1, 3600);
        const outputs = stackOutputsReader(io.exec, io.cwd, flags.stack);
        const target = {
            archiveArn: deployedValue(flags, "archive-arn", outputs, "eventArchiveArn"),
            eventBusArn: deployedValue(flags, "bus-arn", outputs, "eventBusArn"),
            ruleArn: deployedValue(flags, "rule-arn", outputs, "ruleArn"),
        };
        const baseName = flags.name ?? replayName(target.archiveArn, now);
        const requests = windows.map((window, i) => buildReplayRequest(target, window, numbered(baseName, i), now));
        const region = parseArchiveArn(target.archiveArn).region;
        let failed = 0;
        // One at a time, so a long list never runs into EventBridge's limit of replays in progress.
        for (const request of requests) {
            io.stdout.write(`Replaying ${request.EventStartTime!.toISOString()} .. ${request.EventEndTime!.toISOString()} from ${target.archiveArn} to ${target.ruleArn} as ${request.ReplayName}\n`);
            const progress = progressLine(io.stderr, () => io.now().getTime());
            const outcome = await runReplay(eventBridge(region), request, {
                wait: !flags["no-wait"],
                pollIntervalMs: pollSeconds * 1000,
                sleep: io.sleep,
                onProgress: (p) => progress.update(p.fraction, `${p.state}${p.lastReplayed ? `, replayed up to ${p.lastReplayed.toISOString()}` : ""}`),
            });
            progress.finish();
            io.stdout.write(
                `${outcome.state}: ${outcome.replayArn}${outcome.lastReplayed ? `, events replayed up to ${outcome.lastReplayed.toISOString()}` : ""}${outcome.stateReason ? ` (${outcome.stateReason})` : ""}\n`,
            );
            if (outcome.state === "FAILED" || outcome.state === "CANCELLED") failed += 1;
            else if (flags["no-wait"]) io.stdout.write(`Follow it with: aws events describe-replay --replay-name ${request.ReplayName} --region ${region}\n`);
        }
        return failed > 0 ? 1 : 0;
    });
}

if (require.main === module) {
    runMain(main);
}
