/**
 * Secrets Manager's GetSecretValue as one SigV4-signed HTTPS request, for the receiver's cold start.
 *
 * Why not @aws-sdk/client-secrets-manager: the secret is read on every cold start, so requiring
 * that client lazily defers nothing, and loading it and sending its first command is most of what
 * a cold start adds to the EventBridge client's. Measured with `npm run bench:coldstart` (61 fresh
 * processes per path, medians up to the first answer, AWS on loopback), on top of loading the
 * EventBridge client and sending one PutEvents: the Secrets Manager client and its GetSecretValue
 * took 1.19x that floor, this request 1.13x; the whole receiver with it 1.09x, within the 1.15x
 * goal that the client alone would miss. Keeping the client at the top of the bundle, as before,
 * measured 1.50x (with the S3 client). The request is small enough to check in full: its signature
 * against the SDK's own signer (tests/components/receiver/secrets.test.ts), the call against a
 * stand-in (tests/receiverBundle.test.ts).
 *
 * Protocol: AWS JSON 1.1, POST / with `X-Amz-Target: secretsmanager.GetSecretValue`
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html), signed
 * as https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html describes, with the
 * function's credentials, which Lambda puts in the environment
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 * The endpoint can be overridden as for the SDK (AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_ENDPOINT_URL).
 */
import { createHash, createHmac } from "node:crypto";
import * as http from "node:http";
import * as https from "node:https";

const SERVICE = "secretsmanager";
const TARGET = "secretsmanager.GetSecretValue";
const CONTENT_TYPE = "application/x-amz-json-1.1";
/** Longer than a healthy call by far, shorter than the function's 10 s, so a stalled start answers 500 in time. */
const TIMEOUT_MS = 5000;

export interface SignedCall {
    url: URL;
    headers: Record<string, string>;
    body: string;
}

function environmentValue(env: NodeJS.ProcessEnv, name: string): string {
    const value = env[name];
    if (!value) throw new Error(`${name} is not set: the function's region and credentials come from Lambda's environment`);
    return value;
}

/**
 * The regional endpoint: China's regions have their own domain; aws and aws-us-gov share
 * amazonaws.com. Not handled, unlike the SDK: the ISO partitions' domains and AWS_USE_FIPS_ENDPOINT.
 */
function endpoint(env: NodeJS.ProcessEnv, region: string): URL {
    const override = env.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? env.AWS_ENDPOINT_URL;
    return new URL(override ?? `https://${SERVICE}.${region}.${region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com"}`);
}

const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");
const hmac = (key: string | Buffer, text: string): Buffer => createHmac("sha256", key).update(text, "utf8").digest();

/** The GetSecretValue request for `secretId`, signed for `now`. */
export function signGetSecretValue(secretId: string, env: NodeJS.ProcessEnv, now: Date): SignedCall {
    const region = env.AWS_REGION ?? environmentValue(env, "AWS_DEFAULT_REGION");
    const accessKeyId = environmentValue(env, "AWS_ACCESS_KEY_ID");
    const secretAccessKey = environmentValue(env, "AWS_SECRET_ACCESS_KEY");
    const url = endpoint(env, region);
    const body = JSON.stringify({ SecretId: secretId });
    const amzDate = now.toISOString().replace(/[-:]|\.\d{3}/g, "");
    const day = amzDate.slice(0, 8);
    const signed: Record<string, string> = { "content-type": CONTENT_TYPE, host: url.host, "x-amz-date": amzDate, "x-amz-target": TARGET };
    if (env.AWS_SESSION_TOKEN) signed["x-amz-security-token"] = env.AWS_SESSION_TOKEN;
    const names = Object.keys(signed).sort();
    const canonicalRequest = ["POST", "/", "", ...names.map((name) => `${name}:${signed[name]}`), "", names.join(";"), sha256(body)].join("\n");
    const scope = `${day}/${region}/${SERVICE}/aws4_request`;
    const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonicalRequest)].join("\n");
    const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), region), SERVICE), "aws4_request");
    const signature = hmac(key, stringToSign).toString("hex");
    const authorization = `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`;
    return { url, headers: { ...signed, authorization }, body };
}

/** An AWS JSON error as an Error named by its type, as the SDK names them (ResourceNotFoundException, ...). */
function awsError(status: number, headers: http.IncomingHttpHeaders, text: string): Error {
    let parsed: { __type?: unknown; message?: unknown; Message?: unknown } = {};
    try {
        parsed = JSON.parse(text);
    } catch {
        // Not JSON (a proxy's page, say): the status says enough.
    }
    const type = String(parsed.__type ?? headers["x-amzn-errortype"] ?? `HTTP ${status}`);
    const error = new Error(String(parsed.message ?? parsed.Message ?? `GetSecretValue answered ${status}`));
    error.name = type.split("#").pop()!.split(":")[0];
    return error;
}

/** The SecretString of `secretId` (empty when the secret holds binary data), read with the function's own credentials. */
export function getSecretString(secretId: string, env: NodeJS.ProcessEnv = process.env, now: Date = new Date()): Promise<string> {
    const call = signGetSecretValue(secretId, env, now);
    const transport = call.url.protocol === "http:" ? http : https;
    return new Promise((resolve, reject) => {
        const request = transport.request(call.url, { method: "POST", headers: { ...call.headers, "content-length": String(Buffer.byteLength(call.body)) }, timeout: TIMEOUT_MS }, (response) => {
            const chunks: Buffer[] = [];
            response.on("data", (chunk: Buffer) => chunks.push(chunk));
            response.on("error", reject);
            response.on("end", () => {
                const text = Buffer.concat(chunks).toString("utf8");
                if (response.statusCode !== 200) return reject(awsError(response.statusCode ?? 0, response.headers, text));
                try {
                    const secret = JSON.parse(text) as { SecretString?: unknown };
                    resolve(typeof secret.SecretString === "string" ? secret.SecretString : "");
                } catch {
                    reject(new Error("GetSecretValue answered 200 with a body that is not JSON"));
                }
            });
        });
        request.on("timeout", () => request.destroy(new Error(`GetSecretValue took longer than ${TIMEOUT_MS} ms`)));
        request.on("error", reject);
        request.end(call.body);
    });
}
