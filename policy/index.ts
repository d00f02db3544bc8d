/**
 * The stripe-analytics policy pack: `pulumi preview --policy-pack policy` (and the PR preview
 * workflow) refuses changes that break the pipeline's guarantees. The policies are in
 * policies.ts; this file only registers them with the Pulumi engine.
 */
import { PolicyPack } from "@pulumi/policy";
import { pipelinePolicies } from "./policies";

new PolicyPack("stripe-analytics-guarantees", { policies: pipelinePolicies() });
