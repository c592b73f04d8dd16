// Node ESM entry of the mail client (the package root's Node entry adds the Logto connector). The
// wasm is read from pkg/ on first use.
import { setWasmSource } from '../wasm.js';

// getBuiltinModule (Node >= 20.16), not `import 'node:fs'`: an ES import of a builtin builds
// its ESM wrapper, which costs a cold start more than the read itself.
const { readFileSync } = process.getBuiltinModule('node:fs');

setWasmSource(() => {
  let bytes;
  let where = '../../pkg/aliyun_dm_bg.wasm';
  try {
    // Inside the try: bundled to CommonJS, import.meta.url is undefined and the URL cannot be made.
    const url = new URL(where, import.meta.url);
    where = url.pathname;
    bytes = readFileSync(url);
  } catch (error) {
    // A bundler (esbuild, Bun, Vite) copies this file into its output but not the .wasm beside it.
    throw new Error(
      `aliyun-dm: cannot read the wasm at ${where} (${error.code ?? error.message}). If this code was bundled, import ` +
        '"connector-aliyun-dm-wasm/client/inline" (or, with the Logto connector, "connector-aliyun-dm-wasm/inline") instead, which carries the wasm inside it.',
    );
  }
  return new WebAssembly.Module(bytes);
});

export * from '../api.js';
