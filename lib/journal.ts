/**
 * The local bus's journal: what lets the twin keep EventBridge's promise that an event PutEvents
 * accepted is not lost. An event is appended and flushed to disk (fdatasync) before PutEvents
 * answers; it is marked done once it is in the lake or parked; whatever is not marked done when the
 * process starts again (after a crash, a kill -9, a Ctrl-C in mid-run) is run through the workflow
 * again, which is safe because every write lands at the event's own key, written once.
 *
 * Why an append-only file and not an embedded database: it needs no dependency (`node:sqlite` is
 * still experimental in Node 22 and better-sqlite3 is a native build), a crash can only cut the
 * last line short (skipped on reading, since a line is acknowledged only after its flush), and
 * group commit makes it cheap: appends that arrive while a flush runs share the next write and the
 * next fdatasync, so under 50 concurrent requests one flush acknowledges many events. Done marks
 * are written without a flush of their own: losing one only means running that event once more.
 *
 * The file is compacted (rewritten with only the unfinished events, then renamed over) when the
 * journal opens and whenever it grows past `compactBytes`, so it stays as small as the backlog.
 *
 * Layout: `<dir>/events.jsonl`, one JSON object per line, `{"seq":n,"event":{...}}` when accepted,
 * `{"failed":n,"error":"..."}` when a run of it ended neither stored nor parked, `{"done":n}` when
 * finished; `<dir>/lock` holds the pid of the process using it.
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { ensureFolder, PRIVATE_FILE_MODE, syncFolder, TEMPORARY_SUFFIX, writeFileAtomically } from "./atomicWrite";
import type { StringOption } from "./cli";
import type { EventBridgeEvent } from "./eventBridge";
import { besideLake } from "./lakeStore";

/** `--journal` of `npm start` and `npm run redrive`; the same default in both. */
export const JOURNAL_OPTION = {
    type: "string",
    placeholder: "DIR",
    defaultText: "<lake>.journal, beside the lake folder",
    description: "folder of the local bus's journal: events accepted but not yet stored or parked",
} as const satisfies StringOption;

export function journalFolder(lakeDir: string, given?: string): string {
    return given === undefined ? besideLake(lakeDir, ".journal") : path.resolve(given);
}

const JOURNAL_FILE = "events.jsonl";
const LOCK_FILE = "lock";
const DEFAULT_COMPACT_BYTES = 4 * 1024 * 1024;

export interface JournaledEvent {
    seq: number;
    event: EventBridgeEvent;
    /** Why its last run ended neither stored nor parked, if one did. */
    lastError?: string;
}

export interface JournalContents {
    /** Accepted and not marked done, in the order they were accepted. */
    unfinished: JournaledEvent[];
    /** Lines that could not be read: the last one cut short by a crash, or damage. */
    unreadable: number;
    /** Highest sequence number in the file. */
    lastSeq: number;
}

const acceptedLine = (seq: number, event: EventBridgeEvent) => `${JSON.stringify({ seq, event })}\n`;
const failedLine = (seq: number, error: string) => `${JSON.stringify({ failed: seq, error })}\n`;

function parseJournal(text: string): JournalContents {
    const accepted = new Map<number, EventBridgeEvent>();
    const errors = new Map<number, string>();
    let unreadable = 0;
    let lastSeq = 0;
    const lines = text.split("\n");
    // A file that does not end with a newline ends with a line whose write was cut short.
    for (const [i, line] of lines.entries()) {
        if (line === "" && i === lines.length - 1) continue;
        let record: { seq?: unknown; event?: unknown; done?: unknown; failed?: unknown; error?: unknown };
        try {
            record = JSON.parse(line);
        } catch {
            unreadable += 1;
            continue;
        }
        if (typeof record.seq === "number" && typeof record.event === "object" && record.event !== null) {
            accepted.set(record.seq, record.event as EventBridgeEvent);
            lastSeq = Math.max(lastSeq, record.seq);
        } else if (typeof record.done === "number") {
            accepted.delete(record.done);
            errors.delete(record.done);
        } else if (typeof record.failed === "number" && typeof record.error === "string") {
            errors.set(record.failed, record.error);
        } else {
            unreadable += 1;
        }
    }
    const unfinished = [...accepted].sort(([a], [b]) => a - b).map(([seq, event]) => ({ seq, event, ...(errors.has(seq) && { lastError: errors.get(seq) }) }));
    return { unfinished, unreadable, lastSeq };
}

/** What a journal folder holds, without taking it over: for reports while the twin may be running. */
export async function readJournal(dir: string): Promise<JournalContents> {
    try {
        return parseJournal(await fs.readFile(path.join(dir, JOURNAL_FILE), "utf8"));
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return { unfinished: [], unreadable: 0, lastSeq: 0 };
        throw error;
    }
}

function isRunning(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (error) {
        // EPERM: it exists, under another user.
        return (error as NodeJS.ErrnoException).code === "EPERM";
    }
}

/** Takes the journal for this process; a lock left by a process that is gone (kill -9) is taken over. */
async function lock(dir: string): Promise<void> {
    const file = path.join(dir, LOCK_FILE);
    for (;;) {
        try {
            await fs.writeFile(file, String(process.pid), { flag: "wx", mode: PRIVATE_FILE_MODE });
            return;
        } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        }
        const owner = Number((await fs.readFile(file, "utf8").catch(() => "")).trim());
        if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isRunning(owner)) {
            throw new Error(`the journal ${dir} is in use by process ${owner} (another npm start on the same lake?); stop it, or pass another --journal`);
        }
        await fs.rm(file, { force: true });
    }
}

/** A write to a regular file may be cut short (a signal, a full disk): go on from where it stopped. */
async function writeWhole(handle: fs.FileHandle, data: Buffer): Promise<void> {
    for (let offset = 0; offset < data.length; ) offset += (await handle.write(data, offset)).bytesWritten;
}

interface PendingAppend {
    seq: number;
    line: string;
    resolve(): void;
    reject(error: unknown): void;
}

export interface JournalOptions {
    /** Rewrite the file once it is larger than this many bytes. Default 4 MiB. */
    compactBytes?: number;
}

export class Journal {
    /** The events that were accepted but not finished when the journal was opened. */
    readonly recovered: JournaledEvent[];
    /** Lines of the file at opening that could not be read (see JournalContents). */
    readonly unreadable: number;
    private readonly file: string;
    private readonly compactBytes: number;
    /** Flushed, unfinished: the lines a compaction keeps, and the last failure of each that had one. */
    private readonly live = new Map<number, string>();
    private readonly failures = new Map<number, string>();
    private pending: PendingAppend[] = [];
    /** Lines written without a flush of their own: done marks and failure notes. */
    private unflushedLines: string[] = [];
    private flushing: Promise<void> | undefined;
    private bytes = 0;
    private closed = false;

    private constructor(
        private readonly dir: string,
        private handle: fs.FileHandle,
        contents: JournalContents,
        private lastSeq: number,
        options: JournalOptions,
    ) {
        this.file = path.join(dir, JOURNAL_FILE);
        this.compactBytes = options.compactBytes ?? DEFAULT_COMPACT_BYTES;
        this.recovered = contents.unfinished;
        this.unreadable = contents.unreadable;
        for (const { seq, event, lastError } of contents.unfinished) {
            this.live.set(seq, acceptedLine(seq, event));
            if (lastError !== undefined) this.failures.set(seq, failedLine(seq, lastError));
        }
    }

    /** Opens (and creates) the journal in `dir`, locks it for this process and compacts it. */
    static async open(dir: string, options: JournalOptions = {}): Promise<Journal> {
        const folder = path.resolve(dir);
        await ensureFolder(folder);
        await lock(folder);
        const contents = await readJournal(folder);
        const file = path.join(folder, JOURNAL_FILE);
        await writeFileAtomically(file, contents.unfinished.map(({ seq, event, lastError }) => acceptedLine(seq, event) + (lastError === undefined ? "" : failedLine(seq, lastError))).join(""));
        const journal = new Journal(folder, await fs.open(file, "a", PRIVATE_FILE_MODE), contents, contents.lastSeq, options);
        journal.bytes = (await journal.handle.stat()).size;
        return journal;
    }

    /** Accepted events not yet finished, flushed or being flushed. */
    get unfinished(): number {
        return this.live.size + this.pending.length;
    }

    /**
     * Appends an accepted event; resolves with its sequence number once it is on disk. Rejects
     * when it could not be written or flushed: then it was not accepted.
     */
    append(event: EventBridgeEvent): Promise<number> {
        if (this.closed) return Promise.reject(new Error("the journal is closed"));
        const seq = ++this.lastSeq;
        // Serialised before anything is promised: an event that cannot be written is refused here.
        const line = acceptedLine(seq, event);
        return new Promise<void>((resolve, reject) => {
            this.pending.push({ seq, line, resolve, reject });
            this.flushSoon();
        }).then(() => seq);
    }

    /** Marks an event stored or parked; it leaves the journal at the next compaction. */
    finish(seq: number): void {
        this.failures.delete(seq);
        if (!this.live.delete(seq) || this.closed) return;
        this.unflushedLines.push(`{"done":${seq}}\n`);
        this.flushSoon();
    }

    /** Notes why a run of an event ended neither stored nor parked, for `npm run redrive`'s report. */
    noteFailure(seq: number, error: string): void {
        if (!this.live.has(seq) || this.closed) return;
        const line = failedLine(seq, error);
        this.failures.set(seq, line);
        this.unflushedLines.push(line);
        this.flushSoon();
    }

    /** Writes what is pending and releases the file and its lock. */
    async close(): Promise<void> {
        if (this.closed) return;
        this.closed = true;
        this.flushSoon();
        await this.flushing;
        await this.handle.close();
        await fs.rm(path.join(this.dir, LOCK_FILE), { force: true });
    }

    private flushSoon(): void {
        this.flushing ??= this.flushLoop().finally(() => {
            this.flushing = undefined;
        });
    }

    private async flushLoop(): Promise<void> {
        while (this.pending.length > 0 || this.unflushedLines.length > 0) {
            const batch = this.pending;
            const done = this.unflushedLines;
            this.pending = [];
            this.unflushedLines = [];
            const data = Buffer.from(done.join("") + batch.map((p) => p.line).join(""));
            try {
                await writeWhole(this.handle, data);
                // Done marks need no flush of their own (see above); accepted events do, before anyone is told.
                if (batch.length > 0) await this.handle.datasync();
            } catch (error) {
                for (const p of batch) p.reject(error);
                continue;
            }
            this.bytes += data.length;
            for (const p of batch) {
                this.live.set(p.seq, p.line);
                p.resolve();
            }
            if (this.bytes > this.compactBytes) await this.compact();
        }
    }

    /**
     * Rewrites the file with the unfinished events only. The new file is written through the handle
     * that then keeps appending to it, so no append can go to the replaced file; a compaction that
     * fails leaves the old file in use, whole.
     */
    private async compact(): Promise<void> {
        const kept = Buffer.from([...this.live].map(([seq, line]) => line + (this.failures.get(seq) ?? "")).join(""));
        const temporary = `${this.file}.${randomUUID()}${TEMPORARY_SUFFIX}`;
        const next = await fs.open(temporary, "a", PRIVATE_FILE_MODE);
        try {
            await writeWhole(next, kept);
            await next.datasync();
            await fs.rename(temporary, this.file);
        } catch {
            await next.close();
            await fs.rm(temporary, { force: true });
            return;
        }
        await syncFolder(this.dir);
        const previous = this.handle;
        this.handle = next;
        this.bytes = kept.length;
        await previous.close();
    }
}
