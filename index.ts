/**
 * The stripe-analytics Pulumi program: reads the `stripe-analytics:*` keys of the stack's config
 * (stackConfig.ts) and deploys one StripeAnalyticsPipeline. Everything else lives in components/.
 */
import * as pulumi from "@pulumi/pulumi";
import { pipelineOutputs, StripeAnalyticsPipeline } from "./components";
import { CONFIG_NAMESPACE, readPipelineConfig } from "./stackConfig";

const config = new pulumi.Config(CONFIG_NAMESPACE);
const { name, args } = readPipelineConfig({
    string: (key) => config.get(key),
    number: (key) => config.getNumber(key),
    boolean: (key) => config.getBoolean(key),
    object: (key) => config.getObject(key),
});
const pipeline = new StripeAnalyticsPipeline(name, args);

/**
 * The stack outputs: every output of the component under its own name (PIPELINE_OUTPUTS). Marked
 * as an ES module the way TypeScript marks one with named exports, so whoever imports this program
 * sees exactly these names and no synthesized `default`.
 */
export = Object.defineProperty(pipelineOutputs(pipeline), "__esModule", { value: true });
