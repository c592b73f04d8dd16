// Vercel Edge Runtime entry: `?module` makes the bundler hand over a compiled WebAssembly.Module
// (possibly from another realm), since code generation from bytes is disabled there.
import wasmModule from '../../pkg/aliyun_dm_bg.wasm?module';

import { setWasmSource } from '../wasm.js';

setWasmSource(() => wasmModule);

export * from '../api.js';
