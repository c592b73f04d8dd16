// Cloudflare Workers (workerd) entry: the .wasm arrives as a compiled module, since workerd
// forbids compiling wasm from bytes. The wasm is instantiated and warmed up at startup.
import wasmModule from '../../pkg/aliyun_dm_bg.wasm?module';

import { warmUp } from '../warm.js';
import { setWasmSource } from '../wasm.js';

setWasmSource(() => wasmModule);
// At startup, not in the first request: see warm.js.
warmUp();

export * from '../api.js';
