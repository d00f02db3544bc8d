#!/usr/bin/env node
// The one command-line entry of the clone's tools: `stripe-analytics <command> [options]`, also what
// every `npm run <command>` script runs. Plain CommonJS, so that it starts on any Node.js: the
// version check comes first, and only then ts-node and the TypeScript commands (bin/commands.ts).
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");

// npm ships every `bin` file in the package, but the commands are TypeScript that only a clone has.
if (!fs.existsSync(path.join(root, "bin", "commands.ts"))) {
    const { repository } = require("../package.json");
    const url = String((repository && repository.url) || repository || "").replace(/^git\+/, "");
    process.stderr.write(
        "error: the stripe-analytics commands (start, demo, report, ...) run from a clone of the repository; this installed package is the Pulumi component only (require(\"stripe-analytics\")).\n" +
            `Clone it and run them there: git clone ${url} && cd stripe-analytics && npm ci && npx stripe-analytics --help\n`,
    );
    process.exit(1);
}

require("../lib/nodeVersion.js");
require("ts-node").register({ transpileOnly: true, projectSearchDir: root });
require("./commands").run();
