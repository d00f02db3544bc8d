/**
 * `stripe-analytics <command> [options]`: the table of the clone's commands and the dispatch to
 * them. Each command is still declared once, by its own `defineCommand` (lib/cli.ts); this file only
 * names where it lives, and loads that module alone, so `start` does not pay for DuckDB.
 */
import { BIN_NAME, CliIo, Command, OptionSpecs, runMain, UsageError, invocationOf } from "../lib/cli";
import { nearest } from "../components/common/nearest";

interface Entry {
    command: Command<OptionSpecs>;
    main(argv: string[], io: CliIo): Promise<number>;
}

/** Each command's module and the name of its declaration there, in the order of the overview: the twin, the lake, the deployed stack. */
const MODULES: Record<string, [module: string, declaration: string]> = {
    start: ["../local/start", "startCommand"],
    demo: ["../local/demo", "demoCommand"],
    load: ["../local/load", "loadCommand"],
    sample: ["../ops/sample-cli", "sampleCommand"],
    report: ["../report/cli", "reportCommand"],
    compact: ["../ops/compact-cli", "compactCommand"],
    redrive: ["../ops/redrive-cli", "redriveCommand"],
    replay: ["../ops/replay-cli", "replayCommand"],
    backfill: ["../ops/backfill-cli", "backfillCommand"],
};

/** Loads one command's module (tests/bin checks that each declaration is there and named as its key). */
export async function loadCommand(name: string): Promise<Entry> {
    const [file, declaration] = MODULES[name];
    const module = await import(file);
    return { command: module[declaration], main: (argv, io) => module.main(argv, io) };
}

export const COMMAND_NAMES = Object.keys(MODULES);

/** The overview: every command with its one-line summary (loading them all, so only for --help). */
export async function overview(): Promise<string> {
    const entries = await Promise.all(COMMAND_NAMES.map(async (name) => [name, (await loadCommand(name)).command.spec.summary] as const));
    const column = Math.max(...COMMAND_NAMES.map((n) => n.length)) + 2;
    return [
        `Usage: ${BIN_NAME} <command> [options]`,
        `       npm run <command> -- [options]   (the same, from the clone; ${invocationOf("start")} [options] for start)`,
        "",
        "The local twin of the stripe-analytics pipeline and the tools for its lake and a deployed stack. They run from a clone:",
        `npx ${BIN_NAME} <command> runs this clone's own entry (npm 7 or newer), \`npm link\` puts ${BIN_NAME} on your PATH.`,
        "",
        "Commands:",
        ...entries.map(([name, summary]) => `  ${name.padEnd(column)}${summary}`),
        "",
        `Run ${BIN_NAME} <command> --help for what a command does, its options with their defaults, and examples.`,
        "",
    ].join("\n");
}

export async function main(argv: string[], io: CliIo): Promise<number> {
    const [name, ...rest] = argv;
    if (name === "--help" || name === "-h" || name === "help") {
        io.stdout.write(await overview());
        return 0;
    }
    if (name === undefined) throw new UsageError(`a command is needed: ${BIN_NAME} <command> [options], where <command> is one of ${COMMAND_NAMES.join(", ")}`);
    if (!Object.hasOwn(MODULES, name)) {
        const near = nearest(name, COMMAND_NAMES);
        throw new UsageError(`unknown command ${JSON.stringify(name)}.${near ? ` Did you mean ${near}?` : ""} The commands: ${COMMAND_NAMES.join(", ")}`);
    }
    return (await loadCommand(name)).main(rest, io);
}

export function run(): void {
    runMain(main);
}
