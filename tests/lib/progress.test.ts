import { strict as assert } from "assert";
import { progressLine, renderBar } from "../../lib/progress";

describe("progress line", function () {
    it("draws a clamped bar with a percentage", function () {
        assert.equal(renderBar(0, 10), "[..........]   0%");
        assert.equal(renderBar(0.456, 10), "[#####.....]  45%");
        assert.equal(renderBar(1.7, 10), "[##########] 100%");
        assert.equal(renderBar(Number.NaN, 10), "[..........]   0%");
    });

    it("redraws in place on a terminal and ends with a newline", function () {
        let out = "";
        const line = progressLine({ write: (t: string) => (out += t), isTTY: true }, () => 0);
        line.update(0.5, "page 1");
        line.update(1, "page 2");
        line.finish();
        assert.equal(out, "\r[############............]  50% page 1\x1b[K\r[########################] 100% page 2\x1b[K\n");
    });

    it("prints whole lines at most every interval elsewhere, and always the last", function () {
        let out = "";
        let clock = 0;
        const line = progressLine({ write: (t: string) => (out += t) }, () => clock, 1000);
        line.update(0.1, "a");
        clock = 500;
        line.update(0.2, "b");
        clock = 1000;
        line.update(0.3, "c");
        line.update(1, "d");
        line.finish();
        assert.equal(out, "[##......................]  10% a\n[#######.................]  30% c\n[########################] 100% d\n");
    });
});
