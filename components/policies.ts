/** Every policy document of the pipeline, by part, as one namespace (`policies` of the package). */
export * from "./common/iam";
export * from "./analytics/policies";
export * from "./ingestion/policies";
export * from "./monitoring/policies";
export * from "./routing/policies";
export { ArchiveStepPolicyOptions, archiveStepStatements } from "./workflow/archiveStep";
export * from "./workflow/policies";
