/**
 * docs/reference/config.md: every `stripe-analytics:*` stack config key. The keys, shapes and
 * examples are CONFIG_KEYS and PROGRAM_KEYS (stackConfig.ts), which the program reads through; the
 * descriptions and defaults are the TSDoc of StripeAnalyticsPipelineArgs (components/args.ts), the
 * same text consumers of the package see.
 */
import ts from "typescript";
import { CONFIG_KEYS, CONFIG_NAMESPACE, ConfigKey, exampleText, PROGRAM_KEYS, ProgramKey, shapeText } from "../../stackConfig";
import { DocReference, generatedBanner, parseSource, table, tsdocOf } from "./reference";

const ARGS_SOURCE = "components/args.ts";

export interface DeclaredArg {
    name: string;
    /** The declared type, as written (`string[]`, `pulumi.Input<string>`). */
    type: string;
    doc: string;
}

/** The properties of StripeAnalyticsPipelineArgs as args.ts declares them, in order. */
export function declaredArgs(): DeclaredArg[] {
    const source = parseSource(ARGS_SOURCE);
    const args = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === "StripeAnalyticsPipelineArgs");
    if (!args) throw new Error(`interface StripeAnalyticsPipelineArgs not found in ${ARGS_SOURCE}`);
    return args.members.filter(ts.isPropertySignature).map((member) => ({ name: member.name.getText(), type: member.type?.getText() ?? "", doc: tsdocOf(member) }));
}

/**
 * The TSDoc split into its `Default: ...` sentence and the rest. The sentence ends at the first
 * period followed by a space, outside parentheses and code (`cron(30 0 * * ? *)` has neither end).
 */
export function splitDefault(doc: string): { description: string; byDefault?: string } {
    const text = doc.replace(/\s+/g, " ").trim();
    const start = text.indexOf("Default: ");
    if (start < 0) return { description: text };
    let depth = 0;
    let code = false;
    let end = start + "Default: ".length;
    for (; end < text.length; end++) {
        const c = text[end];
        if (c === "`") code = !code;
        else if (!code && c === "(") depth++;
        else if (!code && c === ")") depth--;
        else if (!code && depth === 0 && c === "." && (end + 1 === text.length || text[end + 1] === " ")) break;
    }
    return {
        description: `${text.slice(0, start)}${text.slice(end + 1)}`.replace(/\s+/g, " ").trim(),
        byDefault: text.slice(start + "Default: ".length, end).trim(),
    };
}

const code = (text: string): string => `\`${text}\``;

export function renderConfig(): string {
    const keys: Record<string, ConfigKey> = CONFIG_KEYS;
    const rows = declaredArgs().map((arg) => {
        const spec = keys[arg.name];
        if (!spec) throw new Error(`${ARGS_SOURCE}: arg ${arg.name} has no entry in CONFIG_KEYS (stackConfig.ts)`);
        if (!arg.doc) throw new Error(`${ARGS_SOURCE}: arg ${arg.name} has no TSDoc comment; write what it is`);
        const { description, byDefault } = splitDefault(arg.doc);
        return [code(arg.name), shapeText(spec), byDefault ?? "", description, code(exampleText(spec))];
    });
    const programRow = (key: keyof typeof PROGRAM_KEYS): string[] => {
        const spec: ProgramKey = PROGRAM_KEYS[key];
        return [code(key), spec.shape, spec.default ?? "", spec.description, code(spec.example)];
    };
    const { extraEventTypes, tags } = CONFIG_KEYS;
    return `${generatedBanner("scripts/docs/config.ts", [ARGS_SOURCE, "stackConfig.ts"])}
# Stack config keys

Every \`${CONFIG_NAMESPACE}:*\` key of \`Pulumi.<stack>.yaml\`. Each argument of the
StripeAnalyticsPipeline component is a key of the same name; \`name\` and \`quicksight\` belong to the
program (\`index.ts\`). \`npm start\` and the other local commands read the same file (\`--stack\`) and
refuse what \`pulumi preview\` refuses, with the same messages.

Set a value with \`pulumi config set ${CONFIG_NAMESPACE}:KEY VALUE\`, or write it in the file as the
Example column does. Lists and maps are YAML lists and maps (\`${CONFIG_NAMESPACE}:extraEventTypes: ${exampleText(extraEventTypes)}\`),
set one element at a time with \`--path\` (\`pulumi config set --path '${CONFIG_NAMESPACE}:extraEventTypes[0]' ${extraEventTypes.example[0]}\`,
\`pulumi config set --path '${CONFIG_NAMESPACE}:tags.${Object.keys(tags.example)[0]}' ${Object.values(tags.example)[0]}\`); a JSON string
(\`'["invoice.paid"]'\`) is read the same way.

A key not in this table, a misspelled one (\`workflowtype\`) or a value of the wrong shape fails
\`pulumi preview\` and the local commands instead of being ignored; every problem of the file is
reported at once, each with the nearest valid key or an example of the expected shape.

${table(["key", "shape", "default", "description", "example"], [programRow("name"), ...rows, programRow("quicksight")])}`;
}

export const configReference: DocReference = { file: "docs/reference/config.md", render: renderConfig };
