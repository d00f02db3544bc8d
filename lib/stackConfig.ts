/**
 * Reads a stack's `Pulumi.<stack>.yaml` the way `pulumi.Config` would, without the Pulumi CLI,
 * and validates it with the component's own `resolveSettings`, so a config that would fail
 * `pulumi preview` fails here with the same message.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { INGESTION_MODES } from "../components/ingestion/settings";
import { PipelineSettings, resolveSettings } from "../components/settings";
import { PipelineConfig, resolveStackConfig } from "../stackConfig";
import { StringOption, UsageError } from "./cli";

/** `--stack` of the commands that run the pipeline from a stack's config file. */
export const STACK_OPTION = {
    type: "string",
    default: "dev",
    placeholder: "NAME",
    description: "stack whose Pulumi.<stack>.yaml configures the pipeline (event types, lake prefix)",
} as const satisfies StringOption;

/** `--ingestion` of the commands that run the pipeline locally; the stack config decides when it is not given. */
export const INGESTION_OPTION = {
    type: "string",
    placeholder: "MODE",
    defaultText: "the stack's stripe-analytics:ingestion, else webhook",
    description: `how Stripe delivers: ${INGESTION_MODES.map((mode) => `"${mode}"`).join(" or ")} (docs/ingestion.md)`,
} as const satisfies StringOption;

export interface LocalStackConfig extends PipelineConfig {
    stack: string;
    file: string;
    settings: PipelineSettings;
    /** `aws:region` of the stack, when set. */
    region?: string;
}

/**
 * The config map as the Pulumi CLI hands it to the program: every value a string, lists and maps
 * as JSON, so the twin reads YAML values exactly as `pulumi preview` does (and refuses the same).
 */
function pulumiValues(config: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(config)
            .filter(([, value]) => value !== null && value !== undefined)
            .map(([key, value]) => [key, typeof value === "object" ? JSON.stringify(value) : String(value)]),
    );
}

/** Loads and validates `Pulumi.<stack>.yaml` from `projectDir`; throws one clear error when it cannot. */
export function loadStackConfig(stack: string, projectDir: string = path.resolve(__dirname, "..")): LocalStackConfig {
    const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new Error(`cannot read the config of stack "${stack}": ${file} (${(error as NodeJS.ErrnoException).code ?? error}). Use --stack with an existing Pulumi.<stack>.yaml.`);
    }
    let document: unknown;
    try {
        document = parse(text);
    } catch (error) {
        throw new Error(`${file} is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
    }
    const values = (document as { config?: Record<string, unknown> } | null)?.config ?? {};
    const region = values["aws:region"];
    return { ...resolveStackConfig(pulumiValues(values), file), stack, file, region: typeof region === "string" ? region : undefined };
}

/**
 * The stack's config with `ingestion` set by `--ingestion` when given, validated again with the
 * component's own checks (a stack with receiverMemoryMb cannot run as "eventbridge", as in preview).
 */
export function withIngestion(config: LocalStackConfig, ingestion: string | undefined): LocalStackConfig {
    if (ingestion === undefined) return config;
    if (!(INGESTION_MODES as readonly string[]).includes(ingestion)) {
        throw new UsageError(`--ingestion must be ${INGESTION_MODES.join(" or ")}, not ${JSON.stringify(ingestion)}`);
    }
    const args = { ...config.args, ingestion };
    return { ...config, args, settings: resolveSettings(config.name, args) };
}
