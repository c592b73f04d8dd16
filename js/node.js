// Node ESM entry. The build bundles it with the modules it imports into lib/index.js, the file
// Logto's loader imports, because a Node cold start pays to resolve, read and compile each ES
// module file. The wasm is read from pkg/ on first use.
import { setWasmSource } from './wasm.js';

// getBuiltinModule (Node >= 20.16), not `import 'node:fs'`: an ES import of a builtin builds
// its ESM wrapper, which took longer in a cold start than loading the whole bundle.
const { readFileSync } = process.getBuiltinModule('node:fs');

setWasmSource(() => new WebAssembly.Module(readFileSync(new URL('../pkg/aliyun_dm_bg.wasm', import.meta.url))));

export * from './exports.js';
export { default } from './exports.js';
