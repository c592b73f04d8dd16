// The Logto connector holds one sender for the config it last sent with: reused while the
// config's content is the same, made anew (and the old one freed) when anything changes. The
// oracle is the stateless dry run, which validates each config afresh in a sender of its own.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import fc from 'fast-check';

import createConnector, { buildSendMailRequest } from '../lib/index.js';

const pinned = { nonce: 'n-1', timestamp: '2026-01-01T00:00:00Z' };
const data = { to: 'user@example.com', type: 'SignIn', payload: { code: '123456', name: '<Ada>' } };
const template = (usageType, content = '<p>{{code}}</p>') => ({ usageType, subject: `${usageType} {{code}}`, content });
const baseConfig = () => ({
  accessKeyId: 'id',
  accessKeySecret: 'secret',
  accountName: 'noreply@example.com',
  fromAlias: 'Example',
  templates: ['SignIn', 'Register', 'ForgotPassword', 'Generic'].map((usageType) => template(usageType)),
});

/** What a request says, without what changes with every attempt (nonce, time, signature). */
function stable(url, body) {
  const params = Object.fromEntries(new URLSearchParams(body));
  for (const name of ['SignatureNonce', 'Timestamp', 'Signature']) delete params[name];
  return { url, params };
}

/** The dry run's request for `config`, or its error's code and message. */
function fresh(config) {
  try {
    const { url, body } = buildSendMailRequest(config, data, pinned);
    return { request: stable(url, body) };
  } catch (error) {
    return { code: error.code, message: error.message };
  }
}

/** One connector whose stored config is whatever `cached.config` holds when it sends. */
async function connectorOf(holder) {
  let sent;
  const fetch = async (url, init) => {
    sent = stable(url, init.body);
    return new Response('{"EnvId":"1","RequestId":"0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A"}');
  };
  const connector = await createConnector({ getConfig: async () => holder.config, fetch });
  return async (config) => {
    holder.config = config;
    sent = undefined;
    try {
      await connector.sendMessage(data);
      return { request: sent };
    } catch (error) {
      return { code: error.code, message: error.data?.message ?? error.message };
    }
  };
}

test('the connector sends what a freshly validated config sends', async () => {
  const cached = await connectorOf({});
  assert.deepEqual(await cached(baseConfig()), fresh(baseConfig()));
});

const text = fc.oneof(fc.constantFrom('', 'a', 'Example', '{{code}}', '<b>{{name}}</b>', 'é中'), fc.string({ maxLength: 12 }));
const topKeys = ['accessKeyId', 'accessKeySecret', 'accountName', 'fromAlias', 'regionId', 'tagName', 'contentType', 'clickTrace', 'replyToAddress', 'timeoutMs'];
const topValue = fc.oneof(text, fc.constantFrom('cn-hangzhou', 'ap-southeast-1', 'html', 'text', true, false, 0, 100, 5000, null, undefined));
/** In-place edits of one config object, as a host might make between sends. */
const edit = fc.oneof(
  fc.record({ kind: fc.constant('set'), key: fc.constantFrom(...topKeys), value: topValue }),
  fc.record({ kind: fc.constant('delete'), key: fc.constantFrom(...topKeys) }),
  fc.record({ kind: fc.constant('template'), index: fc.nat(5), field: fc.constantFrom('usageType', 'subject', 'content'), value: text }),
  fc.record({ kind: fc.constant('push'), usageType: fc.constantFrom('SignIn', 'Generic', 'OrganizationInvitation') }),
  fc.record({ kind: fc.constant('pop') }),
  fc.record({ kind: fc.constant('reorder') }),
  fc.record({ kind: fc.constant('same') }),
);

function apply(config, change) {
  switch (change.kind) {
    case 'set':
      config[change.key] = change.value;
      break;
    case 'delete':
      delete config[change.key];
      break;
    case 'template': {
      const entry = config.templates[change.index % config.templates.length];
      if (entry) entry[change.field] = change.value;
      break;
    }
    case 'push':
      config.templates.push(template(change.usageType, '<i>{{code}}</i>'));
      break;
    case 'pop':
      config.templates.pop();
      break;
    case 'reorder':
      for (const [key, value] of Object.entries(config).reverse()) {
        delete config[key];
        config[key] = value;
      }
      break;
    default:
      break;
  }
}

/** A send's outcome compared with the dry run's: the request, or for an error its code alone. */
function comparable(outcome) {
  return outcome.request ? outcome : { code: outcome.code };
}

test('property: after any in-place edit, a send equals one from a freshly validated config', async () => {
  const cached = await connectorOf({});
  await fc.assert(
    fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 12 }), async (changes) => {
      const config = baseConfig();
      assert.deepEqual(await cached(config), fresh(config));
      for (const change of changes) {
        apply(config, change);
        assert.deepEqual(comparable(await cached(config)), comparable(fresh(config)), JSON.stringify(change));
      }
    }),
    { numRuns: 300 },
  );
});

test('sendMessage sees a config edited in place between sends', async () => {
  const config = baseConfig();
  const bodies = [];
  const fetch = async (url, init) => {
    bodies.push(new URLSearchParams(init.body));
    return { status: 200, text: async () => '{"EnvId":"1","RequestId":"0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A"}' };
  };
  const connector = await createConnector({ getConfig: async () => config, fetch });
  await connector.sendMessage(data);
  config.templates[0].content = '<p>Changed {{code}}</p>';
  config.fromAlias = 'Renamed';
  await connector.sendMessage(data);
  assert.equal(bodies[0].get('HtmlBody'), '<p>123456</p>');
  assert.equal(bodies[1].get('HtmlBody'), '<p>Changed 123456</p>');
  assert.equal(bodies[1].get('FromAlias'), 'Renamed');
});

test('a key renamed with its value kept is a change', async () => {
  const cached = await connectorOf({});
  // The new key takes the old one's place, before templates, with the same value.
  const config = baseConfig();
  assert.equal((await cached(config)).request.params.FromAlias, 'Example');
  const { templates } = config;
  delete config.fromAlias;
  delete config.templates;
  config.replyAddressAlias = 'Example';
  config.templates = templates;
  assert.deepEqual(await cached(config), fresh(config));
  assert.equal((await cached(config)).request.params.FromAlias, undefined);
});

test('a config that JSON.stringify reads differently is read as JSON.stringify reads it', async () => {
  const cached = await connectorOf({});
  const config = baseConfig();
  assert.ok((await cached(config)).request);
  // toJSON, a class instance and an enumerable key on Object.prototype each bypass the quick test.
  const withToJson = { ...baseConfig(), toJSON: () => ({ ...baseConfig(), fromAlias: 'FromToJson' }) };
  assert.deepEqual(await cached(withToJson), fresh(withToJson));
  assert.equal((await cached(withToJson)).request.params.FromAlias, 'FromToJson');
  const instance = Object.assign(new (class Config {})(), baseConfig());
  assert.deepEqual(await cached(instance), fresh(instance));
  // An inherited enumerable key that stands in for a deleted own one: JSON.stringify skips it.
  // Every object ends with `content` here, so for-in lists the same keys either way.
  const config2 = { ...baseConfig(), content: 'c' };
  for (const entry of config2.templates) entry.content = 'c';
  assert.ok((await cached(config2)).request);
  try {
    Object.prototype.content = 'c';
    delete config2.templates[3].content;
    assert.deepEqual(comparable(await cached(config2)), comparable(fresh(config2)));
    assert.equal((await cached(config2)).code, 'invalid_config');
  } finally {
    delete Object.prototype.content;
  }
});

test('a config getter that throws is an invalid_config error, and the next send works', async () => {
  const cached = await connectorOf({});
  const config = baseConfig();
  assert.ok((await cached(config)).request);
  const throwing = baseConfig();
  Object.defineProperty(throwing, 'fromAlias', { enumerable: true, get: () => { throw new Error('boom'); } });
  assert.deepEqual(fresh(throwing), { code: 'invalid_config', message: '(config): cannot be read (Error: boom)' });
  assert.equal((await cached(throwing)).code, 'invalid_config');
  assert.ok((await cached(config)).request);
});
