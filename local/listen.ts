/**
 * `npm start -- --listen`: the Stripe CLI's `stripe listen` forwarding a Stripe account's test-mode
 * events to the twin, signed with the secret it prints, so the receiver verifies real deliveries.
 *
 * The CLI is @stripe/cli when installed beside the clone (Stripe's own package; npm installs only this
 * platform's binary, from its optional dependencies), or the executable STRIPE_CLI names (your own
 * install, or a stand-in in tests). It needs a Stripe key: STRIPE_API_KEY, or `stripe login` once.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import { CliIo } from "../lib/cli";

/** The platform binary of @stripe/cli, run directly: its Node shim waits in spawnSync, and a signal to it would orphan the binary. */
function bundledStripeCli(): string | undefined {
    try {
        const platforms: Record<string, { pkg: string; bin: string }> = require("@stripe/cli/platforms.json");
        const platform = platforms[`${process.platform}-${process.arch}`];
        return platform && path.join(path.dirname(require.resolve(`${platform.pkg}/package.json`)), "bin", platform.bin);
    } catch {
        return undefined;
    }
}

/** The Stripe CLI executable: STRIPE_CLI, an installed @stripe/cli's binary, else `stripe` on the PATH. */
export function stripeCliPath(env: CliIo["env"]): string {
    return env.STRIPE_CLI?.trim() || bundledStripeCli() || "stripe";
}

const WHAT_THE_CLI_NEEDS = "the Stripe CLI needs a test-mode key (set STRIPE_API_KEY=sk_test_... from Dashboard → Developers → API keys, or run `npx stripe login` once) and a connection to api.stripe.com";

/** The last line a failed program printed, for a one-line error. */
function lastLine(error: unknown): string {
    const { stderr, stdout, message } = error as { stderr?: string | Buffer; stdout?: string | Buffer; message?: string };
    const text = [stderr, stdout].map((t) => String(t ?? "").trim()).find(Boolean) ?? message ?? String(error);
    return text.split("\n").pop()!.trim();
}

/** `stripe listen --print-secret`: the whsec_ the CLI signs its forwarded events with (the same for every listen of one account). */
export function listenSecret(io: CliIo): string {
    const cli = stripeCliPath(io.env);
    let output: string;
    try {
        output = io.exec(cli, ["listen", "--print-secret"], io.cwd);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") {
            throw new Error(`--listen: no Stripe CLI at ${JSON.stringify(cli)}: install the Stripe CLI (npm install --no-save @stripe/cli, or https://docs.stripe.com/stripe-cli), or set STRIPE_CLI to the stripe executable`);
        }
        throw new Error(`--listen: \`stripe listen --print-secret\` failed (${lastLine(error)}); ${WHAT_THE_CLI_NEEDS}`);
    }
    const secret = /whsec_[A-Za-z0-9]+/.exec(output)?.[0];
    if (!secret) throw new Error(`--listen: \`stripe listen --print-secret\` printed no whsec_ secret (${JSON.stringify(output.trim().slice(0, 200))}); ${WHAT_THE_CLI_NEEDS}`);
    return secret;
}

export interface Listener {
    /** Resolves when `stripe listen` ends, by itself or by stop(). */
    exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; lastLine: string }>;
    stop(): Promise<void>;
}

/** How long `stripe listen` gets to end after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 3000;

/** Starts `stripe listen --forward-to url`, each line it prints passed to `print` as `[stripe] ...`. */
export function startListener(io: CliIo, url: string, print: (line: string) => void): Listener {
    const child: ChildProcess = spawn(stripeCliPath(io.env), ["listen", "--forward-to", url], { cwd: io.cwd, env: io.env, stdio: ["ignore", "pipe", "pipe"] });
    let last = "";
    const onLines = (chunk: Buffer) => {
        for (const line of chunk.toString("utf8").split(/\r?\n/)) {
            if (!line.trim()) continue;
            last = line.trim();
            print(`[stripe] ${line}`);
        }
    };
    child.stdout!.on("data", onLines);
    child.stderr!.on("data", onLines);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; lastLine: string }>((resolve) => {
        child.once("error", (error) => resolve({ code: null, signal: null, lastLine: error.message }));
        child.once("close", (code, signal) => resolve({ code, signal, lastLine: last }));
    });
    return {
        exited,
        async stop() {
            if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
            const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
            await exited;
            clearTimeout(timer);
        },
    };
}

/** The error of a `stripe listen` that ended while the twin was still running. */
export function listenerEndedMessage(exit: { code: number | null; signal: NodeJS.Signals | null; lastLine: string }): string {
    const how = exit.signal ? `was stopped by ${exit.signal}` : exit.code === null ? "could not start" : `exited with code ${exit.code}`;
    return `--listen: \`stripe listen\` ${how} (${exit.lastLine || "it printed nothing"}), so no more Stripe events arrive; ${WHAT_THE_CLI_NEEDS}`;
}
