/**
 * `npm start`: the pipeline on this machine, fed by `stripe listen` or `npm run demo`.
 *   npm start -- [--stack dev] [--port 4242] [--lake .lake]
 */
import * as path from "node:path";
import { integerFlag, loadConfigFor, localSigningSecret, parseFlags, runCli } from "./cli";
import { LocalPipeline, OutcomeRecord } from "./pipeline";
import { startServer } from "./server";

const USAGE = `npm start -- [--stack dev] [--port 4242] [--lake .lake]
Runs the Stripe → receiver → bus → rule → workflow → lake path locally on http://127.0.0.1:<port>/webhook.
Signing secret: STRIPE_WEBHOOK_SECRET (the whsec_ that \`stripe listen\` prints), or a generated one.`;

export function formatOutcome(record: OutcomeRecord, total: number, lakeDir: string): string {
    const where = record.outcome === "stored" || record.outcome === "oversize" ? path.join(lakeDir, record.where ?? "") : record.outcome === "parked" ? `dead-letter message ${record.where}` : record.detail ?? "";
    return `[${String(total).padStart(5)}] ${record.outcome.padEnd(8)} ${(record.type ?? "-").padEnd(36)} ${(record.id ?? "-").padEnd(30)} ${where}`;
}

runCli(async () => {
    const flags = parseFlags({ port: { type: "string", default: "4242" } }, USAGE);
    const port = integerFlag("port", String(flags.port), 0, 65535);
    const config = loadConfigFor(flags.stack);
    const { secret, generated } = localSigningSecret();
    const lakeDir = path.resolve(flags.lake);
    // Paths inside the working directory print relative, others absolute.
    const relative = path.relative(process.cwd(), lakeDir);
    const shownLake = relative === "" ? "." : relative.startsWith("..") ? lakeDir : relative;

    let events = 0;
    const pipeline = new LocalPipeline({
        settings: config.settings,
        lakeDir,
        signingSecrets: [secret],
        onOutcome: (record) => console.log(formatOutcome(record, ++events, shownLake)),
    });
    const server = await startServer(pipeline, port).catch((error: NodeJS.ErrnoException) => {
        throw new Error(error.code === "EADDRINUSE" ? `port ${port} is already in use; stop the other process or pass --port <n>` : `cannot listen on 127.0.0.1:${port}: ${error.message}`);
    });

    const types = [...config.settings.eventTypes.exact, ...config.settings.eventTypes.prefixes.map((p) => `${p}*`)];
    console.log(`stripe-analytics local pipeline, stack "${config.stack}" (${path.basename(config.file)})`);
    console.log(`  listening  http://127.0.0.1:${server.port}/webhook`);
    console.log(`  archives   ${types.join(", ")}`);
    console.log(`  lake       ${lakeDir}/${config.settings.lakePrefix}/   dead letters: ${pipeline.deadLetterQueue.dir}/`);
    console.log(`  secret     ${generated ? `${secret} (generated; set STRIPE_WEBHOOK_SECRET to use another)` : "from STRIPE_WEBHOOK_SECRET"}`);
    console.log(`Feed it with the Stripe CLI:`);
    console.log(`  stripe listen --forward-to localhost:${server.port}/webhook   # then restart with STRIPE_WEBHOOK_SECRET=<the whsec_ it prints>`);
    console.log(`  stripe trigger customer.subscription.created`);
    console.log(`or with the bundled samples, from another terminal (same --stack and --lake):`);
    console.log(`  STRIPE_WEBHOOK_SECRET=${secret} npm run demo -- --url http://127.0.0.1:${server.port}/webhook --lake ${shownLake}`);
    console.log(`Ctrl-C stops.`);

    await new Promise<void>((resolve) => process.once("SIGINT", resolve).once("SIGTERM", resolve));
    console.log("\nstopping: finishing events in flight ...");
    await new Promise((resolve) => server.close(resolve));
    await pipeline.idle();
    const c = pipeline.counts;
    console.log(`received ${c.received}, stored ${c.stored + c.oversize}, ignored ${c.ignored}, parked ${c.parked}, rejected ${c.rejected}, failed ${c.failed}`);
});
