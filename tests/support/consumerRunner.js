/**
 * Runs a consumer's Pulumi program the way the Pulumi Node.js language host runs it
 * (@pulumi/pulumi cmd/run/run.ts: `ts-node` registered with `compiler`, `transpileOnly`,
 * `project`, and compilerOptions target ES2020, module/moduleResolution nodenext, sourceMap,
 * overridden by the project's tsconfig compilerOptions), under the mocks of
 * tests/support/pulumiMocks.ts (copied beside this file as mocks.js), and prints what it registered
 * as JSON. Plain CommonJS, copied into the consumer project by tests/components/consumer.test.ts.
 *
 *   node run.js <program> [<tsconfig> <transpileOnly: true|false>]
 */
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const pulumi = require("@pulumi/pulumi");
const { RecordingMocks, settled, urnsOf, PROJECT, STACK } = require("./mocks.js");

async function main() {
    const [program, tsconfig, transpileOnly] = process.argv.slice(2);
    const mocks = new RecordingMocks();
    await pulumi.runtime.setMocks(mocks, PROJECT, STACK, false);
    if (program.endsWith(".ts")) {
        const ts = require("typescript");
        const compilerOptions = ts.parseConfigFileTextToJson(tsconfig, fs.readFileSync(tsconfig, "utf8")).config.compilerOptions ?? {};
        require("ts-node").register({
            compiler: "typescript",
            transpileOnly: transpileOnly === "true",
            project: tsconfig,
            skipProject: false,
            compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
        });
    }
    const exported = require(path.resolve(program));
    await settled(mocks);
    const [receiver] = mocks.ofType("aws:lambda/function:Function");
    const assets = await receiver.inputs.code.assets;
    const code = await assets["index.js"].text;
    process.stdout.write(
        JSON.stringify({
            urns: urnsOf().sort(),
            outputs: Object.keys(exported).sort(),
            receiverCodeSha256: crypto.createHash("sha256").update(code).digest("hex"),
        }),
    );
}

main().catch((error) => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
});
