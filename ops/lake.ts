/**
 * Where the operator scripts write events: the S3 lake bucket, or a local folder standing for it
 * (`--lake DIR`: DIR/<key> for the object key <key>, the convention the local pipeline shares).
 * Keys come from `objectKey` (components/lake/layout.ts), so a script and live delivery write the
 * same event to the same place. Every write is conditional (`If-None-Match: *`), as the workflow's
 * are: an event the lake has already keeps its object and no new version is made; the 412 S3
 * answers then counts as done.
 */
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { isAlreadyStored, LocalLake } from "../lib/lakeStore";

export interface LakeWriter {
    /** Where the writer writes, for messages: `s3://bucket` or a folder. */
    readonly location: string;
    put(key: string, body: string): Promise<void>;
}

/** A local folder standing for the bucket (lib/lakeStore.ts: whole-file writes, keys kept inside the folder). */
export function directoryLake(dir: string): LakeWriter {
    const lake = new LocalLake(dir);
    return {
        location: lake.root,
        put: async (key, body) => {
            await lake.putIfAbsent(key, body);
        },
    };
}

/** Tries of a conditional write that S3 answers with 409 ConditionalRequestConflict, which it says to retry. */
const CONFLICT_TRIES = 4;

/** 409 ConditionalRequestConflict: a concurrent write of the same key. https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html */
function isConflict(error: unknown): boolean {
    return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode === 409;
}

/** The lake bucket; the object gets the bucket's default encryption, as the workflow's writes do. */
export function s3Lake(client: Pick<S3Client, "send">, bucket: string, retryDelayMs = 200): LakeWriter {
    return {
        location: `s3://${bucket}`,
        async put(key, body) {
            for (let attempt = 1; ; attempt++) {
                try {
                    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: "application/json", IfNoneMatch: "*" }));
                    return;
                } catch (error) {
                    if (isAlreadyStored(error)) return;
                    if (!isConflict(error) || attempt >= CONFLICT_TRIES) throw error;
                    await new Promise((resolve) => setTimeout(resolve, retryDelayMs * attempt));
                }
            }
        },
    };
}
