import { strict as assert } from "assert";
import { runPool } from "../../lib/pool";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("lib/pool: the one concurrency pool", function () {
    it("runs every item once, in order, with at most `concurrency` in flight", async function () {
        let inFlight = 0;
        let peak = 0;
        const started: number[] = [];
        await runPool([10, 11, 12, 13, 14, 15, 16], 3, async (item, index) => {
            assert.equal(item, 10 + index);
            started.push(index);
            peak = Math.max(peak, ++inFlight);
            for (let i = 0; i < 1 + (index % 3); i++) await tick();
            inFlight--;
        });
        assert.deepEqual(started, [0, 1, 2, 3, 4, 5, 6]);
        assert.equal(peak, 3);
    });

    it("starts no more workers than items, and does nothing for none", async function () {
        let peak = 0;
        let inFlight = 0;
        await runPool(["a", "b"], 50, async () => {
            peak = Math.max(peak, ++inFlight);
            await tick();
            inFlight--;
        });
        assert.equal(peak, 2);
        await runPool([], 4, async () => assert.fail("no item, no task"));
    });

    it("starts nothing new after a failure, lets the tasks in flight settle, then throws the first error", async function () {
        const started: number[] = [];
        const settled: number[] = [];
        const failure = new Error("write 1 failed");
        await assert.rejects(
            runPool([0, 1, 2, 3, 4, 5], 3, async (i) => {
                started.push(i);
                await tick();
                if (i === 1) throw failure;
                if (i === 2) throw new Error("a later failure");
                await tick();
                settled.push(i);
            }),
            (error) => error === failure,
        );
        assert.deepEqual(started, [0, 1, 2]);
        assert.deepEqual(settled, [0], "the write in flight finished before the pool gave up");
    });

    it("refuses a concurrency that is not a whole number of at least 1", async function () {
        await assert.rejects(runPool([1], 0, async () => undefined), RangeError);
        await assert.rejects(runPool([1], 1.5, async () => undefined), RangeError);
    });
});
