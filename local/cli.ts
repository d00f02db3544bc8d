/** Shared plumbing of the local commands: flags, one-line errors, signing secrets. */
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { parseArgs, ParseArgsConfig } from "node:util";
import { loadStackConfig, LocalStackConfig } from "./stackConfig";
import { DEFAULT_LOCAL_LAKE } from "./lake";

/** Flags every local command takes: which stack's config, and which folder is the lake. */
export const COMMON_FLAGS = {
    stack: { type: "string", default: "dev" },
    lake: { type: "string", default: DEFAULT_LOCAL_LAKE },
    help: { type: "boolean", short: "h", default: false },
} as const satisfies ParseArgsConfig["options"];

/** A mistake in the command line (as opposed to a failure of the work itself). */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/** `util.parseArgs` in strict mode over a given argv, its errors turned into usage errors. */
export function parseArgv<T extends NonNullable<ParseArgsConfig["options"]>>(argv: string[], options: T) {
    try {
        return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
    } catch (error) {
        throw new UsageError((error as Error).message);
    }
}

export type Flags = { stack: string; lake: string } & Record<string, string | boolean | undefined>;

/** Parses this process's command line with the common flags; `--help` prints the usage and exits. */
export function parseFlags(options: NonNullable<ParseArgsConfig["options"]>, usage: string): Flags {
    const values = parseArgv(process.argv.slice(2), { ...COMMON_FLAGS, ...options }) as Flags;
    if (values.help) {
        console.log(usage);
        process.exit(0);
    }
    return values;
}

/** A whole number flag, or a one-line error naming it. */
export function integerFlag(name: string, value: string | undefined, min: number, max: number): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
        throw new Error(`--${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`);
    }
    return n;
}

/** Runs a command; any error becomes one line on stderr and exit code 1, never a stack trace. */
export function runCli(main: () => Promise<number | void>): void {
    main().then(
        (code) => {
            if (typeof code === "number") process.exitCode = code;
        },
        (error: Error) => {
            console.error(`error: ${error.message}`);
            process.exit(1);
        },
    );
}

export function loadConfigFor(stack: string): LocalStackConfig {
    return loadStackConfig(stack, path.resolve(__dirname, ".."));
}

/** The local signing secret: STRIPE_WEBHOOK_SECRET (as `stripe listen` prints it) or a fresh one. */
export function localSigningSecret(): { secret: string; generated: boolean } {
    const fromEnv = process.env.STRIPE_WEBHOOK_SECRET?.trim();
    if (fromEnv) {
        if (!fromEnv.startsWith("whsec_")) throw new Error("STRIPE_WEBHOOK_SECRET must be a webhook signing secret (whsec_...)");
        return { secret: fromEnv, generated: false };
    }
    return { secret: `whsec_local${randomBytes(24).toString("hex")}`, generated: true };
}
