import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import ts from "typescript";
import { importCycles, importGraph } from "../support/importCycles";

const REPO_ROOT = path.resolve(__dirname, "../..");
/** Every tree of source code in the repository (those not there yet are skipped); tests may import anything. */
const SOURCE_ROOTS = ["index.ts", "stackConfig.ts", "components", "lib", "local", "ops", "report", "scripts", "bench", "fixtures", "policy"];

function compilerOptions(): ts.CompilerOptions {
    const configFile = path.join(REPO_ROOT, "tsconfig.json");
    const { config } = ts.readConfigFile(configFile, ts.sys.readFile);
    return ts.parseJsonConfigFileContent(config, ts.sys, REPO_ROOT).options;
}

function fixture(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "import-cycles-"));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    return dir;
}

describe("import cycles", function () {
    it("finds a real cycle, through type-only imports too, and nothing in a tree without one", function () {
        const cyclic = fixture({
            "args.ts": 'import type { Settings } from "./settings";\nexport interface Args { settings?: Settings }\n',
            "settings.ts": 'import type { Args } from "./args";\nexport interface Settings { args?: Args }\n',
            "self.ts": 'export * from "./self";\n',
            "user.ts": 'import { Args } from "./args";\nexport const args: Args = {};\n',
        });
        assert.deepEqual(importCycles(importGraph(cyclic, ["."])), [["args.ts", "settings.ts"], ["self.ts"]]);
        const acyclic = fixture({ "a.ts": 'import { b } from "./b";\nexport const a = b;\n', "b.ts": 'import * as fs from "fs";\nexport const b = fs.constants;\n' });
        assert.deepEqual(importGraph(acyclic, ["."]), new Map([["a.ts", ["b.ts"]], ["b.ts", []]]));
        assert.deepEqual(importCycles(importGraph(acyclic, ["."])), []);
    });

    it("finds none in the repository's source", function () {
        const graph = importGraph(REPO_ROOT, SOURCE_ROOTS, compilerOptions());
        assert.ok(graph.has(path.join("components", "index.ts")) && graph.get(path.join("components", "pipeline.ts"))!.length > 5, "the graph covers the component");
        assert.deepEqual(importCycles(graph), []);
    });
});
