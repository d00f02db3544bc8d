/**
 * The `stripe-analytics:*` stack config keys and how each maps onto the component's arguments.
 * One table, two readers: index.ts reads the values the Pulumi CLI hands the program during
 * `pulumi preview`/`up`, and the local pipeline (lib/stackConfig.ts) reads the same keys from
 * `Pulumi.<stack>.yaml` without the Pulumi CLI; both go through resolveStackConfig, so a config
 * fails both the same way, with every bad key at once. docs/reference/config.md is generated from
 * this table and the args' TSDoc (scripts/docs/config.ts).
 */
import type { StripeAnalyticsPipelineArgs } from "./components/args";
import { ConfigChecks } from "./components/common/checks";
import { PipelineConfigError } from "./components/errors";
import { PipelineSettings, resolveSettings } from "./components/settings";
import { nearest } from "./lib/cli";

/** Config namespace of this project (the project name in Pulumi.yaml). */
export const CONFIG_NAMESPACE = "stripe-analytics";
export const DEFAULT_PIPELINE_NAME = "stripe";

/** What a config value must look like; Pulumi hands every value to the program as a string, a structured one as JSON. */
export type ConfigShape = "string" | "number" | "boolean" | "string list" | "string map";

/** The shape a value must have to become an arg of type T (an `Input<T>` arg takes a plain T). */
type ShapeOf<T> = string extends T
    ? "string"
    : number extends T
      ? "number"
      : boolean extends T
        ? "boolean"
        : string[] extends T
          ? "string list"
          : Record<string, string> extends T
            ? "string map"
            : never;

type ValueOf<S extends ConfigShape> = { string: string; number: number; boolean: boolean; "string list": string[]; "string map": Record<string, string> }[S];

/** One key: its shape and an example value (for error messages and the reference); a list or map also says what it holds. */
export type ConfigKey<S extends ConfigShape = ConfigShape> = { shape: S; example: ValueOf<S> } & (S extends "string list" | "string map" ? { items: string } : { items?: never });

/**
 * Every argument is a config key of the same name: the mapped type makes tsc refuse an arg
 * without its entry, or an entry whose shape does not fit the arg's type. (An arg that could not
 * come from config would be left out here with `Omit<...>`, and the reason beside it; none is.)
 */
export const CONFIG_KEYS: { [K in keyof StripeAnalyticsPipelineArgs]-?: ConfigKey<ShapeOf<NonNullable<StripeAnalyticsPipelineArgs[K]>>> } = {
    extraEventTypes: { shape: "string list", items: "event types", example: ["invoice.paid", "customer.subscription.deleted"] },
    ingestion: { shape: "string", example: "eventbridge" },
    stripeApiVersion: { shape: "string", example: "2025-10-29.clover" },
    lakePrefix: { shape: "string", example: "stripe/events" },
    kmsKeyArn: { shape: "string", example: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
    expireEventsAfterDays: { shape: "number", example: 365 },
    noncurrentVersionExpirationDays: { shape: "number", example: 30 },
    retainBucketOnDelete: { shape: "boolean", example: false },
    workflowType: { shape: "string", example: "STANDARD" },
    logRetentionDays: { shape: "number", example: 90 },
    receiverMemoryMb: { shape: "number", example: 512 },
    receiverReservedConcurrency: { shape: "number", example: -1 },
    retryMaximumEventAgeSeconds: { shape: "number", example: 3600 },
    retryMaximumAttempts: { shape: "number", example: 20 },
    deadLetterRetentionDays: { shape: "number", example: 7 },
    athena: { shape: "boolean", example: false },
    analyticsMetrics: { shape: "string list", items: "metric names", example: ["mrr", "active_subscriptions"] },
    analyticsStartDate: { shape: "string", example: "2025-06-01" },
    athenaResultsExpirationDays: { shape: "number", example: 30 },
    mrrCouponDurations: { shape: "string list", items: "coupon durations", example: ["forever", "repeating", "once"] },
    cancellationChurn: { shape: "string", example: "at-period-end" },
    compaction: { shape: "boolean", example: true },
    compactionSchedule: { shape: "string", example: "cron(30 0 * * ? *)" },
    compactionMaintenanceSchedule: { shape: "string", example: "cron(0 3 ? * SUN *)" },
    compactionLookbackDays: { shape: "number", example: 7 },
    quicksightPrincipalArn: { shape: "string", example: "arn:aws:quicksight:us-east-1:123456789012:user/default/alice" },
    quicksightManifestDataSet: { shape: "boolean", example: true },
    quicksightRefreshInterval: { shape: "string", example: "HOURLY" },
    quicksightRefreshTime: { shape: "string", example: "06:30" },
    tags: { shape: "string map", items: "tag names to values", example: { team: "analytics", env: "prod" } },
    alarmTopicArn: { shape: "string", example: "arn:aws:sns:us-east-1:123456789012:alarms" },
    createAlarmTopic: { shape: "boolean", example: true },
    alarmEmail: { shape: "string", example: "oncall@example.com" },
    noEventsAlarmHours: { shape: "number", example: 6 },
    archiveRetentionDays: { shape: "number", example: 90 },
    existingBucketName: { shape: "string", example: "acme-data-lake" },
    existingBucketKmsKeyArn: { shape: "string", example: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
    existingEventBusName: { shape: "string", example: "stripe-events" },
    existingEventBusArn: { shape: "string", example: "arn:aws:events:us-east-1:123456789012:event-bus/stripe-events" },
};

/** A key of the program that is not an arg: TSDoc lives here, since args.ts does not have it. */
export interface ProgramKey {
    shape: string;
    description: string;
    default?: string;
    example: string;
}

/** The keys besides the args, in the words of the reference (docs/reference/config.md). */
export const PROGRAM_KEYS = {
    name: {
        shape: "string",
        description: "Name of the StripeAnalyticsPipeline component, which begins every bucket, role and function name: 1 to 24 lowercase letters, digits or `-`.",
        default: `\`${DEFAULT_PIPELINE_NAME}\``,
        example: "billing",
    },
    quicksight: {
        shape: "structured object",
        description: "`quicksightPrincipalArn` as a structured key, for `pulumi config set --path 'stripe-analytics:quicksight.principalArn' ARN`; set one of the two.",
        example: "{principalArn: arn:aws:quicksight:us-east-1:123456789012:user/default/alice}",
    },
} as const satisfies Record<string, ProgramKey>;

/** The fields of the structured `quicksight` key. */
const QUICKSIGHT_FIELDS = ["principalArn"];

export interface PipelineConfig {
    name: string;
    args: StripeAnalyticsPipelineArgs;
}

/** A key of a stack config file refused before the component sees it: the message starts with the file. */
export class StackConfigError extends PipelineConfigError {
    constructor(
        readonly file: string,
        key: string,
        value: unknown,
        problem: string,
        fix: string,
    ) {
        super(`${CONFIG_NAMESPACE}:${key}`, value, problem, fix);
        this.message = `${file}: ${this.message}`;
    }
}

/** A value written as YAML writes it, which is how the file will hold it: `[a, b]`, `{k: v}`. */
function yamlText(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(yamlText).join(", ")}]`;
    if (typeof value === "object" && value !== null) return `{${Object.entries(value).map(([k, v]) => `${k}: ${yamlText(v)}`).join(", ")}}`;
    return String(value);
}

function shellWord(text: string): string {
    return /^[\w.:/@+=-]+$/.test(text) ? text : `'${text}'`;
}

/** The `pulumi config set` that writes this key's example (a list or map one element at a time, with `--path`). */
function setCommand(key: string, spec: ConfigKey): string {
    const full = `${CONFIG_NAMESPACE}:${key}`;
    if (spec.shape === "string list") return `pulumi config set --path '${full}[0]' ${shellWord((spec.example as string[])[0])}`;
    if (spec.shape === "string map") {
        const [name, value] = Object.entries(spec.example as Record<string, string>)[0];
        return `pulumi config set --path '${full}.${name}' ${shellWord(value)}`;
    }
    return `pulumi config set ${full} ${shellWord(String(spec.example))}`;
}

/** The expected shape in words, e.g. "a list of event types". */
export function shapeText(spec: ConfigKey): string {
    switch (spec.shape) {
        case "string list":
            return `a list of ${spec.items}`;
        case "string map":
            return `a map of ${spec.items}`;
        case "boolean":
            return "true or false";
        default:
            return `a ${spec.shape}`;
    }
}

/** The example as it looks in YAML, e.g. `[invoice.paid, customer.subscription.deleted]`. */
export function exampleText(spec: ConfigKey): string {
    return yamlText(spec.example);
}

function parsedJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** The value in the key's shape, or undefined when it has another (the caller reports it). */
function parseValue(spec: ConfigKey, text: string): unknown {
    switch (spec.shape) {
        case "string":
            // A list or map given where a string is expected reaches the program as its JSON.
            return /^\s*[[{]/.test(text) && typeof parsedJson(text) === "object" ? undefined : text;
        case "number": {
            const n = text.trim() === "" ? NaN : Number(text);
            return Number.isFinite(n) ? n : undefined;
        }
        case "boolean":
            return text === "true" ? true : text === "false" ? false : undefined;
        case "string list": {
            const list = parsedJson(text);
            return Array.isArray(list) && list.every((item) => typeof item === "string") ? list : undefined;
        }
        case "string map": {
            const map = parsedJson(text);
            return isPlainObject(map) && Object.values(map).every((v) => typeof v === "string") ? map : undefined;
        }
    }
}

/** The valid key a mistyped one most likely meant: one differing only in case first, else the nearest by edit distance. */
function nearestKey(key: string, candidates: readonly string[]): string | undefined {
    return candidates.find((c) => c.toLowerCase() === key.toLowerCase()) ?? nearest(key, candidates);
}

function unknownKeyFix(key: string, candidates: readonly string[], prefix: string): string {
    const near = nearestKey(key, candidates);
    return near !== undefined ? `did you mean ${prefix}${near}? Rename it` : "remove it; docs/reference/config.md lists every key";
}

/**
 * The QuickSight owner, from the flat key or from the structured `quicksight.principalArn`
 * (`pulumi config set --path stripe-analytics:quicksight.principalArn ...`); both name the same arg.
 */
function quickSightPrincipal(flat: string | undefined, text: string | undefined, file: string, checks: ConfigChecks): string | undefined {
    if (text === undefined) return flat;
    const refuse = (problem: string, fix: string): never => {
        throw new StackConfigError(file, "quicksight", text, problem, fix);
    };
    const structured = checks.run(() => {
        const value = parsedJson(text);
        const example = `pulumi config set --path '${CONFIG_NAMESPACE}:quicksight.principalArn' ${CONFIG_KEYS.quicksightPrincipalArn.example}`;
        if (!isPlainObject(value)) return refuse(`must be a structured object, e.g. ${PROGRAM_KEYS.quicksight.example}`, example);
        for (const field of Object.keys(value).filter((f) => !QUICKSIGHT_FIELDS.includes(f))) {
            refuse(`has no field ${field}`, unknownKeyFix(field, QUICKSIGHT_FIELDS, "quicksight."));
        }
        if (value.principalArn !== undefined && typeof value.principalArn !== "string") return refuse("quicksight.principalArn must be a string", example);
        return { principalArn: value.principalArn as string | undefined };
    })?.principalArn;
    return checks.run(() => {
        if (flat !== undefined && structured !== undefined && flat !== structured) {
            throw new PipelineConfigError("quicksight.principalArn", structured, `quicksightPrincipalArn is also set, to ${JSON.stringify(flat)}`, "keep one of the two keys");
        }
        return { principalArn: flat ?? structured };
    })?.principalArn;
}

/**
 * The component's name and args from a stack's config, as the Pulumi CLI hands it to the program:
 * every key namespaced (`stripe-analytics:name`), every value a string, structured ones as JSON.
 * Keys of other namespaces (`aws:`, `stripe:`) are not this project's and are left alone. What it
 * refuses (unknown keys, wrong shapes) goes into `checks`, and the arg stays unset.
 */
export function readPipelineConfig(values: Readonly<Record<string, string>>, file: string, checks: ConfigChecks): PipelineConfig {
    const prefix = `${CONFIG_NAMESPACE}:`;
    const own = new Map(
        Object.entries(values)
            .filter(([key]) => key.startsWith(prefix))
            .map(([key, value]) => [key.slice(prefix.length), value]),
    );
    const known = [...Object.keys(PROGRAM_KEYS), ...Object.keys(CONFIG_KEYS)];
    for (const key of [...own.keys()].filter((k) => !known.includes(k)).sort()) {
        checks.run(() => {
            throw new StackConfigError(file, key, own.get(key), "no such key, so it would be ignored", unknownKeyFix(key, known, prefix));
        });
    }
    const args: Record<string, unknown> = {};
    for (const [key, spec] of Object.entries<ConfigKey>(CONFIG_KEYS)) {
        const text = own.get(key);
        if (text === undefined) continue;
        const value = checks.run(() => {
            const parsed = parseValue(spec, text);
            if (parsed === undefined) throw new StackConfigError(file, key, text, `must be ${shapeText(spec)}, e.g. ${exampleText(spec)}`, setCommand(key, spec));
            return { parsed };
        })?.parsed;
        if (value !== undefined) args[key] = value;
    }
    const principal = quickSightPrincipal(args.quicksightPrincipalArn as string | undefined, own.get("quicksight"), file, checks);
    if (principal !== undefined) args.quicksightPrincipalArn = principal;
    return { name: own.get("name") ?? DEFAULT_PIPELINE_NAME, args: args as StripeAnalyticsPipelineArgs };
}

/**
 * The stack's config read and validated with the component's own resolveSettings. Throws every
 * refusal at once (unknown keys, shapes, then the component's checks): a single one as it is,
 * several as one PipelineConfigErrors.
 */
export function resolveStackConfig(values: Readonly<Record<string, string>>, file: string): PipelineConfig & { settings: PipelineSettings } {
    const checks = new ConfigChecks();
    const config = readPipelineConfig(values, file, checks);
    const settings = checks.run(() => resolveSettings(config.name, config.args));
    return { ...config, settings: checks.settle(settings) };
}
