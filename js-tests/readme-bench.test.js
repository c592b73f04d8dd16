// The README's benchmark figures are those in bench/results.json, written by `npm run bench`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const results = JSON.parse(readFileSync(new URL('../bench/results.json', import.meta.url), 'utf8'));
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

test('every benchmark figure in the README comes from bench/results.json', () => {
  const figures = [
    kb(results.wasm.raw), kb(results.wasm.gzip), kb(results.wasm.brotli),
    kb(results.reference.bundle.minified), kb(results.reference.bundle.gzip),
    kb(results.tarball.packed), kb(results.tarball.unpacked),
    `${results.coldStartMs.ours.toFixed(1)} ms`, `${results.coldStartMs.reference.toFixed(1)} ms`, `${results.coldStartMs.ratio.toFixed(1)}×`,
    `${results.cpuPerMessageUs.ours.toFixed(1)} µs`, `${results.cpuPerMessageUs.reference.toFixed(1)} µs`, `${results.cpuPerMessageUs.ratio.toFixed(1)}×`,
    `${results.native.fullUs.toFixed(1)} µs`, `${results.native.cachedConfigUs.toFixed(1)} µs`,
    kb(results.memory.wasmBytesAfter), `Node ${results.node}`.replace('Node ', ''),
  ];
  for (const figure of figures) assert.ok(readme.includes(figure), `README lacks ${figure} from bench/results.json`);
});
