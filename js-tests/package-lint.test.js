// The published tarball passes publint (strict) and @arethetypeswrong/cli with no problems.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { bin, pack, run } from './packed.js';

let dir;
let tarball;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'aliyun-dm-lint-'));
  ({ tarball } = pack(dir));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('publint --strict finds nothing', async () => {
  const { stdout } = await run(bin('publint'), ['run', tarball, '--strict']);
  assert.match(stdout, /All good!/);
});

test('arethetypeswrong finds no problems in any resolution mode', async () => {
  // attw exits non-zero when it finds a problem, which rejects here with its report.
  // Not false-export-default: attw reads `module.exports = require(...)` in js/node.cjs as a
  // CommonJS module without `.default`, but require(esm) returns the ES namespace, which has it
  // (runtime-node.test.js requires the package and calls `.default`).
  const { stdout } = await run(bin('attw'), [tarball, '--format', 'ascii', '--ignore-rules', 'false-export-default'], { maxBuffer: 16 << 20 });
  assert.match(stdout, /No problems found/);
});
