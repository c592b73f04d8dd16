// Rolling back to @logto/connector-aliyun-dm 1.6: `aliyun-dm check --official` lists what it would
// refuse and what it would ignore. Its verdict is checked against the official connector's own
// configGuard, on the cases in vectors/compat/rollback.json and on random configs.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import createReference from '@logto/connector-aliyun-dm';
import fc from 'fast-check';

import { officialVerdict } from '../bin/official-check.js';

const { cases } = JSON.parse(readFileSync(new URL('../vectors/compat/rollback.json', import.meta.url), 'utf8'));
const { configGuard: officialGuard } = await createReference({ getConfig: async () => ({}) });
const cli = fileURLToPath(new URL('../bin/aliyun-dm.js', import.meta.url));
const SECRET = 'rollback-secret-never-shown';

const textTemplate = (usageType) => ({ usageType, subject: `${usageType} code`, content: '<p>{{code}}</p>' });
const base = () => ({ accessKeyId: 'testid', accessKeySecret: SECRET, accountName: 'noreply@mail.example.com', templates: ['SignIn', 'Register', 'ForgotPassword', 'Generic'].map(textTemplate) });
const configOf = ({ set = {}, templates }) => ({ ...base(), ...(templates ? { templates: templates.map((t) => (typeof t === 'string' ? textTemplate(t) : t)) } : {}), ...set });

for (const testCase of cases) {
  test(`rollback: ${testCase.name}`, () => {
    const config = configOf(testCase);
    const verdict = officialVerdict(config);
    assert.deepEqual(verdict.refused.map((r) => r.path), testCase.refused, 'refused');
    assert.deepEqual(verdict.ignored.map((r) => r.path), testCase.ignored, 'ignored');
    assert.equal(officialGuard.safeParse(config).success, testCase.refused.length === 0, 'the official configGuard agrees');
  });
}

test('rollback: the verdict agrees with the official configGuard on random configs (property, 1,000 runs)', () => {
  const anyValue = fc.oneof(fc.string({ maxLength: 8 }), fc.constant(null), fc.constant(undefined), fc.integer(), fc.boolean());
  const template = fc.record(
    { usageType: fc.oneof(fc.constantFrom('SignIn', 'Register', 'ForgotPassword', 'Generic', 'BindMfa'), anyValue), subject: fc.oneof(fc.string({ maxLength: 8 }), anyValue), content: fc.oneof(fc.string({ maxLength: 8 }), anyValue), templateId: fc.string({ maxLength: 4 }), locale: fc.constantFrom('fr', 'zh-CN') },
    { requiredKeys: [] },
  );
  const config = fc.record(
    {
      accessKeyId: fc.oneof(fc.string({ maxLength: 8 }), anyValue),
      accessKeySecret: fc.oneof(fc.string({ maxLength: 8 }), anyValue),
      accountName: fc.oneof(fc.string({ maxLength: 8 }), anyValue),
      regionId: fc.oneof(fc.constantFrom('cn-hangzhou', 'us-east-1', 'cn-shanghai'), anyValue),
      fromAlias: fc.oneof(fc.string({ maxLength: 20 }), anyValue),
      templates: fc.oneof(fc.array(fc.oneof(template, fc.constantFrom('SignIn', 'Register', 'ForgotPassword', 'Generic').map(textTemplate)), { maxLength: 8 }), anyValue),
      signatureVersion: fc.constantFrom('v2', 'v3'),
      headers: fc.constant({ 'X-User-A': '1' }),
    },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(config, (c) => {
      assert.equal(officialVerdict(c).refused.length === 0, officialGuard.safeParse(c).success, JSON.stringify(c));
    }),
    { numRuns: 1_000 },
  );
});

test('aliyun-dm check --official prints both verdicts, exits 1 when either refuses, and never shows the secret', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aliyun-dm-check-'));
  const run = (config, ...flags) => {
    const path = join(dir, 'config.json');
    writeFileSync(path, JSON.stringify(config));
    return new Promise((resolve) => execFile(process.execPath, [cli, 'check', '--config', path, ...flags], (error, stdout, stderr) => resolve({ status: error ? error.code : 0, stdout, stderr })));
  };
  try {
    const fine = await run({ ...base(), fromAlias: 'A very long sender name' });
    assert.equal(fine.status, 0, fine.stderr);
    assert.match(fine.stdout, /^This package: loads the config, with 1 warning\.\nwarning fromAlias: /);
    const rollback = await run(configOf(cases.find((c) => c.name === 'a console template')), '--official');
    assert.equal(rollback.status, 1);
    assert.match(rollback.stdout, /@logto\/connector-aliyun-dm 1\.6: refuses the config: every send fails after a rollback\./);
    assert.match(rollback.stdout, /refused templates\[0\]\.subject: must be a string: a console template/);
    const ours = await run({ ...base(), accountName: 'a@example.com,b@example.com' });
    assert.equal(ours.status, 1);
    assert.match(ours.stdout, /This package: refuses the config \(invalid_config\)\.\nrefused accountName: /);
    const usage = await run(base(), '--nope');
    assert.equal(usage.status, 2);
    for (const { stdout, stderr } of [fine, rollback, ours, usage]) assert.ok(!`${stdout}${stderr}`.includes(SECRET));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
