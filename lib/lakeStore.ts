/**
 * The local stand-ins for the two places events come to rest: a folder for the S3 bucket
 * (`<lake>/<key>`) and a folder of messages for the SQS dead-letter queue
 * (`<dead-letter folder>/<message id>.json`). In AWS they are two services, so one fault (a
 * read-only or full lake folder) must not take out both: the dead-letter folder lives beside the
 * lake folder, not inside it. Lakes written before that kept it at `<lake>/.dead-letter`; that
 * folder is still read (and emptied) by redrive.
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { TEMPORARY_SUFFIX, writeFileAtomically, writeFileOnce } from "./atomicWrite";
import type { StringOption } from "./cli";

export const DEFAULT_LOCAL_LAKE = ".lake";

/** `--lake` of the commands that work on the local lake folder. */
export const LAKE_OPTION = {
    type: "string",
    default: DEFAULT_LOCAL_LAKE,
    placeholder: "DIR",
    description: "folder standing for the lake bucket (objects at DIR/<key>)",
} as const satisfies StringOption;

/** `--dead-letter` of the commands that park or redrive events; the same default everywhere. */
export const DEAD_LETTER_OPTION = {
    type: "string",
    placeholder: "DIR",
    defaultText: "<lake>.dead-letter, beside the lake folder",
    description: "folder standing for the dead-letter queue (parked events, one file each)",
} as const satisfies StringOption;

/** Where parked events went inside the lake folder before the dead-letter folder moved beside it. */
export const LEGACY_DEAD_LETTER_DIR = ".dead-letter";

/** A folder beside `lakeDir` named after it: `<lake><suffix>`. */
export function besideLake(lakeDir: string, suffix: string): string {
    const lake = path.resolve(lakeDir);
    return path.join(path.dirname(lake), `${path.basename(lake)}${suffix}`);
}

/** The dead-letter folder of `--dead-letter`, or its default beside the lake. */
export function deadLetterFolder(lakeDir: string, given?: string): string {
    return given === undefined ? besideLake(lakeDir, ".dead-letter") : path.resolve(given);
}

/** Thrown by the local lake while a write fault is injected; named like S3's 503 so the workflow's Retry treats it as transient. */
export class InjectedWriteFault extends Error {
    override name = "S3.ServiceUnavailableException";
}

/**
 * A conditional write (`IfNoneMatch: "*"`) found the key taken, as Step Functions reports S3's 412:
 * under the generic `S3.S3Exception`, the status only in the message (its Cause), in the AWS SDK for
 * Java's "(Service: S3, Status Code: 412, ...)" form. That naming comes from one third-party
 * measurement of a deployed state machine (edu-llm/platform 782b4ea, tools/probe_conditional_write.py);
 * the archive step (components/workflow/archiveStep.ts) does not depend on the name.
 */
export class PreconditionFailed extends Error {
    override name = "S3.S3Exception";
    readonly statusCode = 412;
    constructor() {
        super("At least one of the pre-conditions you specified did not hold (Service: S3, Status Code: 412, Request ID: local)");
    }
}

/**
 * Whether a conditional write failed because the object is already there: the local lake's
 * PreconditionFailed, or S3's 412 through the AWS SDK for JavaScript (an unmodelled error, named
 * after its code, with the HTTP status in `$metadata`).
 */
export function isAlreadyStored(error: unknown): boolean {
    const e = error as { statusCode?: number; name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
    return e?.statusCode === 412 || e?.$metadata?.httpStatusCode === 412 || e?.name === "PreconditionFailed";
}

/** S3's `If-None-Match` on PutObject: "*" writes only if no object has the key. */
export interface PutObjectOptions {
    ifNoneMatch?: "*";
}

export class LocalLake {
    /** While true, every write fails as S3 would when it is unavailable. */
    failWrites = false;
    readonly root: string;

    constructor(root: string) {
        this.root = path.resolve(root);
    }

    /** Path of an object key, refusing keys that would leave the lake folder. */
    pathOf(key: string): string {
        const file = path.resolve(this.root, key);
        if (!file.startsWith(this.root + path.sep) || key.split("/").some((segment) => segment === ".." || segment === "")) {
            throw new Error(`object key escapes the lake: ${JSON.stringify(key)}`);
        }
        return file;
    }

    /** PutObject: replaces the object, or with `ifNoneMatch: "*"` throws PreconditionFailed if the key is taken. */
    async putObject(key: string, body: string, options: PutObjectOptions = {}): Promise<void> {
        if (this.failWrites) {
            throw new InjectedWriteFault("injected fault: the lake refuses writes");
        }
        if (options.ifNoneMatch === "*") {
            if (!(await writeFileOnce(this.pathOf(key), body))) throw new PreconditionFailed();
        } else {
            await writeFileAtomically(this.pathOf(key), body);
        }
    }

    /** Writes once, as the receiver and the backfill do: false when the key was taken (a redelivery), which is success. */
    async putIfAbsent(key: string, body: string): Promise<boolean> {
        try {
            await this.putObject(key, body, { ifNoneMatch: "*" });
            return true;
        } catch (error) {
            if (isAlreadyStored(error)) return false;
            throw error;
        }
    }

    /** Keys of every object under a prefix, sorted. */
    async list(prefix: string): Promise<string[]> {
        const base = this.pathOf(prefix);
        const found: string[] = [];
        const walk = async (dir: string): Promise<void> => {
            let entries;
            try {
                entries = await fs.readdir(dir, { withFileTypes: true });
            } catch (error) {
                // A prefix that is a file (ENOTDIR) has no objects under it, as in S3.
                if (["ENOENT", "ENOTDIR"].includes((error as NodeJS.ErrnoException).code ?? "")) return;
                throw error;
            }
            for (const entry of entries) {
                const full = path.join(dir, entry.name);
                if (entry.isDirectory()) await walk(full);
                else if (!entry.name.endsWith(TEMPORARY_SUFFIX)) found.push(path.relative(this.root, full).split(path.sep).join("/"));
            }
        };
        await walk(base);
        return found.sort();
    }
}

/** One SQS message as the dead-letter queue holds it. */
export interface ParkedMessage {
    messageId: string;
    body: string;
    attributes: Record<string, { DataType: string; StringValue?: string }>;
}

/**
 * The message attribute that says why an event was parked, `<error name>: <cause>`: EventBridge's
 * own dead-letter messages carry it, and the local workflow adds it with the error of the failed
 * write (the deployed workflow's messages point to their execution, EXECUTION_ARN, instead).
 */
export const PARKED_ERROR_ATTRIBUTE = "ERROR_MESSAGE";

/** Why a message was parked, as far as it says. */
export function parkedError(message: Pick<ParkedMessage, "body" | "attributes">): string | undefined {
    const stated = message.attributes[PARKED_ERROR_ATTRIBUTE]?.StringValue;
    if (stated) return stated;
    const execution = message.attributes.EXECUTION_ARN?.StringValue;
    return execution ? `${message.attributes.ERROR_CODE?.StringValue ?? "parked"} (the write's error is in the history of execution ${execution})` : undefined;
}

/** The Stripe event id of a parked message (its body is an EventBridge event), if it has one. */
export function parkedEventId(message: Pick<ParkedMessage, "body">): string | undefined {
    try {
        const id = (JSON.parse(message.body) as { detail?: { id?: unknown } }).detail?.id;
        return typeof id === "string" ? id : undefined;
    } catch {
        return undefined;
    }
}

/** Names of the messages in a folder, sorted; none when it does not exist. */
async function messageFiles(dir: string): Promise<string[]> {
    try {
        return (await fs.readdir(dir)).filter((n) => n.endsWith(".json")).sort();
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw error;
    }
}

export class LocalDeadLetterQueue {
    readonly dir: string;
    /** Folders parked events are also read from and deleted in, never written to (a legacy `<lake>/.dead-letter`). */
    readonly alsoReads: string[];

    constructor(dir: string, alsoReads: string[] = []) {
        this.dir = path.resolve(dir);
        this.alsoReads = alsoReads.map((d) => path.resolve(d));
    }

    /** The queue of `--dead-letter` (or its default), also reading the lake's legacy folder. */
    static forLake(lakeDir: string, deadLetterDir?: string): LocalDeadLetterQueue {
        return new LocalDeadLetterQueue(deadLetterFolder(lakeDir, deadLetterDir), [path.join(path.resolve(lakeDir), LEGACY_DEAD_LETTER_DIR)]);
    }

    async send(body: string, attributes: ParkedMessage["attributes"] = {}): Promise<string> {
        const messageId = randomUUID();
        await writeFileAtomically(path.join(this.dir, `${messageId}.json`), JSON.stringify({ messageId, body, attributes } satisfies ParkedMessage));
        return messageId;
    }

    async receive(): Promise<ParkedMessage[]> {
        const messages: ParkedMessage[] = [];
        for (const dir of [this.dir, ...this.alsoReads]) {
            for (const name of await messageFiles(dir)) {
                messages.push(JSON.parse(await fs.readFile(path.join(dir, name), "utf8")) as ParkedMessage);
            }
        }
        return messages;
    }

    async delete(messageId: string): Promise<void> {
        await Promise.all([this.dir, ...this.alsoReads].map((dir) => fs.rm(path.join(dir, `${messageId}.json`), { force: true })));
    }
}
