// The error-mapping table row by row through the emulator, the retry policy, and injected faults:
// every failure is a typed ConnectorError, with no unhandled rejection.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { ConnectorError } from '@logto/connector-kit';

import { startEmulator } from '../emulator/index.js';
import createConnector, { sendMail } from '../lib/index.js';
import { makeConfig, replyingFetch, thrown } from './helpers.js';

const unhandled = [];
const onUnhandled = (reason) => unhandled.push(reason);
let emulator;
before(async () => {
  process.on('unhandledRejection', onUnhandled);
  emulator = await startEmulator();
});
after(async () => {
  await emulator.close();
  process.off('unhandledRejection', onUnhandled);
});

const message = { to: 'user@example.com', type: 'SignIn', payload: { code: '1' } };

// [Aliyun Code, HTTP status, Logto code, hint pattern]: the README's "Errors" table.
const table = [
  ['Throttling.User', 400, 'rate_limit_exceeded', /throttling/i],
  ['Throttling.Api', 400, 'rate_limit_exceeded', /throttling/i],
  // general, not invalid_config: Logto shows a general error's errorDescription, and drops the
  // data of an invalid_config one; the operator needs DirectMail's message and the hint.
  ['SignatureDoesNotMatch', 400, 'general', /accessKeySecret/],
  ['InvalidAccessKeyId.NotFound', 404, 'general', /accessKeyId/],
  ['InvalidAccessKeyId.Inactive', 400, 'general', /accessKeyId/],
  ['InvalidSecurityToken.Expired', 400, 'general', /securityToken/],
  ['InvalidMailAddress.NotFound', 404, 'general', /accountName/],
  ['InvalidTimeStamp.Expired', 400, 'general', /clock/],
  ['SignatureNonceUsed', 400, 'general', /SignatureNonce/],
  ['InvalidSendMail.Spam', 400, 'general', /spam/],
  ['InvalidToAddress', 400, 'general', /recipient/],
  ['ServiceUnavailable', 503, 'general', /server error/],
  ['InternalError', 500, 'general', /server error/],
  ['InvalidSubject.Malformed', 400, 'general', /subject/],
  // A code the table does not know: DirectMail's words, and no hint.
  ['InvalidSomethingNew', 400, 'general', undefined],
];

for (const [code, status, expected, hint] of table) {
  test(`Aliyun ${code} (HTTP ${status}) → ${expected}`, async () => {
    emulator.failNext(status, code);
    const connector = await createConnector({ getConfig: async () => makeConfig({ endpoint: emulator.url }) });
    const error = await thrown(() => connector.sendMessage(message));
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.code, expected);
    assert.equal(error.data.Code, code);
    assert.equal(error.data.status, status);
    if (hint) assert.match(error.data.hint, hint);
    else assert.equal(error.data.hint, undefined);
    // The sentence Logto's Console shows: DirectMail's Code and Message, and the hint.
    assert.ok(error.data.errorDescription.startsWith(`${code}: Emulated ${code}`), error.data.errorDescription);
    if (hint) assert.ok(error.data.errorDescription.endsWith(` — ${error.data.hint}`), error.data.errorDescription);
  });
}

test("DirectMail's quota messages → usage_limit_exceeded; its spam refusal stays general", async () => {
  const connector = await createConnector({ getConfig: async () => makeConfig({ endpoint: emulator.url }) });
  // The messages of Aliyun's return-code page: 552 for a used-up quota, 554 for spam.
  for (const [text, expected] of [
    ['552 Daily sending quota exceeded', 'usage_limit_exceeded'],
    ['552 Monthly sending quota exceeded', 'usage_limit_exceeded'],
    ['552 Not enough sending quota', 'usage_limit_exceeded'],
    ['554 Reject by content spam', 'general'],
  ]) {
    emulator.failNext(400, 'InvalidSendMail.Spam', text);
    const error = await thrown(() => connector.sendMessage(message));
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.code, expected, text);
    assert.ok(error.data.errorDescription.startsWith(`InvalidSendMail.Spam: ${text}`), error.data.errorDescription);
    if (expected === 'usage_limit_exceeded') assert.match(error.data.hint, /quota/);
  }
});

test('5xx HTML → general with the status; unparseable 2xx and 4xx → invalid_response', async () => {
  for (const [status, body, code] of [
    [502, '<html><body>Bad Gateway</body></html>', 'general'],
    [200, '{"EnvId":"1","Req', 'invalid_response'],
    [200, '', 'invalid_response'],
    [403, 'Forbidden', 'invalid_response'],
  ]) {
    const error = await thrown(() => sendMail(makeConfig(), message, replyingFetch(status, body)));
    assert.equal(error.code, code, `${status} ${body}`);
    assert.equal(error.data.status, status);
  }
});

test('throttling is retried, re-signed with a fresh nonce each time, up to the retry setting', async () => {
  emulator.failNext(400, 'Throttling.User');
  emulator.failNext(400, 'Throttling.User');
  const before = emulator.requests.length;
  const reply = await sendMail(makeConfig({ endpoint: emulator.url, retries: 2 }), message, fetch);
  const attempts = emulator.requests.slice(before);
  assert.equal(attempts.length, 3);
  assert.equal(new Set(attempts.map((r) => r.params.SignatureNonce)).size, 3);
  assert.equal(emulator.mails.at(-1).envId, reply.EnvId, 'the third attempt was verified and delivered');
});

test('retries stay bounded, and nothing else is retried', async () => {
  for (const [status, code, retries, expectedAttempts] of [
    [400, 'Throttling.User', 0, 1],
    [400, 'Throttling.User', 1, 2],
    [400, 'SignatureDoesNotMatch', 3, 1],
    [503, 'ServiceUnavailable', 3, 1],
  ]) {
    // As many failures as the most attempts could use, so a success can't hide a missing retry.
    for (let i = 0; i <= retries; i += 1) emulator.failNext(status, code);
    const before = emulator.requests.length;
    await thrown(() => sendMail(makeConfig({ endpoint: emulator.url, retries }), message, fetch));
    assert.equal(emulator.requests.length - before, expectedAttempts, `${code} with retries ${retries}`);
    emulator.clearScripts();
  }
});

test('a refused connection (nothing sent) is retried; the error keeps its cause', async () => {
  const closed = await startEmulator();
  await closed.close();
  let calls = 0;
  const counting = (...args) => {
    calls += 1;
    return fetch(...args);
  };
  const error = await thrown(() => sendMail(makeConfig({ endpoint: closed.url, retries: 2 }), message, counting));
  assert.equal(calls, 3);
  assert.equal(error.code, 'general');
  assert.match(error.data.cause, /ECONNREFUSED|fetch failed/);
});

test('a server that never answers times out, and is not retried (it may have sent the mail)', async () => {
  emulator.script(() => {}); // accepts the request and never answers
  let calls = 0;
  const counting = (...args) => {
    calls += 1;
    return fetch(...args);
  };
  const error = await thrown(() => sendMail(makeConfig({ endpoint: emulator.url, timeoutMs: 300, retries: 3 }), message, counting));
  assert.equal(error.code, 'general');
  assert.match(error.message, /did not answer within 300 ms/);
  assert.equal(error.data.timedOut, true);
  assert.equal(error.retryable, false);
  assert.equal(calls, 1);
});

test('the timeout holds against a body that yields empty chunks forever, or chunks that never let timers run', async () => {
  // Run in a child, with a kill timer: where the timeout does not hold, the read loop never yields
  // to timers, and the process hangs until it runs out of memory.
  const script = `
    import { DirectMail } from ${JSON.stringify(new URL('../lib/index.js', import.meta.url).href)};
    const busy = (ms) => { const end = Date.now() + ms; while (Date.now() < end); };
    const cases = {
      // Settles each read at once, so only a bound on the number of chunks stops it.
      empty: { pull(c) { c.enqueue(new Uint8Array(0)); } },
      // Each chunk takes 50 ms of work before it is there: timers never get a turn.
      busy: { pull(c) { busy(50); c.enqueue(new Uint8Array([32])); } },
    };
    const outcomes = {};
    for (const [name, source] of Object.entries(cases)) {
      const mail = new DirectMail({ accessKeyId: 'testid', accessKeySecret: 'testsecret', accountName: 'a@example.com', timeoutMs: 300, fetch: async () => new Response(new ReadableStream(source)) });
      try { await mail.send({ to: 'u@example.com', subject: 's', text: 't' }); outcomes[name] = 'sent'; }
      catch (e) { outcomes[name] = { code: e.code, timedOut: e.data?.timedOut === true, chunks: /chunks/.test(e.message) }; }
    }
    console.log(JSON.stringify(outcomes));`;
  const { execFile } = await import('node:child_process');
  const out = await new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '--max-old-space-size=256', '-e', script], { timeout: 60_000 }, (error, stdout) => resolve({ error, stdout }));
  });
  assert.equal(out.error, null, `the send hung or crashed: ${out.error}`);
  const { empty, busy } = JSON.parse(out.stdout);
  assert.deepEqual([empty.code, empty.chunks], ['general', true], JSON.stringify(empty));
  // The deadline stopped it, not the chunk bound (4,096 chunks of 50 ms would outlast the kill timer).
  assert.deepEqual([busy.code, busy.timedOut, busy.chunks], ['general', true, false], JSON.stringify(busy));
});

test('injected fetch faults each give a typed error', async () => {
  const cases = [
    ['rejects', async () => { throw new TypeError('network down'); }, 'general', /network down/],
    ['throws instead of returning a promise', () => { throw new TypeError('sync failure'); }, 'general', /sync failure/],
    ['rejects with a value that cannot be printed', async () => { throw { toString() { throw new Error('no'); } }; }, 'general', /cannot be printed/],
    ['hangs and ignores the abort signal', () => new Promise(() => {}), 'general', /did not answer within 200 ms/],
    ['answers a body that never ends', async () => new Response(new ReadableStream({ start() {} }), { status: 200 }), 'general', /did not answer/],
    ['answers 10 MB', async () => new Response('x'.repeat(10 * 1024 * 1024), { status: 200 }), 'invalid_response', /larger than/],
    ['answers 10 MB without a stream', async () => ({ status: 200, text: async () => 'x'.repeat(10 * 1024 * 1024) }), 'invalid_response', /larger than/],
    ['answers a non-Response', async () => null, 'general', /failed/],
  ];
  for (const [what, fakeFetch, code, pattern] of cases) {
    const error = await thrown(() => sendMail(makeConfig({ timeoutMs: 200 }), message, fakeFetch));
    assert.equal(error.code, code, what);
    assert.match(error.message, pattern, what);
  }
  const connector = await createConnector({ getConfig: async () => makeConfig({ timeoutMs: 200 }), fetch: () => new Promise(() => {}) });
  assert.ok((await thrown(() => connector.sendMessage(message))) instanceof ConnectorError, 'a ConnectorError through the connector');
});

test('a redirect is refused: typed, naming the status and the origin, never followed, never retried', async () => {
  const { createServer } = await import('node:http');
  const listen = (handler) =>
    new Promise((resolve) => {
      const server = createServer(handler);
      server.listen(0, '127.0.0.1', () => resolve(server));
    });
  let reached = 0;
  // Where a followed redirect would land: it answers like DirectMail, so following would look like success.
  const elsewhere = await listen((req, res) => {
    reached += 1;
    req.resume();
    res.setHeader('content-type', 'application/json').end('{"EnvId":"1","RequestId":"0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A"}');
  });
  const target = `http://127.0.0.1:${elsewhere.address().port}`;
  let asked = 0;
  let status = 307;
  const redirecting = await listen((req, res) => {
    asked += 1;
    req.resume();
    res.writeHead(status, { location: `${target}/collect?x=1` }).end();
  });
  try {
    for (status of [301, 302, 303, 307, 308]) {
      asked = 0;
      const config = makeConfig({ endpoint: `http://127.0.0.1:${redirecting.address().port}/`, retries: 3 });
      const error = await thrown(() => sendMail(config, message, fetch));
      assert.equal(error.code, 'general', `${status}`);
      assert.equal(error.data.status, status);
      assert.equal(error.data.location, target);
      assert.match(error.message, new RegExp(`HTTP ${status}.*redirect to ${target}`));
      assert.equal(asked, 1, `${status}: not retried`);
    }
    assert.equal(reached, 0, 'no request was sent where the Location pointed');
    const opaque = await thrown(() => sendMail(makeConfig(), message, async () => ({ status: 0, type: 'opaqueredirect', body: null })));
    assert.equal(opaque.code, 'general');
    assert.match(opaque.message, /redirect/);
  } finally {
    redirecting.close();
    elsewhere.close();
  }
});

test('bad per-call options are named', async () => {
  for (const [options, path] of [[{ timeoutMs: -1 }, 'options.timeoutMs'], [{ timeoutMs: '5' }, 'options.timeoutMs'], [{ retries: 4 }, 'options.retries']]) {
    const error = await thrown(() => sendMail(makeConfig(), message, fetch, options));
    assert.equal(error.code, 'invalid_request_parameters');
    assert.deepEqual(error.data.issues.map((i) => i.path), [path]);
  }
});

test('no unhandled rejection happened in any of the above', async () => {
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(unhandled, []);
});
