// Node ESM entry, the file Logto's loader imports: the wasm is read from pkg/ on first use.
import { readFileSync } from 'node:fs';

import { setWasmSource } from './wasm.js';

setWasmSource(() => new WebAssembly.Module(readFileSync(new URL('../pkg/aliyun_dm_bg.wasm', import.meta.url))));

export * from './api.js';
export { default, configGuard } from './connector.js';
export { metadata } from './metadata.js';
