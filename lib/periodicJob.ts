/**
 * A command run again and again in a child process, `intervalMs` after the previous run ended, so
 * runs never overlap and the caller's event loop never does the work (`npm start` compacting its
 * lake in the background while it serves webhooks). Stopping ends a run in progress with SIGTERM.
 */
import { ChildProcess, spawn } from "node:child_process";

export interface JobRun {
    /** Exit code, or null when the run was stopped by a signal. */
    code: number | null;
    stdout: string;
    stderr: string;
}

export interface PeriodicJobOptions {
    command: string;
    args: string[];
    cwd: string;
    intervalMs: number;
    onRun: (run: JobRun) => void;
}

export interface PeriodicJob {
    /** No further run starts; a run in progress is ended. Resolves once it has exited. */
    stop(): Promise<void>;
}

export function startPeriodicJob(o: PeriodicJobOptions): PeriodicJob {
    let timer: NodeJS.Timeout | undefined;
    let child: ChildProcess | undefined;
    let exited: Promise<void> = Promise.resolve();
    let stopped = false;
    const schedule = () => {
        timer = setTimeout(runOnce, o.intervalMs);
    };
    const runOnce = () => {
        let stdout = "";
        let stderr = "";
        child = spawn(o.command, o.args, { cwd: o.cwd, stdio: ["ignore", "pipe", "pipe"] });
        child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk));
        child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk));
        // A command that cannot start reports it here; "close" follows.
        child.on("error", (error) => (stderr += error.message));
        exited = new Promise((resolve) => {
            child!.on("close", (code) => {
                child = undefined;
                o.onRun({ code, stdout, stderr });
                if (!stopped) schedule();
                resolve();
            });
        });
    };
    schedule();
    return {
        stop: async () => {
            stopped = true;
            clearTimeout(timer);
            child?.kill("SIGTERM");
            await exited;
        },
    };
}
