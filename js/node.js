// Node ESM entry. The build bundles it with the modules it imports into lib/index.js, the file
// Logto's loader imports, because a Node cold start pays to resolve, read and compile each ES
// module file. The wasm is read from pkg/ on first use.
import { setWasmSource } from './wasm.js';

// getBuiltinModule (Node >= 20.16), not `import 'node:fs'`: an ES import of a builtin builds
// its ESM wrapper, which took longer in a cold start than loading the whole bundle.
const { readFileSync } = process.getBuiltinModule('node:fs');

const wasmUrl = new URL('../pkg/aliyun_dm_bg.wasm', import.meta.url);

setWasmSource(() => {
  let bytes;
  try {
    bytes = readFileSync(wasmUrl);
  } catch (error) {
    // A bundler (esbuild, Bun, Vite) copies this file into its output but not the .wasm beside it.
    throw new Error(
      `aliyun-dm: cannot read the wasm at ${wasmUrl.pathname} (${error.code ?? error.message}). If this code was bundled, ` +
        'import "connector-aliyun-dm-wasm/inline" instead, which carries the wasm inside it.',
    );
  }
  return new WebAssembly.Module(bytes);
});

export * from './exports.js';
export { default } from './exports.js';
