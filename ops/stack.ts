/**
 * Finding the deployed pipeline from the operator scripts, without the Pulumi CLI when need be:
 * resource names and ARNs come from flags, else from `pulumi stack output --json`; the event types
 * and lake prefix come from the stack's config file (`Pulumi.<stack>.yaml`), read as YAML and
 * validated exactly as `pulumi preview` validates them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { EventTypeSelection, selectEventTypes } from "../components/events/eventTypes";
import { DEFAULT_LAKE_PREFIX, validateLakePrefix } from "../components/lake/layout";
import { Exec, UsageError } from "./cli";

/** Reads the stack's outputs once, on first need; undefined when the Pulumi CLI is not installed. */
export function stackOutputsReader(exec: Exec, cwd: string, stack: string | undefined): () => Record<string, unknown> | undefined {
    let outputs: Record<string, unknown> | undefined | null = null;
    return () => {
        if (outputs === null) {
            try {
                outputs = JSON.parse(exec("pulumi", ["stack", "output", "--json", ...(stack ? ["--stack", stack] : [])], cwd)) as Record<string, unknown>;
            } catch (error) {
                if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
                    throw new Error(`\`pulumi stack output --json\` failed (${(error as Error).message.trim()}); pass the values as flags instead`);
                }
                outputs = undefined;
            }
        }
        return outputs;
    };
}

/**
 * A deployed value: the flag when given, else the stack output of that name. Throws a usage error
 * naming both when neither is there.
 */
export function deployedValue(flags: Record<string, unknown>, flag: string, outputs: () => Record<string, unknown> | undefined, output: string): string {
    const given = flags[flag];
    if (typeof given === "string" && given !== "") {
        return given;
    }
    const value = outputs()?.[output];
    if (typeof value === "string" && value !== "") {
        return value;
    }
    throw new UsageError(`--${flag} is required: pass it, or run where \`pulumi stack output\` shows the stack's ${output}`);
}

/** The stack config file: `Pulumi.<stack>.yaml`, or the only stack file when no stack is named. */
export function stackConfigFile(dir: string, stack: string | undefined): string {
    if (stack !== undefined) {
        const file = path.join(dir, `Pulumi.${stack}.yaml`);
        if (!fs.existsSync(file)) {
            throw new UsageError(`--stack ${stack}: ${file} does not exist`);
        }
        return file;
    }
    const files = fs.readdirSync(dir).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f));
    if (files.length !== 1) {
        throw new UsageError(`--stack is required: ${files.length === 0 ? `no Pulumi.<stack>.yaml in ${dir}` : `several stacks (${files.join(", ")})`}`);
    }
    return path.join(dir, files[0]);
}

/** What the scripts need from a stack's config. */
export interface PipelineStackConfig {
    eventTypes: EventTypeSelection;
    lakePrefix: string;
    /** The API version the webhook endpoint renders events with, when pinned. */
    stripeApiVersion?: string;
    /** `aws:region`, when the stack sets it. */
    region?: string;
}

/**
 * Reads `<namespace>:extraEventTypes`, `lakePrefix` and `stripeApiVersion` (the namespace is the
 * project name in Pulumi.yaml, as for `new pulumi.Config()` in index.ts) and `aws:region`, and
 * validates them with the component's own functions, so a script never archives types the stack
 * would refuse.
 */
export function readPipelineConfig(configFile: string): PipelineStackConfig {
    const dir = path.dirname(configFile);
    const project = parseYaml(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) as { name?: unknown };
    if (typeof project?.name !== "string") {
        throw new Error(`${path.join(dir, "Pulumi.yaml")} has no project name`);
    }
    const config = ((parseYaml(fs.readFileSync(configFile, "utf8")) as { config?: Record<string, unknown> } | null)?.config ?? {}) as Record<string, unknown>;
    const key = (name: string) => `${project.name}:${name}`;
    let extra = config[key("extraEventTypes")] ?? [];
    // `pulumi config set key '[...]'` stores a JSON string; `--path` stores a YAML list.
    if (typeof extra === "string") {
        extra = JSON.parse(extra);
    }
    if (!Array.isArray(extra)) {
        throw new Error(`${configFile}: ${key("extraEventTypes")} must be a list of event types`);
    }
    const text = (name: string) => (typeof config[name] === "string" ? (config[name] as string) : undefined);
    return {
        eventTypes: selectEventTypes(extra as string[]),
        lakePrefix: validateLakePrefix(config[key("lakePrefix")] ?? DEFAULT_LAKE_PREFIX),
        stripeApiVersion: text(key("stripeApiVersion")),
        region: text("aws:region"),
    };
}
