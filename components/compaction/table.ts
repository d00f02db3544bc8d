/**
 * The compacted table's shape, in one place: the Iceberg schema and partition spec the Glue
 * catalog gets, and the same columns as a DuckDB table for the local compacted layer. Its columns
 * are the lake table's (components/analytics/schema.ts), so lake_events.sql can put compacted and
 * raw rows in one relation, plus `event_date`, the event's day as a date for month partitions.
 */
import { createHash } from "crypto";
import { ColumnType, duckdbType, Field, LAKE_COLUMNS, LAKE_PARTITION_KEYS } from "../analytics/schema";

/** Folder of the Iceberg table in the compacted bucket (VACUUM needs a folder, not the bucket root). */
export const COMPACTED_PREFIX = "events_compacted";
export const EVENT_DATE_COLUMN = "event_date";

/** The compacted table's columns: the lake table's data columns, its partition keys, then the day as a date. */
export function compactedColumns(): { name: string; type: ColumnType | "date" }[] {
    return [...LAKE_COLUMNS, ...LAKE_PARTITION_KEYS, { name: EVENT_DATE_COLUMN, type: "date" }];
}

const ICEBERG_PRIMITIVES: Record<string, string> = { string: "string", bigint: "long", double: "double", boolean: "boolean", timestamp: "timestamp", date: "date" };

type IcebergType = string | Record<string, unknown>;

/**
 * Iceberg JSON types with field ids: every struct field, list element and map key and value has
 * an id unique in the schema. Top-level columns take 1..n (as Iceberg assigns them), nested ids
 * follow in order. Every field is optional: a Stripe object may lack any of them.
 * https://iceberg.apache.org/spec/#schemas-and-data-types
 */
class IcebergIds {
    private next: number;

    constructor(topLevel: number) {
        this.next = topLevel + 1;
    }

    type(type: ColumnType | "date"): IcebergType {
        if (typeof type === "string") return ICEBERG_PRIMITIVES[type];
        if ("struct" in type) {
            const ids = type.struct.map(() => this.next++);
            return { type: "struct", fields: type.struct.map((f: Field, i) => ({ id: ids[i], name: f.name, required: false, type: this.type(f.type) })) };
        }
        if ("array" in type) {
            const elementId = this.next++;
            return { type: "list", "element-id": elementId, "element-required": false, element: this.type(type.array) };
        }
        const keyId = this.next++;
        const valueId = this.next++;
        return { type: "map", "key-id": keyId, key: this.type(type.map[0]), "value-id": valueId, "value-required": false, value: this.type(type.map[1]) };
    }
}

export interface IcebergSchemaField {
    id: number;
    name: string;
    required: boolean;
    /** The Iceberg type as JSON text, as Glue's IcebergStructField takes it (`"string"`, `{"type":"struct",...}`). */
    type: string;
}

/** The schema as Glue's CreateIcebergTableInput takes it. https://docs.aws.amazon.com/glue/latest/webapi/API_IcebergSchema.html */
export function icebergSchema(): { schemaId: number; type: "struct"; fields: IcebergSchemaField[] } {
    const columns = compactedColumns();
    const ids = new IcebergIds(columns.length);
    return { schemaId: 0, type: "struct", fields: columns.map((c, i) => ({ id: i + 1, name: c.name, required: false, type: JSON.stringify(ids.type(c.type)) })) };
}

/**
 * identity(type) and month(event_date). The views filter `type LIKE '<family>.%'`, which Trino
 * turns into a range on `type` and prunes identity partitions with; months keep the partitions to
 * (event types x months), each with files of a useful size, and let a window's MERGE read only its
 * months of the table. docs/compaction.md, "Partitioning", has the reasoning and the sources.
 * https://docs.aws.amazon.com/glue/latest/webapi/API_IcebergPartitionField.html
 */
export function icebergPartitionSpec(): { specId: number; fields: { fieldId: number; name: string; sourceId: number; transform: string }[] } {
    const idOf = (name: string) => compactedColumns().findIndex((c) => c.name === name) + 1;
    return {
        specId: 0,
        fields: [
            // Partition field ids start at 1000 in Iceberg's own numbering.
            { fieldId: 1000, name: "type", sourceId: idOf("type"), transform: "identity" },
            { fieldId: 1001, name: `${EVENT_DATE_COLUMN}_month`, sourceId: idOf(EVENT_DATE_COLUMN), transform: "month" },
        ],
    };
}

/** Parquet with ZSTD, Athena's defaults for Iceberg tables, stated so a Glue-created table writes the same. */
export const ICEBERG_PROPERTIES: Record<string, string> = {
    "write.format.default": "parquet",
    "write.parquet.compression-codec": "zstd",
};

/** The whole Iceberg definition Glue gets: schema, partition spec, location, properties. */
export function icebergTableInput(location: string) {
    return { location, schema: icebergSchema(), partitionSpec: icebergPartitionSpec(), properties: ICEBERG_PROPERTIES };
}

/**
 * A fingerprint of the compacted table's definition. The tail table carries it, so replacing the
 * compacted table (its definition changed) also replaces the tail table, which resets the seam.
 */
export function compactedTableFingerprint(location: string): string {
    return createHash("sha256").update(JSON.stringify(icebergTableInput(location))).digest("hex").slice(0, 16);
}

/** The same columns as a DuckDB table: the local compacted layer (report/compact.ts). */
export function duckdbCompactedColumns(): string {
    return compactedColumns()
        .map((c) => `"${c.name}" ${c.type === "date" ? "DATE" : duckdbType(c.type)}`)
        .join(", ");
}
