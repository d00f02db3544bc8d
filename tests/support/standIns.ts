/**
 * Local HTTP stand-ins for the services the operator scripts call (EventBridge, S3, Stripe), on
 * 127.0.0.1 with a random port. The scripts use the real SDKs pointed at them, so the requests the
 * tests assert are the ones the SDKs really send.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { CliIo } from "../../lib/cli";

export interface RecordedRequest {
    method: string;
    /** Path and query, as sent. */
    url: string;
    headers: http.IncomingHttpHeaders;
    body: string;
}

export interface StandInResponse {
    status: number;
    headers?: Record<string, string>;
    body?: string;
}

export interface StandIn {
    /** `http://127.0.0.1:<port>` */
    url: string;
    port: number;
    requests: RecordedRequest[];
    close(): Promise<void>;
}

/** An HTTP server that records every request and answers with `respond`. */
export async function startStandIn(respond: (request: RecordedRequest) => StandInResponse | Promise<StandInResponse>): Promise<StandIn> {
    const requests: RecordedRequest[] = [];
    const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", async () => {
            const recorded = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
            requests.push(recorded);
            try {
                const answer = await respond(recorded);
                res.writeHead(answer.status, answer.headers ?? {});
                res.end(answer.body ?? "");
            } catch (error) {
                res.writeHead(599);
                res.end(String(error));
            }
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    return {
        url: `http://127.0.0.1:${port}`,
        port,
        requests,
        close: () => new Promise((resolve) => server.close(() => resolve())),
    };
}

/** Credentials for SDK clients pointed at a stand-in (they sign requests; the stand-in ignores it). */
export const FAKE_CREDENTIALS = { accessKeyId: "AKIDSTANDIN", secretAccessKey: "stand-in-secret" };

/** A JSON answer in the AWS JSON 1.1 protocol (EventBridge). */
export function awsJson(body: object, status = 200): StandInResponse {
    return { status, headers: { "content-type": "application/x-amz-json-1.1" }, body: JSON.stringify(body) };
}

/** A CliIo that captures output, with a fixed clock and sleeps that only record their length. */
export function testIo(overrides: Partial<CliIo> = {}): CliIo & { out: () => string; err: () => string; sleeps: number[] } {
    let out = "";
    let err = "";
    const sleeps: number[] = [];
    return {
        stdout: { write: (t: string) => (out += t) },
        stderr: { write: (t: string) => (err += t) },
        env: {},
        cwd: process.cwd(),
        exec: () => {
            throw Object.assign(new Error("spawn pulumi ENOENT"), { code: "ENOENT" });
        },
        now: () => new Date("2025-03-01T12:00:00Z"),
        sleep: async (ms: number) => {
            sleeps.push(ms);
        },
        ...overrides,
        out: () => out,
        err: () => err,
        sleeps,
    };
}
