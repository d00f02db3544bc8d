/**
 * The multi-language component package: the schema the Pulumi SDK's component analyzer infers
 * from the package (the packed tarball as installed, and the built clone `pulumi package add` with
 * a git URL runs the plugin from) must carry every argument of StripeAnalyticsPipelineArgs and every output
 * of the class, with the types other languages' SDKs are generated from. The expected lists are
 * read from the TypeScript source itself, so an argument added later is checked without editing
 * this test; a type form not in EXPECTED_INPUT/EXPECTED_OUTPUT fails until it is added here
 * deliberately (unions and callbacks have no form, since other languages cannot express them).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import ts from "typescript";
import { parse } from "yaml";
import { getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import { analyzePackage, COMPONENT_CLASS, componentPackage, REPO_ROOT, servedSchema } from "../support/componentSchema";
import { installedPackage, packedPackage } from "../support/packedPackage";

/** Schema property of each argument type form: non-Input fields are `plain` (known at preview). */
const EXPECTED_INPUT: Record<string, object> = {
    string: { type: "string", plain: true },
    number: { type: "number", plain: true },
    boolean: { type: "boolean", plain: true },
    "string[]": { type: "array", items: { type: "string", plain: true }, plain: true },
    "pulumi.Input<string>": { type: "string" },
    "pulumi.Input<Record<string, pulumi.Input<string>>>": { type: "object", additionalProperties: { type: "string" } },
};

/** Schema property of each output type form. */
const EXPECTED_OUTPUT: Record<string, object> = {
    "pulumi.Output<string>": { type: "string" },
    "pulumi.Output<string | undefined>": { type: "string", optional: true },
    // The QuickSight datasets, one per configured event family: a list, as their number varies.
    "pulumi.Output<string[]>": { type: "array", items: { type: "string" } },
};

/** Arguments and outputs this branch knows of; the lists read from the source must contain at least these. */
const KNOWN_ARGS = [
    "extraEventTypes", "stripeApiVersion", "lakePrefix", "kmsKeyArn", "expireEventsAfterDays", "noncurrentVersionExpirationDays",
    "retainBucketOnDelete", "workflowType", "logRetentionDays", "receiverMemoryMb", "retryMaximumEventAgeSeconds", "retryMaximumAttempts",
    "deadLetterRetentionDays", "quicksightPrincipalArn", "tags", "existingBucketName", "existingBucketKmsKeyArn", "existingEventBusName", "existingEventBusArn",
];
const KNOWN_OUTPUTS = ["webhookUrl", "bucketName", "lakePrefix", "eventBusName", "eventBusArn", "ruleArn", "stateMachineArn", "deadLetterQueueUrl", "webhookEndpointId", "dataSetArn"];

interface DeclaredProperty {
    name: string;
    type: string;
    optional: boolean;
    doc: string;
}

function sourceOf(relative: string): ts.SourceFile {
    const file = path.join(REPO_ROOT, relative);
    return ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
}

function docOf(node: ts.Node): string {
    return ts.getJSDocCommentsAndTags(node).map((d) => (ts.isJSDoc(d) ? ts.getTextOfJSDocComment(d.comment) ?? "" : "")).join("\n");
}

/** Properties of the args interface, as written. */
function declaredArgs(): DeclaredProperty[] {
    const source = sourceOf("components/args.ts");
    const args = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === "StripeAnalyticsPipelineArgs");
    assert.ok(args, "StripeAnalyticsPipelineArgs not found in components/args.ts");
    return args.members.map((m) => {
        assert.ok(ts.isPropertySignature(m) && m.type, `${m.getText()} is not a property with a type`);
        return { name: m.name.getText(), type: m.type.getText(), optional: m.questionToken !== undefined, doc: docOf(m) };
    });
}

/** Public readonly fields of the component class: its outputs. */
function declaredOutputs(): DeclaredProperty[] {
    const source = sourceOf("components/pipeline.ts");
    const component = source.statements.find((s): s is ts.ClassDeclaration => ts.isClassDeclaration(s) && s.name?.text === COMPONENT_CLASS);
    assert.ok(component, `${COMPONENT_CLASS} not found in components/pipeline.ts`);
    return component.members.filter(ts.isPropertyDeclaration).map((m) => ({ name: m.name.getText(), type: m.type?.getText() ?? "", optional: false, doc: docOf(m) }));
}

function withoutDescription(property: object): object {
    const { description: _, ...rest } = property as { description?: string };
    return rest;
}

/** The schema has exactly the declared properties (at least the known ones), each of the form its declared type maps to. */
function assertDeclaredInSchema(kind: string, declared: DeclaredProperty[], known: string[], properties: Record<string, object>, forms: Record<string, object>): void {
    assert.deepEqual(known.filter((name) => !declared.some((d) => d.name === name)), [], `${kind}s missing from the source`);
    assert.deepEqual(Object.keys(properties).sort(), declared.map((d) => d.name).sort());
    for (const d of declared) {
        const form = forms[d.type];
        assert.ok(form, `${kind} ${d.name} has type ${d.type}, which has no expected schema form here: use one of ${Object.keys(forms).join(", ")} or add it deliberately`);
        assert.deepEqual(withoutDescription(properties[d.name]), { ...form, ...(d.optional ? { optional: true } : {}) }, d.name);
    }
}

describe("component package (schema inferred by the Pulumi SDK's component analyzer)", function () {
    // The analyzer builds a TypeScript program of the whole project.
    this.timeout(120000);
    const pkg = () => componentPackage();
    const resource = () => {
        const { schema, providerName } = pkg();
        return schema.resources[`${providerName}:index:${COMPONENT_CLASS}`];
    };

    it("is a nodejs plugin whose package name makes the token the component registers with", async function () {
        for (const dir of [REPO_ROOT, installedPackage()]) {
            assert.deepEqual(parse(fs.readFileSync(path.join(dir, "PulumiPlugin.yaml"), "utf8")), { runtime: "nodejs" }, dir);
        }
        const { schema } = pkg();
        const { PIPELINE_TYPE } = await import("../../components");
        assert.equal(schema.name, "stripe-analytics");
        assert.deepEqual(Object.keys(schema.resources), [PIPELINE_TYPE]);
        assert.equal(resource().isComponent, true);
    });

    it("hosts exactly this component from package.json's main, built JavaScript, as the plugin host loads it (require of the folder)", function () {
        for (const dir of [installedPackage(), packedPackage().builtSource]) {
            const main = path.resolve(dir, pkg().packageJson.main);
            assert.equal(main, path.join(dir, "dist/index.js"));
            assert.equal(require.resolve(dir), main);
            const components = getPulumiComponents(require(dir));
            assert.deepEqual(components.map((c) => c.name), [COMPONENT_CLASS]);
        }
    });

    it("is served by Pulumi's own plugin host, started in the installed package as the Node.js language host starts a plugin", async function () {
        // As JSON, the way the schema travels (fields the analyzer leaves undefined are absent).
        assert.deepEqual(await servedSchema(installedPackage()), JSON.parse(JSON.stringify(pkg().schema)));
    });

    it("infers the same schema from a built clone, which `pulumi package add <git URL>@<tag>` runs the plugin from", function () {
        assert.deepEqual(analyzePackage(packedPackage().builtSource).schema, pkg().schema);
    });

    it("has every argument of StripeAnalyticsPipelineArgs as an input of the type its declaration maps to", function () {
        const declared = declaredArgs();
        const inputs = resource().inputProperties ?? {};
        assertDeclaredInSchema("argument", declared, KNOWN_ARGS, inputs, EXPECTED_INPUT);
        for (const d of declared) {
            assert.equal(inputs[d.name].description, d.doc, `${d.name}: the schema documents the argument with its JSDoc`);
            assert.match(d.doc, /Default/, `${d.name}: every argument documents its default`);
        }
        // The constructor defaults args to {}, so no argument may be required.
        assert.deepEqual(resource().requiredInputs, []);
    });

    it("has every output field of the class as an output of the type its declaration maps to", function () {
        const declared = declaredOutputs();
        assertDeclaredInSchema("output", declared, KNOWN_OUTPUTS, resource().properties ?? {}, EXPECTED_OUTPUT);
        assert.deepEqual(resource().required, declared.filter((d) => !d.type.includes("undefined")).map((d) => d.name).sort());
    });

    it("stays flat: no object types of its own and no resource references", function () {
        const { schema } = pkg();
        assert.deepEqual(schema.types, {});
        assert.deepEqual(schema.dependencies, []);
    });
});

describe("examples/yaml-consumer (a Pulumi YAML program using the component package)", function () {
    this.timeout(120000);
    const exampleDir = path.join(REPO_ROOT, "examples/yaml-consumer");
    const program = parse(fs.readFileSync(path.join(exampleDir, "Pulumi.yaml"), "utf8"));
    const REFERENCE = /^\$\{([^}]+)\}$/;

    /** Whether a literal YAML value fits a schema property (string, number, boolean, array, map). */
    function fits(value: unknown, property: any): boolean {
        switch (property.type) {
            case "array":
                return Array.isArray(value) && value.every((item) => fits(item, property.items));
            case "object":
                return typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((v) => fits(v, property.additionalProperties));
            default:
                return typeof value === property.type;
        }
    }

    it("is a YAML program that takes the package from this repository", function () {
        const { schema } = componentPackage();
        assert.equal(program.runtime, "yaml");
        assert.deepEqual(Object.keys(program.packages), [schema.name]);
        assert.equal(path.resolve(exampleDir, program.packages[schema.name]), REPO_ROOT);
    });

    it("uses the component's type token, and only inputs the schema has, with fitting values", function () {
        const { schema } = componentPackage();
        const ours = Object.entries<any>(program.resources).filter(([, r]) => String(r.type).startsWith(`${schema.name}:`));
        assert.equal(ours.length, 1);
        for (const [name, r] of ours) {
            // YAML accepts `pkg:Type` for `pkg:index:Type`.
            const token = r.type.split(":").length === 2 ? r.type.replace(":", ":index:") : r.type;
            const resource = schema.resources[token];
            assert.ok(resource, `${name}: ${r.type} is not in the schema (${Object.keys(schema.resources).join(", ")})`);
            for (const [key, value] of Object.entries(r.properties ?? {})) {
                const input = resource.inputProperties?.[key] as any;
                assert.ok(input, `${name}: ${key} is not an input of ${token}`);
                const reference = typeof value === "string" ? REFERENCE.exec(value) : null;
                if (reference) {
                    // A plain input must be known at preview: a config value, not another resource's output.
                    const config = program.config?.[reference[1]];
                    assert.ok(config || !input.plain, `${name}: ${key} is plain, so it can only take a config value, not \${${reference[1]}}`);
                    assert.equal(config?.type, input.type, `${name}: config ${reference[1]} is not of ${key}'s type`);
                } else {
                    assert.ok(fits(value, input), `${name}: ${key} = ${JSON.stringify(value)} does not fit ${JSON.stringify(input)}`);
                }
            }
            for (const [output, expression] of Object.entries<string>(program.outputs ?? {})) {
                const reference = REFERENCE.exec(expression)?.[1].split(".");
                assert.ok(reference?.[0] !== name || (reference[1] ?? "") in (resource.properties ?? {}), `output ${output}: ${expression} is not an output of ${token}`);
            }
        }
    });
});
