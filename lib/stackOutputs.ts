/**
 * Finding the deployed pipeline from the operator scripts, without the Pulumi CLI when need be:
 * names and ARNs come from flags, else from `pulumi stack output --json`. (The stack's config,
 * such as its event types, comes from `Pulumi.<stack>.yaml` through ./stackConfig.ts.)
 */
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

/** Where the Pulumi CLI is, for the message that says it is missing. */
const PULUMI_INSTALL = "https://www.pulumi.com/docs/iac/download-install/";

/**
 * The usage error for a deployed value that neither `--flag` nor the stack outputs gave: why the
 * outputs did not (no Pulumi CLI on PATH, or a stack without that output) and how to pass it.
 */
export function missingDeployedValue(flag: string, outputs: () => Record<string, unknown> | undefined, ...names: string[]): UsageError {
    const command = names.map((name) => `\`pulumi stack output ${name}\``).join(" and ");
    if (outputs() === undefined) {
        return new UsageError(
            `--${flag} is required: the Pulumi CLI (pulumi) is not on PATH, so the deployed stack's ${names.join(" and ")} cannot be read for you. ` +
                `Pass --${flag} with the value from ${command} (run where the stack was deployed), or install the Pulumi CLI (${PULUMI_INSTALL}) and log in`,
        );
    }
    return new UsageError(`--${flag} is required: the stack's outputs (\`pulumi stack output --json\`, or --stack NAME) have no ${names.join(" and ")}; deploy it (pulumi up) or pass --${flag}`);
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
    throw missingDeployedValue(flag, outputs, output);
}
