/** The compiled core, as hosts that import `.wasm` files provide it. */
declare const wasmModule: WebAssembly.Module;
export = wasmModule;
