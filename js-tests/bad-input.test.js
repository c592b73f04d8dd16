// Every bad input gets a typed error naming the field, no secret in it, and the instance stays usable.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { ConnectorError } from '@logto/connector-kit';

import createConnector, { buildSendMailRequest, DirectMail, validateConfig } from '../lib/index.js';
import { makeConfig, replyingFetch, thrown } from './helpers.js';

const SECRET = 'S3CRET-never-shown';
const valid = makeConfig({ accessKeySecret: SECRET });
const without = (key) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key));
const templates = valid.templates;

/** An issue's path as the core names it: zod's `['templates', 0, 'subject']` is `templates[0].subject`. */
const pathText = ({ path }) =>
  Array.isArray(path) ? path.reduce((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${part}` : part), '') || '(config)' : path;

const badConfigs = [
  ['(config)', 'a string', 'config'],
  ['(config)', 'an array', []],
  ['accessKeyId', 'missing', without('accessKeyId')],
  ['accessKeyId', 'a number', { ...valid, accessKeyId: 42 }],
  ['accessKeyId', 'too long', { ...valid, accessKeyId: 'x'.repeat(2000) }],
  ['accessKeySecret', 'missing', without('accessKeySecret')],
  ['accessKeySecret', 'an object', { ...valid, accessKeySecret: { value: SECRET } }],
  ['accessKeySecret', 'a Date', { ...valid, accessKeySecret: new Date(0) }],
  ['accessKeyId', 'a BigInt', { ...valid, accessKeyId: 42n }],
  ['securityToken', 'a number', { ...valid, securityToken: 7 }],
  ['accountName', 'missing', without('accountName')],
  ['accountName', 'an array', { ...valid, accountName: [SECRET] }],
  ['accountName', 'with a header line', { ...valid, accountName: 'A\r\nBcc: e@x.c' }],
  ['accountName', 'a list of addresses', { ...valid, accountName: 'a@example.com,b@example.com' }],
  ['(config)', 'over 16 MiB as JSON', { ...valid, templates: [{ ...templates[0], content: 'x'.repeat(17 << 20) }, ...templates.slice(1)] }],
  ['timeoutMs', 'NaN', { ...valid, timeoutMs: Number.NaN }],
  ['timeoutMs', 'Infinity', { ...valid, timeoutMs: Number.POSITIVE_INFINITY }],
  ['timeoutMs', 'a fraction', { ...valid, timeoutMs: 1000.5 }],
  ['retries', '-Infinity', { ...valid, retries: Number.NEGATIVE_INFINITY }],
  ['retries', 'a string', { ...valid, retries: '1' }],
  ['fromAlias', 'a number', { ...valid, fromAlias: 7 }],
  ['regionId', 'unknown', { ...valid, regionId: 'cn-shanghai' }],
  ['regionId', 'a boolean', { ...valid, regionId: true }],
  ['network', 'unknown', { ...valid, network: 'lan' }],
  ['endpoint', 'plain http to a remote host', { ...valid, endpoint: 'http://example.com/' }],
  ['endpoint', 'not a URL', { ...valid, endpoint: 'dm.aliyuncs.com' }],
  ['endpoint', 'with credentials', { ...valid, endpoint: `https://user:${SECRET}@example.com/` }],
  ['templates', 'missing', without('templates')],
  ['templates', 'a string', { ...valid, templates: 'SignIn' }],
  ['templates', 'without Generic', { ...valid, templates: templates.filter((t) => t.usageType !== 'Generic') }],
  ['templates[1]', 'not an object', { ...valid, templates: [templates[0], 5, ...templates.slice(1)] }],
  ['templates[0].usageType', 'missing', { ...valid, templates: [{ subject: 's', content: 'c' }, ...templates] }],
  ['templates[0].subject', 'a number', { ...valid, templates: [{ ...templates[0], subject: 1 }, ...templates.slice(1)] }],
  ['templates[0].subject', 'missing without a templateId', { ...valid, templates: [{ usageType: 'SignIn', content: 'c' }, ...templates] }],
  ['templates[0].templateId', 'with a space', { ...valid, templates: [{ usageType: 'SignIn', templateId: '10 01' }, ...templates] }],
  ['templates[0].locale', 'not a language tag', { ...valid, templates: [{ ...templates[0], locale: 'fr_FR!' }, ...templates] }],
  ['templates', 'a required type only for one locale', { ...valid, templates: templates.map((t) => (t.usageType === 'Generic' ? { ...t, locale: 'fr' } : t)) }],
  ['signatureVersion', 'unknown', { ...valid, signatureVersion: 'v4' }],
  ['securityToken', 'no header value, with signatureVersion v3', { ...valid, signatureVersion: 'v3', securityToken: 'STS.token-中文' }],
  ['headers', 'an array', { ...valid, headers: ['X-User-A'] }],
  ['headers', 'eleven', { ...valid, headers: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`X-User-${i}`, 'v'])) }],
  ['headers', 'eight with deliveryEventHeaders', { ...valid, deliveryEventHeaders: true, headers: Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`X-User-${i}`, 'v'])) }],
  ['headers.From', 'a header DirectMail refuses', { ...valid, headers: { From: 'a@b.c' } }],
  ['headers.X-User-A', 'a value with a line break', { ...valid, headers: { 'X-User-A': 'a\r\nBcc: e@x.c' } }],
  ['headers.X-User-A', 'a number', { ...valid, headers: { 'X-User-A': 1 } }],
  ['headers.X-User-Notify-Logto-Usage-Type', 'set by deliveryEventHeaders', { ...valid, deliveryEventHeaders: true, headers: { 'X-User-Notify-Logto-Usage-Type': 'x' } }],
  ['deliveryEventHeaders', 'a string', { ...valid, deliveryEventHeaders: 'yes' }],
  ['bccAddress', 'three addresses', { ...valid, bccAddress: 'a@b.c,d@e.f,g@h.i' }],
  ['bccAddress', 'not an address', { ...valid, bccAddress: ['audit'] }],
  ['bccAddress', 'a number', { ...valid, bccAddress: 1 }],
  ['ipPoolId', 'with a space', { ...valid, ipPoolId: 'pool 1' }],
  ['unSubscribeLinkType', 'unknown', { ...valid, unSubscribeLinkType: 'on' }],
  ['unSubscribeFilterLevel', 'unknown', { ...valid, unSubscribeFilterLevel: 'domain' }],
];

test('each bad config field gives invalid_config naming it; the instance stays usable', async () => {
  let config;
  const fetch = replyingFetch(200, '{"EnvId":"1","RequestId":"0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A"}');
  const connector = await createConnector({ getConfig: async () => config, fetch });
  const data = { to: 'a@example.com', type: 'SignIn', payload: { code: '1' } };
  for (const [path, what, bad] of badConfigs) {
    config = bad;
    const error = await thrown(() => connector.sendMessage(data));
    assert.ok(error instanceof ConnectorError, `${path} ${what}: a ConnectorError`);
    assert.equal(error.code, 'invalid_config', `${path} ${what}`);
    assert.ok(error.data.issues.some((issue) => pathText(issue) === path), `${path} ${what}: named in ${JSON.stringify(error.data.issues)}`);
    const shown = `${error.message} ${JSON.stringify(error.data)} ${String(error)}`;
    assert.ok(!shown.includes(SECRET), `${path} ${what}: the secret is not shown`);
    config = valid;
    assert.deepEqual(await connector.sendMessage(data), { EnvId: '1', RequestId: '0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A' }, `usable after ${path} ${what}`);
  }
});

const badMessages = [
  ['to', 'missing', { type: 'SignIn', payload: {} }],
  ['to', 'empty', { to: '', type: 'SignIn', payload: {} }],
  ['to', '10 MB', { to: 'a'.repeat(10_000_000), type: 'SignIn', payload: {} }],
  ['to', 'over 25,700 bytes', { to: `${'a'.repeat(25_700)}@b.c`, type: 'SignIn', payload: {} }],
  ['type', 'a number', { to: 'a@b.c', type: 5, payload: {} }],
  ['payload', 'a string', { to: 'a@b.c', type: 'SignIn', payload: 'code' }],
  ['(data)', 'null', null],
];

test('each bad message field gives invalid_request_parameters naming it', async () => {
  for (const [path, what, data] of badMessages) {
    const error = await thrown(() => buildSendMailRequest(valid, data));
    assert.equal(error.code, 'invalid_request_parameters', `${path} ${what}`);
    assert.deepEqual(error.data.issues.map((i) => i.path), [path], `${path} ${what}`);
  }
});

test('bad dry-run options are named too', async () => {
  const data = { to: 'a@b.c', type: 'SignIn', payload: {} };
  for (const [options, path] of [
    [{ nonce: '' }, 'options.nonce'],
    [{ timestamp: 'yesterday' }, 'options.timestamp'],
    [{ endpoint: 'http://10.0.0.1/' }, 'options.endpoint'],
    [{ timeoutMs: Number.NaN }, 'options.timeoutMs'],
    [{ timeoutMs: Number.POSITIVE_INFINITY }, 'options.timeoutMs'],
    [{ retries: 1.5 }, 'options.retries'],
    [{ template: { subject: 's' } }, 'options.template.content'],
    ['fast', 'options'],
  ]) {
    const error = await thrown(() => buildSendMailRequest(valid, data, options));
    assert.equal(error.code, 'invalid_request_parameters');
    assert.deepEqual(error.data.issues.map((i) => i.path), [path]);
  }
});

test('hostile sizes and shapes give errors, never a wasm trap', async () => {
  let deep = { code: '1' };
  for (let i = 0; i < 10_000; i += 1) deep = { deep };
  const huge = { ...valid, templates: templates.map((t) => ({ ...t, content: '{{code}}'.repeat(100_000) })) };
  for (const [config, data, code] of [
    [valid, { to: 'a@b.c', type: 'SignIn', payload: deep }, 'invalid_request_parameters'],
    [huge, { to: 'a@b.c', type: 'SignIn', payload: { code: 'x'.repeat(1000) } }, 'invalid_request_parameters'],
    [{ ...valid, templates: [...templates, { usageType: 'SignIn', subject: 's', content: 'c', extra: deep }] }, { to: 'a@b.c', type: 'SignIn' }, 'invalid_config'],
  ]) {
    const error = await thrown(() => buildSendMailRequest(config, data));
    assert.equal(error.code, code);
  }
  assert.match(buildSendMailRequest(valid, { to: 'a@b.c', type: 'SignIn', payload: { code: '1' } }).body, /Signature=/, 'usable afterwards');
});

// The adversarial rows (vectors/bad-input/adversarial.json): each refused by name, with the path
// shown escaped, nothing raw from the caller in the message, and the instance usable after.
const adversarial = JSON.parse(readFileSync(new URL('../vectors/bad-input/adversarial.json', import.meta.url), 'utf8'));
/** Characters that could forge a line, drive a terminal or reorder text. */
const RAW_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

/** Checks a refusal: its code, the one path it names, and nothing unsafe shown raw. */
function assertRefused(error, code, { path, what }) {
  assert.equal(error?.code, code, `${path} ${what}: ${error?.message}`);
  assert.deepEqual(error.data.issues.map((i) => i.path), [path], `${what}: ${error.message.slice(0, 300)}`);
  assert.ok(!RAW_UNSAFE.test(error.message) && !RAW_UNSAFE.test(JSON.stringify(error.data.issues).replace(/\\u[0-9a-f]{4}/g, '')), `${what}: raw text in ${JSON.stringify(error.message.slice(0, 300))}`);
  assert.ok(error.message.length < 2000, `${what}: a message of ${error.message.length} characters`);
}

test('adversarial configs are refused by name, shown escaped; the connector stays usable', async () => {
  let config;
  const fetch = replyingFetch(200, '{"EnvId":"1","RequestId":"0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A"}');
  const connector = await createConnector({ getConfig: async () => config, fetch });
  const data = { to: 'a@example.com', type: 'SignIn', payload: { code: '1' } };
  for (const row of adversarial.config) {
    config = { ...valid, ...row.input };
    assertRefused(await thrown(() => validateConfig(config)), 'invalid_config', row);
    const error = await thrown(() => connector.sendMessage(data));
    assert.equal(error.code, 'invalid_config', row.what);
    config = valid;
    assert.equal((await connector.sendMessage(data)).EnvId, '1', `usable after ${row.what}`);
  }
});

test('adversarial mails are refused by name as invalid_request_parameters; the client stays usable', async () => {
  const mail = new DirectMail({ ...valid, bccAddress: 'audit@example.com', fetch: replyingFetch(200, '{"EnvId":"1","RequestId":"0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A"}') });
  const base = { to: 'a@example.com', subject: 's', text: 't' };
  for (const row of adversarial.mail) {
    assertRefused(await thrown(() => mail.send({ ...base, ...row.input })), 'invalid_request_parameters', row);
    assert.equal((await mail.send(base)).envId, '1', `usable after ${row.what}`);
  }
  mail.free();
});

test('adversarial Logto messages are refused by name as invalid_request_parameters', async () => {
  for (const row of adversarial.message) {
    const data = { to: 'a@example.com', type: 'SignIn', payload: { code: '1' }, ...row.input };
    assertRefused(await thrown(() => buildSendMailRequest(valid, data)), 'invalid_request_parameters', row);
  }
});

test("what a caller's getter throws is quoted escaped", async () => {
  const hostile = new Error('\u001b[2Jcleared\r\nforged line\u202e');
  const config = { ...valid };
  Object.defineProperty(config, 'accountName', { enumerable: true, get: () => { throw hostile; } });
  const error = await thrown(() => validateConfig(config));
  assert.equal(error.code, 'invalid_config');
  assert.match(error.message, /\\u001b\[2Jcleared\\u000d\\u000aforged line\\u202e/);
  assert.ok(!RAW_UNSAFE.test(error.message), JSON.stringify(error.message));
});
