/**
 * `stripe-analytics <command> [options]`: the table of the clone's commands and the dispatch to
 * them. Each command is still declared once, by its own `defineCommand` (lib/cli.ts); this file only
 * names where it lives, and loads that module alone, so `start` does not pay for DuckDB.
 */
import { BIN_NAME, CliIo, Command, OptionSpecs, runMain, UsageError, invocationOf, nearest } from "../lib/cli";

interface Entry {
    command: Command<OptionSpecs>;
    main(argv: string[], io: CliIo): Promise<number>;
}

/** In the order of the overview: the twin, the lake, the deployed stack. */
export const COMMANDS: Record<string, () => Promise<Entry>> = {
    start: async () => {
        const m = await import("../local/start");
        return { command: m.startCommand, main: (argv, io) => m.main(argv, io) };
    },
    demo: async () => {
        const m = await import("../local/demo");
        return { command: m.demoCommand, main: m.main };
    },
    load: async () => {
        const m = await import("../local/load");
        return { command: m.loadCommand, main: m.main };
    },
    sample: async () => {
        const m = await import("../ops/sample-cli");
        return { command: m.sampleCommand, main: m.main };
    },
    report: async () => {
        const m = await import("../report/cli");
        return { command: m.reportCommand, main: m.main };
    },
    compact: async () => {
        const m = await import("../ops/compact-cli");
        return { command: m.compactCommand, main: m.main };
    },
    redrive: async () => {
        const m = await import("../ops/redrive-cli");
        return { command: m.redriveCommand, main: m.main };
    },
    replay: async () => {
        const m = await import("../ops/replay-cli");
        return { command: m.replayCommand, main: m.main };
    },
    backfill: async () => {
        const m = await import("../ops/backfill-cli");
        return { command: m.backfillCommand, main: m.main };
    },
};

const NAMES = Object.keys(COMMANDS);

/** The overview: every command with its one-line summary (loading them all, so only for --help). */
export async function overview(): Promise<string> {
    const entries = await Promise.all(NAMES.map(async (name) => [name, (await COMMANDS[name]()).command.spec.summary] as const));
    const column = Math.max(...NAMES.map((n) => n.length)) + 2;
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
    if (name === undefined) throw new UsageError(`a command is needed: ${BIN_NAME} <command> [options], where <command> is one of ${NAMES.join(", ")}`);
    if (!Object.hasOwn(COMMANDS, name)) {
        const near = nearest(name, NAMES);
        throw new UsageError(`unknown command ${JSON.stringify(name)}.${near ? ` Did you mean ${near}?` : ""} The commands: ${NAMES.join(", ")}`);
    }
    return (await COMMANDS[name]()).main(rest, io);
}

export function run(): void {
    runMain(main);
}
