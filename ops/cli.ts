/**
 * What the operator scripts (`npm run replay`, `npm run backfill`) share on top of local/cli.ts:
 * time arguments, and the process they talk to, injectable so tests run the real `main` of each
 * script.
 */
import { execFileSync } from "node:child_process";
import { UsageError } from "../local/cli";


/** Runs a program and returns its stdout; throws (with `code: "ENOENT"` when it is not installed). */
export type Exec = (file: string, args: string[], cwd: string) => string;

/** Everything a script touches outside its arguments. */
export interface CliIo {
    stdout: { write(text: string): unknown; isTTY?: boolean };
    stderr: { write(text: string): unknown; isTTY?: boolean };
    env: Record<string, string | undefined>;
    cwd: string;
    exec: Exec;
    now(): Date;
    sleep(ms: number): Promise<void>;
}

export function processIo(): CliIo {
    return {
        stdout: process.stdout,
        stderr: process.stderr,
        env: process.env,
        cwd: process.cwd(),
        exec: (file, args, cwd) => execFileSync(file, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }),
        now: () => new Date(),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    };
}


/**
 * A point in time from the command line: an ISO 8601 date (`2025-01-31`, midnight UTC) or date
 * and time with a zone (`2025-01-31T12:00:00Z`, `...+01:00`). A time without a zone is refused
 * rather than read in the machine's zone.
 */
export function parseTime(value: string | undefined, flag: string): Date {
    if (value === undefined) {
        throw new UsageError(`${flag} is required`);
    }
    const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
    const zoned = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value);
    const parsed = new Date(dateOnly ? `${value}T00:00:00Z` : value);
    if (!(dateOnly || zoned) || Number.isNaN(parsed.getTime())) {
        throw new UsageError(`${flag} ${JSON.stringify(value)} is not a date (2025-01-31) or a date and time with a zone (2025-01-31T12:00:00Z)`);
    }
    return parsed;
}
