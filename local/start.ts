/**
 * `npm start`: the pipeline on this machine, fed by `stripe listen` (itself with --listen) or `npm run demo`.
 *   npm start -- [--stack dev] [--port 4242] [--lake .lake] [--dead-letter DIR] [--journal DIR] [--ingestion webhook|eventbridge] [--listen]
 */
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import { CliIo, defineCommand, FAILURE_EXIT_CODE, integerFlag, runMain } from "../lib/cli";
import { LAYER_DIR } from "../report/layer";
import { JOURNAL_OPTION } from "../lib/journal";
import { DEAD_LETTER_OPTION, LAKE_OPTION } from "../lib/lakeStore";
import { LOCAL_PARTNER_SOURCE } from "../lib/eventBridge";
import { JobRun, startPeriodicJob } from "../lib/periodicJob";
import { INGESTION_OPTION, loadStackConfig, STACK_OPTION, withIngestion } from "../lib/stackConfig";
import { liveDashboard } from "../report/live";
import { LocalPipeline, OutcomeRecord } from "./pipeline";
import { listenerEndedMessage, listenSecret, startListener } from "./listen";
import { stopServer, startServer } from "./server";

export const startCommand = defineCommand({
    name: "start",
    summary: "Runs the Stripe → receiver → bus → rule → workflow → lake path on this machine.",
    description:
        "Serves the receiver on http://127.0.0.1:<port>/webhook and prints one line per event: where it was stored, or why not. " +
        "Signing secret: STRIPE_WEBHOOK_SECRET (the whsec_ that `stripe listen` prints), or a generated one. " +
        `With --ingestion eventbridge the URL stands in for Stripe's delivery to EventBridge instead: it takes the Stripe event, checks no signature, ` +
        `and puts it on the bus as a partner event of ${LOCAL_PARTNER_SOURCE}. ` +
        "An event answered 200 is in the bus's journal on disk before the answer; after a crash the next start runs the journal's unfinished events again. " +
        "Ctrl-C stops within a few seconds (events not finished by then stay in the journal); a second Ctrl-C stops at once.\n\n" +
        "--listen also runs the Stripe CLI (the executable STRIPE_CLI names, else @stripe/cli installed with `npm install --no-save @stripe/cli`, else `stripe` on the PATH): `stripe listen --print-secret` " +
        "for the signing secret of your account's test-mode events, then `stripe listen --forward-to` the twin's URL, its lines shown as [stripe] ...; " +
        "`npx stripe trigger customer.subscription.created` from another terminal sends one. The Stripe CLI needs a key: STRIPE_API_KEY=sk_test_... " +
        "or `npx stripe login` once. The receiver then accepts both the CLI's secret and STRIPE_WEBHOOK_SECRET (or the generated one, for npm run demo -- --url). " +
        "If `stripe listen` ends by itself, the twin stops and exits 1.",
    options: {
        stack: STACK_OPTION,
        port: { type: "string", default: "4242", placeholder: "N", description: "port to listen on, 0 for any free one" },
        lake: LAKE_OPTION,
        "dead-letter": DEAD_LETTER_OPTION,
        journal: JOURNAL_OPTION,
        ingestion: INGESTION_OPTION,
        "retry-delay": {
            type: "string",
            placeholder: "MS",
            defaultText: "the deployed workflow's backoff",
            description: "wait this many milliseconds between the workflow's retries instead, to try faults quickly",
        },
        listen: { type: "boolean", description: "also run `stripe listen --forward-to` this twin, with the secret it prints (a Stripe test key or `stripe login` needed)" },
        "compact-every": {
            type: "string",
            placeholder: "MINUTES",
            description: "also compact the lake every N minutes (1 to 1440) in a child process, `npm run compact -- --lake`, so `npm run report` stays fast",
        },
    },
    examples: [
        "npm start",
        "STRIPE_WEBHOOK_SECRET=whsec_... npm start -- --port 4343 --lake /tmp/lake",
        "npm start -- --ingestion eventbridge",
        "npm start -- --compact-every 10",
        "STRIPE_API_KEY=sk_test_... npm start -- --listen",
    ],
});

/** One line for a background compaction run: what `npm run compact -- --json` said, or why it failed. */
export function formatCompaction(run: JobRun): string {
    if (run.code === 0) {
        const result = JSON.parse(run.stdout) as { files: number; inserted: number };
        return `[compact] ${result.inserted} new event(s) compacted${result.files > result.inserted ? `, ${result.files - result.inserted} already there` : ""}`;
    }
    return `[compact] failed${run.code === null ? " (stopped)" : ` with exit code ${run.code}`}: ${run.stderr.trim().split("\n").pop() ?? ""}`;
}

/** The local signing secret: STRIPE_WEBHOOK_SECRET (as `stripe listen` prints it) or a fresh one. */
export function localSigningSecret(env: CliIo["env"]): { secret: string; generated: boolean } {
    const fromEnv = env.STRIPE_WEBHOOK_SECRET?.trim();
    if (fromEnv) {
        if (!fromEnv.startsWith("whsec_")) throw new Error("STRIPE_WEBHOOK_SECRET must be a webhook signing secret (whsec_...)");
        return { secret: fromEnv, generated: false };
    }
    return { secret: `whsec_local${randomBytes(24).toString("hex")}`, generated: true };
}

export function formatOutcome(record: OutcomeRecord, total: number, lakeDir: string): string {
    const where = record.outcome === "stored" || record.outcome === "oversize" ? path.join(lakeDir, record.where ?? "") : record.outcome === "parked" ? `dead-letter message ${record.where}` : record.detail ?? "";
    return `[${String(total).padStart(5)}] ${record.outcome.padEnd(8)} ${(record.type ?? "-").padEnd(36)} ${(record.id ?? "-").padEnd(30)} ${where}`;
}

/** Events still running this long after Ctrl-C are stopped; they stay in the journal. */
const STOP_GRACE_MS = 2000;

/** The first Ctrl-C (or SIGTERM) resolves; a second one ends the process at once. */
const untilSignalled = () =>
    new Promise<void>((resolve) => {
        const first = () => {
            process.off("SIGINT", first).off("SIGTERM", first);
            process.once("SIGINT", () => process.exit(130)).once("SIGTERM", () => process.exit(143));
            resolve();
        };
        process.once("SIGINT", first).once("SIGTERM", first);
    });

/** How a folder is shown: relative when inside the working directory, absolute otherwise. */
function shown(cwd: string, dir: string): string {
    const relative = path.relative(cwd, dir);
    return relative === "" ? "." : relative.startsWith("..") ? dir : relative;
}

/** Runs until `stopped` resolves (by default Ctrl-C or SIGTERM), then finishes or journals the events in flight. */
export async function main(argv: string[], io: CliIo, stopped: () => Promise<void> = untilSignalled): Promise<number> {
    return startCommand.run(argv, io, async (flags) => {
        const print = (line: string) => io.stdout.write(`${line}\n`);
        const port = integerFlag("port", flags.port, 0, 65535);
        const config = withIngestion(loadStackConfig(flags.stack), flags.ingestion);
        const eventBridge = config.settings.ingestion === "eventbridge";
        // Stripe's EventBridge delivery has no signature, so that mode needs no secret.
        const { secret, generated } = eventBridge ? { secret: "", generated: false } : localSigningSecret(io.env);
        // Before anything starts: a missing key or CLI is one error line, not a twin that receives nothing.
        const cliSecret = flags.listen && !eventBridge ? listenSecret(io) : undefined;
        const lakeDir = path.resolve(io.cwd, flags.lake);
        const shownLake = shown(io.cwd, lakeDir);
        const given = (flag: string | undefined) => (flag === undefined ? undefined : path.resolve(io.cwd, flag));

        let events = 0;
        const pipeline = new LocalPipeline({
            settings: config.settings,
            lakeDir,
            deadLetterDir: given(flags["dead-letter"]),
            journalDir: given(flags.journal),
            retryDelayMs: flags["retry-delay"] === undefined ? undefined : integerFlag("retry-delay", flags["retry-delay"], 0, 600_000),
            signingSecrets: [cliSecret, secret].filter((s): s is string => Boolean(s)),
            onOutcome: (record) => print(formatOutcome(record, ++events, shownLake)),
        });
        const dashboard = liveDashboard({ lakeDir, lakePrefix: config.settings.lakePrefix, metricSettings: config.settings.metricSettings });
        const server = await startServer(pipeline, port, "127.0.0.1", dashboard).catch((error: NodeJS.ErrnoException) => {
            throw new Error(error.code === "EADDRINUSE" ? `port ${port} is already in use; stop the other process or pass --port <n>` : `cannot listen on 127.0.0.1:${port}: ${error.message}`);
        });
        let resumed;
        try {
            resumed = await pipeline.start();
        } catch (error) {
            await stopServer(server);
            throw error;
        }

        const compactEvery = flags["compact-every"] === undefined ? undefined : integerFlag("compact-every", flags["compact-every"], 1, 1440);
        // A child process: the compaction's file reads and DuckDB work stay off the server's event loop.
        const compaction =
            compactEvery === undefined
                ? undefined
                : startPeriodicJob({
                      command: "npm",
                      args: ["run", "--silent", "compact", "--", "--lake", lakeDir, "--prefix", config.settings.lakePrefix, "--json"],
                      cwd: path.resolve(__dirname, ".."),
                      intervalMs: compactEvery * 60_000,
                      onRun: (run) => print(formatCompaction(run)),
                  });

        const types = [...config.settings.eventTypes.exact, ...config.settings.eventTypes.prefixes.map((p) => `${p}*`)];
        const url = `http://127.0.0.1:${server.port}/webhook`;
        if (eventBridge) {
            print(`stripe-analytics local pipeline, stack "${config.stack}" (${path.basename(config.file)}), ingestion eventbridge`);
            print(`  listening  ${url}   stands in for Stripe's delivery to EventBridge: POST a Stripe event, no signature`);
            print(`  source     ${LOCAL_PARTNER_SOURCE} (the partner event source the rule matches)`);
        } else {
            print(`stripe-analytics local pipeline, stack "${config.stack}" (${path.basename(config.file)})`);
            print(`  listening  ${url}`);
        }
        print(`  dashboard  http://127.0.0.1:${server.port}/   (docs/dashboard.md)`);
        print(`  archives   ${types.join(", ")}`);
        print(`  lake       ${lakeDir}/${config.settings.lakePrefix}/   dead letters: ${pipeline.deadLetterQueue.dir}/`);
        print(`  journal    ${pipeline.journalDir}/`);
        if (resumed.recovered > 0 || resumed.temporaryFilesRemoved > 0 || resumed.unreadableJournalLines > 0) {
            print(
                `  resumed    ${resumed.recovered} accepted event(s) from the journal, run again now; ${resumed.temporaryFilesRemoved} temporary file(s) of interrupted writes removed` +
                    (resumed.unreadableJournalLines > 0 ? `; ${resumed.unreadableJournalLines} journal line(s) cut short by the crash skipped (never acknowledged)` : ""),
            );
        }
        const deadLetterFlag = flags["dead-letter"] === undefined ? "" : ` --dead-letter ${shown(io.cwd, pipeline.deadLetterQueue.dir)}`;
        if (compactEvery !== undefined) print(`  compacts   every ${compactEvery} min into ${path.join(shownLake, LAYER_DIR)}/ (npm run report reads it)`);
        if (!eventBridge) {
            const others = generated ? `${secret} (generated; set STRIPE_WEBHOOK_SECRET to use another)` : "from STRIPE_WEBHOOK_SECRET";
            print(`  secret     ${cliSecret ? `the Stripe CLI's (stripe listen --print-secret), and ${others}` : others}`);
        }
        const listener = flags.listen ? startListener(io, url, print) : undefined;
        if (listener) {
            print(`  stripe     stripe listen --forward-to ${url}   (its lines below, as [stripe] ...)`);
            print(`Send a test-mode event from another terminal:`);
        } else {
            print(`Feed it real test-mode events: restart with --listen (it runs stripe listen --forward-to this URL; STRIPE_API_KEY or npx stripe login first), then`);
        }
        print(`  npx stripe trigger customer.subscription.created`);
        print(`or the bundled samples, from another terminal (same --stack and --lake${eventBridge ? " and --ingestion" : ""}):`);
        // A secret from the environment is the user's own: never print it.
        print(
            eventBridge
                ? `  npm run demo -- --url ${url} --lake ${shownLake}${deadLetterFlag} --ingestion eventbridge`
                : `  STRIPE_WEBHOOK_SECRET=${generated ? secret : "<from your environment>"} npm run demo -- --url ${url} --lake ${shownLake}${deadLetterFlag}`,
        );
        print(`Ctrl-C stops.`);

        const listenerEnded = listener?.exited.then((exit) => ({ exit }));
        const ended = await Promise.race([stopped().then(() => undefined), ...(listenerEnded ? [listenerEnded] : [])]);
        if (ended) io.stderr.write(`error: ${listenerEndedMessage(ended.exit)}\n`);
        await listener?.stop();
        print(`\nstopping: finishing events in flight (at most ${STOP_GRACE_MS / 1000} s; the rest stays in the journal) ...`);
        await compaction?.stop();
        await stopServer(server);
        await pipeline.stop(STOP_GRACE_MS);
        const c = pipeline.counts;
        print(`received ${c.received}, stored ${c.stored + c.oversize}, ignored ${c.ignored}, parked ${c.parked}, rejected ${c.rejected}, failed ${c.failed}`);
        const left = pipeline.bus.unfinished;
        if (left > 0) {
            print(
                `journal: ${left} accepted event(s) neither stored nor parked yet (${pipeline.bus.redelivering} after a failed run): ` +
                    `the next npm start on this lake runs them again (${pipeline.journalDir})`,
            );
        }
        return ended ? FAILURE_EXIT_CODE : 0;
    });
}

if (require.main === module) {
    runMain(main);
}
