/**
 * One view's whole Glue definition, pinned: every input of its CatalogTable and every field of the
 * Presto view blob, so a change to how views are deployed shows here (components/analytics/glue.ts).
 */
import { strict as assert } from "assert";
import { readSql } from "../../../components/analytics/sql";
import { deployPipeline } from "../../support/deployPipeline";

describe("the deployed payment_intents view, in full", function () {
    it("is a VIRTUAL_VIEW with Athena's markers, the Presto view blob, its columns and a SerDeInfo", async function () {
        const { mocks } = await deployPipeline("billing", { extraEventTypes: ["payment_intent.*"] });
        const view = mocks.get("aws:glue/catalogTable:CatalogTable", "billing-view-payment-intents").inputs;
        const { viewOriginalText, ...rest } = view;
        const columns: [string, string, string][] = [
            ["event_id", "string", "varchar"],
            ["event_type", "string", "varchar"],
            ["event_time", "timestamp", "timestamp"],
            ["dt", "string", "varchar"],
            ["version", "bigint", "bigint"],
            ["is_latest", "boolean", "boolean"],
            ["livemode", "boolean", "boolean"],
            ["account", "string", "varchar"],
            ["payment_intent_id", "string", "varchar"],
            ["customer_id", "string", "varchar"],
            ["status", "string", "varchar"],
            ["currency", "string", "varchar"],
            ["amount", "bigint", "bigint"],
            ["amount_received", "bigint", "bigint"],
            ["failure_code", "string", "varchar"],
            ["decline_code", "string", "varchar"],
            ["failure_type", "string", "varchar"],
            ["cancellation_reason", "string", "varchar"],
            ["created_at", "timestamp", "timestamp"],
            ["canceled_at", "timestamp", "timestamp"],
        ];
        assert.deepEqual(rest, {
            databaseName: "stripe_analytics_dev_billing",
            name: "payment_intents",
            description: 'Stripe payment intents, one row per event (README "Analytics")',
            tableType: "VIRTUAL_VIEW",
            parameters: { presto_view: "true", comment: "Presto View" },
            viewExpandedText: "/* Presto View */",
            storageDescriptor: {
                columns: columns.map(([name, hive]) => ({ name, type: hive })),
                // Without it Athena fails every query of the view (hashicorp/terraform-provider-aws#28517).
                serDeInfo: { name: "-", serializationLibrary: "-" },
            },
        });
        const match = /^\/\* Presto View: ([A-Za-z0-9+/=]+) \*\/$/.exec(viewOriginalText);
        assert.ok(match, viewOriginalText.slice(0, 40));
        // Exactly these keys, in this order: what Athena writes for a view of its own (no owner, runAsInvoker or path).
        assert.equal(
            Buffer.from(match[1], "base64").toString("utf8"),
            JSON.stringify({
                originalSql: readSql("views/payment_intents.sql"),
                catalog: "awsdatacatalog",
                schema: "stripe_analytics_dev_billing",
                columns: columns.map(([name, , presto]) => ({ name, type: presto })),
            }),
        );
    });
});
