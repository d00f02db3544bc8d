/**
 * docs/reference/outputs.md: the component's outputs, from the declarations Pulumi's component
 * analyzer infers the package schema from (the class's `pulumi.Output` fields in
 * components/pipeline.ts, with their TSDoc), in the order of PIPELINE_OUTPUTS, the list the stack
 * exports. tests/components/componentPackage.test.ts checks that the schema has exactly these fields.
 */
import ts from "typescript";
import { PIPELINE_OUTPUTS } from "../../components/pipeline";
import { DocReference, generatedBanner, parseSource, table, tsdocOf } from "./reference";

const SOURCE = "components/pipeline.ts";

interface DeclaredOutput {
    name: string;
    /** The value's type, inside `pulumi.Output<...>`. */
    type: string;
    doc: string;
}

function declaredOutputs(): Map<string, DeclaredOutput> {
    const source = parseSource(SOURCE);
    const component = source.statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === "StripeAnalyticsPipeline");
    if (!component) throw new Error(`class StripeAnalyticsPipeline not found in ${SOURCE}`);
    const outputs = new Map<string, DeclaredOutput>();
    for (const member of component.members.filter(ts.isPropertyDeclaration)) {
        const type = member.type?.getText() ?? "";
        const inner = /^pulumi\.Output<(.*)>$/s.exec(type)?.[1];
        if (inner === undefined) throw new Error(`${SOURCE}: field ${member.name.getText()} is not declared as pulumi.Output<...> (${type})`);
        outputs.set(member.name.getText(), { name: member.name.getText(), type: inner, doc: tsdocOf(member) });
    }
    return outputs;
}

/** The schema's spelling of a declared type: `string`, `string[]`, and whether it may be absent. */
function typeCell(type: string): string {
    const parts = type.split("|").map((p) => p.trim());
    const present = parts.filter((p) => p !== "undefined").join(" | ");
    return parts.includes("undefined") ? `\`${present}\`, optional` : `\`${present}\``;
}

export function renderOutputs(): string {
    const declared = declaredOutputs();
    const rows = PIPELINE_OUTPUTS.map((name) => {
        const output = declared.get(name);
        if (!output) throw new Error(`${SOURCE}: PIPELINE_OUTPUTS names ${name}, which is not a field of StripeAnalyticsPipeline`);
        if (!output.doc) throw new Error(`${SOURCE}: output ${name} has no TSDoc comment; write what it is`);
        return [`\`${name}\``, typeCell(output.type), output.doc];
    });
    return `${generatedBanner("scripts/docs/outputs.ts", [SOURCE])}
# Outputs of StripeAnalyticsPipeline

Every output of the component, in the order the stack exports them (\`index.ts\` exports
\`pipelineOutputs(pipeline)\`, so \`pulumi stack output <name>\` reads each). The descriptions are the
fields' TSDoc, which is also what the package schema other languages' SDKs are generated from says
([reuse.md](../reuse.md#other-languages-pulumi-package-add)). An optional output is undefined (absent from
\`pulumi stack output\`) in the configuration its description names.

${table(["output", "type", "what"], rows)}
The Stripe signing secret is never an output: it goes from the provider into Secrets Manager.
`;
}

export const outputsReference: DocReference = { file: "docs/reference/outputs.md", render: renderOutputs };
