/**
 * `npm run build`, also run by `prepare` (so by `npm ci` in a clone, `npm pack`, `npm publish` and
 * an `npm install` from git): the package as consumers get it, in dist/.
 *
 * 1. The receiver's Lambda bundle, written beside the handler for this clone's own program and
 *    copied into dist/: the package deploys it as built here, without esbuild or TypeScript.
 * 2. JavaScript and declarations of what components/index.ts reaches (tsconfig.build.json).
 * 3. The files the component reads at run time, at the same place relative to the built modules
 *    as to the source ones, so the same `__dirname`-relative paths find them.
 * 4. The provider SDKs generated into sdks/ (VENDORED_SDKS), compiled, in dist/node_modules.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { RECEIVER_BUNDLE_FILE } from "../components/receiver/bundle";
import { buildReceiverBundle, RECEIVER_BUNDLE_PATH } from "./receiverBundle";

const ROOT = path.resolve(__dirname, "..");
export const DIST_DIR = path.join(ROOT, "dist");

/** Files and folders under components/ the built package reads at run time (paths relative to components/ and to dist/). */
export const RUNTIME_FILES = ["analytics/sql", `receiver/${RECEIVER_BUNDLE_FILE}`];

/**
 * Local SDKs the component imports: `pulumi package add` generated them into sdks/, and they are
 * on no registry, so a `file:` dependency would not resolve in another project. The package
 * carries them instead, compiled, in dist/node_modules, where Node's and TypeScript's resolution
 * find them from the built modules. Their manifest keeps the `pulumi` block (which provider plugin
 * Pulumi installs) and loses the install script and the compiler it needs: the consumer's npm
 * would otherwise compile them again. (npm's bundleDependencies would ship the source SDK with
 * that install script and its whole dependency tree, TypeScript included.)
 */
export const VENDORED_SDKS = ["@pulumi/stripe"];

/** Only what runs and what type-checks against it; source maps point at TypeScript that is not shipped. */
const isShippedSdkFile = (file: string) => /\.(js|d\.ts|json)$/.test(file);

function vendorSdk(name: string): void {
    const from = path.dirname(require.resolve(`${name}/package.json`, { paths: [ROOT] }));
    const manifest = JSON.parse(fs.readFileSync(path.join(from, "package.json"), "utf8"));
    const main = path.join(from, manifest.main);
    if (!fs.existsSync(main)) {
        throw new Error(`${name} is not compiled (${main} is missing; its install script compiles it): run \`npm rebuild ${name}\``);
    }
    const to = path.join(DIST_DIR, "node_modules", name);
    const compiled = path.dirname(main);
    const compiledTo = path.join(to, path.relative(from, compiled));
    fs.cpSync(compiled, compiledTo, { recursive: true, filter: (file) => fs.statSync(file).isDirectory() || isShippedSdkFile(file) });
    if (fs.existsSync(path.join(from, "README.md"))) fs.copyFileSync(path.join(from, "README.md"), path.join(to, "README.md"));
    const { scripts: _installAndBuild, dependencies = {}, ...rest } = manifest;
    const runtimeDependencies = Object.fromEntries(Object.entries(dependencies).filter(([dependency]) => dependency !== "typescript" && !dependency.startsWith("@types/")));
    const shipped = `${JSON.stringify({ ...rest, dependencies: runtimeDependencies }, null, 4)}\n`;
    // The install script also leaves a copy beside the compiled code, which the SDK's getVersion() reads.
    for (const dir of [to, compiledTo]) fs.writeFileSync(path.join(dir, "package.json"), shipped);
}

export function build(): void {
    fs.rmSync(DIST_DIR, { recursive: true, force: true });
    fs.writeFileSync(RECEIVER_BUNDLE_PATH, buildReceiverBundle().code);
    execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(ROOT, "tsconfig.build.json")], { stdio: "inherit" });
    for (const file of RUNTIME_FILES) {
        fs.cpSync(path.join(ROOT, "components", file), path.join(DIST_DIR, file), { recursive: true });
    }
    for (const sdk of VENDORED_SDKS) vendorSdk(sdk);
}

if (require.main === module) {
    try {
        build();
    } catch (error) {
        // tsc has already printed its diagnostics; anything else gets one line.
        if ((error as { status?: number }).status === undefined) console.error(`error: ${(error as Error).message}`);
        process.exit(1);
    }
}
