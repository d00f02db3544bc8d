import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { REFERENCES } from "../../scripts/docs";
import { REPO_ROOT } from "../../scripts/docs/reference";

describe("generated references (docs/reference/)", function () {
    for (const reference of REFERENCES) {
        it(`${reference.file} is what its code renders (run \`npm run generate:docs\`)`, function () {
            const file = path.join(REPO_ROOT, reference.file);
            assert.ok(fs.existsSync(file), `${reference.file} is missing: run \`npm run generate:docs\``);
            assert.equal(fs.readFileSync(file, "utf8"), reference.render(), `${reference.file} is stale: run \`npm run generate:docs\` and commit the result`);
        });
    }

    it("are each written once, under docs/reference/, and nothing else is there", function () {
        const files = REFERENCES.map((r) => r.file);
        assert.deepEqual(files.filter((f, i) => files.indexOf(f) !== i), [], "two references write the same file");
        for (const file of files) assert.match(file, /^docs\/reference\/[^/]+\.md$/);
        const present = fs.readdirSync(path.join(REPO_ROOT, "docs", "reference")).map((f) => `docs/reference/${f}`);
        assert.deepEqual(present.filter((f) => !files.includes(f)), [], "files in docs/reference/ that no reference generates: delete them or add their generator to scripts/docs/index.ts");
    });
});
