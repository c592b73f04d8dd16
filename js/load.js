// Loading the wasm, for hosts that hand it over themselves: `await init(source)` once, with the
// wasm as a WebAssembly.Module, bytes, a Response or a promise of one. In an entry that knows where
// the wasm is (Node, Workers, Vercel Edge, Deno), `init()` without a source only loads it early.
import { instantiateWith, wasm } from './wasm.js';

const isModule = (value) => Object.prototype.toString.call(value) === '[object WebAssembly.Module]';

/** Compiles (unless given a module) and instantiates the wasm; later calls are no-ops. */
export async function init(source) {
  const resolved = await source;
  if (resolved === undefined) {
    wasm();
    return;
  }
  if (isModule(resolved)) {
    instantiateWith(resolved);
    return;
  }
  if (resolved && typeof resolved.arrayBuffer === 'function') {
    if ('ok' in resolved && !resolved.ok) throw new Error(`aliyun-dm: fetching the wasm failed with HTTP ${resolved.status}`);
    // The bytes first, on a line of their own: `next dev` rewrites WebAssembly.compile(…) calls,
    // and an await inside the call broke the rewritten code.
    const bytes = await resolved.arrayBuffer();
    instantiateWith(await WebAssembly.compile(bytes));
    return;
  }
  if (resolved instanceof ArrayBuffer || ArrayBuffer.isView(resolved)) {
    instantiateWith(await WebAssembly.compile(resolved));
    return;
  }
  throw new TypeError('aliyun-dm: init() takes a WebAssembly.Module, bytes, a Response, or a promise of one');
}
