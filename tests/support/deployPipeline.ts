/**
 * "Deploy a pipeline under mocks and record it", once for every test: installs fresh Pulumi mocks,
 * constructs the component(s), waits until every child is registered and returns what the mocks saw.
 */
import type * as pulumiTypes from "@pulumi/pulumi";
import { installMocks, RecordingMocks, settled, urnsOf, valueOf } from "./pulumiMocks";

export type PipelineModule = typeof import("../../components");
export type Pipeline = InstanceType<PipelineModule["StripeAnalyticsPipeline"]>;
export type PipelineArgs = NonNullable<ConstructorParameters<PipelineModule["StripeAnalyticsPipeline"]>[1]>;

export interface DeployOptions {
    /** Provider-computed outputs unknown, as in `pulumi preview`. */
    preview?: boolean;
    /** Mocks to record with instead of fresh RecordingMocks, e.g. ones answering for another partition. */
    mocks?: RecordingMocks;
}

export interface PipelineSpec {
    name: string;
    args: PipelineArgs;
    /** The component's resource options, e.g. transformations recording what mocks cannot see. */
    opts?: pulumiTypes.ComponentResourceOptions;
}

export interface Deployment {
    mocks: RecordingMocks;
    /** URNs of every registered resource (the components and their children), sorted. */
    urns: string[];
    /** Messages the program logged with `pulumi.log.warn`. */
    warnings: string[];
    mod: PipelineModule;
}

/** Several pipelines in one stack, under one set of mocks. */
export async function deployPipelines(specs: PipelineSpec[], { preview = false, mocks: given }: DeployOptions = {}): Promise<Deployment & { pipelines: Pipeline[] }> {
    const mocks = await installMocks(preview, given);
    const pulumi: typeof pulumiTypes = await import("@pulumi/pulumi");
    const mod: PipelineModule = await import("../../components");
    const warnings: string[] = [];
    const warn = pulumi.log.warn;
    pulumi.log.warn = async (message: string) => {
        warnings.push(message);
    };
    try {
        const pipelines = specs.map(({ name, args, opts }) => new mod.StripeAnalyticsPipeline(name, args, opts));
        if (!preview) {
            // During a preview the URL stays unknown; settling alone is all there is to wait for.
            await Promise.all(pipelines.map((p) => valueOf(p.webhookUrl)));
        }
        await settled(mocks);
        return { mocks, pipelines, urns: urnsOf().sort(), warnings, mod };
    } finally {
        pulumi.log.warn = warn;
    }
}

/** One pipeline against fresh mocks. */
export async function deployPipeline(name: string, args: PipelineArgs = {}, options: DeployOptions & { opts?: pulumiTypes.ComponentResourceOptions } = {}): Promise<Deployment & { pipeline: Pipeline }> {
    const { pipelines, ...deployment } = await deployPipelines([{ name, args, opts: options.opts }], options);
    return { ...deployment, pipeline: pipelines[0] };
}
