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
  const { stdout } = await run(bin('attw'), [tarball, '--format', 'ascii'], { maxBuffer: 16 << 20 });
  assert.match(stdout, /No problems found/);
});
