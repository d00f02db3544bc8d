/**
 * Benchmark of the receiver's cold start, the part of a first delivery that is on Stripe's clock.
 *
 *   npm run bench:coldstart            (BENCH_RUNS=N for more or fewer runs per path; default 21)
 *
 * Every run is a fresh Node process, timed from just before its first require (Node's own start-up
 * is the same for every path and left out). The AWS SDK v3 comes from node_modules through
 * NODE_PATH, the way the Lambda runtime resolves the copy it ships; AWS is a stand-in on 127.0.0.1
 * (AWS_ENDPOINT_URL) answering GetSecretValue and PutEvents, so no figure includes a network.
 * Each path is timed at two points:
 * - floor: load @aws-sdk/client-eventbridge and construct its client (the one client every request
 *   needs); then its first PutEvents;
 * - ours: load the bundle the component deploys (bundleReceiver(), from `npm run build`); then its
 *   first signed event (the secret read, verification and PutEvents);
 * - two ways of reading the signing secret on top of the floor, the choice receiver/secrets.ts
 *   explains: @aws-sdk/client-secrets-manager (GetSecretValue, then PutEvents), and that module's
 *   signed request (bundled alone by esbuild).
 * "loaded" compares what requiring costs; "first event" compares everything up to the first
 * answer, since work a bundle defers to its first request is still on the clock. Runs of the paths
 * alternate, so a burst of load on a shared machine hits all of them. A script, not a test: it reports.
 */
import * as esbuild from "esbuild";
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { bundleReceiver } from "../components/receiver/bundle";
import { RECEIVER_ENV } from "../components/receiver/env";

const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const GOAL_VS_FLOOR = 1.15;
const SECRET = "whsec_coldStartBenchmark0123456789abcdef";
const PROJECT_ROOT = path.resolve(__dirname, "..");

/** A stand-in for the two AWS APIs the paths call, answering as their JSON protocols do. */
function startAwsStandIn(): Promise<{ server: http.Server; url: string; calls: Map<string, number> }> {
    const calls = new Map<string, number>();
    const answers: Record<string, string> = {
        "secretsmanager.GetSecretValue": JSON.stringify({ ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:bench", Name: "bench", SecretString: SECRET }),
        "AWSEvents.PutEvents": JSON.stringify({ FailedEntryCount: 0, Entries: [{ EventId: "11111111-2222-3333-4444-555555555555" }] }),
    };
    const server = http.createServer((request, response) => {
        const target = String(request.headers["x-amz-target"]);
        calls.set(target, (calls.get(target) ?? 0) + 1);
        request.resume().on("end", () => {
            const answer = answers[target];
            response.writeHead(answer ? 200 : 400, { "content-type": "application/x-amz-json-1.1" });
            response.end(answer ?? JSON.stringify({ __type: "UnknownOperationException" }));
        });
    });
    return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, calls })));
}

/** A small signed delivery, as a function URL passes it. */
function signedRequest(): Record<string, unknown> {
    const created = Math.floor(Date.now() / 1000);
    const body = JSON.stringify(
        { id: "evt_1QColdStartBenchmark00", object: "event", type: "checkout.session.completed", created, data: { object: { id: "cs_test_1", object: "checkout.session", amount_total: 1500 } } },
        null,
        2,
    );
    const signature = createHmac("sha256", SECRET).update(`${created}.${body}`).digest("hex");
    return {
        version: "2.0",
        headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": `t=${created},v1=${signature}` },
        requestContext: { http: { method: "POST" }, requestId: "bench" },
        body,
        isBase64Encoded: false,
    };
}

/** What a child prints on stderr: ms from its first require to loaded and to the first answer. */
interface Sample {
    loaded: number;
    first: number;
}

const REPORT = "process.stderr.write(JSON.stringify({ loaded, first: performance.now() - t0 }))";
/** The floor's child, with `load` run after the EventBridge client is constructed and `read` awaited before its PutEvents. */
const sdkChild = (load = "", read = "") => `
const entry = { Source: "bench", DetailType: "checkout.session.completed", Detail: JSON.parse(process.env.BENCH_REQUEST).body };
const t0 = performance.now();
const { EventBridgeClient, PutEventsCommand } = require("@aws-sdk/client-eventbridge");
const client = new EventBridgeClient({});
${load}
const loaded = performance.now() - t0;
(async () => { ${read}; await client.send(new PutEventsCommand({ Entries: [entry] })); ${REPORT}; })();`;
const FLOOR_CHILD = sdkChild();
const SECRETS_CLIENT_CHILD = sdkChild(
    'const sm = require("@aws-sdk/client-secrets-manager"); const secrets = new sm.SecretsManagerClient({});',
    "await secrets.send(new sm.GetSecretValueCommand({ SecretId: process.env.SIGNING_SECRET_ARN }))",
);
const SIGNED_REQUEST_CHILD = sdkChild('const { getSecretString } = require(process.env.BENCH_SECRETS);', "await getSecretString(process.env.SIGNING_SECRET_ARN)");
const OURS_CHILD = `
const request = JSON.parse(process.env.BENCH_REQUEST);
const t0 = performance.now();
const { handler } = require(process.env.BENCH_BUNDLE);
const loaded = performance.now() - t0;
handler(request).then((response) => {
    if (response.statusCode !== 200) throw new Error("the receiver answered " + response.statusCode + " " + response.body);
    ${REPORT};
});`;

function runChild(code: string, env: Record<string, string>): Promise<Sample> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["-e", code], { env, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("error", reject);
        child.on("close", (status) => {
            try {
                if (status !== 0) throw new Error(`exit ${status}`);
                resolve(JSON.parse(stderr) as Sample);
            } catch (error) {
                reject(new Error(`benchmark child failed (${(error as Error).message}): ${stderr}`));
            }
        });
    });
}

const percentile = (values: number[], p: number): number => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
};
const fmt = (n: number): string => n.toFixed(1);

async function main(): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "receiver-coldstart-"));
    const bundle = path.join(dir, "index.js");
    const code = bundleReceiver();
    fs.writeFileSync(bundle, code);
    const secrets = path.join(dir, "secrets.js");
    esbuild.buildSync({ entryPoints: [path.join(PROJECT_ROOT, "components", "receiver", "secrets.ts")], outfile: secrets, bundle: true, platform: "node", target: "node22", format: "cjs", logLevel: "silent" });
    const aws = await startAwsStandIn();
    const env: Record<string, string> = {
        PATH: process.env.PATH ?? "",
        NODE_PATH: path.join(PROJECT_ROOT, "node_modules"),
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY: "test-secret-access-key-not-real",
        AWS_SESSION_TOKEN: "bench-session-token",
        AWS_ENDPOINT_URL: aws.url,
        // Lambda has no shared config files; a developer's must not change what is measured.
        AWS_CONFIG_FILE: path.join(dir, "none"),
        AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "none"),
        [RECEIVER_ENV.eventBusName]: "bench-bus",
        [RECEIVER_ENV.eventSource]: "stripe-analytics.webhook",
        [RECEIVER_ENV.lakeBucket]: "bench-lake",
        [RECEIVER_ENV.lakePrefix]: "events",
        [RECEIVER_ENV.signingSecretArn]: "arn:aws:secretsmanager:us-east-1:123456789012:secret:bench",
        [RECEIVER_ENV.eventPattern]: JSON.stringify({ source: ["stripe-analytics.webhook"] }),
        BENCH_BUNDLE: bundle,
        BENCH_SECRETS: secrets,
    };
    const paths = [
        { name: "floor: client-eventbridge, then one PutEvents", code: FLOOR_CHILD, samples: [] as Sample[] },
        { name: "ours: the bundle, then its first signed event", code: OURS_CHILD, samples: [] as Sample[] },
        { name: "floor + client-secrets-manager, GetSecretValue", code: SECRETS_CLIENT_CHILD, samples: [] as Sample[] },
        { name: "floor + receiver/secrets.ts, its signed request", code: SIGNED_REQUEST_CHILD, samples: [] as Sample[] },
    ];
    try {
        for (let run = 0; run < RUNS; run++) {
            // A fresh signature each run: the receiver refuses timestamps more than 300 s old.
            const runEnv = { ...env, BENCH_REQUEST: JSON.stringify(signedRequest()) };
            for (let k = 0; k < paths.length; k++) {
                const p = paths[(run + k) % paths.length];
                p.samples.push(await runChild(p.code, runEnv));
            }
        }
    } finally {
        aws.server.close();
        fs.rmSync(dir, { recursive: true, force: true });
    }
    if (aws.calls.get("secretsmanager.GetSecretValue") !== 3 * RUNS || aws.calls.get("AWSEvents.PutEvents") !== 4 * RUNS) {
        throw new Error(`unexpected calls to the AWS stand-in: ${JSON.stringify([...aws.calls])}`);
    }

    const stats = (samples: Sample[], key: keyof Sample) => ({ median: percentile(samples.map((s) => s[key]), 0.5), p90: percentile(samples.map((s) => s[key]), 0.9) });
    const floor = { loaded: stats(paths[0].samples, "loaded"), first: stats(paths[0].samples, "first") };
    console.log("Receiver cold start: fresh Node processes, AWS SDK v3 from node_modules, AWS on a loopback stand-in");
    console.log(`machine: ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, ${os.platform()} ${os.arch()}; Node ${process.version}`);
    console.log(`receiver bundle (esbuild, AWS SDK left to the runtime): ${Buffer.byteLength(code).toLocaleString("en-US")} bytes; ${RUNS} runs per path, interleaved`);
    console.log("ms from the first require: median, p90 and the median's ratio to the floor's");
    console.log("");
    console.log(`${"path".padEnd(50)}${"loaded".padStart(23)}${"first event".padStart(23)}`);
    const cell = (t: { median: number; p90: number }, base: { median: number }) => `${fmt(t.median).padStart(7)}${fmt(t.p90).padStart(7)}${`${(t.median / base.median).toFixed(2)}x`.padStart(9)}`;
    for (const p of paths) {
        console.log(`${p.name.padEnd(50)}${cell(stats(p.samples, "loaded"), floor.loaded)}${cell(stats(p.samples, "first"), floor.first)}`);
    }
    const verdicts = (["loaded", "first"] as const).map((key) => {
        const ratio = stats(paths[1].samples, key).median / floor[key].median;
        return `${key === "first" ? "first event" : key} ${ratio.toFixed(2)}x ${ratio <= GOAL_VS_FLOOR ? "<=" : ">"} ${GOAL_VS_FLOOR}x`;
    });
    console.log("");
    console.log(`goal (ours within ${GOAL_VS_FLOOR}x of the floor, medians): ${verdicts.join(", ")}`);
}

main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
});
