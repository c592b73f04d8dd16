// `credentialsSource`: a config (the Logto connector's, or the mail client's) that names a RAM role
// instead of holding an AccessKey pair. The core validates the choice; the JS layer fetches the
// role's credentials, from the emulator's stand-ins for STS and the ECS metadata service, and the
// mail is signed with them, never with a base key.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { ConnectorError } from '@logto/connector-kit';

import createConnector, { buildSendMailRequest, DirectMail, validateConfig } from '../lib/index.js';
import { startEmulator } from 'connector-aliyun-dm-wasm/emulator';

import { thrown } from './helpers.js';

const data = { to: 'user@example.com', type: 'SignIn', payload: { code: '123456' } };
const templates = ['SignIn', 'Register', 'ForgotPassword', 'Generic'].map((usageType) => ({ usageType, subject: 'Code', content: '<p>{{code}}</p>' }));
const roleConfig = (emulator, role) => ({ accountName: 'noreply@mail.example.com', endpoint: emulator.url, templates, ...role });

/** The actions the emulator was asked for, in order. */
const actions = (emulator) => emulator.requests.map((r) => (r.url.startsWith('/latest/') ? `${r.method} ${r.url}` : r.headers['x-acs-action'] ?? r.params.Action));

/** The AccessKeyId each SingleSendMail was signed with (V2, the connector's default). */
const signers = (emulator) => emulator.requests.filter((r) => r.params.Action === 'SingleSendMail').map((r) => [r.params.AccessKeyId, r.params.SecurityToken]);

test('ecs-ram-role: the connector needs no keys, fetches the instance role at its first send and signs with it', async () => {
  const emulator = await startEmulator({ ecsRole: 'mail-sender' });
  try {
    const config = roleConfig(emulator, { credentialsSource: 'ecs-ram-role', metadataEndpoint: emulator.url });
    const normalized = validateConfig(config);
    assert.equal(normalized.credentialsSource, 'ecs-ram-role');
    assert.equal(normalized.metadataEndpoint, emulator.url);
    assert.equal(normalized.accessKeyId, undefined);
    const connector = await createConnector({ getConfig: async () => config });
    await connector.sendMessage(data);
    await connector.sendMessage(data);
    assert.deepEqual(actions(emulator), [
      'PUT /latest/api/token',
      'GET /latest/meta-data/ram/security-credentials/',
      'GET /latest/meta-data/ram/security-credentials/mail-sender',
      'SingleSendMail',
      'SingleSendMail',
    ], 'one fetch of the role for back-to-back sends of one connector');
    for (const [id, token] of signers(emulator)) {
      assert.match(id, /^STS\./);
      assert.match(token, /^token-/);
    }
    // Keys left in the config (the Console keeps a hidden field's value) are not read: a warning says so.
    const stale = validateConfig({ ...config, accessKeyId: 'old', accessKeySecret: 'old-secret' });
    assert.deepEqual(stale.warnings.map((w) => w.path), ['accessKeyId', 'accessKeySecret']);
    assert.equal(stale.accessKeySecret, undefined, 'an unread secret is not echoed in the normalised config');
  } finally {
    await emulator.close();
  }
});

test('assume-role: the base key assumes the role at the STS endpoint; only the temporary credentials sign mail', async () => {
  const emulator = await startEmulator({ accessKeys: { base: 'base-secret' } });
  try {
    const role = { credentialsSource: 'assume-role', accessKeyId: 'base', accessKeySecret: 'base-secret', roleArn: 'acs:ram::1234567890:role/mail-sender', stsEndpoint: emulator.url };
    const connector = await createConnector({ getConfig: async () => roleConfig(emulator, role) });
    await connector.sendMessage(data);
    assert.deepEqual(actions(emulator), ['AssumeRole', 'SingleSendMail']);
    const [[id, token]] = signers(emulator);
    assert.match(id, /^STS\./);
    assert.match(token, /^token-/);
    // The Console's default STS endpoint follows the network: the region's sts-vpc host on vpc.
    const vpc = validateConfig({ ...roleConfig(emulator, { ...role, stsEndpoint: undefined }), regionId: 'ap-southeast-1', network: 'vpc' });
    assert.equal(vpc.stsEndpoint, 'https://sts-vpc.ap-southeast-1.aliyuncs.com/');
    assert.equal(validateConfig(roleConfig(emulator, { ...role, stsEndpoint: undefined })).stsEndpoint, 'https://sts.aliyuncs.com/');
    // A base key STS refuses: Logto gets a ConnectorError naming STS's Code, quoting no credential.
    const refused = await createConnector({ getConfig: async () => roleConfig(emulator, { ...role, accessKeySecret: 'wrong-base-secret' }) });
    const error = await thrown(() => refused.sendMessage(data));
    assert.ok(error instanceof ConnectorError);
    assert.match(JSON.stringify(error.data), /STS AssumeRole was refused \(HTTP 400: SignatureDoesNotMatch\)/);
    assert.ok(!`${error.message}${JSON.stringify(error.data)}`.includes('wrong-base-secret'));
  } finally {
    await emulator.close();
  }
});

test("oidc-role (RRSA): the pod's token file, named in the config or by ACK's variables, is exchanged at STS", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aliyun-dm-rrsa-config-'));
  const emulator = await startEmulator({ oidcTokens: ['pod-token'] });
  try {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'pod-token\n');
    const role = { credentialsSource: 'oidc-role', roleArn: 'acs:ram::1:role/mail', oidcProviderArn: 'acs:ram::1:oidc-provider/ack', oidcTokenFile: tokenFile, stsEndpoint: emulator.url };
    const connector = await createConnector({ getConfig: async () => roleConfig(emulator, role) });
    await connector.sendMessage(data);
    assert.deepEqual(actions(emulator), ['AssumeRoleWithOIDC', 'SingleSendMail']);
    assert.match(signers(emulator)[0][0], /^STS\./);
    // Nothing given, and no ACK variables: the send fails as a config error naming what is missing.
    const bare = await createConnector({ getConfig: async () => roleConfig(emulator, { credentialsSource: 'oidc-role', stsEndpoint: emulator.url }) });
    const saved = ['ALIBABA_CLOUD_ROLE_ARN', 'ALIBABA_CLOUD_OIDC_PROVIDER_ARN', 'ALIBABA_CLOUD_OIDC_TOKEN_FILE'].map((name) => [name, process.env[name]]);
    for (const [name] of saved) delete process.env[name];
    try {
      const error = await thrown(() => bare.sendMessage(data));
      assert.equal(error.code, 'invalid_config');
      assert.match(JSON.stringify(error.data), /roleArn, oidcProviderArn, tokenFile/);
    } finally {
      for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
    }
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the mail client takes credentialsSource too; the stateless API, which cannot fetch, refuses it by name', async () => {
  const emulator = await startEmulator({ ecsRole: 'mail-sender' });
  try {
    const config = { accountName: 'noreply@mail.example.com', endpoint: emulator.url, credentialsSource: 'ecs-ram-role', metadataEndpoint: emulator.url };
    const client = new DirectMail(config);
    assert.ok((await client.send({ to: 'a@example.com', subject: 's', text: 't' })).envId);
    client.free();
    const error = await thrown(() => buildSendMailRequest(roleConfig(emulator, config), data));
    assert.deepEqual([error.code, error.data.issues.map((i) => i.path)], ['invalid_config', ['credentialsSource']]);
    const both = await thrown(() => new DirectMail({ ...config, credentials: async () => ({}) }));
    assert.deepEqual(both.data.issues.map((i) => i.path), ['credentialsSource']);
    // The default source still requires the keys, by name.
    const keyless = await thrown(() => validateConfig(roleConfig(emulator, {})));
    assert.deepEqual(keyless.data.issues.map((i) => i.path), ['accessKeyId', 'accessKeySecret']);
  } finally {
    await emulator.close();
  }
});
