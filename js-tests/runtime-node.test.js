// Node, ESM and CJS, on this machine's Node and on Node 22 (what Logto requires): the packed package
// is loaded by name through its `exports` and sends through the env.emulator.
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { makeConfig } from './helpers.js';
import { node22, packedWithEmulator, run } from './packed.js';

const env = packedWithEmulator();

const esm = `
  import createConnector, { sendMail } from 'connector-aliyun-dm-wasm';
  const config = JSON.parse(process.argv[1]);
  const connector = await createConnector({ getConfig: async () => config });
  const a = await connector.sendMessage({ to: 'esm@example.com', type: 'SignIn', payload: { code: '1' } });
  const b = await sendMail(config, { to: 'esm@example.com', type: 'Register', payload: { code: '2' } }, fetch);
  console.log(JSON.stringify([a.EnvId, b.EnvId, process.version]));`;
const cjs = `
  const { default: createConnector, sendMail } = require('connector-aliyun-dm-wasm');
  (async () => {
    const config = JSON.parse(process.argv[1]);
    const connector = await createConnector({ getConfig: async () => config });
    const a = await connector.sendMessage({ to: 'cjs@example.com', type: 'SignIn', payload: { code: '1' } });
    const b = await sendMail(config, { to: 'cjs@example.com', type: 'Register', payload: { code: '2' } }, fetch);
    console.log(JSON.stringify([a.EnvId, b.EnvId, process.version]));
  })().catch((error) => { console.error(error); process.exit(1); });`;

for (const [label, nodeBinary] of [['this machine\'s Node', process.execPath], ['Node 22', node22]]) {
  for (const [mode, script, flags] of [['ESM import', esm, ['--input-type=module']], ['CJS require', cjs, ['--input-type=commonjs']]]) {
    test(`${label}, ${mode}: the packed package sends through the emulator`, async () => {
      const config = JSON.stringify(makeConfig({ endpoint: env.emulator.url }));
      const { stdout } = await run(nodeBinary, [...flags, '-e', script, config], { cwd: env.packed.dir });
      const [first, second, version] = JSON.parse(stdout);
      const delivered = env.emulator.mails.map((mail) => mail.envId);
      assert.ok(delivered.includes(first) && delivered.includes(second), 'both mails reached the emulator');
      if (nodeBinary === node22) assert.match(version, /^v22\./);
    });
  }
}

/** Env for the README's examples, pointed at the env.emulator. */
const exampleEnv = () => ({ ...process.env, ALIBABA_CLOUD_ACCESS_KEY_ID: 'testid', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'testsecret', ALIYUN_DM_ACCOUNT: 'noreply@mail.example.com', ALIYUN_DM_ENDPOINT: env.emulator.url });

for (const example of ['node-esm.mjs', 'node-cjs.cjs']) {
  test(`the README's examples/${example} runs as written on Node 22`, async () => {
    copyFileSync(new URL(`../examples/${example}`, import.meta.url), join(env.packed.dir, example));
    const { stdout } = await run(node22, [example, `${example}@example.com`, '2468'], { cwd: env.packed.dir, env: exampleEnv() });
    const mail = env.emulator.mails.at(-1);
    assert.deepEqual(mail.to, [`${example}@example.com`]);
    assert.equal(mail.subject, 'Your code is 2468');
    assert.match(stdout, new RegExp(mail.envId));
  });
}
