// Loading the package the way Logto's CLI and core do, and the Console's "Send test" button.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { ConnectorError, ConnectorType, connectorMetadataGuard } from '@logto/connector-kit';
import semver from 'semver';
import { ZodError } from 'zod';

import { startEmulator } from '../emulator/index.js';
import { makeConfig, usageTypes } from './helpers.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/** Logto's loader: the connector-kit range check, then `import(<package>/lib/index.js)`. */
async function loadLikeLogto(root) {
  const { dependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const kitVersion = JSON.parse(readFileSync(join(packageRoot, 'node_modules/@logto/connector-kit/package.json'), 'utf8')).version;
  assert.ok(semver.satisfies(kitVersion, dependencies['@logto/connector-kit']), 'connector-kit range satisfied');
  const loaded = await import(join(root, 'lib/index.js'));
  assert.equal(typeof loaded.default, 'function', 'ESM default export');
  return loaded.default;
}

test('Logto loads lib/index.js and gets a valid Email connector', async () => {
  const createConnector = await loadLikeLogto(packageRoot);
  const connector = await createConnector({ getConfig: async () => { throw new Error('not used'); } });
  assert.equal(connector.type, ConnectorType.Email);
  assert.equal(typeof connector.sendMessage, 'function');
  assert.equal(typeof connector.configGuard.safeParse, 'function');
  const metadata = connectorMetadataGuard.parse(connector.metadata);
  assert.equal(metadata.id, 'aliyun-direct-mail');
  assert.equal(metadata.target, 'aliyun-dm');
  assert.equal(metadata.platform, null);
  for (const field of ['name', 'description']) {
    assert.deepEqual(Object.keys(metadata[field]).sort(), ['en', 'ko', 'tr-TR', 'zh-CN'], `${field} languages`);
  }
  for (const file of [metadata.logo, metadata.readme]) {
    assert.ok(existsSync(join(packageRoot, file)), `${file} ships with the package`);
  }
  // The Console's guide panel shows the readme whole: operators' material only, near the
  // official connector's length (7,825 characters), in English and Chinese.
  const readme = readFileSync(join(packageRoot, metadata.readme), 'utf8');
  assert.ok(readme.length < 10_000, `the Console readme has ${readme.length} characters`);
  for (const needed of ['connector remove @logto/connector-aliyun-dm', 'Docker', 'aliyun-dm check', 'SignatureDoesNotMatch', '阿里云邮件推送连接器']) {
    assert.ok(readme.includes(needed), `the Console readme covers ${needed}`);
  }
  const keys = metadata.formItems.map((item) => item.key);
  for (const key of ['accessKeyId', 'accessKeySecret', 'regionId', 'accountName', 'fromAlias', 'templates']) assert.ok(keys.includes(key), key);
  const templates = metadata.formItems.find((item) => item.key === 'templates');
  assert.deepEqual(templates.defaultValue.map((t) => t.usageType).sort(), [...usageTypes].sort());
  const region = metadata.formItems.find((item) => item.key === 'regionId');
  assert.deepEqual(region.selectItems.map((i) => i.value), ['cn-hangzhou', 'ap-southeast-1', 'ap-southeast-2', 'eu-central-1', 'us-east-1']);
});

test("every Json form item has a default the Console's editor accepts, and the defaults make a valid config", async () => {
  // Logto's Console refuses an empty JSON editor (react-hook-form): without a default, the create
  // guide cannot submit. Every Json item of Logto's official connectors has one.
  const createConnector = await loadLikeLogto(packageRoot);
  const { metadata, configGuard } = await createConnector({ getConfig: async () => ({}) });
  const defaults = {};
  for (const item of metadata.formItems) {
    if (item.type === 'Json') assert.ok(item.defaultValue !== undefined && typeof item.defaultValue === 'object', `${item.key} has a JSON default`);
    if (item.defaultValue !== undefined) defaults[item.key] = item.defaultValue;
  }
  const result = configGuard.safeParse(makeConfig(defaults));
  assert.equal(result.success, true, JSON.stringify(result.error?.issues));
});

test('the default templates in the Console form make a valid config', async () => {
  const createConnector = await loadLikeLogto(packageRoot);
  const { metadata, configGuard } = await createConnector({ getConfig: async () => ({}) });
  const templates = metadata.formItems.find((item) => item.key === 'templates').defaultValue;
  const result = configGuard.safeParse(makeConfig({ templates }));
  assert.equal(result.success, true);
  assert.equal(result.data.regionId, 'cn-hangzhou', 'defaults filled in');
});

test("configGuard is a zod schema of the host's zod: a ZodError with every issue and its key path", async () => {
  const createConnector = await loadLikeLogto(packageRoot);
  const { configGuard } = await createConnector({ getConfig: async () => ({}) });
  const result = configGuard.safeParse({ accessKeyId: 'a', templates: [{ usageType: 'SignIn' }] });
  assert.equal(result.success, false);
  assert.ok(result.error instanceof ZodError, "the host's ZodError, which Logto turns into the reply's details");
  assert.deepEqual(
    result.error.issues.map((i) => i.path),
    [['accessKeySecret'], ['accountName'], ['templates', 0, 'subject'], ['templates', 0, 'content']],
  );
  assert.throws(() => configGuard.parse({}), ZodError);
  const missingGeneric = configGuard.safeParse(makeConfig({ templates: makeConfig().templates.slice(0, 3) }));
  assert.deepEqual(missingGeneric.error.issues.map((i) => [i.path, i.message]), [[['templates'], 'Template with UsageType (Generic) should be provided!']]);
});

test('the Console "Send test" button: Generic with code 000000 and the unsaved config', async () => {
  const emulator = await startEmulator();
  try {
    const createConnector = await loadLikeLogto(packageRoot);
    const connector = await createConnector({ getConfig: async () => { throw new Error('the saved config must not be read'); } });
    const unsaved = makeConfig({ endpoint: emulator.url });
    const reply = await connector.sendMessage({ to: 'admin@example.com', type: 'Generic', payload: { code: '000000' } }, unsaved);
    assert.match(reply.EnvId, /^\d+$/);
    const [mail] = emulator.mails;
    assert.deepEqual(mail.to, ['admin@example.com']);
    assert.equal(mail.subject, 'Generic code 000000');
    assert.equal(mail.htmlBody, '<p>Generic: 000000</p>');
  } finally {
    await emulator.close();
  }
});

test('errors are the host connector-kit ConnectorError, as Logto maps only those', async () => {
  const createConnector = await loadLikeLogto(packageRoot);
  const connector = await createConnector({ getConfig: async () => ({ accessKeyId: 1 }) });
  await assert.rejects(connector.sendMessage({ to: 'a@b.c', type: 'SignIn', payload: {} }), (error) => {
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.code, 'invalid_config');
    assert.ok(error.data instanceof ZodError, 'Logto builds the reply details from a ZodError');
    assert.deepEqual(error.data.issues[0].path, ['accessKeyId']);
    return true;
  });
});

test("type is connector-kit's ConnectorType.Email, and connector-kit loads only for errors", async () => {
  const createConnector = await loadLikeLogto(packageRoot);
  const connector = await createConnector({ getConfig: async () => ({}) });
  assert.equal(connector.type, ConnectorType.Email);
  const { readFileSync: read } = await import('node:fs');
  const source = read(join(packageRoot, 'lib', 'index.js'), 'utf8');
  assert.doesNotMatch(source, /^import .*@logto\/connector-kit/m, 'no static import of connector-kit');
});

test('the package JS ships once: lib/index.js re-exports js/node.js, and nothing in js/ imports Logto statically', async () => {
  const { readFileSync: read, readdirSync } = await import('node:fs');
  assert.deepEqual(
    [...read(join(packageRoot, 'lib', 'index.js'), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]),
    ['../js/node.js', '../js/node.js'],
  );
  const sources = readdirSync(join(packageRoot, 'js'), { recursive: true }).filter((f) => /\.c?js$/.test(f));
  for (const file of sources) {
    const source = read(join(packageRoot, 'js', file), 'utf8');
    assert.doesNotMatch(source, /from\s*['"](zod|@logto\/connector-kit)['"]/, file);
  }
  // The host's packages are named through variables, so bundlers building a Worker leave them out.
  const connector = read(join(packageRoot, 'js', 'connector.js'), 'utf8');
  assert.match(connector, /\bconst CONNECTOR_KIT = '@logto\/connector-kit';/);
  assert.match(connector, /await import\(\/\* webpackIgnore: true \*\/ \/\* turbopackIgnore: true \*\/ CONNECTOR_KIT\)/);
});

test('the package root exports exactly the documented API', async () => {
  const root = await import(join(packageRoot, 'lib/index.js'));
  assert.deepEqual(Object.keys(root).sort(), [
    'DirectMail', 'DirectMailError', 'ENV_NAMES', 'assumeRoleCredentials', 'buildSendMailRequest', 'checkEventSecret', 'configGuard', 'default',
    'ecsRamRoleCredentials', 'init', 'metadata', 'oidcRoleCredentials',
    'parseDeliveryEvent', 'parseSendMailReply', 'renderTemplate', 'sendMail', 'signRpcRequest', 'validateConfig', 'wasmMemoryBytes',
  ]);
  // Every runtime entry exports the same names (their types are one file, js/index.d.ts).
  for (const entry of ['js/init.js', 'js/inline.js']) {
    assert.deepEqual(Object.keys(await import(join(packageRoot, entry))).sort(), Object.keys(root).sort(), entry);
  }
  // The mail client's entries export the same, less the Logto connector's three.
  const logto = ['configGuard', 'default', 'metadata'];
  for (const entry of ['js/client/node.js', 'js/client/init.js', 'js/client/inline.js']) {
    assert.deepEqual(Object.keys(await import(join(packageRoot, entry))).sort(), Object.keys(root).filter((k) => !logto.includes(k)).sort(), entry);
  }
});
