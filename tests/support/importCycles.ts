/**
 * Import cycles among a tree's TypeScript modules, found with the TypeScript compiler's own import
 * scanner and module resolution (what `madge --circular` reports, without another dependency).
 * Type-only imports count: a cycle of types still ties two modules into one.
 */
import * as fs from "fs";
import * as path from "path";
import ts from "typescript";

function sourceFiles(entry: string): string[] {
    if (!fs.existsSync(entry)) return [];
    if (fs.statSync(entry).isFile()) return entry.endsWith(".ts") ? [entry] : [];
    return fs
        .readdirSync(entry, { withFileTypes: true })
        .filter((e) => e.name !== "node_modules" && !e.name.startsWith("."))
        .flatMap((e) => sourceFiles(path.join(entry, e.name)));
}

/** Every module under `roots` (files or folders, relative to `base`; missing ones are skipped) and the modules among them it imports. */
export function importGraph(base: string, roots: string[], options: ts.CompilerOptions = { moduleResolution: ts.ModuleResolutionKind.Node10 }): Map<string, string[]> {
    const files = new Set(roots.flatMap((root) => sourceFiles(path.resolve(base, root))));
    const graph = new Map<string, string[]>();
    for (const file of files) {
        const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
        const imports = importedFiles
            .map((i) => ts.resolveModuleName(i.fileName, file, options, ts.sys).resolvedModule)
            .filter((m): m is ts.ResolvedModuleFull => m !== undefined && !m.isExternalLibraryImport && files.has(path.resolve(m.resolvedFileName)))
            .map((m) => path.relative(base, path.resolve(m.resolvedFileName)));
        graph.set(path.relative(base, file), [...new Set(imports)]);
    }
    return graph;
}

/** The cycles of a graph: its strongly connected components of more than one module, or of one that imports itself (Tarjan). */
export function importCycles(graph: Map<string, string[]>): string[][] {
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const cycles: string[][] = [];
    const visit = (node: string): void => {
        index.set(node, index.size);
        low.set(node, index.get(node)!);
        stack.push(node);
        for (const next of graph.get(node) ?? []) {
            if (!index.has(next)) {
                visit(next);
                low.set(node, Math.min(low.get(node)!, low.get(next)!));
            } else if (stack.includes(next)) {
                low.set(node, Math.min(low.get(node)!, index.get(next)!));
            }
        }
        if (low.get(node) === index.get(node)) {
            const component: string[] = [];
            let member: string;
            do {
                member = stack.pop()!;
                component.push(member);
            } while (member !== node);
            if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
        }
    };
    for (const node of [...graph.keys()].sort()) {
        if (!index.has(node)) visit(node);
    }
    return cycles;
}
