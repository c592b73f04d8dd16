// A property fuzz of sendMessage: random configs, payloads, i18n templates and replies (including
// fetch faults). Each run checks: nothing but ConnectorError is thrown, no wasm trap, the secret
// never appears in an error or a console line, and the instance still sends afterwards.
import { ConnectorError } from '@logto/connector-kit';
import fc from 'fast-check';

import createConnector, { buildSendMailRequest } from '../lib/index.js';
import { errorCodes } from '../js/errors.js';
import { makeConfig, usageTypes } from './helpers.js';

const SECRET = 'Zq9-SECRET-never-shown-7Xk';
const TOKEN = 'Zq9-STS-TOKEN-never-shown-7Xk';

const anything = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.constant(undefined));
const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.constantFrom('{{code}}', '{{ user.name }}', '<b>{{x}}</b>', 'a\r\nb', 'x'.repeat(120)));
const template = fc.record({ usageType: fc.oneof(fc.constantFrom(...usageTypes), fc.string()), subject: fc.oneof(text, anything), content: fc.oneof(text, anything) }, { requiredKeys: [] });
const base = makeConfig({ accessKeySecret: SECRET });
const config = fc.record(
  {
    accessKeyId: fc.oneof(fc.constant(base.accessKeyId), anything),
    accessKeySecret: fc.oneof(fc.constant(SECRET), fc.constant({ value: SECRET }), fc.constant([SECRET])),
    accountName: fc.oneof(fc.constant(base.accountName), anything),
    fromAlias: fc.oneof(text, anything),
    regionId: fc.oneof(fc.constantFrom('cn-hangzhou', 'us-east-1', 'cn-shanghai'), anything),
    endpoint: fc.oneof(fc.constantFrom('https://dm.example.com/', 'http://127.0.0.1:1/', 'http://example.com/', `https://u:${SECRET}@h/`), anything),
    securityToken: fc.oneof(fc.constant(TOKEN), anything),
    tagName: fc.oneof(fc.constantFrom('signup', 'bad tag'), anything),
    clickTrace: fc.oneof(fc.boolean(), anything),
    replyToAddress: fc.oneof(fc.boolean(), anything),
    replyAddress: fc.oneof(fc.constantFrom('help@example.com', 'nope'), anything),
    contentType: fc.oneof(fc.constantFrom('html', 'text', 'markdown'), anything),
    timeoutMs: fc.oneof(fc.constantFrom(100, 1000, 0, 1.5), anything),
    retries: fc.oneof(fc.constantFrom(0, 1, 9), anything),
    templates: fc.oneof(fc.constant(base.templates), fc.array(template, { maxLength: 6 }).map((t) => [...base.templates, ...t]), fc.array(template, { maxLength: 5 }), anything),
  },
  { requiredKeys: [] },
)
  // Half the configs keep only the fields that are valid, so sends reach fetch and the reply parser.
  .chain((c) => fc.boolean().map((keepValid) => (keepValid ? validOnly(c) : c)))
  .map((c) => ({ accessKeySecret: SECRET, ...c }));
/** The subset of `c` that passes validation field by field, over the base config. */
function validOnly(c) {
  const out = { ...base };
  for (const [key, value] of Object.entries(c)) {
    try {
      buildSendMailRequest({ ...base, [key]: value }, { to: 'a@b.c', type: 'SignIn', payload: {} });
      out[key] = value;
    } catch {
      // this field's value is invalid (or makes the message fail); leave the base value
    }
  }
  return out;
}

const validData = fc.record({
  to: fc.constantFrom('user@example.com', 'a@b.c,d@e.f'),
  type: fc.constantFrom(...usageTypes),
  payload: fc.dictionary(fc.constantFrom('code', 'user', 'x', 'link'), anything),
});
const anyData = fc.record(
  {
    to: fc.oneof(fc.constant('user@example.com'), fc.string({ maxLength: 20 }), fc.constant(Array(101).fill('a@b.c').join(',')), anything),
    type: fc.oneof(fc.constantFrom(...usageTypes), fc.string(), anything),
    payload: fc.oneof(fc.dictionary(fc.constantFrom('code', 'user', 'x', 'link'), anything), anything),
  },
  { requiredKeys: [] },
);
const data = fc.oneof({ weight: 3, arbitrary: validData }, { weight: 1, arbitrary: anyData });
const reply = fc.oneof(
  fc.constant({ status: 200, body: '{"EnvId":"1","RequestId":"0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A"}' }),
  fc.record({ status: fc.constantFrom(200, 400, 403, 404, 500, 502, 503), body: fc.oneof(fc.string({ maxLength: 80 }), fc.json(), fc.constant('{"EnvId":"1","RequestId":"0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A"}')) }),
  fc.record({ status: fc.constantFrom(400, 404, 503), body: fc.record({ Code: fc.constantFrom('Throttling.User', 'SignatureDoesNotMatch', 'InvalidTimeStamp.Expired', 'X'), Message: fc.string(), RequestId: fc.oneof(fc.string(), anything) }, { requiredKeys: [] }).map((j) => JSON.stringify(j)) }),
  fc.constantFrom('reject', 'hang', 'huge'),
);
const i18n = fc.option(fc.oneof(fc.record({ subject: text, content: text, sendFrom: fc.option(text, { nil: undefined }), contentType: fc.constantFrom('text/html', 'text/plain', 'x') }, { requiredKeys: [] }), anything, fc.constant('throw')), { nil: undefined });

function fakeFetch(r) {
  if (r === 'reject') return async () => { throw new TypeError('connection reset'); };
  if (r === 'hang') return () => new Promise(() => {});
  if (r === 'huge') return async () => new Response('y'.repeat(2 << 20), { status: 200 });
  return async () => new Response(r.body, { status: r.status });
}

const shows = (value) => typeof value === 'string' && (value.includes(SECRET) || value.includes(TOKEN));
const ok = async () => new Response('{"EnvId":"1","RequestId":"0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A"}', { status: 200 });
const good = { to: 'user@example.com', type: 'SignIn', payload: { code: '1' } };

/** Runs the fuzz for `numRuns` cases; throws with a counterexample on the first failure. */
export async function fuzzSendMessage(numRuns, seed) {
  const lines = [];
  const outcomes = {};
  const count = (key) => { outcomes[key] = (outcomes[key] ?? 0) + 1; };
  const methods = ['log', 'info', 'warn', 'error', 'debug'];
  const original = Object.fromEntries(methods.map((m) => [m, console[m]]));
  for (const m of methods) console[m] = (...args) => lines.push(args.map(String).join(' '));
  try {
    await fc.assert(
      fc.asyncProperty(config, data, reply, i18n, async (c, d, r, template) => {
        const getI18nEmailTemplate = template === undefined ? undefined : async () => {
          if (template === 'throw') throw new Error(`lookup failed ${SECRET}`);
          return template;
        };
        const connector = await createConnector({ getConfig: async () => ({ ...c, timeoutMs: 100 }), getI18nEmailTemplate, fetch: fakeFetch(r) });
        try {
          await connector.sendMessage(d);
          count('sent');
        } catch (error) {
          count(error?.code);
          if (!(error instanceof ConnectorError)) throw new Error(`not a ConnectorError: ${error}`);
          if (!errorCodes.includes(error.code)) throw new Error(`unknown code ${error.code}`);
          if (/unreachable|RuntimeError|memory access out of bounds/i.test(JSON.stringify(error.data))) throw new Error(`a wasm trap: ${error.message}`);
          if (shows(error.message) || shows(String(error)) || shows(JSON.stringify(error.data)) || shows(error.stack)) throw new Error(`the secret leaked: ${error.message}`);
        }
        // The core API throws its own typed errors, never a trap.
        try {
          buildSendMailRequest(c, d);
        } catch (error) {
          if (!errorCodes.includes(error.code)) throw new Error(`core threw ${error}`);
        }
        // The instance still works.
        const healthy = await createConnector({ getConfig: async () => base, fetch: ok });
        const result = await healthy.sendMessage(good);
        if (result.EnvId !== '1') throw new Error('the instance stopped working');
        if (lines.some(shows)) throw new Error('the secret reached a console line');
      }),
      { numRuns, seed },
    );
  } finally {
    Object.assign(console, original);
  }
  return { numRuns, outcomes, consoleLines: lines.length };
}
