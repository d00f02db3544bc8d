import * as esbuild from "esbuild";
import * as path from "path";

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

export interface ReceiverBundle {
    /** The CommonJS file Lambda runs. */
    code: string;
    /** Source files inside it, relative to the project: what a review of the deployed code covers. */
    inputs: string[];
}

/**
 * Bundles the receiver handler into one CommonJS file for Lambda, in-process while the Pulumi
 * program runs. The AWS SDK v3 is left to the Node.js runtime, which ships it
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html). Paths are made
 * relative to the project so the bundle, and with it the asset hash, is the same on every machine
 * and `pulumi preview` shows no change when the code did not change.
 */
export function buildReceiverBundle(): ReceiverBundle {
    const result = esbuild.buildSync({
        entryPoints: [path.join(__dirname, "handler.ts")],
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

/** The handler's bundle, as deployed. */
export function bundleReceiver(): string {
    return buildReceiverBundle().code;
}

/** Entry point inside the bundle, for the function's `handler` setting. */
export const RECEIVER_HANDLER = "index.handler";
