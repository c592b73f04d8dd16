// The `aliyun-dm send` CLI: dry run, a real send to the emulator, typed failures, exit statuses,
// and no secret on any output.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import openapiUtil from '@alicloud/openapi-util';

import { startEmulator } from '../emulator/index.js';
import { makeConfig } from './helpers.js';

const cli = fileURLToPath(new URL('../bin/aliyun-dm.js', import.meta.url));
const SECRET = 'cli-secret-never-shown';
const TOKEN = "sts-token/never+shown='x'";
let dir;
let emulator;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'aliyun-dm-cli-'));
  emulator = await startEmulator({ accessKeys: { testid: SECRET } });
});
after(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the CLI; resolves with {status, stdout, stderr} whatever the exit status. */
function runCli(args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], (error, stdout, stderr) => resolve({ status: error ? error.code : 0, stdout, stderr }));
  });
}

function configFile(name, config) {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(config));
  return path;
}

const noSecret = ({ stdout, stderr }) => {
  for (const secret of [SECRET, TOKEN, encodeURIComponent(TOKEN)]) {
    assert.ok(!stdout.includes(secret) && !stderr.includes(secret), `${secret} was printed`);
  }
};

test('--dry-run prints the signed request with secrets redacted; the signature verifies', async () => {
  const result = await runCli(['send', '--config', configFile('dry.json', makeConfig({ accessKeySecret: SECRET, securityToken: TOKEN })), '--to', 'a@example.com', '--dry-run']);
  assert.equal(result.status, 0, result.stderr);
  noSecret(result);
  assert.match(result.stdout, /^POST https:\/\/dm\.aliyuncs\.com\//);
  assert.match(result.stdout, /SecurityToken\s+<redacted>/);
  assert.match(result.stdout, /StringToSign: POST&%2F&.*<redacted>/);
  const params = Object.fromEntries([...result.stdout.matchAll(/^(\w+)\s{2,}(.*)$/gm)].map((m) => [m[1], m[2]]));
  assert.equal(params.Subject, 'Generic code 000000', 'the Console test: Generic with 000000');
  const { Signature, ...signed } = { ...params, SecurityToken: TOKEN };
  assert.equal(openapiUtil.default.getRPCSignature(signed, 'POST', SECRET), Signature);
});

test('--endpoint sends for real and prints the reply', async () => {
  const result = await runCli(['send', '--config', configFile('ok.json', makeConfig({ accessKeySecret: SECRET })), '--to', 'b@example.com', '--type', 'SignIn', '--code', '424242', '--endpoint', emulator.url]);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(JSON.parse(result.stdout).EnvId, emulator.mails.at(-1).envId);
  assert.equal(emulator.mails.at(-1).subject, 'SignIn code 424242');
});

test('failures exit 1 and print the error code, never the secret', async () => {
  const wrong = await runCli(['send', '--config', configFile('wrong.json', makeConfig({ accessKeySecret: `${SECRET}-wrong` })), '--to', 'c@example.com', '--endpoint', emulator.url]);
  assert.equal(wrong.status, 1);
  assert.match(wrong.stderr, /^error general: SignatureDoesNotMatch/);
  noSecret(wrong);
  const bad = await runCli(['send', '--config', configFile('bad.json', { ...makeConfig({ accessKeySecret: SECRET }), regionId: 'mars-1' }), '--to', 'c@example.com', '--dry-run']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /error invalid_config: regionId/);
  noSecret(bad);
});

test('help and --version go to stdout with exit 0; usage errors name what is wrong on stderr with exit 2', async () => {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  for (const args of [['--help'], ['-h'], ['send', '--help'], ['check', '--help'], ['emulator', '--help']]) {
    const result = await runCli(args);
    assert.equal(result.status, 0, args.join(' '));
    assert.match(result.stdout, /Usage: aliyun-dm/, args.join(' '));
    assert.equal(result.stderr, '', args.join(' '));
  }
  const v = await runCli(['--version']);
  assert.deepEqual([v.status, v.stdout.trim(), v.stderr], [0, `connector-aliyun-dm-wasm ${version}`, '']);
  for (const [args, why] of [
    [[], /No command given/],
    [['sned', '--to', 'a@b.c'], /Unknown command "sned"/],
    [['send', '--config', 'x.json'], /Missing --to/],
    [['send', '--to', 'a@b.c'], /Missing --config/],
    [['check'], /Missing --config/],
    [['send', '--bogus'], /Unknown option/],
    [['emulator', '--events', 'not a url'], /--events must be an http/],
    [['emulator', '--event-secret', 'S'], /--event-secret goes with --events/],
  ]) {
    const result = await runCli(args);
    assert.equal(result.status, 2, args.join(' '));
    assert.match(result.stderr, why, args.join(' '));
    assert.equal(result.stdout, '', args.join(' '));
  }
});

test('usage errors exit 2 with the usage', async () => {
  for (const args of [[], ['send', '--to', 'a@b.c'], ['send', '--config', 'x.json', '--to', 'a@b.c', '--dry-run', '--endpoint', 'http://127.0.0.1:1/'], ['send', '--bogus'], ['send', '--config', join(dir, 'missing.json'), '--to', 'a@b.c']]) {
    const result = await runCli(args);
    assert.equal(result.status, 2, args.join(' '));
    assert.ok(result.stderr.length > 0);
  }
});
