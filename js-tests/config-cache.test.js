// A config's DirectMail object is reused while the config's content is unchanged, and every change
// is seen. The oracle is a second instance of the core (the unbundled modules behind js/node.js)
// whose DirectMail class is given each config afresh, with no cache in between.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import fc from 'fast-check';

import createConnector, { buildSendMailRequest } from '../lib/index.js';
import * as oracle from '../js/node.js';
import { plainMessage } from '../js/plain.js';
import { wasm } from '../js/wasm.js';

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

/** A build's result, or its error's code and message. */
function outcome(build) {
  try {
    return { request: build() };
  } catch (error) {
    return { code: error.code, message: error.message };
  }
}

const cached = (config) => outcome(() => buildSendMailRequest(config, data, pinned));
/** A build by a DirectMail object made for this call alone, from the config as JSON reads it. */
function fresh(config) {
  return outcome(() => {
    let plain;
    try {
      plain = JSON.parse(JSON.stringify(config));
    } catch (error) {
      throw Object.assign(new Error(`(config): cannot be read (${error.name}: ${error.message})`), { code: 'invalid_config' });
    }
    const mail = new (wasm().DirectMail)(plain);
    try {
      return mail.build(plainMessage(data), pinned);
    } finally {
      mail.free();
    }
  });
}

test('the oracle is a separate instance of the core', () => {
  assert.notEqual(oracle.buildSendMailRequest, buildSendMailRequest);
  oracle.validateConfig(baseConfig()); // initialises the oracle's wasm
  assert.deepEqual(fresh(baseConfig()), cached(baseConfig()));
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

test('property: after any in-place edit, a build equals one from a freshly validated config', () => {
  fc.assert(
    fc.property(fc.array(edit, { minLength: 1, maxLength: 12 }), (changes) => {
      const config = baseConfig();
      assert.deepEqual(cached(config), fresh(config));
      for (const change of changes) {
        apply(config, change);
        assert.deepEqual(cached(config), fresh(config), JSON.stringify(change));
      }
    }),
    { numRuns: 500 },
  );
});

test('sendMessage sees a config edited in place between sends', async () => {
  const config = baseConfig();
  const bodies = [];
  const fetch = async (url, init) => {
    bodies.push(new URLSearchParams(init.body));
    return { status: 200, text: async () => '{"EnvId":"1","RequestId":"r"}' };
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

test('a key renamed with its value kept is a change', () => {
  // The new key takes the old one's place, before templates, with the same value.
  const config = baseConfig();
  assert.match(cached(config).request.body, /FromAlias=Example/);
  const { templates } = config;
  delete config.fromAlias;
  delete config.templates;
  config.replyAddressAlias = 'Example';
  config.templates = templates;
  assert.deepEqual(cached(config), fresh(config));
  assert.doesNotMatch(cached(config).request.body, /FromAlias/);
});

test('a config that JSON.stringify reads differently is read as JSON.stringify reads it', () => {
  const config = baseConfig();
  assert.ok(cached(config).request);
  // toJSON, a class instance and an enumerable key on Object.prototype each bypass the quick test.
  const withToJson = { ...baseConfig(), toJSON: () => ({ ...baseConfig(), fromAlias: 'FromToJson' }) };
  assert.deepEqual(cached(withToJson), fresh(withToJson));
  assert.match(cached(withToJson).request.body, /FromAlias=FromToJson/);
  const instance = Object.assign(new (class Config {})(), baseConfig());
  assert.deepEqual(cached(instance), fresh(instance));
  // An inherited enumerable key that stands in for a deleted own one: JSON.stringify skips it.
  // Every object ends with `content` here, so for-in lists the same keys either way.
  const config2 = { ...baseConfig(), content: 'c' };
  for (const entry of config2.templates) entry.content = 'c';
  assert.ok(cached(config2).request);
  try {
    Object.prototype.content = 'c';
    delete config2.templates[3].content;
    assert.deepEqual(cached(config2), fresh(config2));
    assert.equal(cached(config2).code, 'invalid_config');
  } finally {
    delete Object.prototype.content;
  }
});

test('a config getter that throws is an invalid_config error, and the next send works', () => {
  const config = baseConfig();
  assert.ok(cached(config).request);
  const throwing = baseConfig();
  Object.defineProperty(throwing, 'fromAlias', { enumerable: true, get: () => { throw new Error('boom'); } });
  assert.deepEqual(cached(throwing), { code: 'invalid_config', message: '(config): cannot be read (Error: boom)' });
  assert.deepEqual(fresh(throwing), cached(throwing));
  assert.ok(cached(config).request);
});
