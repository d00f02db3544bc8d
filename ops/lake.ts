/**
 * Where the operator scripts write events: the S3 lake bucket, or a local folder standing for it
 * (`--lake DIR`: DIR/<key> for the object key <key>, the convention the local pipeline shares).
 * Keys come from `objectKey` (components/lake/layout.ts), so a script and live delivery write the
 * same event to the same place.
 */
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { LocalLake } from "../lib/lakeStore";

export interface LakeWriter {
    /** Where the writer writes, for messages: `s3://bucket` or a folder. */
    readonly location: string;
    put(key: string, body: string): Promise<void>;
}

/** A local folder standing for the bucket (lib/lakeStore.ts: whole-file writes, keys kept inside the folder). */
export function directoryLake(dir: string): LakeWriter {
    const lake = new LocalLake(dir);
    return { location: lake.root, put: (key, body) => lake.putObject(key, body) };
}

/** The lake bucket; the object gets the bucket's default encryption, as the workflow's writes do. */
export function s3Lake(client: Pick<S3Client, "send">, bucket: string): LakeWriter {
    return {
        location: `s3://${bucket}`,
        async put(key, body) {
            await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: "application/json" }));
        },
    };
}
