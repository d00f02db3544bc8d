/**
 * `npm run sample -- --lake DIR --customers N --months M`: writes the deterministic SaaS history of
 * fixtures/saasHistory.ts into a lake folder, in the lake layout (objectKey, compact JSON), for
 * `npm run report` and the dashboard to show (docs/dashboard.md).
 */
import * as path from "node:path";
import { validateLakePrefix } from "../components/lake/layout";
import { DEFAULT_LAKE_PREFIX } from "../components/lake/layout";
import { saasHistory } from "../fixtures/saasHistory";
import { writeLake } from "../fixtures/stripeObjects";
import { CliIo, defineCommand, integerFlag, parseTime, runMain } from "../lib/cli";

export const sampleCommand = defineCommand({
    name: "sample",
    summary: "Writes a deterministic, realistic SaaS history of Stripe events into a lake folder.",
    description:
        "Customers sign up through Checkout (some with a trial, some with a coupon) on monthly or yearly plans in USD and JPY, renew, " +
        "fail payments and go through dunning, upgrade, downgrade, cancel at period end and come back. Live-mode events, written " +
        "where the pipeline writes them (DIR/<prefix>/type=<type>/dt=<day>/<id>.json). The same options give the same events, so a " +
        "second run rewrites the same files.",
    options: {
        lake: { type: "string", default: ".sample-lake", placeholder: "DIR", description: "the folder that stands for the bucket" },
        prefix: { type: "string", default: DEFAULT_LAKE_PREFIX, placeholder: "PREFIX", description: "key prefix of the events" },
        customers: { type: "string", default: "200", placeholder: "N", description: "customers who sign up, 1 to 100,000" },
        months: { type: "string", default: "12", placeholder: "M", description: "months of history, 1 to 120" },
        start: { type: "string", default: "2025-01-01", placeholder: "DATE", description: "first day of the history (UTC)" },
        seed: { type: "string", default: "1", placeholder: "N", description: "another seed gives another history of the same shape" },
    },
    examples: ["npm run sample -- --lake /tmp/lake --customers 300 --months 12", "npm run report -- --lake /tmp/lake --html /tmp/dashboard.html"],
});

export async function main(argv: string[], io: CliIo): Promise<number> {
    return sampleCommand.run(argv, io, async (flags) => {
        const customers = integerFlag("customers", flags.customers, 1, 100_000);
        const months = integerFlag("months", flags.months, 1, 120);
        const seed = integerFlag("seed", flags.seed, 0, 2 ** 31 - 1);
        const start = parseTime(flags.start, "--start").toISOString().slice(0, 10);
        const prefix = validateLakePrefix(flags.prefix, "--prefix");
        const events = saasHistory({ customers, months, start, seed });
        const lakeDir = path.resolve(io.cwd, flags.lake);
        writeLake(lakeDir, events, prefix);
        io.stdout.write(`Wrote ${events.length} events of ${customers} customers over ${months} months from ${start} to ${lakeDir}/${prefix}/\n`);
        io.stdout.write(`Next: npm run report -- --lake ${flags.lake} --html dashboard.html\n`);
    });
}

if (require.main === module) {
    runMain(main);
}
