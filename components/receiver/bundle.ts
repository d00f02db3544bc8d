import * as fs from "fs";
import * as path from "path";

/**
 * The receiver's Lambda bundle, beside this module: `npm run build` (scripts/receiverBundle.ts)
 * writes it into components/receiver/ for a clone's program and into dist/receiver/ for the
 * package, so both deploy the same bytes and a consumer needs neither esbuild nor the handler's
 * TypeScript source.
 */
export const RECEIVER_BUNDLE_FILE = "handler.bundle.js";

/** The handler's bundle, as deployed. */
export function bundleReceiver(): string {
    const file = path.join(__dirname, RECEIVER_BUNDLE_FILE);
    if (!fs.existsSync(file)) {
        throw new Error(`The receiver's Lambda bundle ${file} is missing: run \`npm run build\` (npm ci and npm install run it).`);
    }
    return fs.readFileSync(file, "utf8");
}

/** Entry point inside the bundle, for the function's `handler` setting. */
export const RECEIVER_HANDLER = "index.handler";
