/**
 * Benchmark of the local report: generates a lake of Stripe events (default 100,000) in a temporary
 * folder, then times `npm run report -- --lake DIR --json` end to end and its two stages in-process
 * (loading the lake into DuckDB, running the views and saved queries).
 *
 *   npm run bench:report [-- --events N]
 *
 * The history is deterministic (seeded): customers sign up through Checkout on monthly, quarterly
 * or yearly prices in four currencies, renew monthly with some failed attempts, change quantity and
 * churn, so every view and query has work to do.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { random } from "../fixtures/saasHistory";
import { stripeEvent, TestEvent } from "../fixtures/stripeEvents";
import { checkoutSession, ItemSpec, paymentIntent, PriceSpec, subscription, SubscriptionSpec, writeLake } from "../fixtures/stripeObjects";
import { CliIo, defineCommand, integerFlag, runMain } from "../lib/cli";
import { openLake } from "../report/lake";
import { buildReport, summarize } from "../report/metrics";

export const benchReportCommand = defineCommand({
    name: "bench:report",
    summary: "Benchmark of the local report on a generated lake of Stripe events.",
    description:
        "Writes a deterministic history of N events to a temporary folder, times `npm run report -- --lake DIR --json` end to end, " +
        "then its two stages in-process: loading the lake into DuckDB, and running the views and saved queries. The folder is removed afterwards.",
    options: {
        events: { type: "string", default: "100000", placeholder: "N", description: "events in the generated lake, 1 to 10,000,000" },
    },
    examples: ["npm run bench:report", "npm run bench:report -- --events 5000"],
});

const CURRENCIES = ["usd", "eur", "gbp", "jpy"];
const PLANS: Omit<PriceSpec, "id" | "currency" | "product">[] = [
    { unitAmount: 1500, interval: "month" },
    { unitAmount: 4900, interval: "month" },
    { unitAmount: 12000, interval: "month", intervalCount: 3 },
    { unitAmount: 49000, interval: "year" },
];
const START = Date.UTC(2024, 0, 1) / 1000;
const DAY = 86400;

export function generateEvents(count: number, seed = 42): TestEvent[] {
    const rand = random(seed);
    const events: TestEvent[] = [];
    let n = 0;
    const id = (prefix: string) => `${prefix}_${(++n).toString(36).padStart(10, "0")}`;
    const emit = (type: string, time: number, object: TestEvent["data"]["object"]) => events.push(stripeEvent(type, object, Math.floor(time), { id: id("evt") }));
    while (events.length < count) {
        const currency = CURRENCIES[Math.floor(rand() * CURRENCIES.length)];
        const plan = PLANS[Math.floor(rand() * PLANS.length)];
        const price: PriceSpec = { ...plan, id: `price_${currency}${plan.unitAmount}`, currency, product: `prod_${plan.unitAmount}` };
        const customer = id("cus");
        let time = START + rand() * 540 * DAY;
        let state: SubscriptionSpec = { id: id("sub"), customer, currency, status: "active", created: Math.floor(time), items: [{ id: id("si"), price, quantity: 1 + Math.floor(rand() * 3) } as ItemSpec] };
        const pay = (at: number, amount: number) => {
            const pi = id("pi");
            if (rand() < 0.15) {
                emit("payment_intent.payment_failed", at, paymentIntent({ id: pi, customer, currency, amount, status: "requires_payment_method", created: Math.floor(at), failure: { code: "card_declined", declineCode: "insufficient_funds" } }));
                at += DAY;
            }
            emit("payment_intent.succeeded", at, paymentIntent({ id: pi, customer, currency, amount, amountReceived: amount, status: "succeeded", created: Math.floor(at) }));
        };
        const amount = () => state.items.reduce((sum, item) => sum + (item.price.unitAmount ?? 0) * (item.quantity ?? 0), 0);
        emit("checkout.session.completed", time, checkoutSession({ id: id("cs"), customer, currency, amountTotal: amount(), mode: "subscription", created: Math.floor(time) - 60, subscription: state.id }));
        emit("customer.subscription.created", time, subscription(state));
        pay(time + 2, amount());
        const renewals = Math.floor(rand() * 12);
        for (let r = 0; r < renewals && time < START + 700 * DAY; r++) {
            time += 30 * DAY;
            if (rand() < 0.1) {
                state = { ...state, items: state.items.map((item) => ({ ...item, quantity: (item.quantity ?? 1) + 1 })) };
            }
            emit("customer.subscription.updated", time, subscription(state));
            pay(time + 5, amount());
        }
        if (rand() < 0.3) {
            time += 10 * DAY;
            state = { ...state, status: "canceled", canceledAt: Math.floor(time), endedAt: Math.floor(time) };
            emit("customer.subscription.deleted", time, subscription(state));
        }
    }
    return events.slice(0, count);
}

function seconds(since: bigint): string {
    return (Number(process.hrtime.bigint() - since) / 1e9).toFixed(2);
}

export async function main(argv: string[], io: CliIo): Promise<number> {
    return benchReportCommand.run(argv, io, async (flags) => {
        const print = (line: string) => io.stdout.write(`${line}\n`);
        const count = integerFlag("events", flags.events, 1, 10_000_000);
        const lakeDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-lake-"));
        try {
            let t = process.hrtime.bigint();
            const events = generateEvents(count);
            writeLake(lakeDir, events);
            print(`generated and wrote ${events.length} events (one file each) in ${seconds(t)} s`);

            t = process.hrtime.bigint();
            const stdout = execFileSync("npm", ["run", "--silent", "report", "--", "--lake", lakeDir, "--json"], { cwd: path.resolve(__dirname, ".."), encoding: "utf8" });
            print(`npm run report -- --lake DIR --json: ${seconds(t)} s (currencies: ${Object.keys(JSON.parse(stdout)).join(", ")})`);

            t = process.hrtime.bigint();
            const lake = await openLake(lakeDir);
            print(`  load ${lake.eventCount} events into DuckDB: ${seconds(t)} s`);
            t = process.hrtime.bigint();
            const report = await buildReport(lake);
            summarize(report);
            lake.close();
            print(`  views and the four metric queries: ${seconds(t)} s`);
            print(`machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "unknown"}), Node ${process.version}`);
        } finally {
            fs.rmSync(lakeDir, { recursive: true, force: true });
        }
    });
}

if (require.main === module) {
    runMain(main);
}
