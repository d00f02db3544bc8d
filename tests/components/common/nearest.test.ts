import * as assert from "assert";
import { editDistance, nearest } from "../../../components/common/nearest";

describe("nearest: the one 'did you mean' of options, config keys and event types", function () {
    it("suggests only a likely typo: an edit or two, a swap, or the start of a candidate", function () {
        const options = ["since", "until", "concurrency", "checkpoint", "lake"];
        assert.equal(nearest("sinse", options), "since");
        assert.equal(nearest("untli", options), "until");
        assert.equal(nearest("conc", options), "concurrency");
        assert.equal(nearest("lak", options), "lake");
        assert.equal(nearest("bucket", options), undefined);
        assert.equal(nearest("x", options), undefined);
    });

    it("counts a swap of neighbours as one edit", function () {
        assert.equal(editDistance("untli", "until"), 1);
        assert.equal(editDistance("kitten", "sitting"), 3);
        assert.equal(editDistance("", "abc"), 3);
    });

    it("prefers the candidate sharing the longer beginning when two are as close", function () {
        assert.equal(editDistance("cat", "bat"), editDistance("cat", "cut"));
        assert.equal(nearest("cat", ["bat", "cut"]), "cut");
    });

    it("takes the caller's tolerance", function () {
        assert.equal(nearest("lakeprefixx", ["name"]), undefined);
        assert.equal(nearest("abcdef", ["uvwxyz"], () => 6), "uvwxyz");
    });
});
