/**
 * The stripe-analytics Pulumi program: reads the `stripe-analytics:*` keys of the stack's config
 * (stackConfig.ts) and deploys one StripeAnalyticsPipeline. Everything else lives in components/.
 */
import * as pulumi from "@pulumi/pulumi";
import { pipelineOutputs, StripeAnalyticsPipeline } from "./components";
import { resolveStackConfig } from "./stackConfig";

// Every key the stack sets, not only the known ones, so a misspelled key is refused rather than ignored.
const { name, args } = resolveStackConfig(pulumi.runtime.allConfig(), `Pulumi.${pulumi.getStack()}.yaml`);
const pipeline = new StripeAnalyticsPipeline(name, args);

/**
 * The stack outputs: every output of the component under its own name (PIPELINE_OUTPUTS). Marked
 * as an ES module the way TypeScript marks one with named exports, so whoever imports this program
 * sees exactly these names and no synthesized `default`.
 */
export = Object.defineProperty(pipelineOutputs(pipeline), "__esModule", { value: true });
