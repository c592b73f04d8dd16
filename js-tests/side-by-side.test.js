// Side by side with @logto/connector-aliyun-dm 1.6: the same config, message and reply give the same
// SingleSendMail parameters (apart from nonce, timestamp, signature), result and errors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import openapiUtil from '@alicloud/openapi-util';
import { ConnectorError } from '@logto/connector-kit';
import createReference from '@logto/connector-aliyun-dm';
import fc from 'fast-check';
import nock from 'nock';

import createConnector, { validateConfig } from '../lib/index.js';
import { formParams, replyingFetch, usageTypes } from './helpers.js';

const regions = { 'cn-hangzhou': 'https://dm.aliyuncs.com', 'ap-southeast-1': 'https://dm.ap-southeast-1.aliyuncs.com', 'ap-southeast-2': 'https://dm.ap-southeast-2.aliyuncs.com', 'eu-central-1': 'https://dm.eu-central-1.aliyuncs.com', 'us-east-1': 'https://dm.us-east-1.aliyuncs.com' };
const PER_REQUEST = ['SignatureNonce', 'Timestamp', 'Signature'];

before(() => nock.disableNetConnect());
after(() => nock.enableNetConnect());

/** Sends with the reference, intercepting got's POST; returns the form params and the outcome. */
async function sendWithReference(config, data, reply, getI18nEmailTemplate) {
  let body;
  const origin = regions[config.regionId ?? 'cn-hangzhou'];
  const scope = nock(origin).post('/').reply(reply.status, (_uri, requestBody) => {
    body = requestBody;
    return reply.body;
  });
  const connector = await createReference({ getConfig: async () => config, getI18nEmailTemplate });
  const outcome = await connector.sendMessage(data).then((value) => ({ value }), (error) => ({ error }));
  nock.removeInterceptor(scope.interceptors[0]);
  return { params: body === undefined ? undefined : formParams(body), url: `${origin}/`, ...outcome };
}

/** Sends with this package through a fetch stub giving the same reply. */
async function sendWithOurs(config, data, reply, getI18nEmailTemplate) {
  const fetch = replyingFetch(reply.status, reply.body);
  const connector = await createConnector({ getConfig: async () => config, getI18nEmailTemplate, fetch });
  const outcome = await connector.sendMessage(data).then((value) => ({ value }), (error) => ({ error }));
  const [call] = fetch.calls;
  return { params: call && formParams(call.body), url: call?.url, ...outcome };
}

const withoutPerRequest = (params) => Object.fromEntries(Object.entries(params).filter(([k]) => !PER_REQUEST.includes(k)));

const word = fc.string({ unit: 'binary', minLength: 1, maxLength: 16 });
// Values without HTML specials, line breaks or controls, where HTML escaping and header cleaning
// are the identity; the property below covers the rest against an escaping oracle.
const plainWord = word.filter((w) => !/[&<>"'\p{Cc}]/u.test(w));
const placeholder = fc.constantFrom('{{code}}', '{{ link }}', '{{user.name}}', '{{missing}}', '{{list.0}}', '{{ code.x }}');
const text = fc.array(fc.oneof(word, placeholder), { maxLength: 5 }).map((parts) => parts.join(' '));
const shortWord = fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }).filter((w) => !/[&<>"'\p{Cc}]/u.test(w));
// Subjects that render within DirectMail's 100 characters.
const subject = fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 10 }).filter((w) => !/[\p{Cc}\u2028\u2029]/u.test(w)), fc.constantFrom('{{code}}', '{{missing}}', '{{user.name}}')), { maxLength: 3 }).map((parts) => parts.join(' '));
const template = (usageType) => fc.record({ usageType: fc.constant(usageType), subject, content: text });
const templates = fc
  .tuple(
    fc.tuple(...['Register', 'SignIn', 'ForgotPassword', 'Generic'].map(template)),
    fc.array(fc.constantFrom(...usageTypes).chain(template), { maxLength: 4 }),
  )
  .chain(([required, extra]) => fc.shuffledSubarray([...required, ...extra], { minLength: 4 + extra.length }));
const config = fc.record(
  {
    // Empty keys load too (with a warning), as the reference takes them.
    accessKeyId: fc.oneof(word, fc.constant('')),
    accessKeySecret: fc.oneof(word, fc.constant('')),
    // Any one-line string that names no list of addresses, as the reference takes any string.
    accountName: fc.oneof(
      fc.emailAddress().filter((a) => a.length <= 256),
      // Invisible and bidirectional-control characters are refused here (a documented difference).
      fc.string({ unit: 'binary', maxLength: 30 }).filter((a) => !/[\p{Cc}\u2028\u2029\p{Default_Ignorable_Code_Point}\p{Bidi_Control}]/u.test(a) && !((a.match(/@/g) ?? []).length > 1 || (a.includes('@') && /[,;]/.test(a)))),
    ),
    // The reference signs an empty FromAlias; this package leaves it out (see the test below). Header
    // values here hold no control or line separator, which this package removes (see below). Longer
    // than DirectMail's 14 characters is sent as it is, with a config warning.
    fromAlias: fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).filter((w) => !/[\p{Cc}\u2028\u2029]/u.test(w)),
    regionId: fc.constantFrom(...Object.keys(regions)),
    templates,
  },
  { requiredKeys: ['accessKeyId', 'accessKeySecret', 'accountName', 'templates'] },
);
const payloadOf = (value) =>
  fc.record(
    { code: fc.stringMatching(/^\d{6}$/), link: fc.webUrl().filter((u) => !/[&<>"']/.test(u)), user: fc.record({ name: value }), list: fc.array(value, { maxLength: 2 }), locale: fc.constantFrom('en', 'zh-CN') },
    { requiredKeys: [] },
  );
// Addresses: anything else is refused here before sending (a documented difference, tested below).
const recipient = fc.emailAddress({ size: 'small' }).filter((a) => a.length <= 256 && a.split('@')[0].length <= 64);
const data = fc.record({ to: recipient, type: fc.constantFrom(...usageTypes), payload: payloadOf(plainWord.filter((w) => w.length <= 10)) });
// sendFrom renders non-empty and under 15 characters: a literal prefix before the placeholder.
const i18n = fc.option(fc.record({ subject, content: text, sendFrom: fc.option(shortWord.map((w) => `${w}{{code}}`), { nil: undefined }) }, { requiredKeys: ['subject', 'content'] }), { nil: undefined });

test('same SingleSendMail parameters and endpoint as the reference (property, 300 runs)', async () => {
  const ok = { status: 200, body: JSON.stringify({ EnvId: '1', RequestId: '0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A' }) };
  await fc.assert(
    fc.asyncProperty(config, data, i18n, async (c, d, template) => {
      const getI18nEmailTemplate = template && (async () => template);
      const theirs = await sendWithReference(c, d, ok, getI18nEmailTemplate);
      const ours = await sendWithOurs(c, d, ok, getI18nEmailTemplate);
      assert.equal(theirs.error, undefined, `the reference failed: ${theirs.error}`);
      assert.equal(ours.error, undefined, `this package failed: ${ours.error}`);
      assert.equal(ours.url, theirs.url);
      assert.deepEqual(withoutPerRequest(ours.params), withoutPerRequest(theirs.params));
      assert.deepEqual(ours.value, theirs.value);
      // Alibaba's own signer accepts what sendMessage signed.
      const { Signature, ...signed } = ours.params;
      assert.equal(openapiUtil.default.getRPCSignature(signed, 'POST', c.accessKeySecret), Signature);
    }),
    { numRuns: 300 },
  );
});

const aliyunCode = fc.oneof(word, fc.constantFrom('Throttling.User', 'Throttling.Api', 'SignatureDoesNotMatch', 'InvalidAccessKeyId.NotFound', 'InvalidTimeStamp.Expired', 'SignatureNonceUsed', 'InvalidMailAddress.NotFound', 'ServiceUnavailable'));
const aliyunError = fc.record(
  { Code: aliyunCode, Message: word, RequestId: word, HostId: word, Recommend: word },
  { requiredKeys: ['Code', 'Message'] },
);
const reply = fc.oneof(
  fc.record({ status: fc.integer({ min: 400, max: 599 }), body: aliyunError.map((e) => JSON.stringify(e)) }),
  fc.record({ status: fc.integer({ min: 400, max: 599 }), body: fc.oneof(fc.string(), fc.constant('<html>502</html>'), fc.json()) }),
  fc.record({ status: fc.constant(200), body: fc.oneof(fc.string(), fc.json(), fc.constant('{"EnvId":"1","RequestId":"0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A","X":1}')) }),
  // Successes with any ids, U+0000 included (the core hands those over as JSON, the rest split).
  fc.record({
    status: fc.constant(200),
    body: fc.oneof(
      fc.record({ EnvId: fc.string({ unit: 'binary' }), RequestId: fc.string({ unit: 'binary' }) }).map((ids) => JSON.stringify(ids)),
      fc.record({ EnvId: fc.stringMatching(/^\d{1,20}$/), RequestId: fc.uuid() }).map((ids) => JSON.stringify(ids)),
      fc.constantFrom('{"EnvId":"a\\u0000b","RequestId":"0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A"}', '{"EnvId":"1","RequestId":"\\u0000"}', '{"EnvId":"","RequestId":""}'),
    ),
  }),
);

/** Whether a success's ids have DirectMail's shape: EnvId digits, RequestId a UUID. */
const directMailIds = ({ EnvId, RequestId }) =>
  /^\d{1,20}$/.test(EnvId) && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(RequestId);

/** The reference's code, refined by this package's documented mapping table (README, "Errors"). */
function expectedCode(referenceError, status) {
  const code = referenceError.data?.Code;
  if (referenceError.code === 'general' && typeof code === 'string' && /^Throttling(\.|$)/.test(code)) return 'rate_limit_exceeded';
  // Any 5xx is an outage (general), even with a body that is not Aliyun's JSON.
  if (referenceError.code === 'invalid_response' && status >= 500) return 'general';
  return referenceError.code;
}

test('same result or error for the same reply (property, 300 runs)', async () => {
  const c = { accessKeyId: 'id', accessKeySecret: 's', accountName: 'a@b.c', templates: ['Register', 'SignIn', 'ForgotPassword', 'Generic'].map((usageType) => ({ usageType, subject: 's', content: 'c' })) };
  const d = { to: 'u@example.com', type: 'SignIn', payload: { code: '1' } };
  await fc.assert(
    fc.asyncProperty(reply, async (r) => {
      const theirs = await sendWithReference(c, d, r);
      const ours = await sendWithOurs(c, d, r);
      // Documented difference: a success's ids must have DirectMail's shape, so that an echo of the
      // request (a credential, say) never comes back as a result.
      if (theirs.value && !directMailIds(theirs.value)) {
        assert.equal(ours.error?.code, 'invalid_response');
        return;
      }
      assert.deepEqual(ours.value, theirs.value);
      if (!theirs.error) return;
      assert.ok(ours.error instanceof ConnectorError, 'this package throws connector-kit ConnectorError');
      assert.equal(ours.error.code, expectedCode(theirs.error, r.status));
      // Aliyun errors carry the reference's data and more (status, hint); for invalid replies the
      // reference puts zod's issues there.
      // errorDescription is DirectMail's Code and Message (and the hint), where the reference has
      // the Message alone: it is what Logto's Console shows.
      if (theirs.error.code === 'general') {
        for (const [key, value] of Object.entries(theirs.error.data)) {
          if (key === 'errorDescription') assert.ok(ours.error.data[key].startsWith(`${theirs.error.data.Code}: ${value}`), key);
          else assert.deepEqual(ours.error.data[key], value, key);
        }
        assert.equal(ours.error.data.status, r.status);
      }
    }),
    { numRuns: 300 },
  );
});

test('documented difference: a recipient that is no mail address is refused by name, where the reference sends it', async () => {
  const c = { accessKeyId: 'id', accessKeySecret: 's', accountName: 'a@b.c', templates: ['Register', 'SignIn', 'ForgotPassword', 'Generic'].map((usageType) => ({ usageType, subject: 's', content: 'c' })) };
  const ok = { status: 200, body: '{"EnvId":"1","RequestId":"0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A"}' };
  for (const to of ['(', 'a@b.c;d@e.f', 'a@@b.cd', 'a\u2028@b.c']) {
    const d = { to, type: 'SignIn', payload: {} };
    assert.equal((await sendWithReference(c, d, ok)).error, undefined, to);
    const ours = await sendWithOurs(c, d, ok);
    assert.equal(ours.error?.code, 'invalid_request_parameters', to);
  }
});

test('documented difference: an empty fromAlias is left out, where the reference signs FromAlias=', async () => {
  const c = { accessKeyId: 'id', accessKeySecret: 's', accountName: 'a@b.c', fromAlias: '', templates: ['Register', 'SignIn', 'ForgotPassword', 'Generic'].map((usageType) => ({ usageType, subject: 's', content: 'c' })) };
  const d = { to: 'u@example.com', type: 'SignIn', payload: {} };
  const ok = { status: 200, body: '{"EnvId":"1","RequestId":"0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A"}' };
  assert.equal((await sendWithReference(c, d, ok)).params.FromAlias, '');
  assert.equal('FromAlias' in (await sendWithOurs(c, d, ok)).params, false);
});

/** connector-kit's rendering over a payload whose strings are HTML-escaped: the oracle for HtmlBody. */
const escapeHtml = (v) => v.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const escapeLeaves = (v) => (typeof v === 'string' ? escapeHtml(v) : Array.isArray(v) ? v.map(escapeLeaves) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, escapeLeaves(x)])) : v);

test('safe templates: HtmlBody escapes values and Subject loses controls and line separators, against connector-kit (property, 500 runs)', async () => {
  const { replaceSendMessageHandlebars } = await import('@logto/connector-kit');
  const hostile = fc.oneof(word, fc.constantFrom('<script>alert(1)</script>', 'a & b', '"quoted"', "it's", 'line\r\nBcc: x@y.z', 'a\u2028b\u0085c\u000bd\u0000e'));
  const c = { accessKeyId: 'id', accessKeySecret: 's', accountName: 'a@b.c', templates: ['Register', 'SignIn', 'ForgotPassword', 'Generic'].map((usageType) => ({ usageType, subject: 'S {{user.name}}', content: '<p>{{user.name}} {{list}} {{code}}</p>' })) };
  await fc.assert(
    fc.asyncProperty(payloadOf(hostile.filter((w) => w.length <= 40)), async (payload) => {
      const { params } = await sendWithOurs(c, { to: 'u@example.com', type: 'SignIn', payload }, { status: 200, body: '{"EnvId":"1","RequestId":"0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A"}' });
      assert.equal(params.HtmlBody, replaceSendMessageHandlebars(c.templates[0].content, escapeLeaves(payload)));
      assert.equal(params.Subject, replaceSendMessageHandlebars(c.templates[0].subject, payload).replace(/[\p{Cc}\u2028\u2029]/gu, ''));
    }),
    { numRuns: 500 },
  );
});

test('every config the reference accepts loads here, warns where DirectMail may refuse it, and sends what the reference sends (vectors/compat)', async () => {
  const { cases } = JSON.parse(readFileSync(new URL('../vectors/compat/official-accepts.json', import.meta.url), 'utf8'));
  const { configGuard: referenceGuard } = await createReference({ getConfig: async () => ({}) });
  const data = { to: 'user@example.com', type: 'SignIn', payload: { code: '123456' } };
  const reply = { status: 200, body: '{"EnvId":"1","RequestId":"0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A"}' };
  for (const { name, set = {}, templates = 0, contentBytes, warnings } of cases) {
    const config = {
      accessKeyId: 'testid',
      accessKeySecret: 'testsecret',
      accountName: 'noreply@mail.example.com',
      templates: ['SignIn', 'Register', 'ForgotPassword', 'Generic'].map((usageType) => ({ usageType, subject: `${usageType} {{code}}`, content: `<p>{{code}}</p>` })),
      ...set,
    };
    for (let i = 0; i < templates; i += 1) config.templates.push({ usageType: `Extra${i}`, subject: 's', content: 'c' });
    if (contentBytes) config.templates[0].content = `<p>{{code}}</p>${'x'.repeat(contentBytes - 15)}`;
    assert.ok(referenceGuard.safeParse(config).success, `${name}: the reference accepts it`);
    const normalized = validateConfig(config);
    assert.deepEqual((normalized.warnings ?? []).map((w) => w.path), warnings, `${name}: warnings`);
    const theirs = await sendWithReference(config, data, reply);
    const ours = await sendWithOurs(config, data, reply);
    assert.deepEqual(ours.value, theirs.value, `${name}: result`);
    assert.deepEqual(withoutPerRequest(ours.params), withoutPerRequest(theirs.params), `${name}: parameters`);
  }
});
