/**
 * Replaying a time window of the pipeline's EventBridge archive through its rule.
 *
 * EventBridge selects the archived events by the time in the event, which the receiver sets to the
 * Stripe event's `created`; so a window is "events Stripe created between --from and --to",
 * whenever they arrived. The replay goes to the pipeline's bus and only to its rule
 * (`FilterArns`), the rule starts the archive workflow, and the workflow writes each event to the
 * same key as before: replaying events the lake already has rewrites identical objects.
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_StartReplay.html
 */
import {
    DescribeReplayCommand,
    type DescribeReplayCommandOutput,
    StartReplayCommand,
    type StartReplayCommandInput,
    type EventBridgeClient,
} from "@aws-sdk/client-eventbridge";
import { UsageError } from "../lib/cli";

/** ARNs of the deployed pieces a replay involves. */
export interface ReplayTarget {
    archiveArn: string;
    eventBusArn: string;
    ruleArn: string;
}

const ARCHIVE_ARN = /^arn:aws[a-z-]*:events:([a-z0-9-]+):(\d{12}):archive\/([.\-_A-Za-z0-9]+)$/;
/** ReplayName: at most 64 of `[.\-_A-Za-z0-9]`: https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Replay.html */
const REPLAY_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
/** States after which a replay changes no more. */
export const FINAL_REPLAY_STATES = ["COMPLETED", "FAILED", "CANCELLED"] as const;

/** Region and name of an archive from its ARN. */
export function parseArchiveArn(archiveArn: string): { region: string; account: string; name: string } {
    const match = ARCHIVE_ARN.exec(archiveArn);
    if (!match) {
        throw new UsageError(`--archive-arn ${JSON.stringify(archiveArn)} is not an EventBridge archive ARN (arn:aws:events:<region>:<account>:archive/<name>)`);
    }
    return { region: match[1], account: match[2], name: match[3] };
}

/** A fresh replay name: the archive's name and the moment the replay is started, e.g. `stripe-archive-x-20250131T120000Z`. */
export function replayName(archiveArn: string, now: Date): string {
    const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
    return `${parseArchiveArn(archiveArn).name.slice(0, 64 - stamp.length - 1)}-${stamp}`;
}

/** The StartReplay request for a window; refuses empty or inverted windows and windows in the future. */
export function buildReplayRequest(target: ReplayTarget, window: { from: Date; to: Date }, name: string, now: Date): StartReplayCommandInput {
    parseArchiveArn(target.archiveArn);
    if (!REPLAY_NAME.test(name)) {
        throw new UsageError(`--name ${JSON.stringify(name)}: a replay name is 1 to 64 letters, digits, '.', '-' or '_'`);
    }
    if (window.from.getTime() >= window.to.getTime()) {
        throw new UsageError(`--from ${window.from.toISOString()} must be before --to ${window.to.toISOString()}`);
    }
    if (window.from.getTime() > now.getTime()) {
        throw new UsageError(`--from ${window.from.toISOString()} is in the future; the archive only has events up to now`);
    }
    return {
        ReplayName: name,
        Description: `Stripe events created ${window.from.toISOString()} to ${window.to.toISOString()}, through the archive rule only`,
        EventSourceArn: target.archiveArn,
        EventStartTime: window.from,
        // A window reaching past now would make the replay wait for events that do not exist yet.
        EventEndTime: window.to.getTime() > now.getTime() ? now : window.to,
        Destination: { Arn: target.eventBusArn, FilterArns: [target.ruleArn] },
    };
}

export interface ReplayProgress {
    state: string;
    /** Share of the window replayed so far, from EventLastReplayedTime. */
    fraction: number;
    lastReplayed?: Date;
}

export interface RunReplayOptions {
    /** Poll until the replay finishes; false returns once it has started. */
    wait: boolean;
    pollIntervalMs: number;
    sleep(ms: number): Promise<void>;
    onProgress?(progress: ReplayProgress): void;
}

export interface ReplayOutcome {
    replayArn: string;
    state: string;
    stateReason?: string;
    lastReplayed?: Date;
}

/** Starts the replay and, when asked, follows it to its final state. */
export async function runReplay(client: Pick<EventBridgeClient, "send">, request: StartReplayCommandInput, options: RunReplayOptions): Promise<ReplayOutcome> {
    const started = await client.send(new StartReplayCommand(request));
    let outcome: ReplayOutcome = { replayArn: started.ReplayArn ?? "", state: started.State ?? "STARTING", stateReason: started.StateReason };
    const from = request.EventStartTime!.getTime();
    const span = request.EventEndTime!.getTime() - from;
    while (options.wait && !(FINAL_REPLAY_STATES as readonly string[]).includes(outcome.state)) {
        await options.sleep(options.pollIntervalMs);
        const described: DescribeReplayCommandOutput = await client.send(new DescribeReplayCommand({ ReplayName: request.ReplayName }));
        outcome = { replayArn: outcome.replayArn, state: described.State ?? outcome.state, stateReason: described.StateReason, lastReplayed: described.EventLastReplayedTime };
        const done = outcome.state === "COMPLETED" ? 1 : outcome.lastReplayed ? (outcome.lastReplayed.getTime() - from) / span : 0;
        options.onProgress?.({ state: outcome.state, fraction: Math.min(1, Math.max(0, done)), lastReplayed: outcome.lastReplayed });
    }
    return outcome;
}
