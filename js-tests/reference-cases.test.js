// The reference connector's own test suite (its 12 tests: index.test.ts, single-send-mail.test.ts,
// types.test.ts and utils.test.ts in logto-io/logto packages/connectors/connector-aliyun-dm),
// re-expressed against this package with a fetch stub in place of its mocks, every assertion kept
// and its fixtures as they are. Two more tests, marked, cover what this package adds.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import createConnector, { configGuard, signRpcRequest } from '../lib/index.js';
import { formParams, replyingFetch, signatureVectors } from './helpers.js';

const ok = () => replyingFetch(200, JSON.stringify({ EnvId: '600000123', RequestId: '0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A' }));

const configWithSignInOnly = {
  accessKeyId: 'accessKeyId',
  accessKeySecret: 'accessKeySecret',
  // The reference's fixture, as it is: not an address, which loads here with a warning.
  accountName: 'accountName',
  templates: [{ usageType: 'SignIn', content: 'Your code is {{code}}, {{code}} is your code', subject: 'subject' }],
};
const configWithAllRequiredTemplates = {
  ...configWithSignInOnly,
  templates: [
    { usageType: 'SignIn', content: 'Your sign-in code is {{code}}, {{code}} is your code', subject: 'Sign-in code {{code}}' },
    { usageType: 'Register', content: 'Your register code is {{code}}, {{code}} is your code', subject: 'subject' },
    { usageType: 'ForgotPassword', content: 'Your forgot password code is {{code}}, {{code}} is your code', subject: 'subject' },
    { usageType: 'Generic', content: 'Your generic code is {{code}}, {{code}} is your code', subject: 'subject' },
    { usageType: 'OrganizationInvitation', content: 'Your link is {{link}}', subject: 'Organization invitation' },
  ],
};
const genericI18nTemplate = { subject: 'Generic email', content: 'Verification code is {{code}}', replyTo: 'Reply-to {{to}}', sendFrom: 'Foo {{applicationName}}' };

async function send(data, { config = configWithAllRequiredTemplates, getI18nEmailTemplate } = {}) {
  const fetch = ok();
  const connector = await createConnector({ getConfig: async () => config, getI18nEmailTemplate, fetch });
  const result = await connector.sendMessage(data);
  return { result, params: formParams(fetch.calls[0].body), url: fetch.calls[0].url };
}

test('types: throws when required templates are not provided', () => {
  assert.equal(configGuard.safeParse(configWithSignInOnly).success, false);
});

test('types: passes when all required templates are present', () => {
  assert.equal(configGuard.safeParse(configWithAllRequiredTemplates).success, true);
});

test('types: passes with a supported region', () => {
  assert.equal(configGuard.safeParse({ ...configWithAllRequiredTemplates, regionId: 'ap-southeast-1' }).success, true);
});

test('types: throws with an unsupported region', () => {
  assert.equal(configGuard.safeParse({ ...configWithAllRequiredTemplates, regionId: 'cn-shanghai' }).success, false);
});

/** The reference's singleSendMail fixture, as a config and a message for this package. */
const singleSendMailCase = (regionId) =>
  send(
    { to: 'user@example.com', type: 'Generic', payload: {} },
    {
      config: {
        accessKeyId: '<access-key-id>',
        accessKeySecret: '<access-key-secret>',
        accountName: 'noreply@example.com',
        fromAlias: 'CompanyName',
        ...(regionId ? { regionId } : {}),
        templates: configWithAllRequiredTemplates.templates.map((t) => (t.usageType === 'Generic' ? { ...t, subject: 'test', content: 'test from logto' } : t)),
      },
    },
  );

test('single-send-mail: requests the action SingleSendMail', async () => {
  const { params, url } = await singleSendMailCase();
  assert.notEqual(params, undefined);
  assert.equal(url, 'https://dm.aliyuncs.com/');
  assert.equal(params.Action, 'SingleSendMail');
  assert.equal(params.RegionId, 'cn-hangzhou');
});

test('single-send-mail: requests the endpoint for the specified region', async () => {
  const { params, url } = await singleSendMailCase('ap-southeast-1');
  assert.equal(url, 'https://dm.ap-southeast-1.aliyuncs.com/');
  assert.equal(params.RegionId, 'ap-southeast-1');
});

test('index: sends with the right template and content', async () => {
  const { params, result } = await send({ to: 'to@email.com', type: 'SignIn', payload: { code: '1234' } });
  assert.equal(params.HtmlBody, 'Your sign-in code is 1234, 1234 is your code');
  assert.equal(params.Subject, 'Sign-in code 1234');
  assert.deepEqual(result, { EnvId: '600000123', RequestId: '0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A' });
});

test('index: sends to the configured region', async () => {
  const { params, url } = await send({ to: 'to@email.com', type: 'SignIn', payload: { code: '1234' } }, { config: { ...configWithAllRequiredTemplates, regionId: 'ap-southeast-1' } });
  assert.equal(params.RegionId, 'ap-southeast-1');
  assert.equal(url, 'https://dm.ap-southeast-1.aliyuncs.com/');
});

test('beyond the reference: network vpc sends to the region’s dm-vpc endpoint, and the form offers it', async () => {
  const { params, url } = await send({ to: 'to@email.com', type: 'SignIn', payload: { code: '1234' } }, { config: { ...configWithAllRequiredTemplates, regionId: 'eu-central-1', network: 'vpc' } });
  assert.equal(params.RegionId, 'eu-central-1');
  assert.equal(url, 'https://dm-vpc.eu-central-1.aliyuncs.com/');
  const vpcHangzhou = await send({ to: 'to@email.com', type: 'SignIn', payload: { code: '1' } }, { config: { ...configWithAllRequiredTemplates, network: 'vpc' } });
  assert.equal(vpcHangzhou.url, 'https://dm-vpc.cn-hangzhou.aliyuncs.com/');
  const { metadata } = await import('../lib/index.js');
  assert.deepEqual(metadata.formItems.find((item) => item.key === 'network').selectItems.map((i) => i.value), ['public', 'vpc']);
});

test('beyond the reference: settings that will not work are returned as warnings, never thrown', async () => {
  const { validateConfig } = await import('../lib/index.js');
  // The reference's fixture has no sender address: that alone is a warning.
  assert.deepEqual(validateConfig(configWithAllRequiredTemplates).warnings.map((w) => w.path), ['accountName']);
  const withAddress = { ...configWithAllRequiredTemplates, accountName: 'account@example.com' };
  assert.equal(validateConfig(withAddress).warnings, undefined);
  const config = { ...withAddress, regionId: 'ap-southeast-2', clickTrace: true };
  const { warnings } = validateConfig(config);
  assert.deepEqual(warnings.map((w) => w.path), ['regionId', 'clickTrace', ...config.templates.map((_, i) => `templates[${i}].content`)]);
  assert.match(warnings[0].message, /closed/);
  const tracked = { ...config, regionId: 'cn-hangzhou', tagName: 'signup', templates: config.templates.map((t) => ({ ...t, content: `<html><body>${t.content}</body></html>` })) };
  assert.equal(validateConfig(tracked).warnings, undefined);
  // A warning never stops a send.
  const { params } = await send({ to: 'to@email.com', type: 'SignIn', payload: { code: '1' } }, { config });
  assert.equal(params.ClickTrace, '1');
});

test('index: sends with the right template and content (2)', async () => {
  const { params } = await send({ to: 'to@email.com', type: 'OrganizationInvitation', payload: { code: '1234', link: 'https://example.com' } });
  assert.equal(params.HtmlBody, 'Your link is https://example.com');
  assert.equal(params.Subject, 'Organization invitation');
});

test('index: sends with the i18n custom template and its sendFrom', async () => {
  const { params } = await send({ to: 'to@email.com', type: 'Generic', payload: { code: '1234', applicationName: 'bar' } }, { getI18nEmailTemplate: async () => genericI18nTemplate });
  assert.equal(params.HtmlBody, 'Verification code is 1234');
  assert.equal(params.Subject, 'Generic email');
  assert.equal(params.FromAlias, 'Foo bar');
});

test('utils: the signature of the DirectMail doc example', () => {
  const vector = signatureVectors().find((v) => v.file === 'directmail-doc.json');
  assert.equal(signRpcRequest(vector.params, 'testsecret', 'POST').signature, 'llJfXJjBW3OacrVgxxsITgYaYm0=');
});

test('utils: the request carries AccessKeyId, Timestamp, SignatureNonce and Signature', async () => {
  const { params } = await send({ to: 'to@email.com', type: 'SignIn', payload: { code: '1' } }, { config: { ...configWithAllRequiredTemplates, accessKeyId: 'testid' } });
  assert.equal(params.AccessKeyId, 'testid');
  assert.match(params.Timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  assert.match(params.SignatureNonce, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.match(params.Signature, /^[A-Za-z0-9+/]{27}=$/);
});
