// Adjusts wasm-bindgen's `--target web` glue for the hosts this package supports. Every edit must
// match exactly once, so a wasm-bindgen upgrade that changes the glue fails the build loudly.
import { readFileSync, writeFileSync } from 'node:fs';

const edits = [
  {
    why: 'edge-runtime and Next.js hand over a WebAssembly.Module from another realm, where instanceof is false',
    from: 'if (!(module instanceof WebAssembly.Module)) {',
    to: "if (Object.prototype.toString.call(module) !== '[object WebAssembly.Module]') {",
  },
  {
    why: 'entries always pass the module; a URL fallback makes bundlers and edge hosts chase a .wasm URL',
    from: "module_or_path = new URL('aliyun_dm_bg.wasm', import.meta.url);",
    to: "throw new TypeError('aliyun-dm: init() needs the wasm as a WebAssembly.Module, bytes or a Response');",
  },
];

/** Applies the edits to the glue file at `path` in place. */
export function patchGlue(path) {
  let text = readFileSync(path, 'utf8');
  for (const { why, from, to } of edits) {
    const count = text.split(from).length - 1;
    if (count !== 1) throw new Error(`patch-glue: expected 1 match of ${JSON.stringify(from)} (${why}), found ${count}`);
    text = text.replace(from, to);
  }
  writeFileSync(path, text);
}
