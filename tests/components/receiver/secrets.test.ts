/**
 * The receiver's own GetSecretValue call (components/receiver/secrets.ts): its signature against
 * the AWS SDK's signer, its endpoint, and its answers from a loopback stand-in.
 */
import * as assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import * as http from "node:http";
import { SignatureV4 } from "@smithy/signature-v4";
import type { SourceData } from "@smithy/types";
import { getSecretString, signGetSecretValue } from "../../../components/receiver/secrets";

/** Made-up credentials: the signature is checked against the AWS SDK signing the same request, not a published vector. */
const CREDENTIALS = { AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "test-secret-access-key-not-real" };
const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:stripe-signing-secret-AbCdEf";
const AT = new Date("2026-03-01T12:34:56.789Z");

const bytesOf = (data: SourceData): string | Buffer =>
    typeof data === "string" ? data : ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);

/** The SDK's hash interface over node:crypto. */
class Sha256 {
    private readonly hash;
    constructor(secret?: SourceData) {
        this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytesOf(secret));
    }
    update(data: SourceData): void {
        this.hash.update(bytesOf(data));
    }
    async digest(): Promise<Uint8Array> {
        return new Uint8Array(this.hash.digest());
    }
}

/** What @smithy/signature-v4, the signer of every AWS SDK v3 client, makes of the same request. */
async function sdkAuthorization(region: string, headers: Record<string, string>, body: string, sessionToken?: string): Promise<string> {
    const { authorization: _ours, host, ...unsigned } = headers;
    const signer = new SignatureV4({
        service: "secretsmanager",
        region,
        sha256: Sha256,
        credentials: { accessKeyId: CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: CREDENTIALS.AWS_SECRET_ACCESS_KEY, sessionToken },
        applyChecksum: false,
    });
    const { "x-amz-date": _date, "x-amz-security-token": _token, ...rest } = unsigned;
    const signed = await signer.sign({ method: "POST", protocol: "https:", hostname: host, path: "/", query: {}, headers: { host, ...rest }, body }, { signingDate: AT });
    return signed.headers.authorization;
}

describe("receiver secrets: GetSecretValue as one signed request", function () {
    it("signs exactly as the AWS SDK does, with and without a session token", async function () {
        for (const sessionToken of [undefined, "IQoJb3JpZ2luX2VjEXAMPLE//session+token="]) {
            const call = signGetSecretValue(SECRET_ARN, { ...CREDENTIALS, AWS_REGION: "eu-west-1", AWS_SESSION_TOKEN: sessionToken }, AT);
            assert.equal(call.body, JSON.stringify({ SecretId: SECRET_ARN }));
            assert.equal(call.headers["x-amz-date"], "20260301T123456Z");
            assert.equal(call.headers["x-amz-security-token"], sessionToken);
            assert.equal(call.headers.authorization, await sdkAuthorization("eu-west-1", call.headers, call.body, sessionToken));
        }
    });

    it("calls the regional endpoint, China's domain in China, or the SDK's endpoint override", function () {
        const at = (env: NodeJS.ProcessEnv) => signGetSecretValue(SECRET_ARN, { ...CREDENTIALS, ...env }, AT).url.href;
        assert.equal(at({ AWS_REGION: "eu-west-1" }), "https://secretsmanager.eu-west-1.amazonaws.com/");
        assert.equal(at({ AWS_REGION: "us-gov-west-1" }), "https://secretsmanager.us-gov-west-1.amazonaws.com/");
        assert.equal(at({ AWS_REGION: "cn-north-1" }), "https://secretsmanager.cn-north-1.amazonaws.com.cn/");
        assert.equal(at({ AWS_DEFAULT_REGION: "ap-south-2" }), "https://secretsmanager.ap-south-2.amazonaws.com/");
        assert.equal(at({ AWS_REGION: "eu-west-1", AWS_ENDPOINT_URL: "http://localhost:4566" }), "http://localhost:4566/");
        assert.equal(at({ AWS_REGION: "eu-west-1", AWS_ENDPOINT_URL: "http://localhost:4566", AWS_ENDPOINT_URL_SECRETS_MANAGER: "http://127.0.0.1:9" }), "http://127.0.0.1:9/");
    });

    it("names the missing variable when Lambda's region or credentials are not in the environment", function () {
        assert.throws(() => signGetSecretValue(SECRET_ARN, { AWS_REGION: "eu-west-1" }, AT), /^Error: AWS_ACCESS_KEY_ID is not set/);
        assert.throws(() => signGetSecretValue(SECRET_ARN, { ...CREDENTIALS }, AT), /^Error: AWS_DEFAULT_REGION is not set/);
    });

    describe("against a stand-in", function () {
        let answer: { status: number; body: string } = { status: 200, body: "" };
        const seen: { headers: http.IncomingHttpHeaders; body: string }[] = [];
        const server = http.createServer((request, response) => {
            const chunks: Buffer[] = [];
            request.on("data", (chunk: Buffer) => chunks.push(chunk));
            request.on("end", () => {
                seen.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
                response.writeHead(answer.status, { "content-type": "application/x-amz-json-1.1" }).end(answer.body);
            });
        });
        let env: NodeJS.ProcessEnv = {};
        before(function (done) {
            server.listen(0, "127.0.0.1", () => {
                env = { ...CREDENTIALS, AWS_REGION: "eu-west-1", AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
                done();
            });
        });
        after(function (done) {
            server.close(done);
        });

        it("returns the SecretString, or nothing for a binary secret", async function () {
            answer = { status: 200, body: JSON.stringify({ ARN: SECRET_ARN, Name: "stripe-signing-secret", SecretString: "whsec_a,whsec_b", VersionId: "v1" }) };
            assert.equal(await getSecretString(SECRET_ARN, env), "whsec_a,whsec_b");
            const request = seen.at(-1)!;
            assert.deepEqual(JSON.parse(request.body), { SecretId: SECRET_ARN });
            assert.equal(request.headers["content-type"], "application/x-amz-json-1.1");
            assert.equal(request.headers["x-amz-target"], "secretsmanager.GetSecretValue");
            answer = { status: 200, body: JSON.stringify({ ARN: SECRET_ARN, SecretBinary: "AAEC" }) };
            assert.equal(await getSecretString(SECRET_ARN, env), "");
        });

        it("fails with the service's exception name and message, as the SDK names them", async function () {
            const cases: [typeof answer, string][] = [
                [{ status: 400, body: JSON.stringify({ __type: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret." }) }, "ResourceNotFoundException: Secrets Manager can't find the specified secret."],
                [{ status: 400, body: JSON.stringify({ __type: "com.amazonaws.secretsmanager#AccessDeniedException", Message: "not authorized" }) }, "AccessDeniedException: not authorized"],
                [{ status: 503, body: "<html>Service Unavailable</html>" }, "HTTP 503: GetSecretValue answered 503"],
                [{ status: 200, body: "{" }, "Error: GetSecretValue answered 200 with a body that is not JSON"],
            ];
            for (const [given, expected] of cases) {
                answer = given;
                const error = await getSecretString(SECRET_ARN, env).then(
                    () => assert.fail("resolved"),
                    (e: Error) => e,
                );
                assert.equal(`${error.name}: ${error.message}`, expected);
            }
        });
    });
});
