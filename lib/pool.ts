/**
 * The one concurrency pool of the toolbox: `npm run load` posting requests, the backfill writing a
 * page of events.
 */

/**
 * Runs `task` for every item with at most `concurrency` tasks in flight, in item order. After a
 * task fails no new task starts (an error usually means the destination is failing, and each
 * further try would fail the same way); once the tasks in flight have settled, the first error is
 * thrown, so the caller never leaves a write running behind its back.
 */
export async function runPool<T>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
    if (!Number.isInteger(concurrency) || concurrency < 1) {
        throw new RangeError(`concurrency must be a whole number of at least 1, not ${concurrency}`);
    }
    let next = 0;
    const failures: unknown[] = [];
    const worker = async () => {
        while (failures.length === 0 && next < items.length) {
            const index = next++;
            await task(items[index], index).catch((error: unknown) => failures.push(error));
        }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
    if (failures.length > 0) {
        throw failures[0];
    }
}
