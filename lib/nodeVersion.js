// Plain CommonJS that any Node.js can load: it runs before ts-node and before anything that needs
// Node 22 (Promise.withResolvers, @pulumi/pulumi, aws-local-stepfunctions), so an older Node stops
// here with one line instead of failing later without a cause. Loading this file checks:
// bin/stripe-analytics.js requires it first, and so does .mocharc.json for `npm test`.
"use strict";
const path = require("path");

const PACKAGE_JSON = path.join(__dirname, "..", "package.json");

/** The minimum Node.js version, from package.json's engines.node (the one place it is written), as [major, minor, patch]. */
function minimumNodeVersion(engines = require(PACKAGE_JSON).engines) {
    const range = engines && engines.node;
    const match = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(String(range).trim());
    if (!match) throw new Error(`${PACKAGE_JSON}: engines.node must be ">=MAJOR[.MINOR[.PATCH]]" for lib/nodeVersion.js to read it, not ${JSON.stringify(range)}`);
    return [Number(match[1]), Number(match[2] || 0), Number(match[3] || 0)];
}

/** The npm package of the official Node.js build for this machine (what .ci/run installs when its node is older). */
function nodePackageName(platform = process.platform, arch = process.arch) {
    return `node-${platform === "win32" ? "win" : platform}-${arch}`;
}

/** Why `version` cannot run the tools, with how to get a good one; undefined when it can. */
function nodeVersionProblem(version = process.versions.node, minimum = minimumNodeVersion(), execPath = process.execPath) {
    const actual = version.split(".").map((part) => parseInt(part, 10) || 0);
    if ((actual[0] - minimum[0] || actual[1] - minimum[1] || actual[2] - minimum[2]) >= 0) return undefined;
    const wanted = minimum.join(".").replace(/(\.0)+$/, "");
    const major = minimum[0];
    const pkg = nodePackageName();
    return [
        `error: stripe-analytics needs Node.js ${wanted} or newer (package.json engines.node), but this is Node.js ${version} (${execPath}).`,
        `Get Node.js ${major}, then run the command again:`,
        `  with nvm or fnm, in the clone (they read .nvmrc / .node-version): nvm install && nvm use   or   fnm use --install-if-missing`,
        `  with npm only (what .ci/run does): npm install --prefix ~/.node${major} ${pkg}@${major} && export PATH="$HOME/.node${major}/node_modules/${pkg}/bin:$PATH"`,
        "",
    ].join("\n");
}

module.exports = { minimumNodeVersion, nodePackageName, nodeVersionProblem };

const problem = nodeVersionProblem();
if (problem !== undefined) {
    process.stderr.write(problem);
    process.exit(1);
}
