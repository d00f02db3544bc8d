/**
 * The schema this package serves as a source-based component package (PulumiPlugin.yaml),
 * computed in-process the way the Pulumi Node SDK's plugin host computes it: the SDK's component
 * analyzer reads the declarations reachable from package.json's `exports["."].default` (the built
 * dist/index.d.ts), and `generateSchema` turns its result into the package schema other languages'
 * SDKs are generated from. (@pulumi/pulumi: cmd/run-plugin/run.js, provider/experimental/provider.js
 * getSchema, provider/experimental/analyzer.js findProgramEntryPoint.)
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Analyzer, AnalyzeResult } from "@pulumi/pulumi/provider/experimental/analyzer";
import { generateSchema, PackageSpec } from "@pulumi/pulumi/provider/experimental/schema";
import { installedPackage, REPO_ROOT } from "./packedPackage";

export { REPO_ROOT };
export const COMPONENT_CLASS = "StripeAnalyticsPipeline";

export interface ComponentPackage {
    packageJson: Record<string, any>;
    providerName: string;
    analysis: AnalyzeResult;
    schema: PackageSpec;
}

/** Provider name from package.json's `name`, as the plugin host derives it (scope dropped, odd characters to `-`). */
export function pluginProviderName(packageName: string): string {
    const match = /^(@.*?\/)?(.+)$/.exec(packageName);
    if (!match) {
        throw new Error(`package.json name ${JSON.stringify(packageName)} cannot name a Pulumi package`);
    }
    return match[2].replace(/[^-a-zA-Z0-9_]/g, "-");
}

const analyzed = new Map<string, ComponentPackage>();

/** Analyzes the package in `dir` once per test run, as the plugin host in that folder would. */
export function analyzePackage(dir: string): ComponentPackage {
    if (!analyzed.has(dir)) {
        const packageJson = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
        const providerName = pluginProviderName(packageJson.name);
        const analysis = new Analyzer(dir, providerName, packageJson, new Set([COMPONENT_CLASS])).analyze();
        const schema = generateSchema(providerName, packageJson.version, packageJson.description, analysis.components, analysis.typeDefinitions, analysis.dependencies);
        analyzed.set(dir, { packageJson, providerName, analysis, schema });
    }
    return analyzed.get(dir)!;
}

/** The schema of the package as consumers install it (the packed tarball, unpacked). */
export function componentPackage(): ComponentPackage {
    return analyzePackage(installedPackage());
}

/**
 * The schema Pulumi's own plugin host serves for the package in `dir`: @pulumi/pulumi's
 * cmd/run-plugin started there as the Node.js language host starts a plugin (RunPlugin:
 * `node <run-plugin> <plugin dir> <engine address>`, PULUMI_NODEJS_TYPESCRIPT=true, the default of
 * the `typescript` runtime option), asked over gRPC for GetSchema, as `pulumi package add` does.
 */
export function servedSchema(dir: string): Promise<PackageSpec> {
    const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [dir] }));
    const grpc: typeof import("@grpc/grpc-js") = require(require.resolve("@grpc/grpc-js", { paths: [sdk] }));
    const { ResourceProviderClient } = require(path.join(sdk, "proto/provider_grpc_pb.js"));
    const { GetSchemaRequest } = require(path.join(sdk, "proto/provider_pb.js"));
    return new Promise((resolve, reject) => {
        // No engine listens there: serving a schema does not call it.
        const host = spawn(process.execPath, [path.join(sdk, "cmd/run-plugin"), ".", "127.0.0.1:1"], { cwd: dir, env: { ...process.env, PULUMI_NODEJS_TYPESCRIPT: "true" } });
        let stdout = "";
        let stderr = "";
        const fail = (error: Error) => {
            host.kill();
            reject(new Error(`${error.message}\n${stderr}`));
        };
        host.stderr.on("data", (chunk) => (stderr += chunk));
        host.on("exit", (code) => fail(new Error(`the plugin host exited with ${code} before serving a schema`)));
        host.stdout.on("data", (chunk) => {
            stdout += chunk;
            // A provider announces its port on the first line of its output.
            const port = /^(\d+)\s*$/m.exec(stdout)?.[1];
            if (!port) return;
            host.stdout.removeAllListeners("data");
            const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
            client.getSchema(new GetSchemaRequest(), (error: Error | null, response: { getSchema(): string }) => {
                client.close();
                host.removeAllListeners("exit");
                host.kill();
                if (error) reject(error);
                else resolve(JSON.parse(response.getSchema()));
            });
        });
    });
}
