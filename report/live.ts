/**
 * The dashboard served live by `npm start`: a request handler the local server mounts (local/server.ts
 * takes it as its `routes`), so the twin's HTTP code stays the receiver's. GET / is the page of
 * report/html.ts over the lake as it is at that moment, reloading itself when the lake changes;
 * GET /dashboard.json is `npm run report -- --json`'s figures; GET /dashboard/version is what the page polls.
 */
import type * as http from "node:http";
import { MetricSettings } from "../components/analytics/metricSettings";
import { LocalLake } from "../lib/lakeStore";
import { renderHtml } from "./html";
import { openLake } from "./lake";
import { buildReport, summarize } from "./metrics";

export interface LiveDashboardOptions {
    lakeDir: string;
    lakePrefix: string;
    metricSettings: MetricSettings;
    /** How often the page asks whether the lake changed. */
    intervalMs?: number;
    now?: () => Date;
}

export const DASHBOARD_PATHS = { page: "/", json: "/dashboard.json", version: "/dashboard/version" } as const;

/** Handles the dashboard's GET requests and answers true; false for every other request. */
export type Routes = (request: http.IncomingMessage, response: http.ServerResponse) => Promise<boolean>;

export function liveDashboard(o: LiveDashboardOptions): Routes {
    const lake = new LocalLake(o.lakeDir);
    // Events are only ever added (or rewritten under the same key), so their number tells a change.
    const version = async () => String((await lake.list(o.lakePrefix)).length);
    const report = async () => {
        const db = await openLake(o.lakeDir, o.lakePrefix, { metricSettings: o.metricSettings });
        try {
            return await buildReport(db);
        } finally {
            db.close();
        }
    };
    return async (request, response) => {
        const url = new URL(request.url ?? "/", "http://localhost");
        if (request.method !== "GET" || !(Object.values(DASHBOARD_PATHS) as string[]).includes(url.pathname)) return false;
        try {
            if (url.pathname === DASHBOARD_PATHS.version) {
                response.writeHead(200, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" }).end(await version());
            } else if (url.pathname === DASHBOARD_PATHS.json) {
                response.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(summarize(await report()), null, 2));
            } else {
                const current = await version();
                const html = renderHtml(await report(), {
                    source: o.lakeDir,
                    generatedAt: (o.now ?? (() => new Date()))(),
                    live: { versionUrl: DASHBOARD_PATHS.version, version: current, intervalMs: o.intervalMs ?? 2000 },
                });
                response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(html);
            }
        } catch (error) {
            response.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end(`cannot build the dashboard: ${(error as Error).message}`);
        }
        return true;
    };
}
