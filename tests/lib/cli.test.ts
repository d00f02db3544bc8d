import { strict as assert } from "assert";
import { main as chaos } from "../../bench/chaos";
import { main as benchReport } from "../../bench/report";
import { BIN_NAME, defineCommand, execute, formatError, integerFlag, invocationOf, parseTime, UsageError } from "../../lib/cli";
import { demoCommand, main as demo } from "../../local/demo";
import { loadCommand, main as load } from "../../local/load";
import { main as start, startCommand } from "../../local/start";
import { backfillCommand, main as backfill } from "../../ops/backfill-cli";
import { compactCommand } from "../../ops/compact-cli";
import { main as redrive, redriveCommand } from "../../ops/redrive-cli";
import { main as replay, replayCommand } from "../../ops/replay-cli";
import { main as sample, sampleCommand } from "../../ops/sample-cli";
import { main as report, reportCommand } from "../../report/cli";
import { testIo } from "../support/standIns";

const command = defineCommand({
    name: "backfill",
    summary: "Does the thing.",
    description: "At length.\n\nIn two paragraphs.",
    options: {
        since: { type: "string", required: true, placeholder: "DATE", description: "start" },
        lake: { type: "string", default: ".lake", placeholder: "DIR", description: "the lake" },
        bucket: { type: "string", placeholder: "NAME", defaultText: "stack output bucketName", description: "the bucket" },
        json: { type: "boolean", description: "JSON only" },
    },
    examples: ["npm run backfill -- --since 2025-01-31"],
});

/** Runs `command` over argv as the process would, returning what it printed and its exit code. */
async function run(argv: string[], body: (flags: NonNullable<ReturnType<typeof command.parse>>) => Promise<number | void> = async () => 0) {
    const io = testIo();
    const code = await execute((args, cliIo) => command.run(args, cliIo, body), argv, io);
    return { code, out: io.out(), err: io.err() };
}

describe("lib/cli: the one command framework", function () {
    describe("parsing", function () {
        it("fills defaults, leaves absent strings undefined and absent booleans false", function () {
            assert.deepEqual(command.parse(["--since", "2025-01-31"]), { since: "2025-01-31", lake: ".lake", bucket: undefined, json: false });
        });

        it("takes `--name value` and `--name=value`, the last of a repeated option, and booleans", function () {
            assert.deepEqual(command.parse(["--since=2025-01-31", "--lake", "a", "--lake=b", "--json"]), { since: "2025-01-31", lake: "b", bucket: undefined, json: true });
            assert.equal(command.parse(["--since", "x", "--bucket="])?.bucket, "", "an explicit empty value is a value");
        });

        it("returns undefined for --help and -h, before checking required options", function () {
            assert.equal(command.parse(["--help"]), undefined);
            assert.equal(command.parse(["-h", "--json"]), undefined);
        });

        it("refuses unknown options, naming the nearest valid one when it is a likely typo", function () {
            assert.throws(() => command.parse(["--sinse", "2025-01-31"]), { name: "UsageError", message: "unknown option --sinse. Did you mean --since?" });
            assert.throws(() => command.parse(["--lkae=x"]), { message: "unknown option --lkae. Did you mean --lake?" });
            assert.throws(() => command.parse(["--buck", "b"]), { message: "unknown option --buck. Did you mean --bucket?" });
            assert.throws(() => command.parse(["--from", "2025-01-31"]), { message: "unknown option --from" });
            assert.throws(() => command.parse(["-s", "2025-01-31"]), { message: "unknown option -s" }, "short options are only -h");
        });

        it("refuses missing values, values for booleans, positional arguments and missing required options", function () {
            assert.throws(() => command.parse(["--since"]), { name: "UsageError", message: "--since needs a value: --since DATE" });
            assert.throws(() => command.parse(["--since", "--json"]), { message: "--since needs a value: --since DATE" });
            assert.throws(() => command.parse(["--since", "x", "--json=yes"]), { message: "--json takes no value" });
            assert.throws(() => command.parse(["--help=yes"]), { message: "--help takes no value" });
            assert.throws(() => command.parse(["--since", "x", "extra"]), { message: 'unexpected argument "extra": this command takes only options; with npm they go after --: npm run backfill -- --option value' });
            assert.throws(() => command.parse(["--lake", "x"]), { message: "--since is required" });
        });

        it("keeps --help for itself", function () {
            assert.throws(() => defineCommand({ name: "x", summary: "", description: "", options: { help: { type: "boolean", description: "" } }, examples: [] }), /--help is every command's own/);
        });
    });

    describe("answers", function () {
        it("prints the generated help to stdout with exit code 0: what it does, every option with its default, an example", async function () {
            const { code, out, err } = await run(["--help"]);
            assert.equal(code, 0);
            assert.equal(err, "");
            assert.equal(
                out,
                [
                    "Usage: stripe-analytics backfill --since DATE [options]",
                    "       npm run backfill -- --since DATE [options]   (the same, from the clone)",
                    "",
                    "Does the thing.",
                    "",
                    "At length.",
                    "",
                    "In two paragraphs.",
                    "",
                    "Options:",
                    "  --since DATE   start (required)",
                    "  --lake DIR     the lake (default: .lake)",
                    "  --bucket NAME  the bucket (default: stack output bucketName)",
                    "  --json         JSON only",
                    "  -h, --help     print this help and exit",
                    "",
                    "Example:",
                    "  npm run backfill -- --since 2025-01-31",
                    "",
                ].join("\n"),
            );
        });

        it("names only the npm script of a development tool that the entry does not run", function () {
            const bench = defineCommand({ name: "bench:x", npmScriptOnly: true, summary: "Measures.", description: "", options: {}, examples: ["npm run bench:x"] });
            assert.equal(bench.help().split("\n")[0], "Usage: npm run bench:x -- [options]");
            assert.ok(!bench.help().includes(BIN_NAME));
        });

        it("answers a usage error on stderr with `error:` and a pointer to --help, exit code 2", async function () {
            const { code, out, err } = await run(["--sinse", "2025-01-31"]);
            assert.deepEqual({ code, out, err }, { code: 2, out: "", err: "error: unknown option --sinse. Did you mean --since?\nRun with --help for the options.\n" });
            const thrown = await run(["--since", "x"], async () => {
                throw new UsageError("--since x is not a date");
            });
            assert.deepEqual(thrown, { code: 2, out: "", err: "error: --since x is not a date\nRun with --help for the options.\n" });
        });

        it("answers a failure with one `error:` line and exit code 1, never a stack trace", async function () {
            const failed = await run(["--since", "x"], async () => {
                throw new Error("the lake refuses writes: clear the fault and run again");
            });
            assert.deepEqual(failed, { code: 1, out: "", err: "error: the lake refuses writes: clear the fault and run again\n" });
            assert.equal(formatError("a string"), "error: a string\n");
            assert.equal(formatError(Object.assign(new Error(""), { name: "S3.ServiceUnavailableException" })), "error: S3.ServiceUnavailableException\n");
        });

        it("passes the command's own exit code through", async function () {
            assert.equal((await run(["--since", "x"], async () => 1)).code, 1);
            assert.equal((await run(["--since", "x"], async () => undefined)).code, 0);
        });
    });

    describe("every command uses it", function () {
        const commands: [string, (argv: string[], io: ReturnType<typeof testIo>) => Promise<number>, string[]][] = [
            ["start", start, ["--stack", "--port", "--lake", "--ingestion", "--dead-letter", "--journal", "--retry-delay", "--listen"]],
            ["demo", demo, ["--lake", "--stack", "--url", "--ingestion", "--dead-letter"]],
            ["load", load, ["--events", "--concurrency", "--stack", "--lake"]],
            ["redrive", redrive, ["--lake", "--stack", "--queue-url", "--state-machine-arn", "--region", "--ingestion", "--bucket", "--lake-prefix", "--dead-letter", "--journal"]],
            ["replay", replay, ["--from", "--to", "--archive-arn", "--bus-arn", "--rule-arn", "--stack", "--name", "--no-wait", "--poll-seconds", "--events"]],
            ["backfill", backfill, ["--since", "--until", "--objects", "--lake", "--bucket", "--stack", "--checkpoint", "--concurrency"]],
            ["report", report, ["--lake", "--prefix", "--json", "--html", "--live-only", "--stack", "--coupon-durations", "--cancellation-churn"]],
            ["sample", sample, ["--lake", "--prefix", "--customers", "--months", "--start", "--seed"]],
            ["bench:report", benchReport, ["--events"]],
            ["chaos", chaos, ["--events", "--concurrency", "--runs", "--stack"]],
        ];
        for (const [name, main, options] of commands) {
            it(`${name}: --help lists every option and an example, and a typo gets the nearest option`, async function () {
                const io = testIo();
                assert.equal(await main(["--help"], io), 0);
                const help = io.out();
                const usage = help.split("\n").slice(0, 2);
                if (["bench:report", "chaos"].includes(name)) assert.ok(usage[0].startsWith(`Usage: ${invocationOf(name)}`), help);
                else assert.ok(usage[0].startsWith(`Usage: ${BIN_NAME} ${name}`) && usage[1].trim().startsWith(invocationOf(name)), help);
                for (const option of options) assert.match(help, new RegExp(`^  ${option}\\b`, "m"), `${name} --help lacks ${option}`);
                assert.match(help, /^Examples?:\n {2}\S/m);
                assert.equal(io.err(), "");

                const option = options[0];
                const typo = `--${option.slice(2, -1)}${option.slice(-1) === "x" ? "y" : "x"}`;
                await assert.rejects(main([typo, "1"], testIo()), { name: "UsageError", message: `unknown option ${typo}. Did you mean ${option}?` });
            });
        }
    });

    describe("every option of every command", function () {
        const specs = [startCommand, demoCommand, loadCommand, redriveCommand, replayCommand, backfillCommand, reportCommand, sampleCommand, compactCommand];
        /** The commonest typos of a word: two neighbours swapped, a letter dropped, a letter wrong. */
        const typos = (word: string) => {
            const middle = Math.floor(word.length / 2);
            const wrong = word[middle] === "q" ? "z" : "q";
            return [
                word.slice(0, middle - 1) + word[middle] + word[middle - 1] + word.slice(middle + 1),
                ...(word.length > 3 ? [word.slice(0, middle) + word.slice(middle + 1)] : []),
                word.slice(0, middle) + wrong + word.slice(middle + 1),
            ].filter((typo) => typo !== word);
        };
        for (const command of specs) {
            it(`${command.spec.name}: a typo of any of its options is answered with that option`, function () {
                const names = Object.keys(command.spec.options);
                for (const name of names) {
                    for (const typo of typos(name)) {
                        if (names.includes(typo)) continue;
                        assert.throws(() => command.parse([`--${typo}`, "1"]), { name: "UsageError", message: `unknown option --${typo}. Did you mean --${name}?` });
                    }
                }
            });
        }

        it("answers the issue's --sinse with --since", function () {
            assert.throws(() => backfillCommand.parse(["--sinse", "2025-01-31"]), { message: "unknown option --sinse. Did you mean --since?" });
        });
    });

    describe("values", function () {
        it("reads whole numbers within a range, else a usage error naming the option", function () {
            assert.equal(integerFlag("port", "4242", 0, 65535), 4242);
            assert.throws(() => integerFlag("port", "42.5", 0, 65535), { name: "UsageError", message: '--port must be a whole number from 0 to 65535, not "42.5"' });
            assert.throws(() => integerFlag("events", "0", 1, 10), { message: '--events must be a whole number from 1 to 10, not "0"' });
        });

        it("reads dates as midnight UTC and date-times only with a zone", function () {
            assert.deepEqual(parseTime("2025-01-31", "--since"), new Date("2025-01-31T00:00:00Z"));
            assert.deepEqual(parseTime("2025-01-31T12:00:00+01:00", "--since"), new Date("2025-01-31T11:00:00Z"));
            assert.throws(() => parseTime("2025-01-31T12:00:00", "--since"), { name: "UsageError", message: /^--since "2025-01-31T12:00:00" is not a date/ });
            assert.throws(() => parseTime("2025-02-30", "--since"), { name: "UsageError" }, "not rolled over to March");
            assert.throws(() => parseTime("2025-13-01T00:00:00Z", "--since"), { name: "UsageError" });
        });
    });
});
