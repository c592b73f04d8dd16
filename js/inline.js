// Entry with the wasm inside the file, for bundlers that build for Node-like hosts (esbuild, Bun,
// Vite SSR): they copy JS but not a .wasm beside it, so the Node entry's file read would fail in
// their output. The build (scripts/setup.mjs) bundles this into lib/inline.js with the bytes
// inlined; the host compiles them on first use, so it must allow compiling wasm from bytes (Node,
// Bun and Deno do; Workers and Vercel Edge do not: use their own entries there).
import wasmBytes from '../pkg/aliyun_dm_bg.wasm';

import { setWasmSource } from './wasm.js';

setWasmSource(() => new WebAssembly.Module(wasmBytes));

export * from './exports.js';
export { default } from './exports.js';
