/**
 * A PartContext under fresh mocks, for testing one builder (serviceRole, secureBucket, ...) on its
 * own: a bare component as parent, real settings, and the resource options each child was given.
 */
import type * as pulumiTypes from "@pulumi/pulumi";
import type { PartContext } from "../../components/context";
import type { StripeAnalyticsPipelineArgs } from "../../components";
import { ACCOUNT_ID, installMocks, RecordingMocks } from "./pulumiMocks";

export interface PartUnderTest {
    ctx: PartContext;
    mocks: RecordingMocks;
    /** Resource options as the builder passed them, by child name (mocks do not see options). */
    options: Record<string, pulumiTypes.CustomResourceOptions>;
}

export async function partContext(name: string, args: StripeAnalyticsPipelineArgs = {}): Promise<PartUnderTest> {
    const mocks = await installMocks();
    const pulumi: typeof pulumiTypes = await import("@pulumi/pulumi");
    const { resolveSettings } = await import("../../components");
    const options: Record<string, pulumiTypes.CustomResourceOptions> = {};
    const parent = new pulumi.ComponentResource("test:index:Part", name, {}, {
        transformations: [
            (resource) => {
                options[resource.name] = resource.opts;
                return undefined;
            },
        ],
    });
    const ctx: PartContext = { name, settings: resolveSettings(name, args), parent, accountId: pulumi.output(ACCOUNT_ID), partition: pulumi.output("aws") };
    return { ctx, mocks, options };
}
