/**
 * An HTTP server standing in for the Lambda function URL: it turns each request into the
 * payload-format-2.0 event the function URL would send and answers with the receiver's response.
 * https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { LambdaFunctionURLEvent } from "aws-lambda";
import type { Routes } from "../report/live";
import { LocalPipeline } from "./pipeline";

/** Where Stripe (and `npm run demo`) posts events; the one path the receiver is served on. */
export const WEBHOOK_PATH = "/webhook";

/** What the twin tells a client about itself (`npm run demo -- --url` checks it posts to the lake it reads). */
export const TWIN_INFO_PATH = "/twin.json";

/** GET TWIN_INFO_PATH: the folders and settings of the running twin. */
export type TwinInfo = ReturnType<LocalPipeline["info"]>;

/** Largest request body a function URL accepts. */
export const FUNCTION_URL_MAX_REQUEST_BYTES = 6 * 1024 * 1024;

/** Function URLs pass text bodies as strings and everything else base64-encoded. */
const TEXT_CONTENT = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded)|[^;]*\+json)/i;

export function toFunctionUrlEvent(request: http.IncomingMessage, body: Buffer): LambdaFunctionURLEvent {
    const url = new URL(request.url ?? "/", "http://localhost");
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
    }
    const text = TEXT_CONTENT.test(headers["content-type"] ?? "");
    const now = Date.now();
    return {
        version: "2.0",
        routeKey: "$default",
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers,
        requestContext: {
            accountId: "anonymous",
            apiId: "local",
            domainName: headers.host ?? "localhost",
            domainPrefix: "local",
            http: { method: request.method ?? "GET", path: url.pathname, protocol: `HTTP/${request.httpVersion}`, sourceIp: request.socket.remoteAddress ?? "", userAgent: headers["user-agent"] ?? "" },
            requestId: `${now}-${Math.random().toString(36).slice(2)}`,
            routeKey: "$default",
            stage: "$default",
            time: new Date(now).toUTCString(),
            timeEpoch: now,
        },
        body: body.length === 0 ? undefined : text ? body.toString("utf8") : body.toString("base64"),
        isBase64Encoded: body.length > 0 && !text,
    };
}

/**
 * Starts the server; resolves once it listens, rejects with the listen error (e.g. EADDRINUSE).
 * `routes` answers the requests it knows (the live dashboard) before the receiver sees them.
 */
export function startServer(pipeline: LocalPipeline, port: number, host = "127.0.0.1", routes?: Routes): Promise<http.Server & { port: number }> {
    const json = (response: http.ServerResponse, status: number, body: object) => response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    const server = http.createServer(async (request, response) => {
        if (routes && (await routes(request, response))) return;
        const { pathname } = new URL(request.url ?? "/", "http://localhost");
        if (pathname === TWIN_INFO_PATH && request.method === "GET") {
            json(response, 200, pipeline.info());
            return;
        }
        // The function URL passes every path to the function; the twin serves the receiver on one, so a
        // client posting elsewhere (a forgotten /webhook in `stripe listen --forward-to`) is told at once.
        // (Another method on it is the receiver's own 405.)
        if (pathname !== WEBHOOK_PATH) {
            request.resume();
            const error = `nothing at ${pathname}: Stripe events are POSTed to ${WEBHOOK_PATH}${routes ? "; the dashboard is GET /" : ""}`;
            pipeline.refusedByFunctionUrl(`404 ${error}`);
            json(response, 404, { error });
            return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        let tooLarge = false;
        request.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > FUNCTION_URL_MAX_REQUEST_BYTES) tooLarge = true;
            else chunks.push(chunk);
        });
        request.on("end", async () => {
            if (tooLarge) {
                // The function URL refuses such requests before the function runs.
                const error = "request body larger than the function URL accepts (6 MB)";
                pipeline.refusedByFunctionUrl(`413 ${error}`);
                json(response, 413, { error });
                return;
            }
            try {
                const result = await pipeline.handle(toFunctionUrlEvent(request, Buffer.concat(chunks)));
                response.writeHead(result.statusCode, result.headers).end(result.body);
            } catch (error) {
                // A crash of the function is a 502 at the function URL.
                json(response, 502, { error: (error as Error).message });
            }
        });
    });
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
            server.off("error", reject);
            resolve(Object.assign(server, { port: (server.address() as AddressInfo).port }));
        });
    });
}

/** Keep-alive connections that are mid-request get this long to get their answer when the server stops. */
const CLOSE_GRACE_MS = 1000;

/**
 * Stops accepting, lets requests in progress get their answer, and then closes every connection:
 * a client that keeps its connection open (`stripe listen` does) would otherwise hold the server
 * open for as long as it likes.
 */
export async function stopServer(server: http.Server): Promise<void> {
    const closed = new Promise((resolve) => server.close(resolve));
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
    await closed;
    clearTimeout(force);
}
