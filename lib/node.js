// Node ESM entry. The build bundles it with the modules it imports into lib/index.js, the file
// Logto's loader imports: each ES module file costs a Node cold start about 0.35 ms to resolve,
// read and compile. The wasm is read from pkg/ on first use.
import { setWasmSource } from './wasm.js';

// getBuiltinModule (Node >= 20.16), not `import 'node:fs'`: an ES import of a builtin builds
// its module wrapper, which measured about 1.8 ms of a cold start.
const { readFileSync } = process.getBuiltinModule('node:fs');

setWasmSource(() => new WebAssembly.Module(readFileSync(new URL('../pkg/aliyun_dm_bg.wasm', import.meta.url))));

export * from './api.js';
export { default, configGuard } from './connector.js';
export { metadata } from './metadata.js';
