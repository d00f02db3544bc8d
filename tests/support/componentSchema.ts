/**
 * The schema this repository serves as a source-based component package (PulumiPlugin.yaml),
 * computed in-process the way the Pulumi Node SDK's plugin host computes it: the SDK's component
 * analyzer reads the TypeScript source reachable from package.json's `main`, and `generateSchema`
 * turns its result into the package schema other languages' SDKs are generated from.
 * (@pulumi/pulumi: cmd/run-plugin/run.js and provider/experimental/provider.js, getSchema.)
 */
import * as fs from "fs";
import * as path from "path";
import { Analyzer, AnalyzeResult } from "@pulumi/pulumi/provider/experimental/analyzer";
import { generateSchema, PackageSpec } from "@pulumi/pulumi/provider/experimental/schema";

export const REPO_ROOT = path.resolve(__dirname, "../..");
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

let cached: ComponentPackage | undefined;

/** Analyzes the repository once per test run: the analyzer builds a TypeScript program of the whole project. */
export function componentPackage(): ComponentPackage {
    if (!cached) {
        const packageJson = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
        const providerName = pluginProviderName(packageJson.name);
        const analysis = new Analyzer(REPO_ROOT, providerName, packageJson, new Set([COMPONENT_CLASS])).analyze();
        const schema = generateSchema(providerName, packageJson.version, packageJson.description, analysis.components, analysis.typeDefinitions, analysis.dependencies);
        cached = { packageJson, providerName, analysis, schema };
    }
    return cached;
}
