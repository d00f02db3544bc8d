/**
 * The local stand-ins for the two places events come to rest: a folder for the S3 bucket
 * (`<lake>/<key>`) and a folder of messages for the SQS dead-letter queue
 * (`<lake>/.dead-letter/<message id>.json`, outside the lake prefix so no reader of events sees it).
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { TEMPORARY_SUFFIX, writeFileAtomically } from "./atomicWrite";
import type { StringOption } from "./cli";

export const DEFAULT_LOCAL_LAKE = ".lake";

/** `--lake` of the commands that work on the local lake folder. */
export const LAKE_OPTION = {
    type: "string",
    default: DEFAULT_LOCAL_LAKE,
    placeholder: "DIR",
    description: "folder standing for the lake bucket (objects at DIR/<key>, parked events in DIR/.dead-letter)",
} as const satisfies StringOption;
const DEAD_LETTER_DIR = ".dead-letter";

/** Thrown by the local lake while a write fault is injected; named like S3's 503 so the workflow's Retry treats it as transient. */
export class InjectedWriteFault extends Error {
    override name = "S3.ServiceUnavailableException";
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

    async putObject(key: string, body: string): Promise<void> {
        if (this.failWrites) {
            throw new InjectedWriteFault("injected fault: the lake refuses writes");
        }
        await writeFileAtomically(this.pathOf(key), body);
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
                if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
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

export class LocalDeadLetterQueue {
    readonly dir: string;

    constructor(lakeRoot: string) {
        this.dir = path.join(path.resolve(lakeRoot), DEAD_LETTER_DIR);
    }

    async send(body: string, attributes: ParkedMessage["attributes"] = {}): Promise<string> {
        const messageId = randomUUID();
        await writeFileAtomically(path.join(this.dir, `${messageId}.json`), JSON.stringify({ messageId, body, attributes } satisfies ParkedMessage));
        return messageId;
    }

    async receive(): Promise<ParkedMessage[]> {
        let names: string[];
        try {
            names = (await fs.readdir(this.dir)).filter((n) => n.endsWith(".json")).sort();
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
            throw error;
        }
        return Promise.all(names.map(async (n) => JSON.parse(await fs.readFile(path.join(this.dir, n), "utf8")) as ParkedMessage));
    }

    async delete(messageId: string): Promise<void> {
        await fs.rm(path.join(this.dir, `${messageId}.json`), { force: true });
    }
}
