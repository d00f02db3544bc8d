/**
 * The deployed artifact: the esbuild bundle of the receiver that `npm run build` leaves beside the
 * handler (and ships in the package), run as Lambda runs it. Each load of the bundle is one
 * container (one cold start), with its own environment, clock and stdout, and fake AWS SDK clients
 * standing in for the ones the Lambda runtime provides. The signing secret is read with a signed
 * HTTP request (receiver/secrets.ts): a loopback stand-in for Secrets Manager answers it, through
 * the same responders as the fake clients.
 */
import * as assert from "node:assert/strict";
import * as http from "node:http";
import { builtinModules } from "node:module";
import { bundleReceiver } from "../../../components/receiver/bundle";
import { RECEIVER_ENV } from "../../../components/receiver/env";
import type { ReceiverLogLine, ReceiverResponse } from "../../../components/receiver/handler";
import { buildReceiverBundle } from "../../../scripts/receiverBundle";
import { NOW, ROTATED_SECRET, SIGNING_SECRET, signedDelivery, stripeEventBody } from "../../../fixtures/stripeWebhooks";

const ENV: Record<string, string> = {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "ASIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "test-secret-access-key-not-real",
    AWS_SESSION_TOKEN: "receiver-bundle-test-session",
    [RECEIVER_ENV.eventBusName]: "stripe-bus-a1b2c3d",
    [RECEIVER_ENV.eventSource]: "stripe-analytics.webhook",
    [RECEIVER_ENV.lakeBucket]: "stripe-lake-a1b2c3d",
    [RECEIVER_ENV.lakePrefix]: "stripe/events",
    [RECEIVER_ENV.signingSecretArn]: "arn:aws:secretsmanager:us-east-1:123456789012:secret:stripe-signing-secret-AbCdEf",
    [RECEIVER_ENV.eventPattern]: JSON.stringify({ source: ["stripe-analytics.webhook"], "detail-type": ["checkout.session.completed"] }),
};

interface SdkCall {
    command: string;
    input: Record<string, any>;
    /** HTTP headers, for calls made over HTTP rather than through a fake client. */
    headers?: http.IncomingHttpHeaders;
}

/** What the fake AWS answers, per command name; a function may throw to fail the call. */
type Responders = Record<string, (input: Record<string, any>) => unknown>;

function fakeSdk(calls: SdkCall[], responders: Responders): Record<string, Record<string, unknown>> {
    const command = (name: string) =>
        ({
            [name]: class {
                readonly commandName = name;
                constructor(readonly input: Record<string, any>) {}
            },
        })[name];
    class Client {
        async send(cmd: { commandName: string; input: Record<string, any> }): Promise<unknown> {
            calls.push({ command: cmd.commandName, input: cmd.input });
            return responders[cmd.commandName](cmd.input);
        }
    }
    return {
        "@aws-sdk/client-eventbridge": { EventBridgeClient: Client, PutEventsCommand: command("PutEventsCommand") },
        "@aws-sdk/client-s3": { S3Client: Client, PutObjectCommand: command("PutObjectCommand") },
    };
}

/**
 * Secrets Manager on 127.0.0.1, answering GetSecretValue as its JSON protocol does (an error is a
 * 400 whose body names the exception): the call is recorded like an SDK call of the container
 * that made it, with the request's headers.
 */
const secretsManager = {
    url: "",
    server: http.createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on("data", (chunk: Buffer) => chunks.push(chunk));
        request.on("end", () => {
            const c = secretsManager.container!;
            const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
            c.calls.push({ command: "GetSecretValueCommand", input, headers: request.headers });
            let status = 200;
            let answer: unknown;
            try {
                answer = c.responders.GetSecretValueCommand(input);
            } catch (error) {
                status = 400;
                answer = { __type: (error as Error).name, message: (error as Error).message };
            }
            response.writeHead(status, { "content-type": "application/x-amz-json-1.1" }).end(JSON.stringify(answer));
        });
    }),
    container: undefined as ReturnType<typeof container> | undefined,
};

const code = bundleReceiver();
const fresh = buildReceiverBundle();

/** Loads the bundle as a fresh container and returns its handler with everything it touched. */
function container(responders: Partial<Responders> = {}, env: Record<string, string> = ENV) {
    const c = {
        calls: [] as SdkCall[],
        lines: [] as ReceiverLogLine[],
        /** AWS SDK packages the bundle has required so far. */
        required: [] as string[],
        clock: NOW,
        handler: undefined as unknown as (event: unknown) => Promise<ReceiverResponse>,
        responders: {
            GetSecretValueCommand: () => ({ SecretString: SIGNING_SECRET }),
            PutEventsCommand: (input) => ({ FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: "11111111-eb" })) }),
            PutObjectCommand: () => ({ ETag: '"etag"' }),
            ...responders,
        } as Responders,
    };
    secretsManager.container = c;
    const sdk = fakeSdk(c.calls, c.responders);
    const sandboxProcess = { env: { AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url, ...env }, stdout: { write: (text: string) => c.lines.push(JSON.parse(text)) } };
    const SandboxDate = class extends Date {
        static now(): number {
            return c.clock * 1000;
        }
    };
    const module = { exports: {} as Record<string, any> };
    const load = new Function("require", "module", "exports", "process", "Date", code);
    const sandboxRequire = (id: string) => {
        if (id.startsWith("@aws-sdk/")) {
            c.required.push(id);
            if (!sdk[id]) throw new Error(`the bundle required ${id}, which no fake stands in for`);
            return sdk[id];
        }
        return require(id);
    };
    load(sandboxRequire, module, module.exports, sandboxProcess, SandboxDate);
    c.handler = module.exports.handler;
    return c;
}

describe("receiver bundle", function () {
    before(function (done) {
        secretsManager.server.listen(0, "127.0.0.1", () => {
            secretsManager.url = `http://127.0.0.1:${(secretsManager.server.address() as { port: number }).port}`;
            done();
        });
    });
    after(function (done) {
        secretsManager.server.close(done);
    });

    it("is what bundling the current source gives: the file the component deploys is not stale", function () {
        assert.ok(code === fresh.code, "components/receiver/handler.bundle.js differs from the bundle of the current source: run `npm run build`");
    });

    it("holds only this project's code and requires nothing but the runtime's AWS SDK clients and Node built-ins", function () {
        const { inputs } = fresh;
        assert.deepEqual(inputs.filter((file) => !file.startsWith("components/")), [], "bundled files from outside components/");
        assert.ok(inputs.includes("components/receiver/handler.ts") && inputs.includes("components/receiver/verify.ts"));
        const required = [...new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]))].sort();
        assert.deepEqual(
            required.filter((id) => !builtinModules.includes(id.replace(/^node:/, ""))),
            ["@aws-sdk/client-eventbridge", "@aws-sdk/client-s3"],
        );
        assert.ok(!/smithy|SignatureV4|class \w+Client/.test(code), "AWS SDK code is inlined in the bundle");
        assert.ok(code.length < 32 * 1024, `the bundle grew to ${code.length} bytes`);
    });

    it("reads the secret once per cold start and publishes to the configured bus and source", async function () {
        const c = container();
        const body = stripeEventBody();
        assert.equal((await c.handler(signedDelivery(body))).statusCode, 200);
        assert.equal((await c.handler(signedDelivery(body))).statusCode, 200);
        assert.deepEqual(
            c.calls.map((call) => call.command),
            ["GetSecretValueCommand", "PutEventsCommand", "PutEventsCommand"],
        );
        assert.deepEqual(c.calls[0].input, { SecretId: ENV.SIGNING_SECRET_ARN });
        // Signed with the function's credentials from the environment, as the SDK would sign it.
        const headers = c.calls[0].headers!;
        assert.equal(headers["x-amz-target"], "secretsmanager.GetSecretValue");
        assert.equal(headers["x-amz-security-token"], ENV.AWS_SESSION_TOKEN);
        assert.match(
            String(headers.authorization),
            /^AWS4-HMAC-SHA256 Credential=ASIDEXAMPLE\/\d{8}\/us-east-1\/secretsmanager\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=[0-9a-f]{64}$/,
        );
        // Only the client every request needs is loaded: the S3 client waits for an oversize event.
        assert.deepEqual(c.required, ["@aws-sdk/client-eventbridge"]);
        const entry = c.calls[1].input.Entries[0];
        assert.deepEqual(
            { ...entry, Time: entry.Time.getTime() },
            { Source: "stripe-analytics.webhook", DetailType: "checkout.session.completed", Detail: body, Time: (NOW - 2) * 1000, EventBusName: "stripe-bus-a1b2c3d" },
        );
        assert.deepEqual(c.lines.map((l) => [l.outcome, l.status, l.requestId]), [["published", 200, "c0ffee00-1111-2222-3333-444455556666"], ["published", 200, "c0ffee00-1111-2222-3333-444455556666"]]);
    });

    it("writes oversize events to the lake bucket under the configured prefix", async function () {
        const c = container();
        const body = stripeEventBody({ minBytes: 300_000 });
        assert.equal((await c.handler(signedDelivery(body))).statusCode, 200);
        const put = c.calls.find((call) => call.command === "PutObjectCommand")!;
        assert.deepEqual(put.input, {
            Bucket: "stripe-lake-a1b2c3d",
            Key: `stripe/events/type=checkout.session.completed/dt=2025-06-15/evt_1QAbCdEfGhIjKlMnOpQrStUv.json`,
            Body: JSON.stringify(JSON.parse(body)),
            ContentType: "application/json",
            IfNoneMatch: "*",
        });
        assert.ok(!c.calls.some((call) => call.command === "PutEventsCommand"));
        // Loaded for the first oversize event, then kept for the next.
        assert.equal((await c.handler(signedDelivery(body))).statusCode, 200);
        assert.deepEqual(c.required, ["@aws-sdk/client-eventbridge", "@aws-sdk/client-s3"]);
        assert.equal(c.calls.filter((call) => call.command === "PutObjectCommand").length, 2);
    });

    it("writes an oversize event once: S3's 412 for a redelivery is success, a 409 conflict answers 500 so that Stripe retries", async function () {
        const s3Error = (status: number, name: string) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
        const body = stripeEventBody({ minBytes: 300_000 });
        const redelivered = container({ PutObjectCommand: () => { throw s3Error(412, "PreconditionFailed"); } });
        assert.equal((await redelivered.handler(signedDelivery(body))).statusCode, 200);
        assert.equal(redelivered.lines[0].outcome, "archived");
        const conflicting = container({ PutObjectCommand: () => { throw s3Error(409, "ConditionalRequestConflict"); } });
        assert.equal((await conflicting.handler(signedDelivery(body))).statusCode, 500);
        assert.equal(conflicting.lines[0].code, "archive_failed");
    });

    it("does not store an oversize event of a type outside the rule's pattern from EVENT_PATTERN", async function () {
        const c = container();
        assert.equal((await c.handler(signedDelivery(stripeEventBody({ minBytes: 300_000, type: "invoice.paid" })))).statusCode, 200);
        assert.deepEqual(c.calls.map((call) => call.command), ["GetSecretValueCommand"]);
        assert.equal(c.lines[0].outcome, "ignored");
    });

    it("answers 500 when the secret cannot be read at cold start, and reads it again on the next request", async function () {
        let reads = 0;
        const c = container({
            GetSecretValueCommand: () => {
                if (++reads === 1) throw Object.assign(new Error("Secrets Manager can't find the specified secret value for staging label: AWSCURRENT"), { name: "ResourceNotFoundException" });
                return { SecretString: SIGNING_SECRET };
            },
        });
        const body = stripeEventBody();
        const first = await c.handler(signedDelivery(body));
        assert.equal(first.statusCode, 500);
        assert.deepEqual(JSON.parse(first.body!), { error: "the receiver could not start; Stripe will retry" });
        assert.deepEqual([c.lines[0].code, c.lines[0].error], ["not_ready", "ResourceNotFoundException: Secrets Manager can't find the specified secret value for staging label: AWSCURRENT"]);
        assert.equal((await c.handler(signedDelivery(body))).statusCode, 200);
        assert.equal(reads, 2);
    });

    it("answers 500 naming every missing environment variable, without calling AWS", async function () {
        const { [RECEIVER_ENV.lakeBucket]: _bucket, [RECEIVER_ENV.signingSecretArn]: _arn, ...partial } = ENV;
        const c = container({}, partial);
        assert.equal((await c.handler(signedDelivery(stripeEventBody()))).statusCode, 500);
        assert.equal(c.lines[0].error, "Error: environment variables not set: LAKE_BUCKET, SIGNING_SECRET_ARN");
        assert.deepEqual(c.calls, []);
    });

    it("answers 500 when Lambda's credentials are missing from the environment, without calling AWS", async function () {
        const { AWS_SECRET_ACCESS_KEY: _key, ...partial } = ENV;
        const c = container({}, partial);
        assert.equal((await c.handler(signedDelivery(stripeEventBody()))).statusCode, 500);
        assert.match(String(c.lines[0].error), /^Error: AWS_SECRET_ACCESS_KEY is not set/);
        assert.deepEqual(c.calls, []);
    });

    it("answers 500 when the stored secret is not a whsec_ value, without logging it", async function () {
        const c = container({ GetSecretValueCommand: () => ({ SecretString: "sk_test_misplaced" }) });
        assert.equal((await c.handler(signedDelivery(stripeEventBody()))).statusCode, 500);
        assert.equal(c.lines[0].error, "Error: signing secret #1 is not a whsec_... value");
    });

    it("picks up a secret rotated while the container was warm, after re-reading the store once", async function () {
        let stored = SIGNING_SECRET;
        const c = container({ GetSecretValueCommand: () => ({ SecretString: stored }) });
        const body = stripeEventBody();
        assert.equal((await c.handler(signedDelivery(body))).statusCode, 200);

        stored = `${SIGNING_SECRET},${ROTATED_SECRET}`;
        c.clock = NOW + 61;
        assert.equal((await c.handler(signedDelivery(body, c.clock, ROTATED_SECRET))).statusCode, 200);
        assert.equal((await c.handler(signedDelivery(body, c.clock, SIGNING_SECRET))).statusCode, 200);
        assert.deepEqual(c.calls.filter((call) => call.command === "GetSecretValueCommand").length, 2);
    });
});
