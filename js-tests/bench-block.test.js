// CONTRIBUTING.md's benchmark block is exactly what bench/report.mjs renders from
// bench/results.json, the file `npm run bench` writes: no figure in it is typed by hand.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { budgets, readmeBlock, TARGETS, workerGzip } from '../bench/report.mjs';

const readme = readFileSync(new URL('../CONTRIBUTING.md', import.meta.url), 'utf8');
const results = JSON.parse(readFileSync(new URL('../bench/results.json', import.meta.url), 'utf8'));

test('the CONTRIBUTING.md benchmark block is the one rendered from bench/results.json', () => {
  assert.ok(readme.includes(readmeBlock(results)), 'CONTRIBUTING.md is stale: run npm run bench');
});

test('the budgets are judged on Node 22, the version Logto requires, as well as the machine Node', () => {
  assert.ok(results.runtimes.some((run) => run.node.startsWith('v22.')), 'bench/results.json has no Node 22 run');
  const rows = budgets(results);
  assert.equal(rows.length, 6 * results.runtimes.length + 3 + 4);
  // A budget's verdict follows from its figure: a Worker bundle over the limit cannot be reported as met.
  const size = rows.find((row) => row.target.startsWith('Everything the package adds to a Worker'));
  assert.equal(size.met, workerGzip(results) <= TARGETS.workerGzipBytes);
  const tooBig = budgets({ ...results, wasm: { ...results.wasm, gzip: TARGETS.workerGzipBytes + 1 } });
  assert.equal(tooBig.find((row) => row.target === size.target).met, false);
});
