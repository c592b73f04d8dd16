// One sender, one wasm object: per-send settings never make a new one, a connector keeps one for
// the config it last sent with, and nothing waits for a FinalizationRegistry, which a loop that
// never yields to the event loop never lets run. Each of these failed at bc6d050, where every
// distinct per-send setting or config built a wasm object that only the registry freed.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import createConnector, { DirectMail, DirectMailError, wasmMemoryBytes } from '../lib/index.js';
import { makeConfig } from './helpers.js';

const MiB = 1 << 20;
/** The ceiling for wasm memory after a million sends; these tests send a tenth of that. */
const CEILING = 8 * MiB;
const SENDS = 100_000;
const ok = async () => new Response('{"EnvId":"1","RequestId":"0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A"}');
const sender = { accessKeyId: 'testid', accessKeySecret: 'testsecret', accountName: 'noreply@mail.example.com' };

test(`a unique Message-ID on each of ${SENDS} sends, with no pause between them, keeps wasm memory flat`, async () => {
  const mail = new DirectMail({ ...sender, fetch: ok });
  const send = (i) => mail.send({ to: 'user@example.com', subject: 'Hi', html: '<p>{{n}}</p>', data: { n: i }, headers: { 'Message-ID': `<${i}@mail.example.com>` } });
  for (let i = 0; i < 1_000; i += 1) await send(i);
  const before = wasmMemoryBytes();
  // Each await settles through microtasks only: no timer or I/O turn lets a FinalizationRegistry run.
  for (let i = 1_000; i < SENDS; i += 1) await send(i);
  const after = wasmMemoryBytes();
  assert.ok(after - before <= MiB, `wasm memory grew from ${before} to ${after} bytes`);
  assert.ok(after <= CEILING, `wasm memory is ${after} bytes`);
  mail.free();
});

test(`${SENDS} distinct configs through one connector keep wasm memory bounded`, async () => {
  const connector = await createConnector({ getConfig: async () => makeConfig(), fetch: ok });
  const data = { to: 'user@example.com', type: 'SignIn', payload: { code: '123456' } };
  for (let i = 0; i < 1_000; i += 1) await connector.sendMessage(data, makeConfig({ tagName: `t${i}` }));
  const before = wasmMemoryBytes();
  for (let i = 1_000; i < SENDS; i += 1) await connector.sendMessage(data, makeConfig({ tagName: `t${i}` }));
  const after = wasmMemoryBytes();
  assert.ok(after - before <= MiB, `wasm memory grew from ${before} to ${after} bytes`);
  assert.ok(after <= CEILING, `wasm memory is ${after} bytes`);
});

test('a connector per request, as Logto builds them, leaves nothing for the garbage collector: wasm memory stays flat', async () => {
  // Logto calls createConnector for every request (getLogtoConnectors → buildRawConnector) and
  // reads the config afresh; a 200 KB config makes any object left behind show at once.
  const config = makeConfig();
  config.templates = config.templates.map((t) => ({ ...t, content: t.content + ' '.repeat(50_000) }));
  const data = { to: 'user@example.com', type: 'SignIn', payload: { code: '123456' } };
  const request = async () => {
    const connector = await createConnector({ getConfig: async () => JSON.parse(JSON.stringify(config)), fetch: ok });
    await connector.sendMessage(data);
    await new Promise((resolve) => setImmediate(resolve));
  };
  for (let i = 0; i < 100; i += 1) await request();
  const before = wasmMemoryBytes();
  for (let i = 0; i < 5_000; i += 1) await request();
  const after = wasmMemoryBytes();
  assert.ok(after - before <= MiB, `wasm memory grew from ${before} to ${after} bytes`);
  assert.ok(after <= CEILING, `wasm memory is ${after} bytes`);
});

test('a nested change to the config after construction changes nothing that is sent', async () => {
  const bodies = [];
  const config = { ...sender, headers: { 'X-User-Trace': 'first' }, bccAddress: ['audit@example.com'], fetch: async (_url, init) => {
    bodies.push(new URLSearchParams(init.body));
    return ok();
  } };
  const mail = new DirectMail(config);
  config.headers['X-User-Trace'] = 'second';
  config.bccAddress.push('not an address');
  config.bccAddress[0] = 'changed@example.com';
  await mail.send({ to: 'user@example.com', subject: 'Hi', text: 'Hello' });
  assert.equal(bodies[0].get('Headers'), '{"X-User-Trace":"first"}');
  assert.equal(bodies[0].get('BccAddress'), 'audit@example.com');
  mail.free();
});

test('free() releases the wasm object at once, after a send in flight, and a freed client refuses to send', async () => {
  let release;
  const mail = new DirectMail({ ...sender, fetch: () => new Promise((resolve) => { release = () => resolve(new Response('{"EnvId":"1","RequestId":"0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A"}')); }) });
  const pending = mail.send({ to: 'user@example.com', subject: 'Hi', text: 'Hello' });
  await new Promise((resolve) => setImmediate(resolve));
  mail.free();
  release();
  assert.deepEqual(await pending, { envId: '1', requestId: '0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A' }, 'the send in flight completes');
  const error = await mail.send({ to: 'user@example.com', subject: 'Hi', text: 'Hello' }).catch((e) => e);
  assert.ok(error instanceof DirectMailError);
  assert.equal(error.code, 'general');
  assert.match(error.message, /freed/);
  mail.free();
  // `using` calls Symbol.dispose (Node 20's syntax lacks `using`, so the call is spelled out).
  const disposed = new DirectMail({ ...sender, fetch: ok });
  disposed[Symbol.dispose]();
  assert.equal((await disposed.send({ to: 'user@example.com', subject: 'Hi', text: 'Hello' }).catch((e) => e)).code, 'general');
});
