/**
 * "Did you mean …?" for every refusal that names a mistyped word: an option of a command, a stack
 * config key, a Stripe event type. One measure, so the same typo gets the same answer everywhere.
 */

/** How far off a word may be and still be taken for a typo of a candidate. */
export type Tolerance = (word: string) => number;

/** About two letters in five: "sinse" → "since", "workflowtipe" → "workflowType", not "lake" → "name". */
export const TYPO_TOLERANCE: Tolerance = (word) => Math.max(1, Math.round(word.length * 0.4));

/**
 * The candidate a mistyped word most likely meant: the closest by edit distance (a candidate the
 * word begins, from three letters on, counts as closest), the longer shared beginning on ties;
 * undefined when even the closest is too far off to be a typo.
 */
export function nearest(word: string, candidates: readonly string[], tolerance: Tolerance = TYPO_TOLERANCE): string | undefined {
    let best: { candidate: string; distance: number; prefix: number } | undefined;
    for (const candidate of candidates) {
        const distance = candidate.startsWith(word) && word.length >= 3 ? 0 : editDistance(word, candidate);
        const prefix = sharedPrefix(word, candidate);
        if (!best || distance < best.distance || (distance === best.distance && prefix > best.prefix)) best = { candidate, distance, prefix };
    }
    return best && best.distance <= tolerance(word) ? best.candidate : undefined;
}

function sharedPrefix(a: string, b: string): number {
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    return i;
}

/** Levenshtein distance, with a swap of two neighbours counting as one edit (the commonest typo). */
export function editDistance(a: string, b: string): number {
    const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
        }
    }
    return rows[a.length][b.length];
}
