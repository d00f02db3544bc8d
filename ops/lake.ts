/**
 * Where the operator scripts write events: the S3 lake bucket, or a local folder standing for it
 * (`--lake DIR`: DIR/<key> for the object key <key>, the convention the local pipeline shares).
 * Keys come from `objectKey` (components/lake/layout.ts), so a script and live delivery write the
 * same event to the same place.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";

export interface LakeWriter {
    /** Where the writer writes, for messages: `s3://bucket` or a folder. */
    readonly location: string;
    put(key: string, body: string): Promise<void>;
}

/** A local folder standing for the bucket. Each object is written whole (temp file, then rename), so readers never see half an event. */
export function directoryLake(dir: string): LakeWriter {
    const root = path.resolve(dir);
    return {
        location: root,
        async put(key, body) {
            const file = path.join(root, ...key.split("/"));
            await fs.promises.mkdir(path.dirname(file), { recursive: true });
            // Not `*.json`, so nothing that lists events mistakes an unfinished write for one.
            const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
            await fs.promises.writeFile(temporary, body);
            await fs.promises.rename(temporary, file);
        },
    };
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
