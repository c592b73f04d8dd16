// The secret scan: every error path runs with a distinctive AccessKey secret and STS token, and
// no message, data, stack, util.inspect output, console line or CLI output may hold either one,
// raw, percent-encoded (once or twice, either hex case, as encodeURIComponent or a form writes it),
// base64 (standard or URL-safe) or JSON-escaped. Servers are on 127.0.0.1 only.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';

import { startEmulator } from '../emulator/index.js';
import createConnector, { buildSendMailRequest, configGuard, sendMail, validateConfig } from '../lib/index.js';
import { makeConfig, thrown } from './helpers.js';

const SECRET = 'Sk9+Scan/Secret="q"-中文 (x)*';
const TOKEN = 'STS.Scan+Token/"quote"\n中文-CAESPgoJ (y)!*~';
const RIGHT_SECRET = 'the-right-secret';

const percentEncode = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const lowerHex = (s) => s.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
const jsonEscaped = (s) => JSON.stringify(s).slice(1, -1);
const asciiJson = (s) => jsonEscaped(s).replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Every form a credential may take in what a server, a log or this package writes. */
function formsOf(credential) {
  const once = percentEncode(credential);
  return {
    raw: credential,
    percent: once,
    'percent, lowercase hex': lowerHex(once),
    'percent twice': percentEncode(once),
    'percent twice, lowercase hex': lowerHex(percentEncode(once)),
    encodeURIComponent: encodeURIComponent(credential),
    'form-encoded': new URLSearchParams({ x: credential }).toString().slice(2),
    base64: Buffer.from(credential).toString('base64'),
    base64url: Buffer.from(credential).toString('base64url'),
    'JSON-escaped': jsonEscaped(credential),
    'JSON-escaped, ASCII only': asciiJson(credential),
  };
}
const needles = Object.entries({ secret: formsOf(SECRET), token: formsOf(TOKEN) }).flatMap(([which, forms]) =>
  Object.entries(forms).map(([form, text]) => ({ what: `the ${which}, ${form}`, text })),
);

/** Fails if `text` holds any form of either credential. */
function assertClean(where, text) {
  for (const { what, text: needle } of needles) assert.ok(!String(text).includes(needle), `${where} holds ${what}:\n${text}`);
}

/** Everything an error shows: message, data, stack, and util.inspect of it. */
function assertErrorClean(where, error) {
  assert.ok(error instanceof Error, `${where}: ${inspect(error)}`);
  assertClean(`${where}: message`, error.message);
  assertClean(`${where}: data`, JSON.stringify(error.data));
  assertClean(`${where}: stack`, error.stack);
  assertClean(`${where}: inspect`, inspect(error, { depth: 20, showHidden: true }));
}

// Every console line written during the scan, checked at the end.
const consoleLines = [];
const originals = {};
let emulator;
let dir;
before(async () => {
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    originals[level] = console[level];
    console[level] = (...args) => {
      consoleLines.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 20 }))).join(' '));
      originals[level](...args);
    };
  }
  emulator = await startEmulator({ accessKeys: { 'scan-id': RIGHT_SECRET } });
  dir = mkdtempSync(join(tmpdir(), 'aliyun-dm-scan-'));
});
after(async () => {
  Object.assign(console, originals);
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

const message = { to: 'user@example.com', type: 'SignIn', payload: { code: '123456' } };
const scanConfig = (overrides = {}) => makeConfig({ accessKeyId: 'scan-id', accessKeySecret: SECRET, securityToken: TOKEN, endpoint: emulator.url, ...overrides });

/** A server on 127.0.0.1 answering each request with `handler(params, body)` → [status, headers, body]. */
async function loopbackServer(handler) {
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const [status, headers, reply] = handler(Object.fromEntries(new URLSearchParams(body)), body);
      res.writeHead(status, headers).end(reply);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((resolve) => server.close(resolve)) };
}

test('a wrong secret: DirectMail quotes the string-to-sign, token included, and no error shows it', async () => {
  const sent = await thrown(() => sendMail(scanConfig(), message, fetch));
  assert.equal(sent.data.Code, 'SignatureDoesNotMatch');
  assert.match(sent.data.errorDescription, /server string to sign is:POST&%2F&AccessKeyId%3Dscan-id/, 'the rest of the string-to-sign is kept for debugging');
  assertErrorClean('sendMail', sent);
  const connector = await createConnector({ getConfig: async () => scanConfig() });
  assertErrorClean('sendMessage', await thrown(() => connector.sendMessage(message)));
  assertClean('inspect(connector)', inspect(connector, { depth: 20, showHidden: true }));
});

test('signature V3: the canonical request a wrong secret makes DirectMail quote, token header included, shows neither credential', async () => {
  // A token that can be a header value (printable ASCII): V3 sends it as x-acs-security-token.
  const headerToken = 'STS.Scan+Token/"quote"-CAESPgoJ (y)!*~';
  const sent = await thrown(() => sendMail(scanConfig({ signatureVersion: 'v3', securityToken: headerToken }), message, fetch));
  assert.equal(sent.data.Code, 'SignatureDoesNotMatch');
  assert.match(sent.data.errorDescription, /server string to sign is:POST\n\/\n/, 'the rest of the canonical request is kept for debugging');
  for (const [name, form] of Object.entries(formsOf(headerToken))) {
    assert.ok(!JSON.stringify(sent.data).includes(form) && !sent.message.includes(form), `the token (${name}) in a V3 error`);
  }
  assertErrorClean('sendMail, V3', sent);
  // A token that cannot be a header value is refused by name before sending, without showing it.
  const refused = await thrown(() => sendMail(scanConfig({ signatureVersion: 'v3' }), message, fetch));
  assert.equal(refused.code, 'invalid_config');
  assert.deepEqual(refused.data.issues.map((i) => i.path), ['securityToken']);
  assertErrorClean('sendMail, V3, a token that is no header value', refused);
});

test('every row of the error table, through the emulator', async () => {
  const rows = [['Throttling.User', 400], ['InvalidAccessKeyId.NotFound', 404], ['InvalidSecurityToken.Expired', 400], ['InvalidTimeStamp.Expired', 400], ['InvalidSendMail.Spam', 400], ['ServiceUnavailable', 503]];
  for (const [code, status] of rows) {
    emulator.failNext(status, code, `Emulated ${code}; the request was ${TOKEN} ${SECRET}`);
    assertErrorClean(code, await thrown(() => sendMail(scanConfig(), message, fetch)));
  }
});

test('servers that echo the request, in any encoding, at any status', async () => {
  const echoes = {
    'an HTML page with the raw body': (params, body) => `<html><body><pre>${body}</pre></body></html>`,
    'Aliyun JSON whose Message quotes the parameters': (params) => JSON.stringify({ Code: 'Echo', Message: JSON.stringify(params), RequestId: params.SecurityToken, HostId: Buffer.from(params.SecurityToken).toString('base64'), Recommend: asciiJson(params.SecurityToken) }),
    'a page with the token base64-encoded': (params) => `token=${Buffer.from(params.SecurityToken).toString('base64url')}`,
    'the token straddling the 512-byte cut': (params, body) => `${'x'.repeat(500)}${params.SecurityToken}${body}`,
  };
  for (const [what, render] of Object.entries(echoes)) {
    for (const status of [200, 400, 502]) {
      const server = await loopbackServer((params, body) => [status, { 'content-type': 'text/html' }, render(params, body)]);
      try {
        assertErrorClean(`${what}, HTTP ${status}`, await thrown(() => sendMail(scanConfig({ endpoint: server.url }), message, fetch)));
      } finally {
        await server.close();
      }
    }
  }
});

test('a redirect towards a server that echoes: never followed, and the Location is cut to its origin', async () => {
  const echo = await loopbackServer((params, body) => [400, {}, `<pre>${body}</pre>`]);
  const redirecting = await loopbackServer((params) => [307, { location: `${echo.url}steal?token=${encodeURIComponent(params.SecurityToken)}` }, '']);
  try {
    assertErrorClean('307', await thrown(() => sendMail(scanConfig({ endpoint: redirecting.url }), message, fetch)));
  } finally {
    await redirecting.close();
    await echo.close();
  }
});

test('a fetch that fails with the request in its message', async () => {
  const leaky = async (url, init) => {
    throw new TypeError(`cannot send ${init.body}`, { cause: new Error(`body was ${init.body}`) });
  };
  assertErrorClean('fetch rejects', await thrown(() => sendMail(scanConfig(), message, leaky)));
  const leakySync = (url, init) => {
    throw new Error(init.body);
  };
  assertErrorClean('fetch throws', await thrown(() => sendMail(scanConfig(), message, leakySync)));
});

test('malformed configs', async () => {
  const configs = [
    { accessKeySecret: SECRET, regionId: SECRET },
    { accessKeySecret: SECRET, templates: SECRET },
    { accessKeySecret: [SECRET], securityToken: { token: TOKEN } },
    { accessKeySecret: SECRET, endpoint: `http://example.com/${SECRET}` },
    { accessKeySecret: SECRET, fromAlias: SECRET, accountName: TOKEN, tagName: TOKEN },
    { accessKeySecret: SECRET, securityToken: TOKEN, timeoutMs: Number.NaN, retries: SECRET },
  ].map((overrides) => makeConfig(overrides));
  for (const [i, config] of configs.entries()) {
    assertErrorClean(`validateConfig #${i}`, (() => { try { validateConfig(config); } catch (error) { return error; } })());
    assertErrorClean(`buildSendMailRequest #${i}`, (() => { try { buildSendMailRequest(config, message); } catch (error) { return error; } })());
    const parsed = configGuard.safeParse(config);
    assert.equal(parsed.success, false);
    assertClean(`configGuard #${i}`, inspect(parsed, { depth: 20, showHidden: true }));
    const connector = await createConnector({ getConfig: async () => config });
    assertErrorClean(`sendMessage #${i}`, await thrown(() => connector.sendMessage(message)));
  }
});

/** Runs the CLI; resolves with everything it printed. */
function runCli(args) {
  const cli = fileURLToPath(new URL('../bin/aliyun-dm.js', import.meta.url));
  return new Promise((resolve) => execFile(process.execPath, [cli, ...args], (error, stdout, stderr) => resolve(`${stdout}\n${stderr}`)));
}

test('the CLI: a malformed config file, a dry run, and a send that DirectMail refuses', async () => {
  const file = (name, text) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  // The secret unquoted, where JSON.parse's own message would quote it.
  const plainSecret = 'LeakMe-S3cret-9876-ScanOnly';
  const malformed = await runCli(['send', '--config', file('malformed.json', `{"accessKeyId":"testid","accessKeySecret":${plainSecret}}`), '--to', 'a@b.example']);
  assert.match(malformed, /not valid JSON: line 1, column 43/);
  assert.ok(!malformed.includes(plainSecret.slice(0, 6)), malformed);
  const config = file('config.json', JSON.stringify(scanConfig()));
  assertClean('aliyun-dm --dry-run', await runCli(['send', '--config', config, '--to', 'a@b.example', '--dry-run']));
  assertClean('aliyun-dm send', await runCli(['send', '--config', config, '--to', 'a@b.example']));
});

test('no console line written during the scan holds either credential', () => {
  for (const line of consoleLines) assertClean('a console line', line);
});
