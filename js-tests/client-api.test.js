// The mail client's API as a Resend user would write it: `from` as `Name <addr>`, `html` with
// `text`, `to` as an array of up to 100, the caller's AbortSignal, and a `reason` on every error,
// against the emulator on loopback.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { startEmulator } from 'connector-aliyun-dm-wasm/emulator';

import { DirectMail, DirectMailError, parseSendMailReply } from 'connector-aliyun-dm-wasm/client';
import { thrown } from './helpers.js';

const sender = { accessKeyId: 'testid', accessKeySecret: 'testsecret', accountName: 'noreply@mail.example.com' };

test("from: 'Name <addr>' sends from that address with that name; a bare address keeps the config's alias", async () => {
  const emulator = await startEmulator();
  try {
    const mail = new DirectMail({ ...sender, fromAlias: 'Config', endpoint: emulator.url });
    await mail.send({ to: 'a@example.com', from: 'Acme <alerts@mail.example.com>', subject: 's', text: 't' });
    assert.deepEqual([emulator.mails.at(-1).from, emulator.mails.at(-1).fromAlias], ['alerts@mail.example.com', 'Acme']);
    await mail.send({ to: 'a@example.com', from: 'alerts@mail.example.com', subject: 's', text: 't' });
    assert.deepEqual([emulator.mails.at(-1).from, emulator.mails.at(-1).fromAlias], ['alerts@mail.example.com', 'Config']);
    await mail.sendTemplate({ to: 'a@example.com', from: 'Ops <ops@mail.example.com>', templateId: '42' }).catch(() => {});
    assert.equal(emulator.requests.at(-1).params.AccountName, 'ops@mail.example.com');
    // The next mail is from the config's sender again: `from` is this mail's only.
    await mail.send({ to: 'a@example.com', subject: 's', text: 't' });
    assert.deepEqual([emulator.mails.at(-1).from, emulator.mails.at(-1).fromAlias], ['noreply@mail.example.com', 'Config']);
    for (const [from, extra] of [['Acme', {}], ['a@b.co, c@d.co', {}], ['A sender name too long <a@b.co>', {}], ['Acme <a@b.co>', { fromAlias: 'Other' }], [null, {}]]) {
      const error = await thrown(() => mail.send({ to: 'a@example.com', from, subject: 's', text: 't', ...extra }));
      assert.ok(error instanceof DirectMailError);
      assert.deepEqual([error.code, error.reason, error.data.issues.map((i) => i.path)], ['invalid_request_parameters', 'request', ['from']], String(from));
    }
  } finally {
    await emulator.close();
  }
});

test('html and text together send HtmlBody and TextBody, each rendered as its kind', async () => {
  const emulator = await startEmulator();
  try {
    const mail = new DirectMail({ ...sender, endpoint: emulator.url });
    await mail.send({ to: 'a@example.com', subject: 'Code {{code}}', html: '<b>{{code}}</b>', text: 'Code: {{code}}', data: { code: '<1>' } });
    const got = emulator.mails.at(-1);
    assert.deepEqual([got.htmlBody, got.textBody], ['<b>&lt;1&gt;</b>', 'Code: <1>']);
    const missing = await thrown(() => mail.send({ to: 'a@example.com', subject: 's', html: 'h', text: '{{code}}' }));
    assert.deepEqual(missing.data.issues.map((i) => i.path), ['TextBody'], 'a placeholder in the text is checked too');
    const neither = await thrown(() => mail.send({ to: 'a@example.com', subject: 's' }));
    assert.match(neither.message, /give html, text, or both/);
  } finally {
    await emulator.close();
  }
});

test('to: an array of up to 100 addresses; more, an empty one, or an item that is not one address is refused by name', async () => {
  const emulator = await startEmulator();
  try {
    const mail = new DirectMail({ ...sender, endpoint: emulator.url });
    const hundred = Array.from({ length: 100 }, (_, i) => `u${i}@example.com`);
    await mail.send({ to: hundred, subject: 's', text: 't' });
    assert.equal(emulator.mails.at(-1).to.length, 100);
    for (const [to, path] of [[[...hundred, 'x@example.com'], 'to'], [[], 'to'], [['a@example.com', 7], 'to[1]'], [['a@example.com,b@example.com'], 'to[0]']]) {
      const error = await thrown(() => mail.send({ to, subject: 's', text: 't' }));
      assert.deepEqual([error.code, error.data.issues?.[0]?.path ?? error.data.issues], ['invalid_request_parameters', path], JSON.stringify(to).slice(0, 40));
    }
  } finally {
    await emulator.close();
  }
});

/** An AbortSignal that counts the listeners added to it and removed from it. */
function countingSignal() {
  const controller = new AbortController();
  const { signal } = controller;
  const counts = { added: 0, removed: 0 };
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = (...args) => {
    counts.added += 1;
    return add(...args);
  };
  signal.removeEventListener = (...args) => {
    counts.removed += 1;
    return remove(...args);
  };
  return { controller, signal, counts };
}

test("signal: the caller's AbortSignal stops a send before, during and between attempts, and leaves no listener", async () => {
  const emulator = await startEmulator();
  try {
    const mail = new DirectMail({ ...sender, endpoint: emulator.url });
    // Already aborted: nothing is sent.
    const before = emulator.requests.length;
    const early = await thrown(() => mail.send({ to: 'a@example.com', subject: 's', text: 't', signal: AbortSignal.abort() }));
    assert.deepEqual([early.code, early.reason, early.retryable], ['general', 'aborted', false]);
    assert.equal(emulator.requests.length, before);

    // In flight: a fetch that never answers is aborted, with the reason passed on to it.
    let fetchSignal;
    const hanging = new DirectMail({ ...sender, endpoint: emulator.url, fetch: (url, init) => ((fetchSignal = init.signal), new Promise(() => {})) });
    const inFlight = countingSignal();
    const pending = hanging.send({ to: 'a@example.com', subject: 's', text: 't', signal: inFlight.signal });
    setTimeout(() => inFlight.controller.abort(), 20);
    const stopped = await thrown(() => pending);
    assert.equal(stopped.reason, 'aborted');
    assert.equal(fetchSignal.aborted, true);
    assert.deepEqual(inFlight.counts, { added: 1, removed: 1 });
    hanging.free();

    // Between attempts: throttled, then aborted during the back-off; no second attempt.
    const throttled = new DirectMail({ ...sender, endpoint: emulator.url, retries: 3 });
    emulator.failNext(400, 'Throttling.User', 'Request was denied due to user flow control.');
    const backOff = countingSignal();
    const sent = emulator.requests.length;
    const waiting = throttled.send({ to: 'a@example.com', subject: 's', text: 't', signal: backOff.signal });
    // The back-off has begun when it adds its listener (the attempt's was the first); bounded wait.
    for (let i = 0; i < 2_000 && backOff.counts.added < 2; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(backOff.counts.added, 2, 'the send reached its back-off');
    backOff.controller.abort();
    assert.equal((await thrown(() => waiting)).reason, 'aborted');
    assert.equal(emulator.requests.length, sent + 1);
    // The attempt's listener was removed when it settled; the back-off's fired once and went.
    assert.deepEqual(backOff.counts, { added: 2, removed: 1 });
    throttled.free();

    // A send that completes removes its listener too.
    const done = countingSignal();
    await mail.send({ to: 'a@example.com', subject: 's', text: 't', signal: done.signal });
    assert.deepEqual(done.counts, { added: 1, removed: 1 });
    const notASignal = await thrown(() => mail.send({ to: 'a@example.com', subject: 's', text: 't', signal: {} }));
    assert.deepEqual(notASignal.data.issues.map((i) => i.path), ['signal']);
  } finally {
    await emulator.close();
  }
});

test("reason: DirectMail's replies, as vectors/errors/reasons.json lists them, through the package", () => {
  const { cases } = JSON.parse(readFileSync(new URL('../vectors/errors/reasons.json', import.meta.url), 'utf8'));
  for (const c of cases) {
    const body = c.body ?? JSON.stringify({ Code: c.Code, Message: c.Message, RequestId: 'r-1' });
    let error;
    try {
      parseSendMailReply(c.status, body);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof DirectMailError, JSON.stringify(c));
    assert.deepEqual([error.code, error.reason, error.retryable], [c.code, c.reason, c.retryable], JSON.stringify(c));
  }
});

test('reason: a timeout, a network failure, a bad config and a bad mail', async () => {
  const timeout = await thrown(() =>
    new DirectMail({ ...sender, timeoutMs: 100, fetch: () => new Promise(() => {}) }).send({ to: 'a@example.com', subject: 's', text: 't' }),
  );
  assert.equal(timeout.reason, 'timeout');
  const network = await thrown(() =>
    new DirectMail({ ...sender, retries: 0, fetch: () => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })) }).send({
      to: 'a@example.com',
      subject: 's',
      text: 't',
    }),
  );
  assert.deepEqual([network.reason, network.retryable], ['network', true]);
  assert.equal((await thrown(() => new DirectMail({ ...sender, accountName: 'a@b.co, c@d.co' }))).reason, 'config');
  assert.equal((await thrown(() => new DirectMail(sender).send({ to: 'a@example.com', subject: 1, text: 't' }))).reason, 'request');
});
