/**
 * Bundles the receiver handler into the one CommonJS file Lambda runs. `npm run build` writes it
 * beside the handler (RECEIVER_BUNDLE_FILE, git-ignored) and into dist/, so the component, from a
 * clone or installed, deploys the same file and needs neither esbuild nor the TypeScript source;
 * tests/components/receiver/bundle.test.ts fails while that file differs from what this gives.
 *
 * The AWS SDK v3 is left to the Node.js runtime, which ships it
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html). Paths are made relative to the
 * project so the bundle, and with it the asset hash, is the same on every machine and `pulumi
 * preview` shows no change when the code did not change.
 */
import * as esbuild from "esbuild";
import * as path from "path";
import { RECEIVER_BUNDLE_FILE } from "../components/receiver/bundle";

const PROJECT_ROOT = path.resolve(__dirname, "..");
const RECEIVER_DIR = path.join(PROJECT_ROOT, "components", "receiver");

/** Where `npm run build` leaves the bundle for a clone's program; dist/ gets a copy. */
export const RECEIVER_BUNDLE_PATH = path.join(RECEIVER_DIR, RECEIVER_BUNDLE_FILE);

export interface ReceiverBundle {
    /** The CommonJS file Lambda runs. */
    code: string;
    /** Source files inside it, relative to the project: what a review of the deployed code covers. */
    inputs: string[];
}

/** The bundle of the handler as the source is now. */
export function buildReceiverBundle(): ReceiverBundle {
    const result = esbuild.buildSync({
        entryPoints: [path.join(RECEIVER_DIR, "handler.ts")],
        absWorkingDir: PROJECT_ROOT,
        bundle: true,
        platform: "node",
        target: "node22",
        format: "cjs",
        external: ["@aws-sdk/*"],
        minifySyntax: true,
        minifyWhitespace: true,
        legalComments: "none",
        metafile: true,
        write: false,
        logLevel: "silent",
    });
    return { code: result.outputFiles[0].text, inputs: Object.keys(result.metafile.inputs) };
}
