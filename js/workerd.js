// Cloudflare Workers (workerd) entry: the .wasm arrives as a compiled module, since workerd
// forbids compiling wasm from bytes.
import wasmModule from '../pkg/aliyun_dm_bg.wasm?module';

import { setWasmSource } from './wasm.js';

setWasmSource(() => wasmModule);

export * from './exports.js';
export { default } from './exports.js';
