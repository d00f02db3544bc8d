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
