/**
 * Starting the deployed compaction workflow for a window of days (see ops/compact-cli.ts), and
 * following its execution to the end.
 */
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { UsageError } from "../lib/cli";

export interface Window {
    from: string;
    to: string;
}

/** A day on the command line: `YYYY-MM-DD`, a real calendar day. */
export function parseDay(value: string, flag: string): string {
    const [year, month, day] = value.split("-").map(Number);
    const calendar = new Date(Date.UTC(year, month - 1, day));
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || calendar.toISOString().slice(0, 10) !== value) {
        throw new UsageError(`${flag} ${JSON.stringify(value)} is not a day written YYYY-MM-DD (UTC), such as 2025-01-31`);
    }
    return value;
}

/** `--from` and `--to` as a window, both or neither; the window includes both days. */
export function parseWindow(from: string | undefined, to: string | undefined): Window | undefined {
    if (from === undefined && to === undefined) return undefined;
    if (from === undefined || to === undefined) throw new UsageError("--from and --to go together: the first and the last day of the window");
    const window = { from: parseDay(from, "--from"), to: parseDay(to, "--to") };
    if (window.from > window.to) throw new UsageError(`--from ${window.from} is after --to ${window.to}`);
    return window;
}

/** Execution names are 1 to 80 letters, digits, '-' or '_' and unique per state machine for 90 days. */
export function executionName(window: Window, now: Date): string {
    return `compact-${window.from}-${window.to}-${now.toISOString().replace(/[-:]|\.\d+/g, "")}`;
}

/** Region of a state machine ARN. */
export function regionOf(stateMachineArn: string): string {
    const parts = stateMachineArn.split(":");
    if (parts.length < 7 || parts[2] !== "states" || parts[5] !== "stateMachine") {
        throw new UsageError(`--state-machine-arn ${JSON.stringify(stateMachineArn)} is not a state machine ARN (arn:aws:states:<region>:<account>:stateMachine:<name>)`);
    }
    return parts[3];
}

export async function startCompaction(sfn: Pick<SFNClient, "send">, stateMachineArn: string, window: Window, now: Date): Promise<string> {
    try {
        const started = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: executionName(window, now), input: JSON.stringify(window) }));
        return started.executionArn!;
    } catch (error) {
        if ((error as Error).name === "StateMachineDoesNotExist") {
            throw new Error(`${stateMachineArn} does not exist: is compaction: true set in the stack, and is it deployed?`);
        }
        throw error;
    }
}

export interface ExecutionOutcome {
    status: string;
    error?: string;
    cause?: string;
}

/** Polls the execution until it is no longer running. */
export async function waitForExecution(sfn: Pick<SFNClient, "send">, executionArn: string, sleep: (ms: number) => Promise<void>, pollMs: number): Promise<ExecutionOutcome> {
    for (;;) {
        const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        if (execution.status !== "RUNNING" && execution.status !== "PENDING_REDRIVE") {
            return { status: execution.status ?? "UNKNOWN", error: execution.error, cause: execution.cause };
        }
        await sleep(pollMs);
    }
}
