// End to end through the local DirectMail emulator over loopback: real HTTP, real signature checks.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import openapiUtil from '@alicloud/openapi-util';
import { ConnectorError } from '@logto/connector-kit';

import { startEmulator } from '../emulator/index.js';
import createConnector, { buildSendMailRequest, sendMail } from '../lib/index.js';
import { formParams, makeConfig, thrown } from './helpers.js';

let emulator;
before(async () => {
  emulator = await startEmulator({ accessKeys: { testid: 'testsecret' }, senders: ['noreply@mail.example.com'] });
});
after(() => emulator.close());

const message = (overrides = {}) => ({ to: 'user@example.com', type: 'SignIn', payload: { code: '123456' }, ...overrides });

test('sendMessage delivers the rendered mail and returns EnvId and RequestId', async () => {
  const connector = await createConnector({ getConfig: async () => makeConfig({ endpoint: emulator.url, fromAlias: 'Logto' }) });
  const reply = await connector.sendMessage(message());
  assert.match(reply.EnvId, /^\d+$/);
  assert.match(reply.RequestId, /^[0-9a-f-]{36}$/);
  const mail = emulator.mails.at(-1);
  assert.equal(mail.envId, reply.EnvId);
  assert.equal(mail.subject, 'SignIn code 123456');
  assert.equal(mail.htmlBody, '<p>SignIn: 123456</p>');
  assert.equal(mail.fromAlias, 'Logto');
  // The request the connector made verifies with Alibaba's own SDK signer.
  const { Signature, ...signed } = emulator.requests.at(-1).params;
  assert.equal(openapiUtil.default.getRPCSignature(signed, 'POST', 'testsecret'), Signature);
});

test('sendMail (core API) sends through the host fetch', async () => {
  const reply = await sendMail(makeConfig({ endpoint: emulator.url }), message({ type: 'BindMfa' }), fetch);
  assert.equal(emulator.mails.at(-1).envId, reply.EnvId);
  assert.equal(emulator.mails.at(-1).subject, 'Generic code 123456', 'falls back to Generic');
});

test('a wrong secret is refused by the emulator as SignatureDoesNotMatch, a general error with the hint', async () => {
  const before = emulator.mails.length;
  const connector = await createConnector({ getConfig: async () => makeConfig({ endpoint: emulator.url, accessKeySecret: 'wrong-secret' }) });
  const error = await thrown(() => connector.sendMessage(message()));
  assert.ok(error instanceof ConnectorError);
  assert.equal(error.code, 'general');
  assert.equal(error.data.Code, 'SignatureDoesNotMatch');
  assert.match(error.data.hint, /accessKeySecret/);
  assert.match(error.data.errorDescription, /server string to sign is:POST&%2F&/);
  assert.ok(error.data.RequestId);
  assert.equal(emulator.mails.length, before, 'nothing was sent');
  assert.ok(!JSON.stringify(error).includes('wrong-secret') && !error.message.includes('wrong-secret'), 'no secret in the error');
});

test('an unknown AccessKeyId and an unknown sender give Aliyun errors', async () => {
  const unknownKey = await thrown(() => sendMail(makeConfig({ endpoint: emulator.url, accessKeyId: 'nobody' }), message(), fetch));
  assert.equal(unknownKey.data.Code, 'InvalidAccessKeyId.NotFound');
  const unknownSender = await thrown(() => sendMail(makeConfig({ endpoint: emulator.url, accountName: 'other@example.com' }), message(), fetch));
  assert.equal(unknownSender.data.Code, 'InvalidMailAddress.NotFound');
});

test('a stale timestamp and a reused nonce are refused', async () => {
  const config = makeConfig({ endpoint: emulator.url });
  const stale = await thrown(() => sendMail(config, message(), fetch, { timestamp: '2016-10-20T06:27:56Z' }));
  assert.equal(stale.data.Code, 'InvalidTimeStamp.Expired');
  const nonce = `fixed-${Date.now()}`;
  await sendMail(config, message(), fetch, { nonce });
  const replay = await thrown(() => sendMail(config, message(), fetch, { nonce }));
  assert.equal(replay.data.Code, 'SignatureNonceUsed');
});

test('the dry run builds exactly what is sent, and every nonce is fresh', async () => {
  const config = makeConfig({ endpoint: emulator.url });
  const dry = buildSendMailRequest(config, message());
  assert.equal(dry.method, 'POST');
  assert.equal(dry.url, emulator.url);
  assert.deepEqual(dry.headers, { 'Content-Type': 'application/x-www-form-urlencoded' });
  const response = await fetch(dry.url, { method: dry.method, headers: dry.headers, body: dry.body });
  assert.equal(response.status, 200);
  const nonces = new Set(Array.from({ length: 200 }, () => formParams(buildSendMailRequest(config, message()).body).SignatureNonce));
  assert.equal(nonces.size, 200);
});

test('a pinned nonce and timestamp make the whole signed request reproducible', () => {
  const options = { nonce: 'c1b2c332-4cfb-4a0f-b8cc-ebe622aa0a5c', timestamp: '2016-10-20T06:27:56Z' };
  const a = buildSendMailRequest(makeConfig(), message(), options);
  const b = buildSendMailRequest(makeConfig(), message(), options);
  assert.deepEqual(a, b);
  assert.equal(a.url, 'https://dm.aliyuncs.com/');
  const { Signature, ...signed } = formParams(a.body);
  assert.equal(openapiUtil.default.getRPCSignature(signed, 'POST', 'testsecret'), Signature);
});

test('a network failure becomes a general ConnectorError with its cause', async () => {
  const closed = await startEmulator();
  const url = closed.url;
  await closed.close();
  const connector = await createConnector({ getConfig: async () => makeConfig({ endpoint: url }) });
  const error = await thrown(() => connector.sendMessage(message()));
  assert.ok(error instanceof ConnectorError);
  assert.equal(error.code, 'general');
  assert.match(error.data.cause, /fetch failed|ECONNREFUSED/);
  assert.equal(error.data.url, url);
});
