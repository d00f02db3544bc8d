/**
 * The lake layout is defined once (components/lake/layout.ts): the workflow's States.Format key,
 * the Glue table's projection template and partition keys, and the readers all derive from it.
 */
import { strict as assert } from "assert";
import { eventsTableColumns, eventsTableParameters } from "../../../components/analytics/glue";
import { buildQuickSightManifest, EVENT_COLUMNS } from "../../../components/analytics/manifest";
import { LAKE_PARTITION_KEYS } from "../../../components/analytics/schema";
import { keyTemplate, lakeLocation, objectKey, parseObjectKey, PARTITION_KEYS, partitionPath } from "../../../components/lake/layout";
import { objectKeyExpression } from "../../../components/workflow/archiveStep";

const EVENT = { id: "evt_1KeyLayout", type: "invoice.paid", created: 1743465600 + 3599 }; // 2025-04-01T00:59:59Z

describe("lake layout", function () {
    it("keys an event as <prefix>/type=<type>/dt=<UTC day of created>/<id>.json", function () {
        assert.equal(objectKey("stripe/events", EVENT), "stripe/events/type=invoice.paid/dt=2025-04-01/evt_1KeyLayout.json");
        assert.deepEqual(keyTemplate("{}"), { template: "type={}/dt={}/{}.json", fields: ["type", "dt", "id"] });
        assert.equal(partitionPath((key) => `<${key}>`), "type=<type>/dt=<dt>");
    });

    it("reads back exactly what it writes, and nothing else", function () {
        assert.deepEqual(parseObjectKey("stripe/events", objectKey("stripe/events", EVENT)), { type: "invoice.paid", dt: "2025-04-01", id: "evt_1KeyLayout" });
        assert.equal(parseObjectKey("stripe/events", "stripe/events/type=invoice.paid/dt=2025-04-01/evt_1KeyLayoutxjson"), undefined, "the dot of .json is literal");
        assert.equal(parseObjectKey("stripe/events", "stripe/events/type=invoice.paid/dt=2025-4-1/evt_1KeyLayout.json"), undefined, "dt is a full date");
        assert.equal(parseObjectKey("stripe/events", "stripe/events/dt=2025-04-01/type=invoice.paid/evt_1KeyLayout.json"), undefined, "partitions in key order");
        assert.equal(parseObjectKey("events", objectKey("stripe/events", EVENT)), undefined, "another prefix");
    });

    it("gives the workflow a States.Format key whose placeholders, filled in order, are objectKey", function () {
        const expression = objectKeyExpression("stripe/events");
        assert.equal(expression, "States.Format('stripe/events/type={}/dt={}/{}.json', $.detail.type, States.ArrayGetItem(States.StringSplit($.time, 'T'), 0), $.detail.id)");
        const [, template] = /^States\.Format\('([^']+)'/.exec(expression)!;
        const values = { type: EVENT.type, dt: new Date(EVENT.created * 1000).toISOString().split("T")[0], id: EVENT.id };
        const { fields } = keyTemplate("{}");
        let i = 0;
        assert.equal(template.replace(/\{\}/g, () => values[fields[i++]]), objectKey("stripe/events", EVENT));
    });

    it("gives Glue a location and projection template that the readers' parseObjectKey accepts", function () {
        const parameters = eventsTableParameters({ bucketName: "acme-lake", lakePrefix: "stripe/events", eventTypes: ["invoice.paid"], startDate: "2025-01-01" });
        const location = lakeLocation("acme-lake", "stripe/events");
        assert.equal(location, "s3://acme-lake/stripe/events/");
        const template = parameters["storage.location.template"];
        assert.equal(template, "s3://acme-lake/stripe/events/type=${type}/dt=${dt}/");
        const directory = template.replace("${type}", "invoice.paid").replace("${dt}", "2025-04-01");
        assert.ok(directory.startsWith(location));
        const key = `${directory.slice("s3://acme-lake/".length)}evt_1KeyLayout.json`;
        assert.deepEqual(parseObjectKey("stripe/events", key), { type: "invoice.paid", dt: "2025-04-01", id: "evt_1KeyLayout" });
        assert.deepEqual(buildQuickSightManifest("acme-lake", "stripe/events"), { fileLocations: [{ URIPrefixes: [location] }], globalUploadSettings: { format: "JSON" } });
    });

    it("declares the layout's partitions, in key order, as the table's partition keys", function () {
        assert.deepEqual(LAKE_PARTITION_KEYS.map((k) => k.name), [...PARTITION_KEYS]);
        assert.deepEqual(eventsTableColumns().partitionKeys, [
            { name: "type", type: "string" },
            { name: "dt", type: "string" },
        ]);
    });

    it("types the S3-manifest dataset's columns as QuickSight reads booleans everywhere: BIT", function () {
        assert.deepEqual(EVENT_COLUMNS, [
            { name: "id", type: "STRING" },
            { name: "type", type: "STRING" },
            { name: "created", type: "INTEGER" },
            { name: "livemode", type: "BIT" },
            { name: "api_version", type: "STRING" },
        ]);
    });
});
