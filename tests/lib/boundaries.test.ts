/**
 * The layout of issue 16 as a test: lib/ is the toolbox local/, ops/, report/ and bench/ share, so
 * it depends on none of them; the twin and the benchmarks take their fixtures from fixtures/,
 * never from tests/support.
 */
import { strict as assert } from "assert";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

function sources(dir: string): string[] {
    return (fs.readdirSync(path.join(ROOT, dir), { recursive: true }) as string[]).filter((f) => f.endsWith(".ts")).map((f) => path.join(dir, f));
}

/** The repository folders (or root files) a source file imports from, by relative specifier. */
function importedFolders(file: string): string[] {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    const specifiers = [...text.matchAll(/(?:from|import|require\()\s*["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]);
    return specifiers.map((s) => path.relative(ROOT, path.resolve(ROOT, path.dirname(file), s)).split(path.sep)[0]);
}

describe("the toolbox's boundaries", function () {
    it("lib/ imports only lib/, components/ and the root stack config", function () {
        for (const file of sources("lib")) {
            for (const folder of importedFolders(file)) {
                assert.ok(["lib", "components", "stackConfig"].includes(folder), `${file} imports from ${folder}/`);
            }
        }
    });

    it("components/, the package, imports nothing outside itself", function () {
        for (const file of sources("components")) {
            assert.deepEqual(importedFolders(file).filter((folder) => folder !== "components"), [], `${file} reaches outside the package`);
        }
    });

    it("local/, bench/, report/ and fixtures/ never import test helpers", function () {
        for (const file of [...sources("local"), ...sources("bench"), ...sources("report"), ...sources("fixtures")]) {
            assert.ok(!importedFolders(file).includes("tests"), `${file} imports from tests/`);
        }
    });

    it("local/ is only the twin, and scripts/ only code generation and the package build", function () {
        assert.deepEqual(sources("local").sort(), ["bus.ts", "demo.ts", "listen.ts", "load.ts", "pipeline.ts", "server.ts", "start.ts"].map((f) => path.join("local", f)));
        // scripts/docs/ holds the list of generated references and exactly the modules it imports.
        const index = fs.readFileSync(path.join(ROOT, "scripts/docs/index.ts"), "utf8");
        const renderers = [...new Set([...index.matchAll(/from\s*["']\.\/([^"']+)["']/g)].map((m) => `docs/${m[1]}.ts`))];
        assert.deepEqual(
            sources("scripts").sort(),
            ["build.ts", "generate-docs.ts", "generate-event-catalog.ts", "receiverBundle.ts", "docs/index.ts", ...renderers].map((f) => path.join("scripts", f)).sort(),
        );
    });
});
