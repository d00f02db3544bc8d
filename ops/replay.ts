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
import { NOT_PARKED_CAUSE, NOT_PARKED_ERROR } from "../components/workflow/archiveStep";
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

/**
 * The CloudWatch Logs Insights query, on the workflow's log group, that lists the events whose
 * execution failed neither storing nor parking them (the archive step's NOT_PARKED_ERROR): their
 * ids and types, the event time a replay selects by, and when it failed. Its exported results
 * (CSV or JSON) are what `npm run replay -- --events FILE` takes. It relies on the execution's
 * ExecutionFailed record carrying the Fail state's error and cause, which is what the workflow's
 * ERROR log level records (https://docs.aws.amazon.com/step-functions/latest/dg/cloudwatch-log-level.html).
 */
export const FAILED_EVENTS_QUERY = [
    "fields @timestamp, execution_arn",
    `| filter type = "ExecutionFailed" and details.error = "${NOT_PARKED_ERROR}"`,
    `| parse details.cause "${NOT_PARKED_CAUSE.replace(/\{\}/g, "*")}" as eventId, eventType, eventTime`,
    "| sort @timestamp asc",
].join("\n");

/** One event the query listed. */
export interface FailedEvent {
    eventId: string;
    eventType?: string;
    /** The EventBridge event's time when the export has it (`eventTime`), else when the execution failed (`@timestamp`). */
    time: Date;
    timeFrom: "eventTime" | "@timestamp";
}

/** Logs Insights writes `@timestamp` as `2025-01-31 12:00:00.000`, in UTC without a zone. */
function insightsTime(value: string): Date {
    const date = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value.trim().replace(" ", "T")}Z`);
    if (Number.isNaN(date.getTime())) throw new UsageError(`--events: ${JSON.stringify(value)} is not a time`);
    return date;
}

/** Splits one CSV line (RFC 4180: fields may be quoted, quotes doubled inside). */
function csvFields(line: string): string[] {
    const fields: string[] = [];
    let field = "";
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (quoted) {
            if (c === '"' && line[i + 1] === '"') field += line[++i];
            else if (c === '"') quoted = false;
            else field += c;
        } else if (c === '"') quoted = true;
        else if (c === ",") {
            fields.push(field);
            field = "";
        } else field += c;
    }
    return [...fields, field];
}

/** The query's rows from an export: the console's CSV or JSON, or `aws logs get-query-results` output. */
function exportedRows(text: string): Record<string, string>[] {
    const trimmed = text.trim();
    if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
        const parsed = JSON.parse(trimmed) as Record<string, string>[] | { results: { field: string; value: string }[][] };
        return Array.isArray(parsed) ? parsed : parsed.results.map((row) => Object.fromEntries(row.map(({ field, value }) => [field, value])));
    }
    const [header, ...lines] = trimmed.split(/\r?\n/).filter((l) => l.trim() !== "");
    const names = csvFields(header ?? "");
    return lines.map((line) => Object.fromEntries(csvFields(line).map((value, i) => [names[i], value])));
}

/** Reads the query's export; refuses rows without an event id, or without any time. */
export function parseFailedEvents(text: string): FailedEvent[] {
    let rows: Record<string, string>[];
    try {
        rows = exportedRows(text);
    } catch (error) {
        throw new UsageError(`--events: not an export of the Logs Insights query (CSV or JSON): ${(error as Error).message}`);
    }
    return rows.map((row, i) => {
        const where = `--events row ${i + 1}`;
        if (!row.eventId) throw new UsageError(`${where} has no eventId: export the results of the query printed by --help`);
        const eventTime = row.eventTime?.trim();
        const timestamp = row["@timestamp"]?.trim();
        if (!eventTime && !timestamp) throw new UsageError(`${where} (${row.eventId}) has neither eventTime nor @timestamp`);
        return { eventId: row.eventId, eventType: row.eventType || undefined, time: insightsTime(eventTime || timestamp), timeFrom: eventTime ? "eventTime" : "@timestamp" };
    });
}

/** Events this far apart or closer are replayed in one window; more apart, in windows of their own. */
export const WINDOW_GAP_MS = 15 * 60_000;

/**
 * The replay windows covering `times`: neighbours within WINDOW_GAP_MS share a window, and each
 * window reaches a minute beyond its first and last event (EventBridge keeps event times to the
 * second, and replays in one-minute slices). Replaying the window also replays the events around
 * the failed ones, which the write-once lake takes as already stored.
 */
export function replayWindows(times: Date[]): { from: Date; to: Date }[] {
    const sorted = [...times].sort((a, b) => a.getTime() - b.getTime());
    const minute = 60_000;
    const windows: { from: Date; to: Date }[] = [];
    for (const time of sorted) {
        const last = windows[windows.length - 1];
        if (last && time.getTime() - (last.to.getTime() - minute) <= WINDOW_GAP_MS) last.to = new Date(Math.ceil(time.getTime() / minute) * minute + minute);
        else windows.push({ from: new Date(Math.floor(time.getTime() / minute) * minute - minute), to: new Date(Math.ceil(time.getTime() / minute) * minute + minute) });
    }
    return windows;
}
