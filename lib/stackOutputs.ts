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
