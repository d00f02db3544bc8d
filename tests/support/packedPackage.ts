/**
 * The package as another project gets it, for the tests that consume it.
 *
 * `npm pack` runs in a copy of this working tree (its tracked and untracked files: a clone plus
 * local edits, with node_modules linked), so `prepare` builds it from the current source the way
 * `npm pack`, `npm publish` and an install from git do, and this tree's own dist/ and receiver
 * bundle stay as they are (the drift test in tests/components/receiver/bundle.test.ts reads them).
 * The tarball is unpacked as a real folder into a consumer project, whose node_modules links only
 * the package's dependencies and the consumer's own tools from this clone, so nothing the package
 * does not declare can be found from inside it, and no network is needed.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const REPO_ROOT = path.resolve(__dirname, "../..");

export interface PackedPackage {
    /** The tarball `npm pack` wrote. */
    tarball: string;
    /** Paths inside it, relative to the package root (without npm's `package/` folder), sorted. */
    files: string[];
    /** The copy it was packed from, built by `prepare`: what `pulumi package add <git URL>` runs the plugin from. */
    builtSource: string;
}

let packed: PackedPackage | undefined;
const temporaryDirs: string[] = [];

function temporaryDir(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    temporaryDirs.push(dir);
    return dir;
}

process.on("exit", () => {
    for (const dir of temporaryDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function run(command: string, args: string[], cwd: string): string {
    return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Packs the working tree once per test run. */
export function packedPackage(): PackedPackage {
    if (!packed) {
        const builtSource = temporaryDir("stripe-analytics-source-");
        const files = run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], REPO_ROOT).split("\0").filter(Boolean);
        for (const file of files) {
            const from = path.join(REPO_ROOT, file);
            // A tracked file deleted in the working tree is not part of what is being tested.
            if (!fs.existsSync(from)) continue;
            fs.mkdirSync(path.dirname(path.join(builtSource, file)), { recursive: true });
            fs.copyFileSync(from, path.join(builtSource, file));
        }
        fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(builtSource, "node_modules"), "dir");
        const destination = temporaryDir("stripe-analytics-tarball-");
        run("npm", ["pack", "--pack-destination", destination, "--no-audit", "--no-fund"], builtSource);
        const [name] = fs.readdirSync(destination).filter((f) => f.endsWith(".tgz"));
        const tarball = path.join(destination, name);
        const listed = run("tar", ["-tzf", tarball], destination).split("\n").filter(Boolean);
        packed = { tarball, builtSource, files: listed.map((f) => f.replace(/^package\//, "")).filter((f) => !f.endsWith("/")).sort() };
    }
    return packed;
}

/** Name → version range of the package's dependencies. */
export function packageDependencies(packageDir: string): Record<string, string> {
    return JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8")).dependencies ?? {};
}

function linkFromClone(consumer: string, name: string): void {
    const link = path.join(consumer, "node_modules", name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules", name), link, "dir");
}

export interface ConsumerProject {
    dir: string;
    /** Where the package is installed: node_modules/<name>, a real folder. */
    packageDir: string;
}

/**
 * A new project with the tarball unpacked into node_modules (what `npm install` leaves), the
 * package's dependencies linked beside it as npm would hoist them, and `tools` (the consumer's own
 * devDependencies, e.g. typescript) linked too.
 */
export function consumerProject(tools: string[] = []): ConsumerProject {
    const { tarball } = packedPackage();
    const dir = temporaryDir("stripe-analytics-consumer-");
    const name = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).name as string;
    const packageDir = path.join(dir, "node_modules", name);
    fs.mkdirSync(packageDir, { recursive: true });
    run("tar", ["-xzf", tarball, "-C", packageDir, "--strip-components=1"], dir);
    for (const dependency of [...Object.keys(packageDependencies(packageDir)), ...tools]) linkFromClone(dir, dependency);
    fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true, dependencies: { [name]: `file:${tarball}` } }, null, 2));
    return { dir, packageDir };
}

let installed: string | undefined;

/** The package installed in a consumer project of its own, shared by the tests that only read it. */
export function installedPackage(): string {
    installed ??= consumerProject().packageDir;
    return installed;
}
