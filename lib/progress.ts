/**
 * A one-line progress bar for the operator scripts: redrawn in place on a terminal, printed as
 * separate lines (at most one per `minIntervalMs`) when the output is a log file or CI.
 */

/** `[#########...........]  45%`; the fraction is clamped to 0..1. */
export function renderBar(fraction: number, width = 24): string {
    const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
    const filled = Math.round(f * width);
    return `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${String(Math.floor(f * 100)).padStart(3)}%`;
}

export interface ProgressLine {
    update(fraction: number, detail: string): void;
    /** Ends the line (a final newline on a terminal). */
    finish(): void;
}

export function progressLine(stream: { write(text: string): unknown; isTTY?: boolean }, now: () => number, minIntervalMs = 5000): ProgressLine {
    let last = -Infinity;
    let drawn = false;
    return {
        update(fraction, detail) {
            const line = `${renderBar(fraction)} ${detail}`;
            if (stream.isTTY) {
                stream.write(`\r${line}\x1b[K`);
                drawn = true;
            } else if (now() - last >= minIntervalMs || fraction >= 1) {
                stream.write(`${line}\n`);
                last = now();
            }
        },
        finish() {
            if (drawn) {
                stream.write("\n");
                drawn = false;
            }
        },
    };
}
