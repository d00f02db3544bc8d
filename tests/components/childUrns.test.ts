/**
 * The full URN list (component type chain, child type and name) of representative configurations,
 * compared with childUrns.snapshot.json, which was recorded from the code before the issue 16
 * refactor and is never regenerated: a renamed, reparented, added or lost child fails here. New
 * configurations (issue 11's ingestion "eventbridge") add entries; existing ones never change.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { deployPipeline, PipelineArgs } from "../support/deployPipeline";
import { ACCOUNT_ID } from "../support/pulumiMocks";

const QUICKSIGHT_USER = `arn:aws:quicksight:us-east-1:${ACCOUNT_ID}:user/default/alice`;
const KMS_KEY = `arn:aws:kms:us-east-1:${ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

const EVERYTHING: PipelineArgs = {
    extraEventTypes: ["payment_intent.*", "customer.subscription.*", "invoice.*"],
    quicksightPrincipalArn: QUICKSIGHT_USER,
    quicksightManifestDataSet: true,
    createAlarmTopic: true,
    alarmEmail: "oncall@example.com",
    noEventsAlarmHours: 6,
    kmsKeyArn: KMS_KEY,
    workflowType: "STANDARD",
    tags: { team: "billing" },
};

export const CONFIGURATIONS: { label: string; name: string; args: PipelineArgs; preview?: boolean }[] = [
    { label: "defaults", name: "stripe", args: {} },
    { label: "every optional part", name: "full", args: EVERYTHING },
    { label: "every optional part, during preview", name: "full", args: EVERYTHING, preview: true },
    {
        label: "existing bucket and bus",
        name: "reuse",
        args: {
            existingBucketName: "acme-data-lake",
            existingBucketKmsKeyArn: KMS_KEY,
            existingEventBusName: "acme-events",
            existingEventBusArn: `arn:aws:events:us-east-1:${ACCOUNT_ID}:event-bus/acme-events`,
            lakePrefix: "stripe/events",
        },
    },
    { label: "athena: false", name: "lean", args: { athena: false } },
    // Added with issue 11 (Stripe's EventBridge delivery): new configurations only.
    { label: "ingestion: eventbridge", name: "partner", args: { ingestion: "eventbridge" } },
    { label: "ingestion: eventbridge, every optional part, during preview", name: "full", args: { ...EVERYTHING, ingestion: "eventbridge" }, preview: true },
    // Added with issue 13 (compaction): a new configuration only.
    { label: "every optional part, with compaction", name: "full", args: { ...EVERYTHING, compaction: true } },
    // Added with issue 14 (net MRR, refunds, the dashboard): a new configuration only.
    {
        label: "net MRR, refunds and the dashboard",
        name: "metrics",
        args: {
            extraEventTypes: ["customer.subscription.*", "customer.discount.*", "coupon.*", "charge.*", "payment_intent.*"],
            quicksightPrincipalArn: QUICKSIGHT_USER,
            mrrCouponDurations: ["forever"],
            cancellationChurn: "at-period-end",
        },
    },
];

const SNAPSHOT_FILE = path.join(__dirname, "childUrns.snapshot.json");

describe("child URNs (snapshot from before the issue 16 refactor)", function () {
    const snapshot: Record<string, string[]> = JSON.parse(fs.readFileSync(SNAPSHOT_FILE, "utf8"));

    it("covers exactly the configurations of this test", function () {
        assert.deepEqual(Object.keys(snapshot).sort(), CONFIGURATIONS.map((c) => c.label).sort());
    });

    for (const { label, name, args, preview } of CONFIGURATIONS) {
        it(`registers the same resources under the same URNs: ${label}`, async function () {
            const { urns } = await deployPipeline(name, args, { preview });
            assert.deepEqual(urns, snapshot[label]);
        });
    }
});
