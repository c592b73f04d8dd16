// Deno entry: a source-phase import hands over the compiled WebAssembly.Module, with no file-read
// permission needed.
import source wasmModule from '../../pkg/aliyun_dm_bg.wasm';

import { setWasmSource } from '../wasm.js';

setWasmSource(() => wasmModule);

export * from '../api.js';
