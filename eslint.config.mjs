// Typed lint of the Pulumi program: an Output in a plain template literal renders as a warning
// string instead of its value, so both Pulumi rules are errors. `npm run lint`, also run by .ci/run.
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

export default tseslint.config({
    files: ["index.ts", "stackConfig.ts", "components/**/*.ts", "examples/*/index.ts"],
    languageOptions: {
        parser: tseslint.parser,
        parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@pulumi": pulumi },
    rules: {
        "@pulumi/no-output-in-template-literal": "error",
        "@pulumi/no-output-instance-in-template-literal": "error",
    },
});
