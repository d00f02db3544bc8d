/**
 * The package as another team's project gets it (tests/support/packedPackage.ts): `npm pack` of
 * the current source, unpacked into a consumer's node_modules as a real folder beside only the
 * dependencies it declares. The consumer's programs run as Pulumi's Node.js language host runs them
 * (tests/support/consumerRunner.js), from TypeScript under ts-node with and without type checking,
 * with the tsconfig of `pulumi new typescript` (module commonjs) and with none set (Pulumi's
 * nodenext default), and from plain CommonJS; each must register exactly the children the
 * component registers from source, and deploy the receiver bundle of the current source.
 */
import { strict as assert } from "assert";
import { execFile } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import ts from "typescript";
import { VENDORED_SDKS } from "../../scripts/build";
import { buildReceiverBundle } from "../../scripts/receiverBundle";
import { ConsumerProject, consumerProject, packageDependencies, packedPackage, REPO_ROOT } from "../support/packedPackage";
import { CONFIGURATIONS } from "./childUrns.test";

const CONFIGURATION = CONFIGURATIONS.find((c) => c.label === "every optional part")!;
const EXPECTED_URNS: string[] = JSON.parse(fs.readFileSync(path.join(__dirname, "childUrns.snapshot.json"), "utf8"))[CONFIGURATION.label];

/** The program of a TypeScript consumer: the component, its args and outputs, and the composable pieces, as the public API offers them. */
const TYPESCRIPT_PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import {
    archiveStepStatements,
    buildArchiveStates,
    PIPELINE_OUTPUTS,
    PipelineOutputs,
    pipelineOutputs,
    selectEventTypes,
    StripeAnalyticsPipeline,
    StripeAnalyticsPipelineArgs,
} from "stripe-analytics";

const args: StripeAnalyticsPipelineArgs = ${JSON.stringify(CONFIGURATION.args, null, 4)};
const pipeline = new StripeAnalyticsPipeline(${JSON.stringify(CONFIGURATION.name)}, args);
const outputs: PipelineOutputs = pipelineOutputs(pipeline);

export const webhookUrl: pulumi.Output<string | undefined> = outputs.webhookUrl;
export const outputNames: readonly string[] = PIPELINE_OUTPUTS;
export const archiveStates = buildArchiveStates({ bucketName: "acme-lake", lakePrefix: "stripe/events", deadLetterQueueUrl: "https://sqs.example/queue", next: "CreateStack" });
export const archiveStatements = archiveStepStatements({ bucketArn: "arn:aws:s3:::acme-lake", lakePrefix: "stripe/events", deadLetterQueueArn: "arn:aws:sqs:us-east-1:123456789012:parked" });
export const enabledEvents: string[] = selectEventTypes(["invoice.*"]).enabledEvents;
`;

const JAVASCRIPT_PROGRAM = `"use strict";
const { StripeAnalyticsPipeline } = require("stripe-analytics");

const pipeline = new StripeAnalyticsPipeline(${JSON.stringify(CONFIGURATION.name)}, ${JSON.stringify(CONFIGURATION.args)});
exports.webhookUrl = pipeline.webhookUrl;
`;

/** compilerOptions of `pulumi new typescript` (module commonjs), which does not skip library checks. */
const PULUMI_TEMPLATE_OPTIONS = {
    strict: true,
    outDir: "bin",
    target: "es2020",
    module: "commonjs",
    moduleResolution: "node",
    sourceMap: true,
    experimentalDecorators: true,
    pretty: true,
    noFallthroughCasesInSwitch: true,
    noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
};
/** Node's own module resolution (package.json `exports`), which Pulumi's language host also sets when a tsconfig names none. */
const NODENEXT_OPTIONS = { strict: true, target: "es2020", module: "nodenext", moduleResolution: "nodenext", skipLibCheck: false };

/** Language host runs of the TypeScript program: [label, runner arguments (program, tsconfig, transpileOnly)]. */
const TYPESCRIPT_RUNS: [string, string[]][] = [
    ["transpileOnly, module commonjs", ["index.ts", "tsconfig.json", "true"]],
    ["type-checked, module commonjs", ["index.ts", "tsconfig.json", "false"]],
    ["transpileOnly, module nodenext", ["index.ts", "tsconfig.nodenext.json", "true"]],
    ["type-checked, module nodenext", ["index.ts", "tsconfig.nodenext.json", "false"]],
];
const TSC_PROJECTS = ["tsconfig.json", "tsconfig.nodenext.json"];

interface RunResult {
    urns: string[];
    outputs: string[];
    receiverCodeSha256: string;
}

function exec(command: string, args: string[], cwd: string): Promise<string> {
    return new Promise((resolve, reject) =>
        execFile(command, args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
            error ? reject(new Error(`${[command, ...args].join(" ")} failed in ${cwd}:\n${stdout}\n${stderr}`)) : resolve(stdout),
        ),
    );
}

function writeConsumer(consumer: ConsumerProject): void {
    const file = (name: string, text: string) => fs.writeFileSync(path.join(consumer.dir, name), text);
    file("index.ts", TYPESCRIPT_PROGRAM);
    file("index.js", JAVASCRIPT_PROGRAM);
    file("tsconfig.json", JSON.stringify({ compilerOptions: PULUMI_TEMPLATE_OPTIONS, files: ["index.ts"] }, null, 2));
    file("tsconfig.nodenext.json", JSON.stringify({ compilerOptions: NODENEXT_OPTIONS, files: ["index.ts"] }, null, 2));
    file("run.js", fs.readFileSync(path.join(__dirname, "../support/consumerRunner.js"), "utf8"));
    // The mocks every component test uses, as the plain JavaScript a consumer's node can load.
    const mocks = fs.readFileSync(path.join(__dirname, "../support/pulumiMocks.ts"), "utf8");
    file("mocks.js", ts.transpileModule(mocks, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText);
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("the package as a consumer installs it (npm pack, unpacked into node_modules)", function () {
    // One pack (a build of the package) and seven consumer runs, two at a time on CI's two cores.
    this.timeout(240000);
    let consumer: ConsumerProject;
    const runs = new Map<string, Promise<string>>();
    const runOf = (label: string, args: string[]) => {
        if (!runs.has(label)) runs.set(label, exec(process.execPath, args, consumer.dir));
        return runs.get(label)!;
    };
    const programRun = async (label: string, args: string[]): Promise<RunResult> => JSON.parse(await runOf(label, ["run.js", ...args]));
    const tsc = (project: string) => runOf(`tsc ${project}`, [require.resolve("typescript/bin/tsc"), "--noEmit", "-p", project]);
    let expectedBundleSha: string;

    before(function () {
        consumer = consumerProject(["typescript", "ts-node", "@types/node"]);
        writeConsumer(consumer);
        expectedBundleSha = sha256(buildReceiverBundle().code);
        // Started together, awaited by the tests below.
        for (const [label, args] of TYPESCRIPT_RUNS) programRun(label, args).catch(() => undefined);
        programRun("js", ["index.js"]).catch(() => undefined);
        for (const project of TSC_PROJECTS) tsc(project).catch(() => undefined);
    });

    describe("the tarball", function () {
        it("holds the built package and the files it reads at run time, and nothing else: no source, tests, fixtures, lake, stacks, examples, CI or docs", function () {
            const vendored = (file: string) => file.startsWith("dist/node_modules/");
            const { files } = packedPackage();
            // Every module components/index.ts reaches, as JavaScript and declarations; the receiver's runtime code only inside its bundle.
            const modules = builtModules();
            const sql = (fs.readdirSync(path.join(REPO_ROOT, "components/analytics/sql"), { recursive: true }) as string[]).filter((f) => f.endsWith(".sql")).map((f) => `dist/analytics/sql/${f}`);
            const expected = [
                "CHANGELOG.md",
                "LICENSE",
                "PulumiPlugin.yaml",
                "README.md",
                // npm ships every `bin` file; in the package it only says that the commands run from a clone.
                "bin/stripe-analytics.js",
                "package.json",
                "tsconfig.json",
                "dist/receiver/handler.bundle.js",
                ...sql,
                ...modules.flatMap((m) => [`dist/${m}.js`, `dist/${m}.d.ts`]),
            ].sort();
            assert.deepEqual(files.filter((f) => !vendored(f)), expected);
            assert.ok(!modules.includes("receiver/handler") && !modules.includes("receiver/verify"), "the handler ships only bundled");
            const sdkFiles = files.filter(vendored);
            assert.deepEqual(sdkFiles.filter((f) => !VENDORED_SDKS.some((sdk) => f.startsWith(`dist/node_modules/${sdk}/`))), [], "vendored files of no listed SDK");
            assert.deepEqual(sdkFiles.filter((f) => !/\.(js|d\.ts|json)$|\/README\.md$/.test(f)), [], "vendored SDK files that are neither JavaScript, declarations nor manifests");
        });

        it("carries each provider SDK of sdks/ compiled, where the built modules resolve it, without install scripts or a compiler", function () {
            for (const sdk of VENDORED_SDKS) {
                const vendoredDir = path.join(consumer.packageDir, "dist/node_modules", sdk);
                assert.equal(require.resolve(sdk, { paths: [path.join(consumer.packageDir, "dist/ingestion")] }), path.join(vendoredDir, "bin/index.js"));
                const source = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "node_modules", sdk, "package.json"), "utf8"));
                for (const manifest of ["package.json", "bin/package.json"]) {
                    const shipped = JSON.parse(fs.readFileSync(path.join(vendoredDir, manifest), "utf8"));
                    assert.equal(shipped.scripts, undefined, `${sdk}/${manifest}: an install script the consumer's npm would run`);
                    assert.deepEqual(Object.keys(shipped.dependencies), ["@pulumi/pulumi"], `${sdk}/${manifest}`);
                    // The engine installs the provider plugin this block names (terraform-provider, parameterized with stripe/stripe).
                    assert.deepEqual([shipped.name, shipped.version, shipped.pulumi], [source.name, source.version, source.pulumi], `${sdk}/${manifest}`);
                }
            }
        });

        it("has a stripe-analytics command that says the tools run from a clone, and how to get one, instead of failing on missing sources", async function () {
            const pkg = JSON.parse(fs.readFileSync(path.join(consumer.packageDir, "package.json"), "utf8"));
            assert.deepEqual(pkg.bin, { "stripe-analytics": "bin/stripe-analytics.js" });
            const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
                execFile(process.execPath, [path.join(consumer.packageDir, pkg.bin["stripe-analytics"]), "start"], { cwd: consumer.dir }, (error, stdout, stderr) =>
                    resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
                ),
            );
            assert.equal(result.code, 1);
            assert.equal(result.stdout, "");
            assert.match(result.stderr, /^error: the stripe-analytics commands \(start, demo, report, \.\.\.\) run from a clone of the repository; this installed package is the Pulumi component only/);
            assert.match(result.stderr, /\nClone it and run them there: git clone https:\/\/github\.com\/.+\/stripe-analytics\.git && cd stripe-analytics && npm ci && npx stripe-analytics --help\n$/);
        });

        it("builds nothing when npm installs inside it, as Pulumi's plugin install does: `prepare` needs the source, which is not shipped", async function () {
            const built = fs.statSync(path.join(consumer.packageDir, "dist/index.js")).mtimeMs;
            await exec("npm", ["run", "prepare", "--silent"], consumer.packageDir);
            assert.equal(fs.statSync(path.join(consumer.packageDir, "dist/index.js")).mtimeMs, built);
        });

        it("declares JavaScript as main and the declarations as types, for require, import and TypeScript alike", function () {
            const { packageDir } = consumer;
            const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, "package.json"), "utf8"));
            assert.equal(pkg.main, "dist/index.js");
            assert.equal(pkg.types, "dist/index.d.ts");
            assert.deepEqual(pkg.exports["."], { types: "./dist/index.d.ts", require: "./dist/index.js", import: "./dist/index.js", default: "./dist/index.d.ts" });
            assert.equal(require.resolve(consumer.packageDir), path.join(consumer.packageDir, "dist/index.js"));
            assert.equal(pkg.private, undefined);
        });

        it("is what examples/typescript-consumer asks for the way a consumer would: a caret range of this version", function () {
            const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
            const example = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "examples/typescript-consumer/package.json"), "utf8"));
            assert.equal(example.dependencies["stripe-analytics"], `^${version}`);
        });

        it("depends on only what deployment needs, each from the registry with a caret range", function () {
            assert.deepEqual(Object.keys(packageDependencies(consumer.packageDir)).sort(), ["@pulumi/aws", "@pulumi/pulumi"]);
            for (const [name, range] of Object.entries(packageDependencies(consumer.packageDir))) {
                assert.match(range, /^\^\d/, `${name}: ${range}`);
            }
        });

        it("has declarations that reference no package the consumer does not install (aws-lambda, @aws-sdk/*, esbuild)", function () {
            const declarations = packedPackage().files.filter((f) => f.endsWith(".d.ts") && !f.startsWith("dist/node_modules/"));
            for (const file of declarations) {
                const { importedFiles, typeReferenceDirectives } = ts.preProcessFile(fs.readFileSync(path.join(consumer.packageDir, file), "utf8"), true, true);
                const external = [...importedFiles, ...typeReferenceDirectives].map((i) => i.fileName).filter((name) => !name.startsWith("."));
                assert.deepEqual(external.filter((name) => !["@pulumi/pulumi", "@pulumi/aws", ...VENDORED_SDKS].includes(name)), [], file);
            }
        });
    });

    describe("a TypeScript program, run with the ts-node options of Pulumi's language host", function () {
        for (const [label, args] of TYPESCRIPT_RUNS) {
            it(`registers the same children as the component from source, deploying the current receiver bundle (${label})`, async function () {
                const result = await programRun(label, args);
                assert.deepEqual(result.urns, EXPECTED_URNS);
                assert.equal(result.receiverCodeSha256, expectedBundleSha, "the package deploys a stale receiver bundle");
                assert.deepEqual(result.outputs, ["archiveStatements", "archiveStates", "enabledEvents", "outputNames", "webhookUrl"]);
            });
        }
    });

    it("a plain CommonJS program registers the same children", async function () {
        const result = await programRun("js", ["index.js"]);
        assert.deepEqual(result.urns, EXPECTED_URNS);
        assert.equal(result.receiverCodeSha256, expectedBundleSha);
    });

    for (const project of TSC_PROJECTS) {
        it(`type-checks against the installed declarations with skipLibCheck false (tsc --noEmit -p ${project})`, async function () {
            await tsc(project);
        });
    }
});

/** The modules `npm run build` compiles (tsconfig.build.json: what components/index.ts reaches), relative to components/ without extension. */
function builtModules(): string[] {
    const config = ts.getParsedCommandLineOfConfigFile(path.join(REPO_ROOT, "tsconfig.build.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(String(d.messageText)) })!;
    const program = ts.createProgram(config.fileNames, config.options);
    const components = path.join(REPO_ROOT, "components");
    return program
        .getSourceFiles()
        .map((f) => path.resolve(f.fileName))
        .filter((f) => f.startsWith(components + path.sep) && !f.endsWith(".d.ts"))
        .map((f) => path.relative(components, f).replace(/\.ts$/, ""));
}
