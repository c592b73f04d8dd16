// Deno (the npm `deno` binary): the packed package resolves through its `deno` condition, loads the
// wasm with a source-phase import (no read permission), and sends through the env.emulator.
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { makeConfig } from './helpers.js';
import { bin, packedWithEmulator, run } from './packed.js';

const env = packedWithEmulator();

test('Deno sends through the emulator with only --allow-net to loopback', async () => {
  writeFileSync(join(env.packed.dir, 'deno.json'), JSON.stringify({ nodeModulesDir: 'manual' }));
  writeFileSync(
    join(env.packed.dir, 'send.js'),
    `import { sendMail, buildSendMailRequest } from 'connector-aliyun-dm-wasm';
     const config = JSON.parse(Deno.args[0]);
     const reply = await sendMail(config, { to: 'deno@example.com', type: 'SignIn', payload: { code: '42' } }, fetch);
     const dry = buildSendMailRequest(config, { to: 'deno@example.com', type: 'SignIn', payload: { code: '42' } });
     console.log(JSON.stringify({ reply, dryUrl: dry.url, deno: Deno.version.deno }));`,
  );
  const port = new URL(env.emulator.url).port;
  const { stdout } = await run(bin('deno'), ['run', '--no-prompt', `--allow-net=127.0.0.1:${port}`, 'send.js', JSON.stringify(makeConfig({ endpoint: env.emulator.url }))], {
    cwd: env.packed.dir,
    env: { ...process.env, DENO_DIR: join(env.packed.dir, '.deno'), NO_COLOR: '1' },
  });
  const { reply, dryUrl, deno } = JSON.parse(stdout);
  assert.equal(env.emulator.mails.at(-1).envId, reply.EnvId);
  assert.equal(env.emulator.mails.at(-1).htmlBody, '<p>SignIn: 42</p>');
  assert.equal(dryUrl, env.emulator.url);
  assert.match(deno, /^2\./);
});

test('Deno without net permission: the send fails with a typed general error', async () => {
  writeFileSync(
    join(env.packed.dir, 'denied.js'),
    `import { sendMail } from 'connector-aliyun-dm-wasm';
     try { await sendMail(JSON.parse(Deno.args[0]), { to: 'd@example.com', type: 'SignIn', payload: {} }, fetch); }
     catch (error) { console.log(JSON.stringify({ code: error.code, cause: error.data.cause })); }`,
  );
  const { stdout } = await run(bin('deno'), ['run', '--no-prompt', 'denied.js', JSON.stringify(makeConfig({ endpoint: env.emulator.url }))], {
    cwd: env.packed.dir,
    env: { ...process.env, DENO_DIR: join(env.packed.dir, '.deno'), NO_COLOR: '1' },
  });
  const { code, cause } = JSON.parse(stdout);
  assert.equal(code, 'general');
  assert.match(cause, /NotCapable|PermissionDenied|net access/i);
});

test("the README's examples/deno.ts type-checks with deno check and runs as written", async () => {
  copyFileSync(new URL('../examples/deno.ts', import.meta.url), join(env.packed.dir, 'deno.ts'));
  const denoEnv = { ...process.env, DENO_DIR: join(env.packed.dir, '.deno'), NO_COLOR: '1' };
  await run(bin('deno'), ['check', 'deno.ts'], { cwd: env.packed.dir, env: denoEnv });
  const port = new URL(env.emulator.url).port;
  const exampleEnv = { ...denoEnv, ALIBABA_CLOUD_ACCESS_KEY_ID: 'testid', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'testsecret', ALIYUN_DM_ACCOUNT: 'noreply@mail.example.com', ALIYUN_DM_ENDPOINT: env.emulator.url };
  const { stdout } = await run(bin('deno'), ['run', '--no-prompt', '--allow-env', `--allow-net=127.0.0.1:${port}`, 'deno.ts', 'deno-example@example.com', '1357'], { cwd: env.packed.dir, env: exampleEnv });
  const mail = env.emulator.mails.at(-1);
  assert.deepEqual(mail.to, ['deno-example@example.com']);
  assert.equal(mail.subject, 'Your code is 1357');
  assert.match(stdout, new RegExp(mail.envId));
});
