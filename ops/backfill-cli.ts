/**
 * `npm run backfill -- --since <date>`: stores Stripe's events of the stack's types from <date> on
 * in the lake, at the keys live delivery uses (see ops/backfill.ts). With `--objects`, lists
 * subscriptions, payment intents or checkout sessions instead, for history older than the 30 days
 * of events Stripe keeps.
 */
import * as path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import Stripe from "stripe";
import { CliIo, defineCommand, integerFlag, parseTime, runMain, TIME_FORMS, UsageError } from "../lib/cli";
import { progressLine } from "../lib/progress";
import { loadStackConfig, STACK_OPTION } from "../lib/stackConfig";
import { deployedValue, stackOutputsReader } from "../lib/stackOutputs";
import { BackfillSource, EVENTS_RETENTION_DAYS, eventSources, fileCheckpoint, LIFECYCLE_KINDS, OBJECT_KINDS, ObjectKind, objectSources, runBackfill } from "./backfill";
import { directoryLake, LakeWriter, s3Lake } from "./lake";

export const backfillCommand = defineCommand({
    name: "backfill",
    summary: "Stores the Stripe events of the stack's event types created since a date in the lake, from Stripe's API.",
    description:
        "Stores the Stripe events of the stack's event types created since --since in the lake, at the key live delivery uses " +
        `(so nothing is stored twice). Stripe keeps events for ${EVENTS_RETENTION_DAYS} days. ` +
        "Needs STRIPE_API_KEY (a restricted key with read access is enough). An interrupted run resumes from its checkpoint." +
        "\n\n" +
        "Older history: --objects lists subscriptions, payment intents or checkout sessions instead and turns them into events " +
        "of the configured types, up to --until, the day from which the lake already has the real events " +
        "(the pipeline's first day, or the --since of an events backfill).",
    options: {
        since: { type: "string", required: true, placeholder: "DATE", description: `start of the window: ${TIME_FORMS}` },
        lake: { type: "string", placeholder: "DIR", description: "write to a local lake folder instead of the bucket" },
        bucket: { type: "string", placeholder: "NAME", defaultText: "stack output bucketName", description: "the lake bucket to write to" },
        stack: { ...STACK_OPTION, description: "stack whose Pulumi.<stack>.yaml gives the event types and lake prefix" },
        checkpoint: { type: "string", placeholder: "FILE", defaultText: ".backfill/<stack>-events.json, or -objects.json", description: "where progress is kept to resume an interrupted run" },
        concurrency: { type: "string", default: "8", placeholder: "N", description: "parallel writes, 1 to 64" },
        objects: { type: "string", placeholder: "KINDS", description: `list objects instead of events, comma-separated: ${OBJECT_KINDS.join(", ")}` },
        until: { type: "string", placeholder: "DATE", description: "end of the window, required with --objects: the day from which the lake already has the real events" },
    },
    examples: ["npm run backfill -- --since 2025-01-31 --lake .lake", "npm run backfill -- --since 2024-01-01 --until 2025-01-31 --objects subscriptions,checkout_sessions"],
});

export interface BackfillClients {
    stripe(apiKey: string, apiVersion: string | undefined): Stripe;
    /** `region` is the stack's `aws:region`; undefined leaves it to the AWS SDK's usual lookup. */
    s3(region: string | undefined): Pick<S3Client, "send">;
}

const realClients: BackfillClients = {
    // maxNetworkRetries covers connection errors and 5xx; 429 is handled by the backfill's backoff.
    stripe: (apiKey, apiVersion) => new Stripe(apiKey, { maxNetworkRetries: 3, ...(apiVersion ? { apiVersion: apiVersion as Stripe.LatestApiVersion } : {}) }),
    s3: (region) => new S3Client({ region, followRegionRedirects: true }),
};

function parseKinds(value: string): ObjectKind[] {
    const kinds = value.split(",").map((k) => k.trim());
    const unknown = kinds.filter((k) => !(OBJECT_KINDS as readonly string[]).includes(k));
    if (unknown.length > 0 || kinds.length === 0) {
        throw new UsageError(`--objects ${JSON.stringify(value)}: ${unknown.join(", ")} not one of ${OBJECT_KINDS.join(", ")}`);
    }
    return kinds as ObjectKind[];
}

export async function main(argv: string[], io: CliIo, clients: BackfillClients = realClients): Promise<number> {
    return backfillCommand.run(argv, io, async (flags) => {
        const now = io.now();
        const since = parseTime(flags.since, "--since");
        const concurrency = integerFlag("concurrency", flags.concurrency, 1, 64);
        const kinds = flags.objects === undefined ? undefined : parseKinds(flags.objects);
        if (kinds && flags.until === undefined) {
            throw new UsageError("--until is required with --objects: the day from which the lake already has the real events, so listed objects do not double them");
        }
        if (!kinds && flags.until !== undefined) {
            throw new UsageError("--until only goes with --objects; an events backfill runs up to now");
        }
        const until = flags.until === undefined ? now : parseTime(flags.until, "--until");
        if (since.getTime() >= until.getTime()) {
            throw new UsageError(`--since ${since.toISOString()} must be before ${kinds ? `--until ${until.toISOString()}` : "now"}`);
        }
        if (flags.lake !== undefined && flags.bucket !== undefined) {
            throw new UsageError("--lake and --bucket are two destinations; pass one");
        }
        const apiKey = io.env.STRIPE_API_KEY;
        if (!apiKey) {
            throw new UsageError("STRIPE_API_KEY is not set: export a Stripe secret or restricted key with read access to events and the listed objects");
        }

        const stack = flags.stack;
        const config = loadStackConfig(stack, io.cwd);
        const stripeApiVersion = config.args.stripeApiVersion as string | undefined;
        let lake: LakeWriter;
        if (flags.lake !== undefined) {
            lake = directoryLake(path.resolve(io.cwd, flags.lake));
        } else {
            const bucket = deployedValue(flags, "bucket", stackOutputsReader(io.exec, io.cwd, stack), "bucketName");
            lake = s3Lake(clients.s3(config.region), bucket);
        }

        const { lakePrefix, eventTypes } = config.settings;
        const stripe = clients.stripe(apiKey, kinds ? stripeApiVersion : undefined);
        const types = eventTypes.enabledEvents;
        const sources: BackfillSource[] = kinds ? objectSources(stripe, kinds, stripeApiVersion ?? Stripe.API_VERSION) : eventSources(stripe, types);
        const mode = kinds ? "objects" : "events";
        const job = `${mode} ${kinds ? kinds.join(",") : types.join(",")} since ${since.toISOString()}${kinds ? ` until ${until.toISOString()}` : ""} to ${lake.location}/${lakePrefix}`;
        const checkpoint = fileCheckpoint(path.resolve(io.cwd, flags.checkpoint ?? path.join(".backfill", `${stack}-${mode}.json`)));

        if (!kinds && now.getTime() - since.getTime() > EVENTS_RETENTION_DAYS * 86400_000) {
            io.stderr.write(
                `Note: Stripe keeps events for ${EVENTS_RETENTION_DAYS} days, so nothing older than ${new Date(now.getTime() - EVENTS_RETENTION_DAYS * 86400_000).toISOString().slice(0, 10)} comes back. ` +
                    `For older history run with --objects ${LIFECYCLE_KINDS.join(",")} --until <the first day the lake has>.\n`,
            );
        }
        io.stdout.write(`Backfilling ${kinds ? kinds.join(", ") : `${types.length} event types`} since ${since.toISOString()} into ${lake.location}/${lakePrefix} (checkpoint ${checkpoint.location})\n`);
        const progress = progressLine(io.stderr, () => io.now().getTime());
        const result = await runBackfill({
            job,
            sources,
            since: Math.floor(since.getTime() / 1000),
            until: Math.floor(until.getTime() / 1000),
            selected: (type) => types.includes(type),
            lake,
            lakePrefix: lakePrefix,
            checkpoint,
            sleep: io.sleep,
            concurrency,
            maxRateLimitRetries: 8,
            onPage: (p) =>
                progress.update(p.fraction, `${p.stored} stored, page ${p.pages} of ${p.source}${p.reached ? `, at ${new Date(p.reached * 1000).toISOString().slice(0, 10)}` : ""}`),
            onRateLimited: (delay) => io.stderr.write(`\nStripe answered 429 (rate limited); retrying in ${delay / 1000} s\n`),
        });
        progress.finish();
        io.stdout.write(
            `${result.resumedFrom ? `Resumed after ${result.resumedFrom.startingAfter ?? "a finished source"}; ` : ""}stored ${result.stored} events in ${result.pages} pages` +
                `${result.skipped ? `, skipped ${result.skipped} of types the stack does not archive` : ""}` +
                `${result.rateLimitedRetries ? `, waited out ${result.rateLimitedRetries} rate-limited requests` : ""}\n`,
        );
        return 0;
    });
}

if (require.main === module) {
    runMain(main);
}
