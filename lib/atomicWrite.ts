/**
 * The one way the toolbox writes a whole file: write a temporary file beside it, flush it to disk,
 * then rename it over the target (replace) or hard-link it to the target (write once). A rename or
 * link within a folder is atomic on POSIX file systems, so a reader (the report, a resumed
 * backfill, the twin after a crash) sees the old content or the new one, never a half-written file,
 * even when several writers race or the process dies mid-write.
 * https://man7.org/linux/man-pages/man2/rename.2.html, https://man7.org/linux/man-pages/man2/link.2.html
 *
 * Durability: the file is fsynced before it gets its name, and the folder after, because an fsync
 * of a file "does not necessarily ensure that the entry in the directory containing the file has
 * also reached disk" (fsync(2), quoted in https://github.com/google/renameio/pull/42). Files are
 * 0600 and folders 0700: the lake holds customer data, readable by its owner only.
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs/promises";
import * as path from "node:path";

/** Temporary files end with this; listings of a folder being written skip them. */
export const TEMPORARY_SUFFIX = ".tmp";
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_FOLDER_MODE = 0o700;

/** `<name>.<uuid>.tmp`: the temporary files this module names, and nothing a user would name so. */
const TEMPORARY_NAME = /\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tmp$/;

/**
 * Folder fsyncs requested while one of the same folder runs wait for the next one, which covers
 * them all: under load most events of a type and day share a folder, so one fsync serves many.
 */
const folderSyncs = new Map<string, { running: Promise<void>; queued?: Promise<void> }>();

async function fsyncFolder(folder: string): Promise<void> {
    const handle = await fs.open(folder, "r");
    try {
        await handle.sync();
    } finally {
        await handle.close();
    }
}

function startFolderSync(folder: string): Promise<void> {
    const running: Promise<void> = fsyncFolder(folder).finally(() => {
        const state = folderSyncs.get(folder);
        if (state?.running === running && !state.queued) folderSyncs.delete(folder);
    });
    folderSyncs.set(folder, { running });
    return running;
}

/** Flushes a folder's entries (names created, renamed or removed before the call) to disk. */
export function syncFolder(folder: string): Promise<void> {
    const state = folderSyncs.get(folder);
    if (!state) return startFolderSync(folder);
    // The running fsync may have started before the caller's change: wait for one that starts after it.
    state.queued ??= state.running.catch(() => undefined).then(() => startFolderSync(folder));
    return state.queued;
}

/** Creates `folder` and its missing parents as 0700, and makes the new entries durable. */
export async function ensureFolder(folder: string): Promise<void> {
    const first = await fs.mkdir(folder, { recursive: true, mode: PRIVATE_FOLDER_MODE });
    if (first === undefined) return;
    // Each created folder is an entry in its parent: from the parent of the first one down to `folder`.
    const created = path.relative(path.dirname(first), folder).split(path.sep);
    let parent = path.dirname(first);
    for (const name of created) {
        await syncFolder(parent);
        parent = path.join(parent, name);
    }
}

async function writeTemporary(file: string, content: string): Promise<string> {
    // A name of its own per write, so concurrent writers of one file never share a temporary file.
    const temporary = `${file}.${randomUUID()}${TEMPORARY_SUFFIX}`;
    const write = () => fs.writeFile(temporary, content, { mode: PRIVATE_FILE_MODE, flush: true });
    try {
        await write();
    } catch (error) {
        // Most writes go to a folder that exists: creating it only when missing saves a call per write.
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        await ensureFolder(path.dirname(file));
        await write();
    }
    return temporary;
}

async function removeTemporary(temporary: string): Promise<void> {
    await fs.unlink(temporary).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
    });
}

/** Writes `content` to `file` (creating its folder) so that readers see either nothing or the whole content. */
export async function writeFileAtomically(file: string, content: string): Promise<void> {
    const temporary = await writeTemporary(file, content);
    try {
        await fs.rename(temporary, file);
    } catch (error) {
        await removeTemporary(temporary);
        throw error;
    }
    await syncFolder(path.dirname(file));
}

/**
 * Writes `content` to `file` only if no file of that name exists, as S3's `If-None-Match: *` does;
 * false when one does (its content is left as it is). The content appears whole or not at all.
 */
export async function writeFileOnce(file: string, content: string): Promise<boolean> {
    const temporary = await writeTemporary(file, content);
    let created = true;
    try {
        // link(2) fails with EEXIST instead of replacing, which rename(2) would do.
        await fs.link(temporary, file);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        // Only a file is the object; a folder of that name is a lake this write cannot go into.
        if (!(await fs.lstat(file)).isFile()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, write '${file}'`), { code: "EISDIR" });
        created = false;
    } finally {
        await removeTemporary(temporary);
    }
    await syncFolder(path.dirname(file));
    return created;
}

/**
 * Removes the temporary files a killed writer left under `root` (recursively) and returns how many.
 * Only for folders no other process writes to at the same time.
 */
export async function removeTemporaryFiles(root: string): Promise<number> {
    let removed = 0;
    const walk = async (folder: string): Promise<void> => {
        let entries;
        try {
            entries = await fs.readdir(folder, { withFileTypes: true });
        } catch (error) {
            // Nothing to clean where there is no folder (yet, or a file in its place: writes there fail on their own).
            if (["ENOENT", "ENOTDIR"].includes((error as NodeJS.ErrnoException).code ?? "")) return;
            throw error;
        }
        for (const entry of entries) {
            const full = path.join(folder, entry.name);
            if (entry.isDirectory()) await walk(full);
            else if (TEMPORARY_NAME.test(entry.name)) {
                await removeTemporary(full);
                removed += 1;
            }
        }
    };
    await walk(root);
    return removed;
}
