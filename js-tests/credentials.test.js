// Credentials that refresh: a provider in place of fixed keys (cached until shortly before it
// expires, one refresh shared by concurrent sends, every failure typed and free of credentials),
// and the providers for STS AssumeRole, an ECS RAM role and RRSA, against the emulator's stand-ins
// for STS and the metadata service.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { assumeRoleCredentials, DirectMail, DirectMailError, ecsRamRoleCredentials, oidcRoleCredentials } from 'connector-aliyun-dm-wasm/client';
import { startEmulator } from 'connector-aliyun-dm-wasm/emulator';

import { thrown } from './helpers.js';

const mail = { to: 'a@example.com', subject: 's', text: 't' };
const settings = (emulator) => ({ accountName: 'noreply@mail.example.com', endpoint: emulator.url });
const minutes = (n) => new Date(Date.now() + n * 60_000).toISOString();

/** Asserts `error` is a credentials failure that quotes none of `secrets`. */
function assertAuthFailure(error, secrets, label) {
  assert.ok(error instanceof DirectMailError, `${label}: ${error}`);
  assert.equal(error.reason, 'auth', `${label}: ${error.message}`);
  const shown = `${error.message} ${JSON.stringify(error.data)} ${String(error.stack)}`;
  for (const secret of secrets) assert.ok(!shown.includes(secret), `${label}: quotes a credential`);
}

test('a provider is asked once for concurrent sends, kept until shortly before expiry, and asked again after', async () => {
  const emulator = await startEmulator();
  try {
    let calls = 0;
    let lifetime = 30;
    const client = new DirectMail({
      ...settings(emulator),
      credentials: async () => {
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
        return { accessKeyId: 'testid', accessKeySecret: 'testsecret', expiration: minutes(lifetime) };
      },
    });
    await Promise.all(Array.from({ length: 10 }, () => client.send(mail)));
    assert.equal(calls, 1, 'one refresh for ten sends');
    await client.send(mail);
    assert.equal(calls, 1, 'kept while far from expiry');
    // Credentials that expire within the margin are refreshed at the next send.
    lifetime = 2;
    const fresh = new DirectMail({ ...settings(emulator), credentials: async () => ((calls += 1), { accessKeyId: 'testid', accessKeySecret: 'testsecret', expiration: minutes(lifetime) }) });
    await fresh.send(mail);
    await fresh.send(mail);
    assert.equal(calls, 3, 'near expiry: asked at each send');
    // Near expiry, a refresh that fails leaves the credentials still valid in use.
    let failing = false;
    const resilient = new DirectMail({
      ...settings(emulator),
      credentials: async () => {
        if (failing) throw new Error('STS is down');
        return { accessKeyId: 'testid', accessKeySecret: 'testsecret', expiration: minutes(2) };
      },
    });
    await resilient.send(mail);
    failing = true;
    assert.ok((await resilient.send(mail)).envId, 'sent with the credentials that are still valid');
    resilient.free();
    assert.equal(emulator.mails.length, 15);
    client.free();
    fresh.free();
  } finally {
    await emulator.close();
  }
});

test('a provider that throws or returns garbage (vectors/credentials/bad-answers.json) is a typed auth failure that quotes nothing; the client recovers', async () => {
  const emulator = await startEmulator();
  try {
    const secret = 'provider-secret-value-123';
    const { cases } = JSON.parse(readFileSync(new URL('../vectors/credentials/bad-answers.json', import.meta.url), 'utf8'));
    const withSecret = (value) => JSON.parse(JSON.stringify(value).replaceAll('SECRET', secret));
    const failure = ({ name, code, message }) => Object.assign(new Error(message.replaceAll('SECRET', secret)), { name, ...(code ? { code } : {}) });
    const answers = cases.map((row) => () => {
      if (row.throw) throw failure(row.throw);
      if (row.reject) return Promise.reject(failure(row.reject));
      return withSecret(row.answer);
    });
    answers.push(() => ({ accessKeyId: 'testid', accessKeySecret: 'testsecret' }));
    let next = 0;
    const client = new DirectMail({ ...settings(emulator), credentials: async () => answers[next++]() });
    for (const row of cases) {
      const error = await thrown(() => client.send(mail));
      assertAuthFailure(error, [secret], row.what);
      assert.ok(error.message.includes(row.says), `${row.what}: ${error.message}`);
    }
    assert.ok((await client.send(mail)).envId, 'the next good answer sends');
    client.free();
    // Fixed keys and a provider together, or a provider that is no function, are config errors.
    for (const config of [{ credentials: async () => ({}), accessKeyId: 'x' }, { credentials: 'testid:testsecret' }]) {
      const error = await thrown(() => new DirectMail({ ...settings(emulator), ...config }));
      assert.equal(error.code, 'invalid_config');
    }
  } finally {
    await emulator.close();
  }
});

test('STS AssumeRole: the temporary credentials sign the mail, with their token; the base key never does', async () => {
  const emulator = await startEmulator({ accessKeys: { base: 'base-secret' } });
  try {
    const credentials = assumeRoleCredentials({ accessKeyId: 'base', accessKeySecret: 'base-secret', roleArn: 'acs:ram::1234567890:role/mail-sender', endpoint: emulator.url });
    const client = new DirectMail({ ...settings(emulator), credentials });
    await client.send(mail);
    await client.send(mail);
    const assumed = emulator.requests.filter((r) => (r.headers['x-acs-action'] ?? r.params.Action) === 'AssumeRole');
    assert.equal(assumed.length, 1, 'assumed once for both sends');
    const sent = emulator.requests.filter((r) => (r.headers['x-acs-action'] ?? r.params.Action) === 'SingleSendMail');
    assert.equal(sent.length, 2);
    for (const request of sent) {
      assert.match(request.headers.authorization, /Credential=STS\./);
      assert.match(request.headers['x-acs-security-token'], /^token-/);
    }
    client.free();

    // A base key STS does not know: refused, naming STS's Code, quoting no credential.
    const wrong = new DirectMail({ ...settings(emulator), credentials: assumeRoleCredentials({ accessKeyId: 'base', accessKeySecret: 'wrong-secret', roleArn: 'acs:ram::1:role/r', endpoint: emulator.url }) });
    const error = await thrown(() => wrong.send(mail));
    assertAuthFailure(error, ['wrong-secret'], 'wrong base secret');
    assert.match(error.message, /STS AssumeRole was refused \(HTTP 400: SignatureDoesNotMatch\)/);
    wrong.free();
    for (const options of [{}, { roleArn: 'r', durationSeconds: 60 }, { roleArn: 'r', accessKeyId: 'a', accessKeySecret: 's', endpoint: 'ftp://x' }]) {
      assert.ok((await thrown(() => assumeRoleCredentials(options))) instanceof DirectMailError, JSON.stringify(options));
    }
  } finally {
    await emulator.close();
  }
});

test("an ECS instance's RAM role, from the metadata service's stand-in (IMDSv2)", async () => {
  const emulator = await startEmulator({ ecsRole: 'mail-sender' });
  try {
    const client = new DirectMail({ ...settings(emulator), credentials: ecsRamRoleCredentials({ endpoint: emulator.url }) });
    assert.ok((await client.send(mail)).envId);
    assert.deepEqual(
      emulator.requests.filter((r) => r.url.startsWith('/latest/')).map((r) => `${r.method} ${r.url}`),
      ['PUT /latest/api/token', 'GET /latest/meta-data/ram/security-credentials/', 'GET /latest/meta-data/ram/security-credentials/mail-sender'],
    );
    client.free();
    const none = await startEmulator();
    try {
      const without = new DirectMail({ ...settings(none), credentials: ecsRamRoleCredentials({ endpoint: none.url }) });
      assert.match((await thrown(() => without.send(mail))).message, /has no RAM role/);
      without.free();
    } finally {
      await none.close();
    }
  } finally {
    await emulator.close();
  }
});

test("RRSA: AssumeRoleWithOIDC with the pod's token file, read at each refresh; a token STS refuses is named, not quoted", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aliyun-dm-rrsa-'));
  const emulator = await startEmulator({ oidcTokens: ['pod-token-1'] });
  try {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'pod-token-1\n');
    const env = { ALIBABA_CLOUD_ROLE_ARN: 'acs:ram::1:role/mail', ALIBABA_CLOUD_OIDC_PROVIDER_ARN: 'acs:ram::1:oidc-provider/ack', ALIBABA_CLOUD_OIDC_TOKEN_FILE: tokenFile };
    const client = new DirectMail({ ...settings(emulator), credentials: oidcRoleCredentials({ env, endpoint: emulator.url }) });
    assert.ok((await client.send(mail)).envId);
    client.free();
    writeFileSync(tokenFile, 'pod-token-2\n');
    const rotated = new DirectMail({ ...settings(emulator), credentials: oidcRoleCredentials({ env, endpoint: emulator.url }) });
    const error = await thrown(() => rotated.send(mail));
    assertAuthFailure(error, ['pod-token-2'], 'refused token');
    assert.match(error.message, /AuthenticationFail\.OIDCToken\.Invalid/);
    rotated.free();
    const missing = await thrown(() => oidcRoleCredentials({ env: {} }));
    assert.match(missing.message, /roleArn, oidcProviderArn, tokenFile/);
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('temporary credentials past their expiry, or without their token, are refused by the emulator as auth failures', async () => {
  let clock = Date.now();
  const emulator = await startEmulator({ accessKeys: { base: 'base-secret' }, now: () => clock });
  try {
    const assume = assumeRoleCredentials({ accessKeyId: 'base', accessKeySecret: 'base-secret', roleArn: 'acs:ram::1:role/r', durationSeconds: 900, endpoint: emulator.url });
    const issued = await assume();
    // The provider says they last; the server's clock says otherwise.
    clock += 901_000;
    const stale = new DirectMail({ ...settings(emulator), credentials: async () => ({ ...issued, expiration: minutes(60) }) });
    const expired = await thrown(() => stale.send(mail));
    assert.deepEqual([expired.data.Code, expired.reason], ['InvalidSecurityToken.Expired', 'auth']);
    assertAuthFailure(expired, [issued.accessKeySecret, issued.securityToken], 'expired');
    stale.free();
    clock = Date.now();
    const fresh = await assume();
    const tokenless = new DirectMail({ ...settings(emulator), accessKeyId: fresh.accessKeyId, accessKeySecret: fresh.accessKeySecret });
    assert.equal((await thrown(() => tokenless.send(mail))).data.Code, 'InvalidSecurityToken.Mismatch');
    tokenless.free();
  } finally {
    await emulator.close();
  }
});
