// The ./init entry accepts a WebAssembly.Module, bytes, a Response or a promise of one, and says
// clearly what it cannot use. Each case runs in a fresh process: the wasm instantiates once.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { installPacked, run } from './packed.js';

const packed = installPacked();
test.after(() => packed.cleanup());

const script = (setup) => `
  import { readFileSync } from 'node:fs';
  import { createServer } from 'node:http';
  import { fileURLToPath } from 'node:url';
  import { init, signRpcRequest } from 'connector-aliyun-dm-wasm/init';
  const path = fileURLToPath(import.meta.resolve('connector-aliyun-dm-wasm/wasm'));
  const bytes = readFileSync(path);
  let server;
  const serve = (status) => new Promise((resolve) => {
    server = createServer((_, res) => { res.writeHead(status, { 'Content-Type': 'application/wasm' }); res.end(bytes); });
    server.listen(0, '127.0.0.1', () => resolve('http://127.0.0.1:' + server.address().port + '/'));
  });
  try {
    ${setup}
    console.log(signRpcRequest({ A: '1' }, 's', 'POST').signature);
  } catch (error) {
    console.log('error: ' + error.message);
  } finally {
    server?.close();
  }`;

const cases = [
  ['a WebAssembly.Module', 'await init(new WebAssembly.Module(bytes));'],
  ['bytes', 'await init(bytes);'],
  ['an ArrayBuffer', 'await init(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));'],
  ['a fetch Response', 'await init(await fetch(await serve(200)));'],
  ['a promise of a Response', 'const url = await serve(200); await init(fetch(url));'],
];

for (const [what, setup] of cases) {
  test(`init() takes ${what}`, async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script(setup)], { cwd: packed.dir });
    assert.equal(stdout.trim(), 'dcjmdnOjzuJ/0c2XFuMQe63ETNc=');
  });
}

for (const [what, setup, message] of [
  ['a failed fetch', 'await init(fetch(await serve(404)));', /HTTP 404/],
  ['something else', "await init('aliyun_dm_bg.wasm');", /init\(\) takes a WebAssembly.Module/],
  ['nothing (using the API before init)', '', /not initialised/],
]) {
  test(`init() explains ${what}`, async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script(setup)], { cwd: packed.dir });
    assert.match(stdout, message);
  });
}

test('the warm-up runs without a random source or a clock, as a Worker allows at startup', async () => {
  const { warmUp } = await import('../js/warm.js');
  await import('../js/node.js');
  const { getRandomValues } = globalThis.crypto;
  const now = Date.now;
  globalThis.crypto.getRandomValues = () => {
    throw new Error('random values are not allowed here');
  };
  Date.now = () => {
    throw new Error('no clock here');
  };
  try {
    assert.equal(warmUp(), true);
  } finally {
    globalThis.crypto.getRandomValues = getRandomValues;
    Date.now = now;
  }
});
