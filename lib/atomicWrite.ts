/**
 * The one way the toolbox replaces a file: write a temporary file beside it, then rename it over
 * the target. A rename within a folder is atomic on POSIX file systems, so a reader (the report, a
 * resumed backfill) sees the old content or the new one, never a half-written file, even when
 * several writers race or the process dies mid-write.
 * https://man7.org/linux/man-pages/man2/rename.2.html
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs/promises";
import * as path from "node:path";

/** Temporary files end with this; listings of a folder being written skip them. */
export const TEMPORARY_SUFFIX = ".tmp";

/** Writes `content` to `file` (creating its folder) so that readers see either nothing or the whole content. */
export async function writeFileAtomically(file: string, content: string): Promise<void> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    // A name of its own per write, so concurrent writers of one file never share a temporary file.
    const temporary = `${file}.${randomUUID()}${TEMPORARY_SUFFIX}`;
    await fs.writeFile(temporary, content);
    await fs.rename(temporary, file);
}
