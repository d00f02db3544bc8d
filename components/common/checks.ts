import { PipelineConfigError, PipelineConfigErrors } from "../errors";

/**
 * Runs the configuration checks of every part and keeps what they refuse, so one `pulumi preview`
 * names every bad setting instead of one per attempt. Anything thrown other than a
 * PipelineConfigError is a bug rather than a setting, and propagates at once.
 */
export class ConfigChecks {
    private readonly refused: PipelineConfigError[] = [];

    /**
     * What `resolve` returns, or undefined when it refused a setting (the error is kept): callers
     * skip the checks that need the value, so one bad setting does not cause reports about others.
     */
    run<T extends object>(resolve: () => T): T | undefined {
        try {
            return resolve();
        } catch (error) {
            if (!(error instanceof PipelineConfigError)) throw error;
            // A whole resolveSettings run refused inside another list joins it setting by setting.
            this.refused.push(...(error instanceof PipelineConfigErrors ? error.errors : [error]));
            return undefined;
        }
    }

    /** Each field resolved by its own check, so every bad one is reported; the record once all passed. */
    fields<T extends object>(resolvers: { [K in keyof T]: () => T[K] }): T | undefined {
        const results = Object.entries<() => unknown>(resolvers).map(([key, resolve]) => [key, this.run(() => ({ value: resolve() }))] as const);
        return results.every(([, result]) => result !== undefined) ? (Object.fromEntries(results.map(([key, result]) => [key, result?.value])) as T) : undefined;
    }

    /**
     * The parts' settings merged into one record, once every check passed (a part's resolver
     * returns undefined only after a refusal). Throws otherwise: a single error unchanged, several
     * as one PipelineConfigErrors.
     */
    settle<T extends readonly (object | undefined)[]>(...slices: T): Merged<NonNullable<T[number]>> {
        if (this.refused.length === 1) throw this.refused[0];
        if (this.refused.length > 1) throw new PipelineConfigErrors(this.refused);
        return Object.assign({}, ...slices);
    }
}

/** `A | B` as `A & B`: the type of the slices merged into one object. */
type Merged<T> = (T extends unknown ? (slice: T) => void : never) extends (slice: infer M) => void ? M : never;

/** A whole number within a range, or undefined when not set (the caller applies the default). */
export function integerIn(key: string, value: number | undefined, min: number, max: number, unit: string, byDefault: string): number | undefined {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
        throw new PipelineConfigError(key, value, `must be a whole number of ${unit} from ${min} to ${max}`, `set it within that range, or remove it for the default (${byDefault})`);
    }
    return value;
}
