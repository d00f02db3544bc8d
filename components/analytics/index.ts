import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Compaction, createCompaction } from "../compaction";
import { PartContext } from "../context";
import { Storage } from "../storage";
import { Athena, createAthena } from "./athena";
import { createManifestDataSet, ManifestDataSet } from "./manifest";
import { createQuickSightDataSets, QuickSightDashboard } from "./quicksight";
import { discountCaveats, metricCaveats } from "./sql";

export { DATA_SET_OWNER_ACTIONS, DATA_SOURCE_OWNER_ACTIONS, refreshSchedule } from "./quicksight";
export { QUICKSIGHT_MANIFEST_KEY } from "./manifest";

export interface Analytics {
    /** Glue database, lake table, views, workgroup and saved queries; absent with `athena: false`. */
    athena?: Athena;
    /** One SPICE dataset per configured family's view; none without a QuickSight principal. */
    dataSets: aws.quicksight.DataSet[];
    /** The opt-in S3-manifest dataset. */
    manifest?: ManifestDataSet;
    /** The QuickSight analysis and published dashboard, with the principal and subscription events. */
    dashboard?: QuickSightDashboard;
    /** The compacted Iceberg table and its workflow; absent unless `compaction: true`. */
    compaction?: Compaction;
}

/**
 * The analytics side of the lake: Athena (by default), QuickSight datasets over it when a principal
 * is configured, and the walkthrough's S3-manifest dataset when opted in. resolveSettings has
 * already refused combinations that cannot work.
 */
export function createAnalytics(ctx: PartContext, { storage }: { storage: Storage }): Analytics {
    const { settings } = ctx;
    const principalArn = settings.quicksightPrincipalArn;
    const athena = settings.athena ? createAthena(ctx, { storage }) : undefined;
    const compaction = athena && settings.compaction ? createCompaction(ctx, { storage, athena }) : undefined;
    if (athena) {
        const types = settings.eventTypes.enabledEvents;
        for (const caveat of [...metricCaveats(types, settings.analyticsMetrics), ...discountCaveats(types, settings.analyticsMetrics)]) {
            pulumi.log.warn(caveat, ctx.parent);
        }
    }
    const quicksight = principalArn !== undefined && athena ? createQuickSightDataSets(ctx, principalArn, { storage, athena, compaction }) : undefined;
    return {
        athena,
        dataSets: quicksight?.dataSets ?? [],
        manifest: principalArn !== undefined && settings.quicksightManifestDataSet ? createManifestDataSet(ctx, principalArn, { storage }) : undefined,
        dashboard: quicksight?.dashboard,
        compaction,
    };
}
