/**
 * The body scan behind verify.ts's scanJson, in WebAssembly: jsonScan.wat, compiled into
 * jsonScan.generated.ts. A JavaScript loop over the bytes cost about as much as the HMAC over the
 * same body, whether it walked every byte, jumped between quotes with indexOf or tested four bytes
 * at a time: a Stripe event has a quote every dozen bytes or so, and each one cost a few
 * nanoseconds. The kernel reads 64 bytes per step with SIMD instructions, which JavaScript cannot
 * use and V8 has run by default since 9.1 (https://v8.dev/features/simd; Lambda's Node.js 22 runs
 * V8 12).
 */
import { JSON_SCAN_WASM } from "./jsonScan.generated";

/** Zero bytes after the text: the kernel reads whole 64-byte blocks, and an escape at the end reads one byte past it. */
const PADDING = 64;
const WASM_PAGE_BYTES = 65536;

/** What is used here of the WebAssembly JavaScript API, which TypeScript declares only in its DOM libraries. */
interface WebAssemblyApi {
    Module: new (bytes: Uint8Array) => object;
    Instance: new (module: object) => { exports: object };
}

interface KernelExports {
    memory: { buffer: ArrayBuffer; grow(pages: number): number };
    scan(length: number, maxDepth: number): number;
    work: { value: number };
}

export interface JsonScanner {
    /** scanJson's result for `bytes`: see its documentation in verify.ts. */
    scan(bytes: Uint8Array, maxDepth: number): number;
    /** Loop iterations of the last scan: 64-byte blocks, bytes walked one by one, brackets counted one by one. */
    work(): number;
}

/**
 * A kernel instance with memory of its own. The text is copied in (a memcpy, small beside the
 * scan) rather than encoded there, so no caller's buffer ever aliases memory that a later, longer
 * body grows, and so detaches. Memory only grows, to the longest body scanned plus the padding.
 */
export function createJsonScanner(): JsonScanner {
    const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
    const kernel = new wasm.Instance(new wasm.Module(Buffer.from(JSON_SCAN_WASM, "base64"))).exports as KernelExports;
    let memory = new Uint8Array(kernel.memory.buffer);
    return {
        scan(bytes, maxDepth) {
            const end = bytes.length + PADDING;
            if (end > memory.length) {
                kernel.memory.grow(Math.ceil((end - memory.length) / WASM_PAGE_BYTES));
                memory = new Uint8Array(kernel.memory.buffer);
            }
            memory.set(bytes);
            memory.fill(0, bytes.length, end);
            return kernel.scan(bytes.length, maxDepth);
        },
        work: () => kernel.work.value,
    };
}
