/**
 * Configuration errors raised while the program runs, so bad config stops `pulumi preview`
 * before anything is planned. Every message names the setting, the offending value and the fix;
 * the setting names are the component's arg names, which are also the `stripe-analytics:*`
 * stack config keys read by index.ts.
 */
export class PipelineConfigError extends Error {
    constructor(
        readonly key: string,
        readonly value: unknown,
        problem: string,
        fix: string,
    ) {
        super(`Invalid ${key} ${JSON.stringify(value)}: ${problem}. Fix: ${fix}`);
        this.name = "PipelineConfigError";
    }
}

/**
 * Several settings refused at once (resolveSettings reports every bad setting, not just the first):
 * `errors` holds each, and the message lists their messages one per line.
 */
export class PipelineConfigErrors extends PipelineConfigError {
    constructor(readonly errors: readonly PipelineConfigError[]) {
        super(errors.map((e) => e.key).join(", "), errors.map((e) => e.value), "", "");
        // The list replaces the one-setting sentence the base class writes.
        this.message = [`${errors.length} settings are invalid:`, ...errors.map((e) => e.message)].join("\n");
        this.name = "PipelineConfigErrors";
    }
}
