/**
 * Every relative link of the Markdown documentation (README.md, CHANGELOG.md, docs/**) names a file
 * of the repository and, when it has a `#fragment` into a Markdown file, one of that file's headings
 * as GitHub anchors them.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");

function markdownFiles(): string[] {
    const docs = (fs.readdirSync(path.join(ROOT, "docs"), { recursive: true }) as string[]).filter((f) => f.endsWith(".md")).map((f) => path.join("docs", f));
    return ["README.md", "CHANGELOG.md", ...docs];
}

/** The text outside fenced code blocks, where a `#` line is not a heading. */
function withoutFences(markdown: string): string {
    return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
}

/** The text outside fenced code blocks and code spans, where `](` is not a link. */
function prose(markdown: string): string {
    return withoutFences(markdown).replace(/`[^`\n]*`/g, "``");
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to `-`; repeats get -1, -2, ... */
function headingAnchors(markdown: string): Set<string> {
    const anchors = new Set<string>();
    for (const [, heading] of withoutFences(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
        const base = heading.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
        let anchor = base;
        for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
        anchors.add(anchor);
    }
    return anchors;
}

describe("documentation links", function () {
    it("GitHub's anchors are what the checker computes", function () {
        assert.deepEqual([...headingAnchors("# Where to change …\n## Other languages: `pulumi package add`\n## A\n## A\n```\n# not a heading\n```\n")], [
            "where-to-change-",
            "other-languages-pulumi-package-add",
            "a",
            "a-1",
        ]);
    });

    for (const file of markdownFiles()) {
        it(`every relative link in ${file} resolves`, function () {
            const broken: string[] = [];
            for (const [, target] of prose(fs.readFileSync(path.join(ROOT, file), "utf8")).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
                if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
                const [pathPart, fragment] = target.split("#", 2);
                const resolved = pathPart === "" ? file : path.normalize(path.join(path.dirname(file), decodeURIComponent(pathPart)));
                if (!fs.existsSync(path.join(ROOT, resolved))) {
                    broken.push(`${target}: no file ${resolved}`);
                } else if (fragment !== undefined && resolved.endsWith(".md") && !headingAnchors(fs.readFileSync(path.join(ROOT, resolved), "utf8")).has(fragment)) {
                    broken.push(`${target}: no heading of ${resolved} has the anchor #${fragment}`);
                }
            }
            assert.deepEqual(broken, [], `broken links in ${file}`);
        });
    }
});
