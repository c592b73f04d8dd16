// Entry with the wasm inside a JS module, for bundlers that build for Node-like hosts (esbuild,
// Bun, Vite SSR): they copy JS but not a .wasm beside it, so the Node entry's file read would fail
// in their output. lib/wasm-bytes.js is the .wasm as base64, made by the build (scripts/setup.mjs);
// the host compiles it on first use, so it must allow compiling wasm from bytes (Node, Bun and Deno
// do; Workers and Vercel Edge do not: use their own entries there).
import wasmBytes from '../../lib/wasm-bytes.js';

import { setWasmSource } from '../wasm.js';

setWasmSource(() => new WebAssembly.Module(wasmBytes));

export * from '../api.js';
