import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceRole } from "../common/serviceRole";
import { lakeLocation } from "../lake/layout";
import { PartContext, jsonFrom } from "../context";
import { Storage } from "../storage";
import { analyticsIdBase } from "./athena";
import { quickSightReadPolicy } from "./policies";
import { DATA_SET_OWNER_ACTIONS, DATA_SOURCE_OWNER_ACTIONS } from "./quicksight";
import { scalarSpelling, ViewColumn } from "./schema";

export interface ManifestDataSet {
    dataSet: aws.quicksight.DataSet;
}

/** Key of the QuickSight manifest, outside the lake prefix so no reader of the lake mistakes it for an event. */
export const QUICKSIGHT_MANIFEST_KEY = "quicksight/manifest.json";

/** The S3 manifest QuickSight reads: every object under the lake prefix, as JSON documents. */
export function buildQuickSightManifest(bucketName: string, lakePrefix: string): object {
    return {
        fileLocations: [{ URIPrefixes: [lakeLocation(bucketName, lakePrefix)] }],
        globalUploadSettings: { format: "JSON" },
    };
}

/** Top-level fields every Stripe event has; QuickSight's S3 import needs one column list for all files. */
const EVENT_FIELDS: ViewColumn[] = [
    { name: "id", type: "string" },
    { name: "type", type: "string" },
    { name: "created", type: "bigint" },
    { name: "livemode", type: "boolean" },
    { name: "api_version", type: "string" },
];

/** Those fields as the dataset's input columns, spelled for QuickSight as the Athena datasets' columns are (schema.ts). */
export const EVENT_COLUMNS = EVENT_FIELDS.map((c) => ({ name: c.name, type: scalarSpelling(c.type).quicksight }));

/**
 * QuickSight as the original console walkthrough set it up, kept as an opt-in for small accounts
 * (`quicksightManifestDataSet`): a manifest over the lake, an S3 data source reading it through its
 * own read-only role, and a SPICE dataset of the top-level event fields owned by the principal.
 * QuickSight reads at most 1,000 files, all with the same columns, through a manifest, so this
 * stops working once the lake grows past that; the Athena datasets (quicksight.ts) do not.
 * https://docs.aws.amazon.com/quicksight/latest/user/supported-manifest-file-format.html
 */
export function createManifestDataSet(ctx: PartContext, principalArn: pulumi.Input<string>, { storage }: { storage: Storage }): ManifestDataSet {
    const { name, settings, parent } = ctx;
    const { tags } = settings;
    const { bucket } = storage;
    const idBase = analyticsIdBase(name);

    const manifest = new aws.s3.BucketObjectv2(
        `${name}-quicksight-manifest`,
        {
            bucket: bucket.id,
            key: QUICKSIGHT_MANIFEST_KEY,
            contentType: "application/json",
            content: jsonFrom([bucket.bucket], (bucketName) => buildQuickSightManifest(bucketName, settings.lakePrefix)),
        },
        { parent },
    );
    const { role, policy: rolePolicy } = serviceRole(ctx, "quicksight", {
        service: "quicksight.amazonaws.com",
        policy: jsonFrom([bucket.arn, settings.lakeKmsKeyArn], (bucketArn, kmsKeyArn) =>
            quickSightReadPolicy({ bucketArn, lakePrefix: settings.lakePrefix, manifestKey: QUICKSIGHT_MANIFEST_KEY, kmsKeyArn }),
        ),
    });
    const dataSource = new aws.quicksight.DataSource(
        `${name}-quicksight-source`,
        {
            awsAccountId: ctx.accountId,
            dataSourceId: `${idBase}-events`,
            name: `Stripe events (${idBase})`,
            type: "S3",
            parameters: { s3: { manifestFileLocation: { bucket: bucket.bucket, key: manifest.key }, roleArn: role.arn } },
            permissions: [{ principal: principalArn, actions: DATA_SOURCE_OWNER_ACTIONS }],
            tags,
        },
        { parent, dependsOn: [rolePolicy] },
    );
    const dataSet = new aws.quicksight.DataSet(
        `${name}-quicksight-dataset`,
        {
            awsAccountId: ctx.accountId,
            dataSetId: `${idBase}-events`,
            name: `Stripe events (${idBase})`,
            importMode: "SPICE",
            physicalTableMaps: [
                {
                    physicalTableMapId: "stripe-events",
                    s3Source: { dataSourceArn: dataSource.arn, inputColumns: EVENT_COLUMNS, uploadSettings: { format: "JSON" } },
                },
            ],
            permissions: [{ principal: principalArn, actions: DATA_SET_OWNER_ACTIONS }],
            tags,
        },
        { parent },
    );
    return { dataSet };
}
