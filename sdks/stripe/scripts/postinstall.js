// Compiles this SDK when npm installs it, as Pulumi's local SDKs do: the package ships TypeScript
// and its `main` is the compiled bin/index.js. tsc is the one this package depends on, and only the
// @types packages it depends on are used, so the project's own @types cannot break the build.
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const declared = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
const types = declared.filter((name) => name.startsWith("@types/")).map((name) => name.slice("@types/".length));
const tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
try {
    execFileSync(process.execPath, [tsc, ...(types.length > 0 ? ["--types", types.join(",")] : [])], { cwd: root, stdio: "pipe" });
} catch (error) {
    console.error("Failed to run 'tsc'", { stdout: String(error.stdout ?? ""), stderr: String(error.stderr ?? "") });
    process.exit(1);
}
// getVersion() reads the package version from a package.json beside the compiled code.
fs.copyFileSync(path.join(root, "package.json"), path.join(root, "bin", "package.json"));
