import * as pulumi from "@pulumi/pulumi";
import type { PipelineSettings } from "./settings";

/** What every part of the pipeline is built from: the component's name, its settings, and itself as parent. */
export interface PartContext {
    /** The component's name; every child is named `${name}-<role>`. */
    name: string;
    /** The only view of the arguments a part gets (settings.ts). */
    settings: PipelineSettings;
    /** The component; every child gets `{ parent }`, so it also inherits the caller's providers. */
    parent: pulumi.ComponentResource;
    /** Account the pipeline is deployed to (from sts:GetCallerIdentity). */
    accountId: pulumi.Output<string>;
    /** AWS partition of that account (`aws`, `aws-cn`, `aws-us-gov`), for ARNs built from names. */
    partition: pulumi.Output<string>;
}

/** JSON of a document (policy, state machine definition) built from values known only once resources exist. */
export function jsonFrom<T extends readonly unknown[]>(inputs: [...T], build: (...values: pulumi.Unwrap<T>) => object): pulumi.Output<string> {
    return pulumi.output(inputs).apply((values) => JSON.stringify(build(...(values as pulumi.Unwrap<T>))));
}
