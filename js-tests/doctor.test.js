// `aliyun-dm doctor` run as operators run it, against the emulator set up as each scenario in
// vectors/doctor/scenarios.json says: each check's verdict, what it says to do, the exit code,
// and no credential in anything it prints.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { startEmulator } from 'connector-aliyun-dm-wasm/emulator';

import { makeConfig } from './helpers.js';

const cli = new URL('../bin/aliyun-dm.js', import.meta.url).pathname;
const { cases } = JSON.parse(readFileSync(new URL('../vectors/doctor/scenarios.json', import.meta.url), 'utf8'));

/** Runs the CLI; resolves with its exit code and output, whatever the code. */
async function runCli(args) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, ...args], { timeout: 60_000 });
    return { status: 0, stdout, stderr };
  } catch (error) {
    return { status: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

for (const scenario of cases) {
  test(`doctor: ${scenario.what}`, async () => {
    const { skewMs = 0, ...options } = scenario.emulator;
    const emulator = await startEmulator({ ...options, now: () => Date.now() + skewMs });
    const dir = mkdtempSync(join(tmpdir(), 'aliyun-dm-doctor-'));
    try {
      const laid = JSON.parse(JSON.stringify(scenario.config ?? {}).replaceAll('{emulator}', emulator.url));
      const config = { ...makeConfig({ accountName: 'noreply@mail.example.com' }), ...laid };
      writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
      const args = ['doctor', '--config', join(dir, 'config.json'), '--endpoint', `${emulator.url}{region}/`];
      const json = await runCli([...args, '--json']);
      const findings = JSON.parse(json.stdout);
      const byCheck = Object.fromEntries(findings.map((f) => [f.check, f]));
      for (const [check, status] of Object.entries(scenario.expect)) assert.equal(byCheck[check]?.status, status, `${check}: ${JSON.stringify(byCheck[check])}`);
      for (const check of scenario.absent ?? []) assert.equal(byCheck[check], undefined, `${check} is not checked`);
      for (const [check, text] of Object.entries(scenario.todo ?? {})) assert.ok(byCheck[check].todo.includes(text), `${check}: ${byCheck[check].todo}`);
      for (const [check, text] of Object.entries(scenario.message ?? {})) assert.ok(byCheck[check].message.includes(text), `${check}: ${byCheck[check].message}`);
      assert.equal(json.status, scenario.exit);
      // The plain output says the same, and neither quotes the secret.
      const plain = await runCli(args);
      assert.equal(plain.status, scenario.exit);
      for (const { check } of findings) assert.match(plain.stdout, new RegExp(`^(ok  |warn|FAIL) ${check}: `, 'm'));
      for (const output of [json.stdout, json.stderr, plain.stdout, plain.stderr]) assert.ok(!output.includes(config.accessKeySecret), 'no secret in the output');
    } finally {
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('doctor: usage errors exit 2; an endpoint nobody answers is a network failure', async () => {
  assert.equal((await runCli(['doctor'])).status, 2);
  assert.equal((await runCli(['doctor', '--config', 'x.json', '--endpoint', 'not a url'])).status, 2);
  const dir = mkdtempSync(join(tmpdir(), 'aliyun-dm-doctor-'));
  try {
    writeFileSync(join(dir, 'config.json'), JSON.stringify(makeConfig()));
    const result = await runCli(['doctor', '--config', join(dir, 'config.json'), '--endpoint', 'http://127.0.0.1:9/{region}/', '--json']);
    const [credentials] = JSON.parse(result.stdout);
    assert.deepEqual([credentials.check, credentials.status, result.status], ['credentials', 'fail', 1]);
    assert.match(credentials.message, /no answer from 127\.0\.0\.1:9/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('doctor: a server that echoes the security token back (in a Message, or a page) has it quoted nowhere', async () => {
  const token = 'sts-token-echoed-7f3a9c2e51';
  const emulator = await startEmulator({ senders: ['noreply@mail.example.com'] });
  const dir = mkdtempSync(join(tmpdir(), 'aliyun-dm-doctor-'));
  try {
    writeFileSync(join(dir, 'config.json'), JSON.stringify(makeConfig({ securityToken: token })));
    const args = ['doctor', '--config', join(dir, 'config.json'), '--endpoint', `${emulator.url}{region}/`];
    for (const answer of [
      (request, response) => response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ Code: 'SomethingNew', Message: `bad token ${token}`, RequestId: 'r' })),
      (request, response) => response.writeHead(400, { 'content-type': 'text/html' }).end(`<p>${token}</p>`),
    ]) {
      emulator.script(answer);
      const result = await runCli(args);
      assert.equal(result.status, 1);
      assert.match(result.stdout, /FAIL credentials: /);
      assert.ok(!`${result.stdout}${result.stderr}`.includes(token), result.stdout);
    }
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
