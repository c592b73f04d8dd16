export * from './api.js';

/** What `init` accepts: the compiled module, its bytes, or a fetch Response for the .wasm. */
export type WasmSource = WebAssembly.Module | ArrayBuffer | ArrayBufferView | Response;

/** Compiles (unless given a module) and instantiates the wasm once; call before the API. */
export function init(source: WasmSource | Promise<WasmSource>): Promise<void>;
