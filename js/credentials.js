// Credentials that refresh: a provider (`async () => ({accessKeyId, accessKeySecret,
// securityToken?, expiration?})`) in place of fixed keys, its answer cached until shortly before it
// expires, one refresh shared by the sends that need it; and providers for Aliyun's role
// credentials on fetch: STS AssumeRole from a base key, an ECS instance's RAM role from the
// metadata service, and RRSA's AssumeRoleWithOIDC from a pod's token file (Node). No credential
// appears in any error they throw: a failure names its step, the HTTP status and Aliyun's Code.
import { codedError, typed } from './errors.js';
import { fetchOf } from './transport.js';
import { wasm } from './wasm.js';

/** Refresh when less than this is left of a credential's life (Aliyun's SDKs use a few minutes). */
const REFRESH_MARGIN_MS = 3 * 60_000;
/** A provider or metadata call that takes longer than this fails. */
const PROVIDER_TIMEOUT_MS = 10_000;
/** STS's API version and the default endpoint. */
const STS_VERSION = '2015-04-01';
const STS_ENDPOINT = 'https://sts.aliyuncs.com/';
/** The ECS metadata service. */
const IMDS_ENDPOINT = 'http://100.100.100.200';

/** A credentials failure: `general`, reason `auth`, naming what failed and never a value. */
const failure = (message) => codedError('general', message, {}, 'auth');

/** `error`'s name and code, never its message: a provider's message may quote what it read. */
function kindOf(error) {
  try {
    const name = typeof error?.name === 'string' ? error.name : typeof error;
    return typeof error?.code === 'string' ? `${name} ${error.code}` : name;
  } catch {
    return 'a value that cannot be read';
  }
}

/** A provider's answer, checked field by field; `expiresAt` in ms, or undefined for none. */
function checked(answer) {
  if (answer === null || typeof answer !== 'object') throw failure('The credentials provider returned no credentials object');
  const read = (key) => {
    const value = answer[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const accessKeyId = read('accessKeyId');
  const accessKeySecret = read('accessKeySecret');
  const missing = [['accessKeyId', accessKeyId], ['accessKeySecret', accessKeySecret]].filter(([, v]) => v === undefined).map(([k]) => k);
  if (missing.length > 0) throw failure(`The credentials provider returned no ${missing.join(' or ')}`);
  const securityToken = answer.securityToken;
  if (securityToken !== undefined && (typeof securityToken !== 'string' || securityToken === '')) throw failure('The credentials provider returned a securityToken that is not a string');
  let expiresAt;
  if (answer.expiration !== undefined) {
    expiresAt = answer.expiration instanceof Date ? answer.expiration.getTime() : Date.parse(answer.expiration);
    if (!Number.isFinite(expiresAt)) throw failure('The credentials provider returned an expiration that is not a date');
  }
  return { accessKeyId, accessKeySecret, ...(securityToken === undefined ? {} : { securityToken }), expiresAt };
}

/**
 * The current credentials from `provider`: kept until `REFRESH_MARGIN_MS` before they expire (or
 * for good, without an expiration), refreshed once however many sends wait for them.
 */
export class CredentialsCache {
  #provider;
  #now;
  #current;
  #pending;

  constructor(provider, now = Date.now) {
    this.#provider = provider;
    this.#now = now;
  }

  /** The credentials to sign with now. */
  get() {
    const current = this.#current;
    const now = this.#now();
    if (current !== undefined && (current.expiresAt === undefined || current.expiresAt - REFRESH_MARGIN_MS > now)) return Promise.resolve(current);
    this.#pending ??= this.#refresh().finally(() => {
      this.#pending = undefined;
    });
    // Credentials in their last minutes still sign while a refresh fails: the next send asks again.
    if (current !== undefined && current.expiresAt > now) return this.#pending.catch(() => current);
    return this.#pending;
  }

  async #refresh() {
    let answer;
    try {
      answer = await this.#provider();
    } catch (error) {
      if (error?.reason === 'auth') throw error;
      throw failure(`The credentials provider failed (${kindOf(error)})`);
    }
    const credentials = checked(answer);
    if (credentials.expiresAt !== undefined && credentials.expiresAt <= this.#now()) throw failure('The credentials provider returned credentials that have expired');
    this.#current = credentials;
    return credentials;
  }
}

/** `fetch(url, init)` bounded in time, failing as `step` without quoting anything it sent. */
async function call(fetch, step, url, init = {}) {
  let response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) });
  } catch (error) {
    throw failure(`${step} failed: no answer (${kindOf(error)})`);
  }
  const text = await response.text();
  return { status: response.status, ok: response.ok, text };
}

/** STS's reply as credentials, or a failure naming the HTTP status and Aliyun's Code. */
function stsCredentials(step, { status, ok, text }) {
  let reply;
  try {
    reply = JSON.parse(text);
  } catch {
    // Refused below, as a reply without Credentials.
  }
  const c = reply?.Credentials;
  if (!ok || c === undefined) {
    const code = typeof reply?.Code === 'string' && /^[\w.-]{1,100}$/.test(reply.Code) ? `: ${reply.Code}` : '';
    throw failure(`${step} was refused (HTTP ${status}${code})`);
  }
  return { accessKeyId: c.AccessKeyId, accessKeySecret: c.AccessKeySecret, securityToken: c.SecurityToken, expiration: c.Expiration };
}

/** The duration in seconds STS takes (900 to 43,200), or a failure naming the option. */
function duration(seconds) {
  if (!Number.isInteger(seconds) || seconds < 900 || seconds > 43_200) throw codedError('invalid_config', 'durationSeconds must be a whole number from 900 to 43200', {}, 'config');
  return String(seconds);
}

/**
 * A provider of STS credentials for `roleArn`, assumed with a base AccessKey (`AssumeRole`). The
 * base key signs; only the temporary credentials sign mail.
 */
export const assumeRoleCredentials = typed(function assumeRoleCredentials({ accessKeyId, accessKeySecret, securityToken, roleArn, roleSessionName = 'connector-aliyun-dm-wasm', durationSeconds = 3600, endpoint = STS_ENDPOINT, fetch } = {}) {
  const seconds = duration(durationSeconds);
  if (typeof roleArn !== 'string' || roleArn === '') throw codedError('invalid_config', 'roleArn is required: the ARN of the RAM role to assume', {}, 'config');
  const base = { accessKeyId, accessKeySecret, ...(securityToken === undefined ? {} : { securityToken }) };
  const params = { RoleArn: roleArn, RoleSessionName: roleSessionName, DurationSeconds: seconds };
  // Checked now, so a bad key or endpoint is a config error when the provider is made.
  wasm().signCall({ ...base, action: 'AssumeRole', version: STS_VERSION, endpoint, params }, 'check', '2000-01-01T00:00:00Z');
  return async () => {
    const request = wasm().signCall({ ...base, action: 'AssumeRole', version: STS_VERSION, endpoint, params });
    const reply = await call(fetchOf(fetch), 'STS AssumeRole', request.url, { method: 'POST', headers: request.headers, body: request.body });
    return stsCredentials('STS AssumeRole', reply);
  };
});

/**
 * A provider of an ECS instance's RAM role credentials, from the instance metadata service
 * (IMDSv2: a session token first). `roleName` defaults to the role the instance has.
 */
export const ecsRamRoleCredentials = typed(function ecsRamRoleCredentials({ roleName, endpoint = IMDS_ENDPOINT, tokenTtlSeconds = 21_600, fetch } = {}) {
  const base = endpoint.replace(/\/+$/, '');
  return async () => {
    const get = fetchOf(fetch);
    const session = await call(get, 'The ECS metadata token', `${base}/latest/api/token`, { method: 'PUT', headers: { 'X-aliyun-ecs-metadata-token-ttl-seconds': String(tokenTtlSeconds) } });
    if (!session.ok) throw failure(`The ECS metadata token was refused (HTTP ${session.status})`);
    const headers = { 'X-aliyun-ecs-metadata-token': session.text };
    let role = roleName;
    if (role === undefined) {
      const listed = await call(get, 'The ECS RAM role lookup', `${base}/latest/meta-data/ram/security-credentials/`, { headers });
      role = listed.ok ? listed.text.split('\n')[0].trim() : '';
      if (role === '') throw failure(`The ECS instance has no RAM role (HTTP ${listed.status})`);
    }
    const answer = await call(get, 'The ECS RAM role credentials', `${base}/latest/meta-data/ram/security-credentials/${encodeURIComponent(role)}`, { headers });
    let c;
    try {
      c = JSON.parse(answer.text);
    } catch {
      // Refused below.
    }
    if (!answer.ok || c?.Code !== 'Success') throw failure(`The ECS RAM role credentials were refused (HTTP ${answer.status})`);
    return { accessKeyId: c.AccessKeyId, accessKeySecret: c.AccessKeySecret, securityToken: c.SecurityToken, expiration: c.Expiration };
  };
});

/**
 * A provider for RRSA (ACK's RAM roles for service accounts): STS `AssumeRoleWithOIDC` with the
 * pod's OIDC token, read afresh from its file at each refresh (Node). The role, the OIDC provider
 * and the file default to ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN and
 * ALIBABA_CLOUD_OIDC_TOKEN_FILE, which ACK sets.
 */
export const oidcRoleCredentials = typed(function oidcRoleCredentials({ roleArn, oidcProviderArn, tokenFile, roleSessionName = 'connector-aliyun-dm-wasm', durationSeconds = 3600, endpoint = STS_ENDPOINT, env = globalThis.process?.env ?? {}, fetch } = {}) {
  const seconds = duration(durationSeconds);
  const role = roleArn ?? env.ALIBABA_CLOUD_ROLE_ARN;
  const provider = oidcProviderArn ?? env.ALIBABA_CLOUD_OIDC_PROVIDER_ARN;
  const file = tokenFile ?? env.ALIBABA_CLOUD_OIDC_TOKEN_FILE;
  const missing = [['roleArn', role], ['oidcProviderArn', provider], ['tokenFile', file]].filter(([, v]) => typeof v !== 'string' || v === '').map(([k]) => k);
  if (missing.length > 0) throw codedError('invalid_config', `RRSA needs ${missing.join(', ')} (or ACK's ALIBABA_CLOUD_* variables)`, {}, 'config');
  const readFile = globalThis.process?.getBuiltinModule?.('node:fs')?.readFileSync;
  if (typeof readFile !== 'function') throw codedError('invalid_config', 'RRSA reads the OIDC token from a file, which needs Node', {}, 'config');
  return async () => {
    let token;
    try {
      token = String(readFile(file, 'utf8')).trim();
    } catch (error) {
      throw failure(`The OIDC token file cannot be read (${kindOf(error)})`);
    }
    // AssumeRoleWithOIDC is anonymous: the token is the proof, and nothing is signed.
    const body = new URLSearchParams({
      Action: 'AssumeRoleWithOIDC',
      Version: STS_VERSION,
      Format: 'JSON',
      Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      RoleArn: role,
      OIDCProviderArn: provider,
      OIDCToken: token,
      RoleSessionName: roleSessionName,
      DurationSeconds: seconds,
    });
    const reply = await call(fetchOf(fetch), 'STS AssumeRoleWithOIDC', endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() });
    return stsCredentials('STS AssumeRoleWithOIDC', reply);
  };
});

/**
 * The provider a config's `credentialsSource` names, made from the core's `roleSettings()` (which
 * fills in the STS and metadata endpoints); `undefined` for the config's own AccessKey pair.
 */
export function providerForConfig(role, fetch) {
  if (role === undefined) return undefined;
  const { credentialsSource, accessKeyId, accessKeySecret, securityToken, roleArn, roleName, oidcProviderArn, oidcTokenFile, stsEndpoint, metadataEndpoint } = role;
  switch (credentialsSource) {
    case 'assume-role':
      return assumeRoleCredentials({ accessKeyId, accessKeySecret, securityToken, roleArn, endpoint: stsEndpoint, fetch });
    case 'ecs-ram-role':
      return ecsRamRoleCredentials({ roleName, endpoint: metadataEndpoint, fetch });
    case 'oidc-role':
      return oidcRoleCredentials({ roleArn, oidcProviderArn, tokenFile: oidcTokenFile, endpoint: stsEndpoint, fetch });
    default:
      return undefined;
  }
}
