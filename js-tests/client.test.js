// The mail client (`new DirectMail(config).send(...)`), the emulator as users get it (the
// `./emulator` export, its options, and `aliyun-dm emulator`), against the emulator on loopback.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { expectedSignature, startEmulator } from 'connector-aliyun-dm-wasm/emulator';

import { DirectMail, DirectMailError } from '../lib/index.js';
import { thrown } from './helpers.js';

const credentials = { accessKeyId: 'testid', accessKeySecret: 'testsecret' };
const sender = { ...credentials, accountName: 'noreply@mail.example.com' };

test('send() delivers html or text, with fromAlias, replyTo and placeholders, and returns {envId, requestId}', async () => {
  const emulator = await startEmulator();
  try {
    const mail = new DirectMail({ ...sender, endpoint: emulator.url });
    const sent = await mail.send({ to: ['a@example.com', 'b@example.com'], subject: 'Hi {{name}}', html: '<p>{{name}} & co</p>', data: { name: '<Ada>' }, fromAlias: 'Acme', replyTo: 'Help <help@example.com>' });
    assert.deepEqual(Object.keys(sent), ['envId', 'requestId']);
    const got = emulator.mails.at(-1);
    assert.equal(sent.envId, got.envId);
    assert.deepEqual(got.to, ['a@example.com', 'b@example.com']);
    assert.equal(got.subject, 'Hi <Ada>');
    assert.equal(got.htmlBody, '<p>&lt;Ada&gt; & co</p>');
    assert.equal(got.fromAlias, 'Acme');
    assert.equal(got.params.ReplyAddress, 'help@example.com');
    assert.equal(got.params.ReplyAddressAlias, 'Help');

    await mail.send({ to: 'a@example.com', subject: 'Plain', text: 'Hello <Ada>' });
    assert.equal(emulator.mails.at(-1).textBody, 'Hello <Ada>');
    assert.equal(emulator.mails.at(-1).htmlBody, undefined);
  } finally {
    await emulator.close();
  }
});

test('per-send settings, V3, a console template, and fetch from globalThis by default', async () => {
  const emulator = await startEmulator({ templates: { 42: 'Welcome' } });
  try {
    const mail = new DirectMail({ ...sender, endpoint: emulator.url, signatureVersion: 'v3', tagName: 'default-tag' });
    await mail.send({ to: 'a@example.com', subject: 's', text: 't', tagName: 'welcome', headers: { 'X-User-Campaign': 'c1' }, bccAddress: 'audit@example.com' });
    const got = emulator.mails.at(-1);
    assert.equal(got.signatureVersion, 'v3');
    assert.equal(got.params.TagName, 'welcome');
    assert.deepEqual(got.headers, { 'X-User-Campaign': 'c1' });
    assert.deepEqual(got.bcc, ['audit@example.com']);
    await mail.send({ to: 'a@example.com', subject: 's', text: 't' });
    assert.equal(emulator.mails.at(-1).params.TagName, 'default-tag', 'a per-send setting does not stick');

    await mail.sendTemplate({ to: 'a@example.com', templateId: '42', data: { name: 'Ada', order: { id: 7 } } });
    assert.deepEqual(emulator.mails.at(-1).template, { TemplateData: { name: 'Ada', 'order.id': '7' }, TemplateId: '42' });
    const unknown = await thrown(() => mail.sendTemplate({ to: 'a@example.com', templateId: '43' }));
    assert.ok(unknown instanceof DirectMailError);
    assert.equal(unknown.data.Code, 'InvalidTemplate.NotFound');
  } finally {
    await emulator.close();
  }
});

test('fromEnv reads Aliyun’s variable names and refuses a missing one by name', async () => {
  const emulator = await startEmulator();
  try {
    const env = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'testid', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'testsecret', ALIBABA_CLOUD_SECURITY_TOKEN: 'sts-token-123456' };
    await DirectMail.fromEnv(env, { accountName: sender.accountName, endpoint: emulator.url }).send({ to: 'a@example.com', subject: 's', text: 't' });
    // The client signs with V3 by default, which carries the token in a header.
    assert.equal(emulator.requests.at(-1).headers['x-acs-security-token'], 'sts-token-123456');
    const missing = await thrown(() => DirectMail.fromEnv({ ALIBABA_CLOUD_ACCESS_KEY_ID: 'x' }, { accountName: sender.accountName }));
    assert.ok(missing instanceof DirectMailError);
    assert.equal(missing.code, 'invalid_config');
    assert.deepEqual(missing.data.issues.map((i) => i.path), ['ALIBABA_CLOUD_ACCESS_KEY_SECRET']);
  } finally {
    await emulator.close();
  }
});

test('every error is a DirectMailError with code, data and retryable; the client stays usable', async () => {
  const emulator = await startEmulator({ replies: [{ status: 400, Code: 'Throttling.User', Message: 'Request was denied due to user flow control.' }, { status: 400, Code: 'InvalidToAddress', Message: 'bad to' }] });
  try {
    const bad = await thrown(() => new DirectMail({ ...sender, accountName: 'a@example.com,b@example.com' }));
    assert.ok(bad instanceof DirectMailError && bad instanceof Error);
    assert.equal(bad.name, 'DirectMailError');
    assert.deepEqual(bad.data.issues.map((i) => i.path), ['accountName']);

    const mail = new DirectMail({ ...sender, endpoint: emulator.url });
    const throttled = await thrown(() => mail.send({ to: 'a@example.com', subject: 's', text: 't' }));
    assert.ok(throttled instanceof DirectMailError);
    assert.equal(throttled.code, 'rate_limit_exceeded');
    assert.equal(throttled.retryable, true);
    const refused = await thrown(() => mail.send({ to: 'a@example.com', subject: 's', text: 't' }));
    assert.equal(refused.code, 'general');
    assert.equal(refused.retryable, false);
    assert.equal(refused.data.Code, 'InvalidToAddress');

    for (const [message, path] of [
      [{ to: 'a@example.com', subject: 's' }, 'html'],
      [{ to: 'a@example.com', subject: 's', text: 't', from: 'not an address' }, 'from'],
      [{ to: 'a@example.com', html: 'h' }, 'subject'],
      [{ to: 'a@example.com', subject: 's', text: 't', headers: { From: 'x' } }, 'headers.From'],
    ]) {
      const error = await thrown(() => mail.send(message));
      assert.ok(error instanceof DirectMailError, JSON.stringify(message));
      assert.ok(error.data.issues.some((i) => i.path === path), `${JSON.stringify(message)}: ${JSON.stringify(error.data.issues)}`);
    }
    assert.ok((await mail.send({ to: 'a@example.com', subject: 's', text: 't' })).envId);

    const noFetch = new DirectMail({ ...sender, endpoint: emulator.url, fetch: undefined });
    const saved = globalThis.fetch;
    globalThis.fetch = undefined;
    try {
      const error = await thrown(() => noFetch.send({ to: 'a@example.com', subject: 's', text: 't' }));
      assert.ok(error instanceof DirectMailError);
      assert.match(error.message, /fetch/);
    } finally {
      globalThis.fetch = saved;
    }
  } finally {
    await emulator.close();
  }
});

test('the debugging surface pins nonce and timestamp; the secret is in no error', async () => {
  const mail = new DirectMail({ ...sender, accessKeySecret: 'S3CRET-never-shown' });
  // V3 by default: the nonce and the time travel in x-acs-* headers.
  const request = mail.debug.request({ to: 'a@example.com', subject: 's', text: 't' }, { nonce: 'n-1', timestamp: '2024-01-02T03:04:05Z' });
  assert.equal(request.headers['x-acs-signature-nonce'], 'n-1');
  assert.equal(request.headers['x-acs-date'], '2024-01-02T03:04:05Z');
  assert.match(request.headers.authorization, /^ACS3-HMAC-SHA256 /);
  // V2 stays selectable.
  const v2 = new DirectMail({ ...sender, signatureVersion: 'v2' }).debug.request({ to: 'a@example.com', subject: 's', text: 't' }, { nonce: 'n-1', timestamp: '2024-01-02T03:04:05Z' });
  const params = Object.fromEntries(new URLSearchParams(v2.body));
  assert.deepEqual([params.SignatureNonce, params.Timestamp, params.SignatureVersion], ['n-1', '2024-01-02T03:04:05Z', '1.0']);
  assert.equal('nonce' in DirectMail.prototype, false);
  const error = await thrown(() => mail.debug.request({ to: 'a@example.com', subject: 's', text: 't' }, { timestamp: 'yesterday' }));
  assert.ok(error instanceof DirectMailError);
  assert.deepEqual(error.data.issues.map((i) => i.path), ['timestamp']);
  assert.ok(!JSON.stringify({ ...error, message: error.message }).includes('S3CRET'));
});

test('startEmulator takes a fixed port and scripted replies', async () => {
  const first = await startEmulator();
  const port = Number(new URL(first.url).port);
  await first.close();
  const emulator = await startEmulator({ port, replies: [{ status: 503, Code: 'ServiceUnavailable' }] });
  try {
    assert.equal(emulator.url, `http://127.0.0.1:${port}/`);
    const mail = new DirectMail({ ...sender, endpoint: emulator.url });
    const error = await thrown(() => mail.send({ to: 'a@example.com', subject: 's', text: 't' }));
    assert.equal(error.data.Code, 'ServiceUnavailable');
    assert.ok((await mail.send({ to: 'a@example.com', subject: 's', text: 't' })).envId, 'emulates again after the script');
  } finally {
    await emulator.close();
  }
});

test('`aliyun-dm emulator --key` takes ID:SECRET only, and a usage error never echoes what was given', async () => {
  const bin = fileURLToPath(new URL('../bin/aliyun-dm.js', import.meta.url));
  const run = (args) =>
    new Promise((resolve) => execFile(process.execPath, [bin, 'emulator', ...args], { timeout: 10_000 }, (error, stdout, stderr) => resolve({ status: error?.code, stdout, stderr })));
  for (const args of [['--key', 'cli-id', 'S3cret-Given-Apart'], ['--key', 'S3cret-Given-Alone'], ['--key', ':S3cret-No-Id'], ['--key', 'id:'], ['--S3cret-As-Option']]) {
    const { status, stdout, stderr } = await run(args);
    assert.equal(status, 2, args.join(' '));
    assert.match(stderr, /Usage: aliyun-dm emulator/);
    assert.ok(!`${stdout}${stderr}`.includes('S3cret'), `${args.join(' ')} echoed: ${stderr}`);
  }
});

test('`aliyun-dm emulator` prints its URL and each mail it accepts', async () => {
  const bin = fileURLToPath(new URL('../bin/aliyun-dm.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'emulator', '--key', 'cli-id:cli-secret'], { stdio: ['ignore', 'pipe', 'inherit'] });
  // The iterator buffers lines that arrive before they are asked for.
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const timer = setTimeout(() => child.kill(), 10_000);
    const { value } = await lines.next();
    clearTimeout(timer);
    return value;
  };
  try {
    const url = /listening on (\S+)/.exec(await next())?.[1];
    assert.ok(url?.startsWith('http://127.0.0.1:'));
    assert.match(await next(), /Keys: cli-id/);
    const mail = new DirectMail({ accessKeyId: 'cli-id', accessKeySecret: 'cli-secret', accountName: sender.accountName, endpoint: url });
    const { envId } = await mail.send({ to: 'a@example.com', subject: 'From the CLI test', text: 't' });
    assert.equal(await next(), `mail ${envId}: noreply@mail.example.com -> a@example.com: "From the CLI test"`);
    const attached = await mail.send({ to: 'a@example.com', subject: 'Files', text: 't', attachments: [{ filename: 'a.txt', content: 'abc' }, { filename: 'b.pdf', content: new Uint8Array(10) }] });
    assert.equal(await next(), `mail ${attached.envId}: noreply@mail.example.com -> a@example.com: "Files", with "a.txt" (3 bytes), "b.pdf" (10 bytes)`);
    // Any client can send what it likes: a raw signed request whose AccountName would forge a log
    // line and clear the terminal is logged on one line, escaped.
    const params = {
      Action: 'SingleSendMail', Version: '2015-11-23', Format: 'JSON', AccessKeyId: 'cli-id', SignatureMethod: 'HMAC-SHA1', SignatureVersion: '1.0',
      SignatureNonce: 'forge-1', Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      AccountName: 'evil@example.com\r\nmail 1: forged@example.com -> you\u001b[2J\u202e', AddressType: '1', ReplyToAddress: 'false',
      ToAddress: 'a@example.com', Subject: 's\u001b[31m', TextBody: 't',
    };
    const body = new URLSearchParams({ ...params, Signature: expectedSignature('POST', params, 'cli-secret') }).toString();
    const reply = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    assert.equal(reply.status, 200, await reply.text());
    const line = await next();
    assert.match(line, /^mail \d+: evil@example\.com\\u000d\\u000amail 1: forged@example\.com -> you\\u001b\[2J\\u202e -> a@example\.com: "s\\u001b\[31m"$/);
    assert.ok(!/[\u0000-\u001f\u202e]/.test(line), line);
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
});

test('the emulator refuses a body past MAX_BODY_BYTES and keeps a bounded history', async () => {
  const { MAX_BODY_BYTES, MAX_HISTORY, MAX_HISTORY_BYTES } = await import('connector-aliyun-dm-wasm/emulator');
  const emulator = await startEmulator();
  try {
    const post = (body) => fetch(emulator.url, { method: 'POST', body }).then(async (r) => (await r.arrayBuffer(), r.status));
    assert.equal(await post('x'.repeat(MAX_BODY_BYTES + 1)), 413);
    // 7 MiB bodies: each is remembered, but together no more than MAX_HISTORY_BYTES.
    for (let i = 0; i < 8; i += 1) assert.equal(await post('y'.repeat(7 << 20)), 400);
    const held = emulator.requests.reduce((sum, r) => sum + r.body.length, 0);
    assert.ok(held <= MAX_HISTORY_BYTES, `${held} bytes of bodies held`);
    assert.equal(emulator.requests.at(-1).body.length, 7 << 20, 'the newest is kept');
    for (let i = 0; i < MAX_HISTORY + 50; i += 1) await post('z=1');
    assert.equal(emulator.requests.length, MAX_HISTORY);
  } finally {
    await emulator.close();
  }
});

test("a mail's settings mean what they say: fromAlias and replyTo as written, headers merged by name, the config's BCC kept", async () => {
  let params;
  const reply = '{"EnvId":"1","RequestId":"0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A"}';
  const mail = new DirectMail({
    ...sender,
    headers: { 'List-Unsubscribe': '<mailto:unsubscribe@example.com>', 'X-User-Env': 'prod' },
    bccAddress: 'audit@example.com',
    fetch: async (url, init) => {
      params = Object.fromEntries(new URLSearchParams(init.body));
      return new Response(reply);
    },
  });
  await mail.send({
    to: 'a@example.com',
    subject: 'Hi {{name}}',
    text: 't',
    data: { name: 'Ada' },
    fromAlias: '{{name}}',
    replyTo: '{{name}} <help@example.com>',
    headers: { 'x-user-env': 'dev', 'Message-ID': '<1@example.com>' },
  });
  assert.equal(params.Subject, 'Hi Ada', 'the subject renders');
  assert.equal(params.FromAlias, '{{name}}', 'fromAlias is sent as written');
  assert.deepEqual([params.ReplyAddress, params.ReplyAddressAlias], ['help@example.com', '{{name}}'], 'replyTo is sent as written');
  assert.deepEqual(JSON.parse(params.Headers), { 'List-Unsubscribe': '<mailto:unsubscribe@example.com>', 'x-user-env': 'dev', 'Message-ID': '<1@example.com>' });
  assert.equal(params.BccAddress, 'audit@example.com');
  mail.free?.();
});

test('a placeholder with no value in data is refused by name, never sent blank', async () => {
  let sent = 0;
  const reply = '{"EnvId":"1","RequestId":"0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A"}';
  const mail = new DirectMail({ ...sender, fetch: async () => (sent++, new Response(reply)) });
  for (const [what, fields, path] of [
    ['an undefined value', { html: '<p>Your code is {{code}}</p>', data: { code: undefined } }, 'HtmlBody'],
    ['a missing key', { text: 'Your code is {{code}}', data: {} }, 'TextBody'],
    ['no data at all', { text: 'Hi {{user.name}}' }, 'TextBody'],
    ['a null nested value', { subject: 'Hi {{user.name}}', text: 't', data: { user: { name: null } } }, 'Subject'],
  ]) {
    const error = await thrown(() => mail.send({ to: 'a@example.com', subject: 's', ...fields }));
    assert.equal(error.code, 'invalid_request_parameters', what);
    assert.deepEqual(error.data.issues.map((i) => i.path), [path], what);
    assert.match(error.message, /\{\{(code|user\.name)\}\}, which has no value/, what);
  }
  assert.equal(sent, 0, 'nothing was sent');
  assert.equal((await mail.send({ to: 'a@example.com', subject: 'Hi {{user.name}}', text: '{{code}}', data: { code: 0, user: { name: 'Ada' } } })).envId, '1');
  mail.free();
});

test('a field send does not take is refused only when it holds a value', async () => {
  const reply = '{"EnvId":"1","RequestId":"0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A"}';
  const mail = new DirectMail({ ...sender, fetch: async () => new Response(reply) });
  assert.equal((await mail.send({ to: 'a@example.com', subject: 's', text: 't', cc: undefined })).envId, '1');
  const error = await thrown(() => mail.send({ to: 'a@example.com', subject: 's', text: 't', cc: 'b@example.com', tags: [] }));
  assert.deepEqual(error.data.issues.map((i) => i.path), ['cc', 'tags']);
  mail.free();
});
