import * as fs from "node:fs";
import { deadLetterFolder } from "../../lib/lakeStore";
import { journalFolder } from "../../lib/journal";

/** A lake folder and the twin's folders beside it (the dead-letter queue and the bus's journal). */
export function removeLake(lakeDir: string): void {
    for (const dir of [lakeDir, deadLetterFolder(lakeDir), journalFolder(lakeDir)]) fs.rmSync(dir, { recursive: true, force: true });
}
