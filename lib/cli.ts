/**
 * The one command-line style of every command (start, demo, load, redrive, replay, backfill,
 * report). A command is declared once, with its name, a one-line summary, a description, its
 * options and examples; from that declaration come the strict parser, the `--help` text and the
 * answers to mistakes. Every command's `main(argv, io)` takes its process through `CliIo`, so tests
 * run the real command in-process.
 *
 * Conventions (those of git and of Node's own `util.parseArgs`): `--name value` or `--name=value`,
 * `-h`/`--help` prints the help to stdout and exits 0; a mistake in the command line is one
 * `error: ...` line and a pointer to `--help` on stderr with exit code 2; a failure of the work is
 * `error: ...` with exit code 1; never a stack trace.
 */
import { execFileSync } from "node:child_process";
import { nearest } from "../components/common/nearest";

/** Runs a program and returns its stdout; throws (with `code: "ENOENT"` when it is not installed). */
export type Exec = (file: string, args: string[], cwd: string) => string;

/** Everything a command touches outside its arguments. */
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

/** A mistake in the command line (as opposed to a failure of the work itself): exit code 2. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

export const USAGE_EXIT_CODE = 2;
export const FAILURE_EXIT_CODE = 1;
/** The second line of every usage error. */
export const HELP_HINT = "Run with --help for the options.";

interface OptionBase {
    description: string;
    /** Shown as the default when the default is computed at run time (e.g. "stack output bucketName"). */
    defaultText?: string;
}

export interface StringOption extends OptionBase {
    type: "string";
    default?: string;
    /** What the value is, in the help: `--lake DIR`. */
    placeholder?: string;
    required?: boolean;
}

export interface BooleanOption extends OptionBase {
    type: "boolean";
    default?: boolean;
}

export type OptionSpec = StringOption | BooleanOption;
export type OptionSpecs = Record<string, OptionSpec>;

export interface CommandSpec<O extends OptionSpecs> {
    /** The npm script, `npm run <name>`, and the command of the entry, `stripe-analytics <name>`. */
    name: string;
    /** A development tool (the benchmarks) that only its npm script runs, not the entry. */
    npmScriptOnly?: boolean;
    summary: string;
    description: string;
    options: O;
    /** Whole command lines, e.g. `npm run load -- --events 200`. */
    examples: string[];
}

type ValueOf<S extends OptionSpec> = S extends BooleanOption ? boolean : S extends { default: string } | { required: true } ? string : string | undefined;

/** The parsed options: booleans are false unless given; strings are their value, default or undefined. */
export type Flags<O extends OptionSpecs> = { -readonly [K in keyof O]: ValueOf<O[K]> };

/** The command-line entry: package.json's `bin` (bin/stripe-analytics.js, its commands in bin/commands.ts). */
export const BIN_NAME = "stripe-analytics";

/** npm runs these scripts without `run`. https://docs.npmjs.com/cli/commands/npm-run-script */
const NPM_SHORTHANDS = new Set(["start", "stop", "restart", "test"]);

export function invocationOf(name: string): string {
    return NPM_SHORTHANDS.has(name) ? `npm ${name} --` : `npm run ${name} --`;
}

export interface Command<O extends OptionSpecs> {
    readonly spec: CommandSpec<O>;
    /** The `--help` text. */
    help(): string;
    /** Parses `argv` strictly; `undefined` for `--help`. Throws UsageError. */
    parse(argv: readonly string[]): Flags<O> | undefined;
    /** Prints the help for `--help`, else parses `argv` and runs `body` with the flags; its exit code is returned. */
    run(argv: readonly string[], io: CliIo, body: (flags: Flags<O>) => Promise<number | void>): Promise<number>;
}

export function defineCommand<const O extends OptionSpecs>(spec: CommandSpec<O>): Command<O> {
    if ("help" in spec.options) throw new Error(`${spec.name}: --help is every command's own`);
    const command: Command<O> = {
        spec,
        help: () => renderHelp(spec),
        parse: (argv) => parseOptions(spec.name, spec.options, argv) as Flags<O> | undefined,
        async run(argv, io, body) {
            const flags = command.parse(argv);
            if (flags === undefined) {
                io.stdout.write(command.help());
                return 0;
            }
            return (await body(flags)) ?? 0;
        },
    };
    return command;
}

function parseOptions(command: string, options: OptionSpecs, argv: readonly string[]): Record<string, string | boolean | undefined> | undefined {
    const given: Record<string, string | boolean> = {};
    let help = false;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "-h" || arg === "--help") {
            help = true;
            continue;
        }
        if (!arg.startsWith("-") || arg === "-" || arg === "--") {
            // `npm run backfill --since 2025-01-31` hands the script only "2025-01-31": npm keeps options before `--` for itself.
            throw new UsageError(`unexpected argument ${JSON.stringify(arg)}: this command takes only options; with npm they go after --: ${invocationOf(command)} --option value`);
        }
        const equals = arg.indexOf("=");
        const name = (equals < 0 ? arg : arg.slice(0, equals)).replace(/^--?/, "");
        const inline = equals < 0 ? undefined : arg.slice(equals + 1);
        const option = Object.hasOwn(options, name) ? options[name] : undefined;
        if (name === "help" && arg.startsWith("--")) throw new UsageError("--help takes no value");
        if (!option || !arg.startsWith("--")) {
            const near = nearest(name, [...Object.keys(options), "help"]);
            throw new UsageError(`unknown option ${arg.slice(0, equals < 0 ? undefined : equals)}${near ? `. Did you mean --${near}?` : ""}`);
        }
        if (option.type === "boolean") {
            if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
            given[name] = true;
            continue;
        }
        const value = inline ?? argv[i + 1];
        // Like util.parseArgs: a value that looks like an option is a forgotten value; `--x=-1` is still possible.
        if (value === undefined || (inline === undefined && value.startsWith("-"))) {
            throw new UsageError(`--${name} needs a value: --${name} ${option.placeholder ?? "VALUE"}`);
        }
        if (inline === undefined) i++;
        given[name] = value;
    }
    if (help) return undefined;
    return Object.fromEntries(
        Object.entries(options).map(([name, option]) => {
            const value = given[name] ?? option.default ?? (option.type === "boolean" ? false : undefined);
            if (value === undefined && option.type === "string" && option.required) throw new UsageError(`--${name} is required`);
            return [name, value];
        }),
    );
}

const WIDTH = 100;

/** Words of `text` in lines of at most `width` characters, each after `indent`. */
function wrap(text: string, width: number, indent: string): string[] {
    const lines: string[] = [];
    let line = "";
    for (const word of text.split(/\s+/).filter(Boolean)) {
        if (line && line.length + 1 + word.length > width) {
            lines.push(line);
            line = word;
        } else {
            line = line ? `${line} ${word}` : word;
        }
    }
    return [...lines, line].map((l, i) => (i === 0 ? l : indent + l));
}

function optionLabel(name: string, option: OptionSpec): string {
    return option.type === "string" ? `--${name} ${option.placeholder ?? "VALUE"}` : `--${name}`;
}

function defaultNote(option: OptionSpec): string {
    if (option.type === "string" && option.required) return " (required)";
    if (option.defaultText !== undefined) return ` (default: ${option.defaultText})`;
    return option.type === "string" && option.default !== undefined ? ` (default: ${option.default === "" ? '""' : option.default})` : "";
}

export function renderHelp(spec: CommandSpec<OptionSpecs>): string {
    const entries: [string, string][] = [
        ...Object.entries(spec.options).map(([name, option]): [string, string] => [optionLabel(name, option), `${option.description}${defaultNote(option)}`]),
        ["-h, --help", "print this help and exit"],
    ];
    const required = Object.entries(spec.options).filter(([, o]) => o.type === "string" && o.required);
    const synopsis = (invocation: string) => [invocation, ...required.map(([name, option]) => optionLabel(name, option)), "[options]"].join(" ");
    const column = Math.min(30, Math.max(...entries.map(([label]) => label.length)) + 2);
    const indent = " ".repeat(2 + column);
    const options = entries.flatMap(([label, text]) => {
        const wrapped = wrap(text, WIDTH - indent.length, indent);
        return label.length + 2 > column ? [`  ${label}`, indent + wrapped.join("\n")] : [`  ${label.padEnd(column)}${wrapped.join("\n")}`];
    });
    const paragraphs = spec.description.split(/\n\s*\n/).map((p) => wrap(p, WIDTH, "").join("\n"));
    return [
        ...(spec.npmScriptOnly
            ? [`Usage: ${synopsis(invocationOf(spec.name))}`]
            : [`Usage: ${synopsis(`${BIN_NAME} ${spec.name}`)}`, `       ${synopsis(invocationOf(spec.name))}   (the same, from the clone)`]),
        "",
        spec.summary,
        "",
        ...paragraphs.flatMap((p) => [p, ""]),
        "Options:",
        ...options,
        "",
        spec.examples.length > 1 ? "Examples:" : "Example:",
        ...spec.examples.map((e) => `  ${e}`),
        "",
    ].join("\n");
}

/** `error: <message>`, and for a mistake in the command line where to find the right one. */
export function formatError(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    return `error: ${message.trim() || (error as Error)?.name || "failed"}\n${error instanceof UsageError ? `${HELP_HINT}\n` : ""}`;
}

function exitCodeOf(error: unknown): number {
    return error instanceof UsageError ? USAGE_EXIT_CODE : FAILURE_EXIT_CODE;
}

/** Runs `main` and answers as the process would: its exit code, or the error on stderr and 2 (usage) or 1 (failure). */
export async function execute(main: (argv: string[], io: CliIo) => Promise<number | void>, argv: string[], io: CliIo): Promise<number> {
    try {
        return (await main(argv, io)) ?? 0;
    } catch (error) {
        io.stderr.write(formatError(error));
        return exitCodeOf(error);
    }
}

/**
 * Runs `main` as this process's program. A command that throws exits at once, since it may leave
 * a server or a timer behind that would keep the process alive; otherwise output drains first.
 */
export function runMain(main: (argv: string[], io: CliIo) => Promise<number | void>): void {
    const io = processIo();
    main(process.argv.slice(2), io).then(
        (code) => {
            process.exitCode = code ?? 0;
        },
        (error: unknown) => {
            io.stderr.write(formatError(error));
            process.exit(exitCodeOf(error));
        },
    );
}

/** A whole-number option, or a usage error naming it. */
export function integerFlag(name: string, value: string | undefined, min: number, max: number): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
        throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`);
    }
    return n;
}

/** What parseTime accepts, for option descriptions. */
export const TIME_FORMS = "2025-01-31 (midnight UTC) or 2025-01-31T12:00:00Z (with a zone)";

/**
 * A point in time from the command line: an ISO 8601 date (`2025-01-31`, midnight UTC) or date
 * and time with a zone (`2025-01-31T12:00:00Z`, `...+01:00`). A time without a zone is refused
 * rather than read in the machine's zone.
 */
export function parseTime(value: string, flag: string): Date {
    const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
    const zoned = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value);
    const parsed = new Date(dateOnly ? `${value}T00:00:00Z` : value);
    // V8 rolls 2025-02-30 over to March 2nd instead of refusing it: check the calendar day too.
    const [year, month, day] = value.slice(0, 10).split("-").map(Number);
    const calendar = new Date(Date.UTC(year, month - 1, day));
    const realDay = calendar.getUTCFullYear() === year && calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day;
    if (!(dateOnly || zoned) || !realDay || Number.isNaN(parsed.getTime())) {
        throw new UsageError(`${flag} ${JSON.stringify(value)} is not a date (2025-01-31) or a date and time with a zone (2025-01-31T12:00:00Z)`);
    }
    return parsed;
}
