// Cloudflare workerd (the npm `workerd` binary): the package resolved through its `workerd`
// condition as wrangler bundles it, the .wasm kept as a compiled-module import, sending to the
// emulator over loopback. workerd forbids compiling wasm from bytes, so this proves the entry.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { build } from 'esbuild';

import { startEmulator, verifySignedBody } from '../emulator/index.js';
import { makeConfig } from './helpers.js';
import { bin, freePort, installPacked } from './packed.js';

let packed;
let emulator;
let workerd;
let workerUrl;
let exampleUrl;
let resolvedEntry;

const workerSource = `
import { assumeRoleCredentials, buildSendMailRequest, checkEventSecret, DirectMail, parseDeliveryEvent, sendMail, wasmMemoryBytes } from 'connector-aliyun-dm-wasm';
// The entry instantiated the wasm at startup (js/warm.js), before any request.
const memoryAtStartup = wasmMemoryBytes();
export default {
  async fetch(request) {
    const { config, data, dryRun, startup, event, secret, assumed, attached } = await request.json();
    if (startup) return Response.json({ memoryAtStartup });
    try {
      if (event !== undefined) {
        checkEventSecret(new Headers({ 'x-directmail-event-secret': secret }), 'worker-secret');
        return Response.json({ event: parseDeliveryEvent(event) });
      }
      if (assumed !== undefined) {
        const mail = new DirectMail({ accountName: 'noreply@mail.example.com', endpoint: assumed.endpoint, credentials: assumeRoleCredentials(assumed) });
        try {
          return Response.json({ reply: await mail.send({ to: 'role@example.com', subject: 'assumed', text: 'from a role' }) });
        } finally {
          mail.free();
        }
      }
      if (attached !== undefined) {
        // Workers' own FormData, Blob and WebCrypto: the file is uploaded, then the mail names it.
        const kv = new Map();
        const mail = new DirectMail({ ...attached, idempotency: { store: kv } });
        try {
          const sent = { to: 'files@example.com', subject: 'attached', text: 'see the file', idempotencyKey: 'worker-1', attachments: [{ filename: 'report.csv', content: new TextEncoder().encode('a,b\\n1,2\\n'), contentType: 'text/csv' }] };
          const first = await mail.send(sent);
          return Response.json({ reply: first, again: await mail.send(sent) });
        } finally {
          mail.free();
        }
      }
      if (dryRun) return Response.json({ request: buildSendMailRequest(config, data) });
      return Response.json({ reply: await sendMail(config, data, fetch) });
    } catch (error) {
      return Response.json({ error: { name: error.name, code: error.code, message: error.message } }, { status: 500 });
    }
  },
};`;

/** Bundles like wrangler: workerd conditions, .wasm files left as separate CompiledWasm modules. */
async function bundleWorker(source) {
  const result = await build({
    stdin: { contents: source, resolveDir: packed.dir, sourcefile: 'worker.js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    metafile: true,
    plugins: [{ name: 'wasm', setup: (b) => b.onResolve({ filter: /\.wasm(\?module)?$/ }, () => ({ path: './aliyun_dm_bg.wasm', external: true })) }],
  });
  // The runtime entries are the files that call setWasmSource; exactly one may be bundled.
  resolvedEntry = Object.keys(result.metafile.inputs).filter((path) => /connector-aliyun-dm-wasm\/(?:js|lib)\/(?:client\/)?(workerd|edge-light|deno|node|index|init|inline)\.js$/.test(path));
  return result.outputFiles[0].text;
}

before(async () => {
  packed = installPacked();
  emulator = await startEmulator();
  writeFileSync(join(packed.dir, 'worker.js'), await bundleWorker(workerSource));
  const example = readFileSync(new URL('../examples/cloudflare-worker.js', import.meta.url), 'utf8');
  writeFileSync(join(packed.dir, 'example.js'), await bundleWorker(example));
  const port = await freePort();
  const examplePort = await freePort();
  const binding = (name, value) => `(name = "${name}", text = "${value}")`;
  writeFileSync(
    join(packed.dir, 'workerd.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    (name = "example", worker = .example),
    # Outbound traffic may reach loopback (the emulator) and nothing else.
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [
    (name = "http", address = "127.0.0.1:${port}", http = (), service = "main"),
    (name = "example", address = "127.0.0.1:${examplePort}", http = (), service = "example"),
  ],
);
const example :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "example.js"),
    (name = "aliyun_dm_bg.wasm", wasm = embed "node_modules/connector-aliyun-dm-wasm/pkg/aliyun_dm_bg.wasm"),
  ],
  bindings = [
    ${binding('ALIBABA_CLOUD_ACCESS_KEY_ID', 'testid')},
    ${binding('ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'testsecret')},
    ${binding('ALIYUN_DM_ACCOUNT', 'noreply@mail.example.com')},
    ${binding('ALIYUN_DM_ENDPOINT', emulator.url)},
  ],
  compatibilityDate = "2025-09-01",
  globalOutbound = "loopback",
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
    (name = "aliyun_dm_bg.wasm", wasm = embed "node_modules/connector-aliyun-dm-wasm/pkg/aliyun_dm_bg.wasm"),
  ],
  compatibilityDate = "2025-09-01",
  globalOutbound = "loopback",
);
`,
  );
  workerd = spawn(bin('workerd'), ['serve', 'workerd.capnp'], { cwd: packed.dir, stdio: ['ignore', 'inherit', 'inherit'] });
  workerUrl = `http://127.0.0.1:${port}/`;
  exampleUrl = `http://127.0.0.1:${examplePort}/`;
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (await fetch(workerUrl, { method: 'POST', body: '{}' }).then(() => true, () => false)) return;
    await sleep(100);
  }
  throw new Error('workerd did not start within 10 s');
});

after(async () => {
  workerd?.kill();
  await emulator.close();
  packed.cleanup();
});

const callWorker = (body) => fetch(workerUrl, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());

test('the workerd condition picks the mail client\'s js/client/workerd.js', () => {
  assert.equal(resolvedEntry.length, 1, String(resolvedEntry));
  assert.match(resolvedEntry[0], /js\/client\/workerd\.js$/);
});

test('the workerd entry instantiates the wasm at startup, not in the first request', async () => {
  const { memoryAtStartup } = await callWorker({ startup: true });
  assert.ok(memoryAtStartup > 0, String(memoryAtStartup));
});

test('a Worker sends through the emulator, signed correctly', async () => {
  const result = await callWorker({ config: makeConfig({ endpoint: emulator.url }), data: { to: 'worker@example.com', type: 'SignIn', payload: { code: '314' } } });
  assert.equal(result.error, undefined, JSON.stringify(result.error));
  const mail = emulator.mails.at(-1);
  assert.equal(mail.envId, result.reply.EnvId);
  assert.equal(mail.htmlBody, '<p>SignIn: 314</p>');
  assert.ok(verifySignedBody(emulator.requests.at(-1).body, { testid: 'testsecret' }));
});

test('in a Worker, nonces come from crypto.getRandomValues and differ per request', async () => {
  const data = { to: 'w@example.com', type: 'SignIn', payload: {} };
  const nonces = new Set();
  for (let i = 0; i < 20; i += 1) {
    const { request } = await callWorker({ config: makeConfig(), data, dryRun: true });
    nonces.add(new URLSearchParams(request.body).get('SignatureNonce'));
  }
  assert.equal(nonces.size, 20);
});

test('errors in a Worker are typed', async () => {
  const result = await callWorker({ config: makeConfig({ templates: [] }), data: { to: 'w@example.com', type: 'SignIn', payload: {} } });
  assert.equal(result.error.code, 'invalid_config');
});

test('in a Worker: delivery events are read and their secret checked; STS role credentials sign the mail', async () => {
  const events = JSON.parse(readFileSync(new URL('../vectors/events/directmail.json', import.meta.url), 'utf8')).cases;
  const read = await callWorker({ event: JSON.stringify(events[2].event), secret: 'worker-secret' });
  assert.deepEqual([read.event?.kind, read.event?.logto.userId], ['delivered', 'user-1'], JSON.stringify(read));
  const refused = await callWorker({ event: events[2].event, secret: 'wrong' });
  assert.equal(refused.error?.message, "The event request's x-directmail-event-secret header is missing or wrong");
  const sent = await callWorker({ assumed: { accessKeyId: 'testid', accessKeySecret: 'testsecret', roleArn: 'acs:ram::1:role/mail', endpoint: emulator.url } });
  assert.ok(sent.reply?.envId, JSON.stringify(sent));
  assert.match(emulator.requests.at(-1).headers.authorization, /Credential=STS\./);
});

test('in a Worker: an attachment is uploaded with the grant and named on the mail; the idempotency key replays', async () => {
  const before = emulator.mails.length;
  const result = await callWorker({ attached: { accessKeyId: 'testid', accessKeySecret: 'testsecret', accountName: 'noreply@mail.example.com', endpoint: emulator.url } });
  assert.ok(result.reply?.envId, JSON.stringify(result));
  assert.deepEqual(result.again, result.reply, 'the second send returns the first result');
  assert.equal(emulator.mails.length, before + 1);
  const [attachment] = emulator.mails.at(-1).attachments;
  assert.deepEqual([attachment.name, attachment.size, attachment.contentType], ['report.csv', 8, 'text/csv']);
});

test("the README's examples/cloudflare-worker.js runs as written", async () => {
  const response = await fetch(exampleUrl, { method: 'POST', body: JSON.stringify({ to: 'example@example.com', code: '8080' }) });
  const reply = await response.json();
  assert.equal(response.status, 200, JSON.stringify(reply));
  const mail = emulator.mails.at(-1);
  assert.equal(mail.envId, reply.envId);
  assert.equal(mail.subject, 'Your code is 8080');
});
