/**
 * The package's public API is components/index.ts and nothing else: the installed package exports
 * the same values as the source module, `exports` keeps every other module out of reach, and
 * docs/reuse.md ("Public API") names every export, types included.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import { createRequire } from "module";
import * as path from "path";
import ts from "typescript";
import { installedPackage, REPO_ROOT } from "../support/packedPackage";

/** Every name components/index.ts exports, values and types. */
function declaredExports(): string[] {
    const file = path.join(REPO_ROOT, "components/index.ts");
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
    return source.statements.filter(ts.isExportDeclaration).flatMap((d) => {
        if (d.exportClause && ts.isNamedExports(d.exportClause)) return d.exportClause.elements.map((e) => e.name.text);
        if (d.exportClause && ts.isNamespaceExport(d.exportClause)) return [d.exportClause.name.text];
        return assert.fail(`components/index.ts: \`${d.getText()}\` exports names no list shows`);
    });
}

describe("the public API", function () {
    this.timeout(240000);

    it("is what the installed package exports: the values of components/index.ts", async function () {
        const source: Record<string, unknown> = await import("../../components");
        const installed = require(installedPackage());
        // Transpiled one file at a time, the source re-exports its types too, as undefined values.
        const values = Object.keys(source).filter((name) => source[name] !== undefined);
        assert.deepEqual(Object.keys(installed).sort(), values.sort());
        const policies = source.policies as Record<string, unknown>;
        assert.deepEqual(Object.keys(installed.policies).sort(), Object.keys(policies).filter((name) => policies[name] !== undefined).sort());
    });

    it("keeps the package's other modules out of reach", function () {
        // As the consumer's own modules resolve it (a require from this repository would resolve its own name to itself).
        const consumerRequire = createRequire(path.join(installedPackage(), "../../index.js"));
        assert.throws(() => consumerRequire.resolve("stripe-analytics/dist/settings"), { code: "ERR_PACKAGE_PATH_NOT_EXPORTED" });
        assert.equal(consumerRequire.resolve("stripe-analytics"), path.join(installedPackage(), "dist/index.js"));
        assert.equal(consumerRequire.resolve("stripe-analytics/package.json"), path.join(installedPackage(), "package.json"));
    });

    it("is documented: docs/reuse.md's Public API section names every export", function () {
        const doc = fs.readFileSync(path.join(REPO_ROOT, "docs/reuse.md"), "utf8");
        const section = /^## Public API\n([\s\S]*?)^## /m.exec(doc)?.[1];
        assert.ok(section, "docs/reuse.md has no Public API section");
        const named = new Set([...section.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]));
        assert.deepEqual(declaredExports().filter((name) => !named.has(name)), []);
    });
});
