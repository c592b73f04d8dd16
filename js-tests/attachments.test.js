// Attachments over fetch (AuthorizeFileUpload, a policy-signed OSS form upload, then SingleSendMail
// with Attachments) against the emulator, which checks each upload's policy signature and records
// each file's name, size and SHA-256 on the mail; and the idempotency key with a caller's store.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { DirectMail, wasmMemoryBytes } from 'connector-aliyun-dm-wasm/client';
import { startEmulator } from 'connector-aliyun-dm-wasm/emulator';

import { thrown } from './helpers.js';

const settings = (emulator, extra = {}) => ({ accessKeyId: 'testid', accessKeySecret: 'testsecret', accountName: 'noreply@mail.example.com', endpoint: emulator.url, ...extra });
const base = { to: 'user@example.com', subject: 'Your invoice', html: '<p>Attached.</p>' };
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
/** What the emulator was asked, in order. */
const actions = (emulator) => emulator.requests.map((r) => (r.upload ? 'upload' : r.headers['x-acs-action'] ?? r.params.Action));

for (const signatureVersion of ['v3', 'v2']) {
  test(`${signatureVersion}: every kind of content is uploaded with its grant and named on the mail, with its size and hash`, async () => {
    const emulator = await startEmulator();
    const client = new DirectMail(settings(emulator, { signatureVersion }));
    try {
      const pdf = new Uint8Array(70_000).map((_, i) => i % 251);
      const files = [
        { filename: 'invoice.pdf', content: pdf, contentType: 'application/pdf' },
        { filename: 'data.bin', content: pdf.buffer.slice(0, 1000) },
        { filename: 'notes.txt', content: new Blob(['hello'], { type: 'text/plain' }) },
        { filename: '发票 2026.txt', content: 'UTF-8 text: 你好' },
      ];
      const sent = await client.send({ ...base, attachments: files });
      assert.match(sent.envId, /^\d+$/);
      assert.deepEqual(actions(emulator).sort(), ['AuthorizeFileUpload', 'AuthorizeFileUpload', 'AuthorizeFileUpload', 'AuthorizeFileUpload', 'SingleSendMail', 'upload', 'upload', 'upload', 'upload']);
      assert.equal(actions(emulator).at(-1), 'SingleSendMail', 'the mail goes after every upload');
      const [mail] = emulator.mails;
      assert.deepEqual(
        mail.attachments.map(({ name, size, sha256: hash, contentType }) => ({ name, size, hash, contentType })),
        [
          { name: 'invoice.pdf', size: 70_000, hash: sha256(pdf), contentType: 'application/pdf' },
          { name: 'data.bin', size: 1000, hash: sha256(pdf.subarray(0, 1000)), contentType: 'application/octet-stream' },
          { name: 'notes.txt', size: 5, hash: sha256('hello'), contentType: 'text/plain' },
          { name: '发票 2026.txt', size: Buffer.byteLength('UTF-8 text: 你好'), hash: sha256('UTF-8 text: 你好'), contentType: 'application/octet-stream' },
        ],
      );
      // As the SDK writes it: http://{Bucket}.{Endpoint}/{ObjectKey}.
      assert.match(mail.params['Attachments.1.AttachmentUrl'], /^http:\/\/dm-emulator\.127\.0\.0\.1:\d+\/dm\/[0-9a-f-]+\/attachment\.tmp$/);
      // A console template takes attachments too.
      await client.sendTemplate({ to: 'user@example.com', templateId: '1001', attachments: [{ filename: 'a.txt', content: 'a' }] });
      assert.deepEqual(emulator.mails[1].attachments.map((a) => a.name), ['a.txt']);
    } finally {
      client.free();
      await emulator.close();
    }
  });
}

test('bad attachment lists (vectors/attachments/bad.json) are refused by name before anything is sent; the client stays usable', async () => {
  const emulator = await startEmulator();
  const client = new DirectMail(settings(emulator));
  try {
    const { cases } = JSON.parse(readFileSync(new URL('../vectors/attachments/bad.json', import.meta.url), 'utf8'));
    for (const row of cases) {
      let attachments = Array.isArray(row.attachments)
        ? row.attachments.map((item) => (item?.content?.bytes === undefined ? item : { ...item, content: new Uint8Array(item.content.bytes) }))
        : row.attachments;
      if (row.repeat) attachments = Array.from({ length: row.repeat }, () => attachments[0]);
      const error = await thrown(() => client.send({ ...base, attachments }));
      assert.equal(error.code, 'invalid_request_parameters', `${row.what}: ${error.message}`);
      assert.deepEqual(error.data.issues.map((i) => i.path), [row.path], `${row.what}: ${error.message}`);
    }
    // A mail the core refuses (here, its subject) uploads nothing either.
    const refused = await thrown(() => client.send({ ...base, subject: 'x'.repeat(101), attachments: [{ filename: 'a.txt', content: 'a' }] }));
    assert.equal(refused.data.issues[0].path, 'Subject');
    assert.equal(emulator.requests.length, 0, 'no request for a refused list');
    assert.ok((await client.send({ ...base, attachments: [{ filename: 'a.txt', content: 'a' }] })).envId);
  } finally {
    client.free();
    await emulator.close();
  }
});

test('a failed upload or grant sends no mail, and names its file; a grant that would send a file elsewhere is refused unread', async () => {
  const emulator = await startEmulator();
  const client = new DirectMail(settings(emulator));
  const files = [{ filename: 'first.txt', content: 'one' }, { filename: 'second.txt', content: 'two' }];
  try {
    emulator.failNextUpload(403, 'AccessDenied');
    let error = await thrown(() => client.send({ ...base, attachments: files.slice(0, 1) }));
    assert.deepEqual([error.code, error.reason, error.data.attachment], ['general', 'rejected', { index: 0, filename: 'first.txt' }]);
    assert.match(error.message, /^attachments\[0\] \(first\.txt\): OSS refused the upload \(HTTP 403: AccessDenied\); no mail was sent$/);

    emulator.failNext(403, 'Forbidden.RAM', 'User not authorized to operate on the specified resource.');
    error = await thrown(() => client.send({ ...base, attachments: files.slice(0, 1) }));
    assert.equal(error.data.Code, 'Forbidden.RAM');
    assert.match(error.message, /^attachments\[0\] \(first\.txt\): AuthorizeFileUpload failed: Forbidden\.RAM/);
    assert.equal(error.data.errorDescription, error.message, 'what Logto-shaped readers show names the file too');

    // The grant names where the file goes: only an Aliyun OSS host (or a loopback emulator) is taken.
    const uploadsBefore = emulator.requests.filter((r) => r.upload).length;
    emulator.script((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ Bucket: 'b-1', Endpoint: 'collector.evil.example', ObjectKey: 'k', AccessKeyId: 'a', EncodedPolicy: 'p', Signature: 's', RequestId: 'r' }));
    });
    error = await thrown(() => client.send({ ...base, attachments: files.slice(0, 1) }));
    assert.equal(error.code, 'invalid_response');
    assert.match(error.message, /Endpoint/);
    assert.ok(!error.message.includes('evil'), 'the reply is not quoted');
    assert.equal(emulator.requests.filter((r) => r.upload).length, uploadsBefore, 'nothing was uploaded anywhere');

    // The caller's signal stops an upload that stalls.
    const stalling = new DirectMail(settings(emulator, { fetch: (url, init) => (init.body instanceof FormData ? new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason))) : fetch(url, init)) }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    error = await thrown(() => stalling.send({ ...base, attachments: files.slice(0, 1), signal: controller.signal }));
    assert.deepEqual([error.reason, error.data.attachment.filename], ['aborted', 'first.txt']);
    stalling.free();
    assert.equal(emulator.mails.length, 0, 'no mail was sent by any of these');
  } finally {
    client.free();
    await emulator.close();
  }
});

test("a file's bytes never pass through wasm memory, and a send without attachments makes no upload call", async () => {
  const emulator = await startEmulator();
  const client = new DirectMail(settings(emulator));
  try {
    await client.send(base);
    assert.deepEqual(actions(emulator), ['SingleSendMail']);
    await client.send({ ...base, attachments: [{ filename: 'warm.txt', content: 'x' }] });
    const before = wasmMemoryBytes();
    await client.send({ ...base, attachments: [{ filename: 'big.bin', content: new Uint8Array(8 << 20).fill(7) }] });
    assert.equal(emulator.mails.at(-1).attachments[0].size, 8 << 20);
    assert.ok(wasmMemoryBytes() - before < 1 << 20, `wasm memory grew by ${wasmMemoryBytes() - before} bytes for an 8 MiB file`);
  } finally {
    client.free();
    await emulator.close();
  }
});

test('idempotencyKey: a deterministic Message-ID; with a store, the same mail returns the first result, another mail is refused', async () => {
  const emulator = await startEmulator();
  const store = new Map();
  const client = new DirectMail(settings(emulator, { idempotency: { store, ttlSeconds: 600 } }));
  try {
    const first = await client.send({ ...base, idempotencyKey: 'order-1042' });
    const messageId = `<${sha256('order-1042')}@mail.example.com>`;
    assert.equal(emulator.mails[0].headers['Message-ID'], messageId);
    assert.deepEqual(await client.send({ ...base, idempotencyKey: 'order-1042' }), first, 'the first result, nothing sent');
    assert.equal(emulator.mails.length, 1);
    const other = await thrown(() => client.send({ ...base, subject: 'Another mail', idempotencyKey: 'order-1042' }));
    assert.deepEqual([other.code, other.data.issues[0].path], ['invalid_request_parameters', 'idempotencyKey']);
    assert.equal(store.size, 1);
    // With attachments, their content counts: the same file is the same mail, another file is not.
    const file = (text) => [{ filename: 'a.txt', content: text }];
    await client.send({ ...base, idempotencyKey: 'order-1043', attachments: file('one') });
    await client.send({ ...base, idempotencyKey: 'order-1043', attachments: file('one') });
    assert.equal(emulator.mails.length, 2);
    assert.equal((await thrown(() => client.send({ ...base, idempotencyKey: 'order-1043', attachments: file('two') }))).data.issues[0].path, 'idempotencyKey');
    // A record past its TTL is gone, even in a store without TTLs.
    for (const [key, value] of store) store.set(key, JSON.stringify({ ...JSON.parse(value), expiresAt: Date.now() - 1 }));
    await client.send({ ...base, subject: 'Another mail', idempotencyKey: 'order-1042' });
    assert.equal(emulator.mails.length, 3);
    // A key and a Message-ID header both set the Message-ID; a key that is not printable ASCII is refused.
    for (const [mail, path] of [[{ idempotencyKey: 'k', headers: { 'Message-ID': '<a@b.c>' } }, 'idempotencyKey'], [{ idempotencyKey: 'clé' }, 'idempotencyKey']]) {
      assert.equal((await thrown(() => client.send({ ...base, ...mail }))).data.issues[0].path, path);
    }
    // A store that cannot answer fails the send, which sends nothing.
    const broken = new DirectMail(settings(emulator, { idempotency: { store: { get: async () => { throw new TypeError('KV is down'); }, set: async () => {} } } }));
    const failure = await thrown(() => broken.send({ ...base, idempotencyKey: 'order-1044' }));
    assert.deepEqual([failure.code, failure.retryable], ['general', true]);
    assert.match(failure.message, /nothing was sent/);
    broken.free();
    assert.equal(emulator.mails.length, 3);
    for (const idempotency of [{}, { store, ttlSeconds: 0 }]) assert.equal((await thrown(() => new DirectMail(settings(emulator, { idempotency })))).code, 'invalid_config');
  } finally {
    client.free();
    await emulator.close();
  }
});

test('a retry after a timeout reuses the key: the mail goes out again with the same Message-ID, and is recorded once', async () => {
  const emulator = await startEmulator();
  const store = new Map();
  const client = new DirectMail(settings(emulator, { timeoutMs: 200, idempotency: { store } }));
  try {
    // DirectMail takes the mail but answers too late: the caller cannot know it was sent.
    emulator.script((request, response, params) => {
      setTimeout(() => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ EnvId: '1', RequestId: params.SignatureNonce ?? 'r' }));
      }, 1000);
    });
    const timedOut = await thrown(() => client.send({ ...base, idempotencyKey: 'signup-7' }));
    assert.equal(timedOut.reason, 'timeout');
    assert.equal(store.size, 0, 'nothing is recorded for a send whose outcome is unknown');
    const retried = await client.send({ ...base, idempotencyKey: 'signup-7' });
    const ids = emulator.requests.filter((r) => (r.headers['x-acs-action'] ?? r.params.Action) === 'SingleSendMail').map((r) => JSON.parse(r.params.Headers)['Message-ID']);
    assert.deepEqual(ids, [`<${sha256('signup-7')}@mail.example.com>`, `<${sha256('signup-7')}@mail.example.com>`]);
    assert.deepEqual(await client.send({ ...base, idempotencyKey: 'signup-7' }), retried);
  } finally {
    client.free();
    await emulator.close();
  }
});
