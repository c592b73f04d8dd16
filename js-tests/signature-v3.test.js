// Signature V3 (ACS3-HMAC-SHA256) and DirectMail's newer parameters, against Alibaba's own code:
// `@alicloud/openapi-util`'s getAuthorization as the signing oracle, and `@alicloud/dm20151123`
// (with `@alicloud/openapi-core`, which signs V3 by default) sending the same mail to the emulator.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

import Dm, * as dmModels from '@alicloud/dm20151123';
import openapiUtil from '@alicloud/openapi-util';
import fc from 'fast-check';

import { startEmulator } from '../emulator/index.js';
import { buildSendMailRequest, sendMail } from '../lib/index.js';
import { formParams, makeConfig, thrown } from './helpers.js';

const getAuthorization = (...args) => openapiUtil.default.getAuthorization(...args);
const sha256 = (text) => createHash('sha256').update(text).digest('hex');
const vectorDir = new URL('../vectors/signature-v3/', import.meta.url);

for (const file of readdirSync(vectorDir)) {
  test(`V3 vector ${file}: @alicloud/openapi-util signs it to the recorded Authorization`, () => {
    const v = JSON.parse(readFileSync(new URL(file, vectorDir), 'utf8'));
    const request = { pathname: v.path, method: v.method, query: v.query, headers: v.headers };
    assert.equal(sha256(v.body), v.payloadHash);
    assert.equal(getAuthorization(request, 'ACS3-HMAC-SHA256', v.payloadHash, v.accessKeyId, v.secret), v.authorization);
  });
}

/** The request as Aliyun receives it: the headers sent plus the Host fetch adds from the URL. */
function asReceived(request) {
  return { pathname: new URL(request.url).pathname, method: request.method, query: {}, headers: { ...request.headers, host: new URL(request.url).host } };
}

const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.string({ unit: fc.constantFrom(...'&=+%*~ é中😀<>"\''.split('')), maxLength: 12 }));
const wellFormed = (s) => s.isWellFormed();

test('a V3 dry run carries the Authorization that @alicloud/openapi-util computes (property, 300 runs)', () => {
  fc.assert(
    fc.property(
      fc.record({
        secret: text.filter((s) => s.length > 0 && wellFormed(s)),
        id: fc.stringMatching(/^[A-Za-z0-9.]{1,24}$/),
        token: fc.option(fc.stringMatching(/^[A-Za-z0-9+/=]{1,40}$/), { nil: undefined }),
        code: text.filter(wellFormed),
        nonce: fc.stringMatching(/^[!-~]{1,40}$/),
        endpoint: fc.constantFrom(undefined, 'http://127.0.0.1:8787/', 'https://dm.ap-southeast-1.aliyuncs.com/', 'https://example.com:8443/dm/'),
      }),
      ({ secret, id, token, code, nonce, endpoint }) => {
        const config = makeConfig({ accessKeyId: id, accessKeySecret: secret, signatureVersion: 'v3', securityToken: token, endpoint });
        const request = buildSendMailRequest(config, { to: 'a@b.c', type: 'SignIn', payload: { code } }, { nonce, timestamp: '2024-01-02T03:04:05Z' });
        const { authorization, ...sent } = request.headers;
        assert.equal(sent['x-acs-content-sha256'], sha256(request.body));
        const received = asReceived(request);
        delete received.headers.authorization;
        assert.equal(authorization, getAuthorization(received, 'ACS3-HMAC-SHA256', sha256(request.body), id, secret));
        assert.equal(request.body.includes('Signature'), false);
        if (token) assert.equal(request.headers['x-acs-security-token'], token);
      },
    ),
    { numRuns: 300 },
  );
});

test('V3 sends verify at the emulator, and its window, nonce replay and signature checks hold', async () => {
  let clock = Date.now();
  const timestamp = new Date(clock).toISOString().replace(/\.\d+Z$/, 'Z');
  const emulator = await startEmulator({ now: () => clock });
  try {
    const config = makeConfig({ signatureVersion: 'v3', endpoint: emulator.url });
    const data = { to: 'user@example.com', type: 'SignIn', payload: { code: '123456' } };
    assert.ok((await sendMail(config, data, fetch)).EnvId);
    assert.equal(emulator.mails.at(-1).signatureVersion, 'v3');
    assert.equal(emulator.mails.at(-1).subject, 'SignIn code 123456');

    const pinned = { nonce: 'fixed-nonce', timestamp };
    await sendMail(config, data, fetch, pinned);
    const replay = await thrown(() => sendMail(config, data, fetch, pinned));
    assert.equal(replay.data.Code, 'SignatureNonceUsed');

    clock += 32 * 60 * 1000;
    const late = await thrown(() => sendMail(config, data, fetch, { nonce: 'n2', timestamp }));
    assert.equal(late.data.Code, 'InvalidTimeStamp.Expired');
    clock = Date.now();

    const wrong = await thrown(() => sendMail({ ...config, accessKeySecret: 'not-the-secret' }, data, fetch));
    assert.equal(wrong.data.Code, 'SignatureDoesNotMatch');
    assert.ok(!JSON.stringify(wrong).includes('not-the-secret'));

    // A body changed after signing no longer matches its signed hash.
    const request = buildSendMailRequest(config, data);
    const tampered = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body.replace('123456', '654321') });
    assert.equal((await tampered.json()).Code, 'ContentSHA256NotMatched');
  } finally {
    await emulator.close();
  }
});

/** What the SDK and this package both send, as one mail's fields. */
const mail = {
  accountName: 'noreply@mail.example.com',
  addressType: 1,
  replyToAddress: false,
  toAddress: 'user@example.com',
  subject: 'Sign-in code 123456',
  htmlBody: '<p>Your code is 123456 — 验证码</p>',
  bccAddress: 'audit@example.com,audit2@example.com',
  ipPoolId: 'e4aaaaae-4aa0-4aa3-8aaa-74caaaaa1cef',
  unSubscribeLinkType: 'default',
  unSubscribeFilterLevel: 'mailfrom_domain',
  tagName: 'verification',
};

/** Sends `request` with the SDK to the emulator; returns what the emulator received. */
async function sdkSend(emulator, request) {
  const client = new Dm.default({ accessKeyId: 'testid', accessKeySecret: 'testsecret', endpoint: new URL(emulator.url).host, protocol: 'http', regionId: 'cn-hangzhou' });
  await client.singleSendMail(new dmModels.SingleSendMailRequest(request));
  return emulator.requests.at(-1);
}

test('the SDK (@alicloud/dm20151123, V3) and this package send the same parameters, and both verify', async () => {
  const emulator = await startEmulator();
  try {
    const headers = { 'Message-ID': '<m-1@mail.example.com>', 'X-User-Trace': 'a "quoted" value' };
    const sdk = await sdkSend(emulator, { ...mail, headers: JSON.stringify(headers) });
    assert.equal(emulator.mails.length, 1, 'the emulator verified the SDK’s V3 signature');

    const config = makeConfig({
      signatureVersion: 'v3',
      endpoint: emulator.url,
      tagName: mail.tagName,
      headers,
      bccAddress: mail.bccAddress.split(','),
      ipPoolId: mail.ipPoolId,
      unSubscribeLinkType: mail.unSubscribeLinkType,
      unSubscribeFilterLevel: mail.unSubscribeFilterLevel,
      templates: makeConfig().templates.map((t) => (t.usageType === 'SignIn' ? { ...t, subject: 'Sign-in code {{code}}', content: '<p>Your code is {{code}} — 验证码</p>' } : t)),
    });
    await sendMail(config, { to: mail.toAddress, type: 'SignIn', payload: { code: '123456' } }, fetch);
    const ours = emulator.requests.at(-1);
    assert.equal(emulator.mails.length, 2, 'the emulator verified this package’s V3 signature');

    assert.deepEqual(formParams(ours.body), formParams(sdk.body));
    for (const name of ['x-acs-action', 'x-acs-version', 'content-type']) assert.equal(ours.headers[name], sdk.headers[name], name);
    assert.deepEqual(JSON.parse(ours.params.Headers), headers);
    assert.equal(ours.params.Headers, sdk.params.Headers, 'Headers is the same JSON text');
  } finally {
    await emulator.close();
  }
});

test('a console template is encoded as the SDK encodes Template', async () => {
  const emulator = await startEmulator({ templates: { 1001: 'Sign-in' } });
  try {
    const payload = { code: '123456', application: { id: 'app-1', name: 'Acme' } };
    const templateData = { 'application.id': 'app-1', 'application.name': 'Acme', code: '123456' };
    const sdk = await sdkSend(emulator, {
      accountName: mail.accountName,
      addressType: 1,
      replyToAddress: false,
      toAddress: mail.toAddress,
      template: new dmModels.SingleSendMailRequestTemplate({ templateId: '1001', templateData }),
    });
    const templates = [...makeConfig().templates, { usageType: 'SignIn', locale: 'fr', templateId: '1001' }];
    const config = makeConfig({ signatureVersion: 'v3', endpoint: emulator.url, templates });
    await sendMail(config, { to: mail.toAddress, type: 'SignIn', payload: { ...payload, locale: 'fr-FR' } }, fetch);
    const ours = emulator.requests.at(-1);
    assert.equal(emulator.mails.length, 2);
    const { locale, ...oursData } = JSON.parse(ours.params.Template).TemplateData;
    assert.equal(locale, 'fr-FR');
    assert.deepEqual(oursData, templateData);
    assert.equal(JSON.parse(ours.params.Template).TemplateId, JSON.parse(sdk.params.Template).TemplateId);
    assert.equal(ours.params.Template, JSON.stringify({ TemplateData: { ...templateData, locale: 'fr-FR' }, TemplateId: '1001' }));
    assert.equal(ours.params.Subject, undefined);

    // Another locale gets the subject and content template.
    await sendMail(config, { to: mail.toAddress, type: 'SignIn', payload: { ...payload, locale: 'en' } }, fetch);
    assert.equal(emulator.mails.at(-1).subject, 'SignIn code 123456');
  } finally {
    await emulator.close();
  }
});

test('delivery-event headers carry the usage type and the payload’s ids, with V2 as well', async () => {
  const emulator = await startEmulator();
  try {
    const config = makeConfig({ endpoint: emulator.url, deliveryEventHeaders: true, headers: { 'X-User-Env': 'prod' } });
    await sendMail(config, { to: 'user@example.com', type: 'Register', payload: { code: '1', application: { id: 'app-1' }, user: { id: 'u-9' } } }, fetch);
    assert.deepEqual(emulator.mails.at(-1).headers, {
      'X-User-Env': 'prod',
      'X-User-Notify-Logto-Usage-Type': 'Register',
      'X-User-Notify-Logto-Application-Id': 'app-1',
      'X-User-Notify-Logto-User-Id': 'u-9',
    });
    assert.equal(emulator.mails.at(-1).signatureVersion, 'v2');
  } finally {
    await emulator.close();
  }
});
