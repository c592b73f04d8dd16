// Delivery events: DirectMail's CloudEvents read by parseDeliveryEvent (Aliyun's samples, and the
// same events through MNS), refused by field when they are not events, the sender checked by
// checkEventSecret, and the emulator's events carried end to end: send → event → a handler on
// loopback that reads it and finds the Logto user the mail was for.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { test } from 'node:test';

import createConnector from 'connector-aliyun-dm-wasm';
import { checkEventSecret, DirectMail, DirectMailError, parseDeliveryEvent } from 'connector-aliyun-dm-wasm/client';
import { startEmulator } from 'connector-aliyun-dm-wasm/emulator';

import { makeConfig } from './helpers.js';

const vectors = (name) => JSON.parse(readFileSync(new URL(`../vectors/events/${name}.json`, import.meta.url), 'utf8')).cases;

/** `actual` has every member of `expected`, deeply. */
function assertHas(actual, expected, label) {
  for (const [key, value] of Object.entries(expected)) assert.deepEqual(actual[key], value, `${label}: ${key}`);
}

test("Aliyun's samples, and events of each type, read as typed events: as objects, as text, and through MNS", () => {
  for (const { what, event, expect } of vectors('directmail')) {
    const text = JSON.stringify(event);
    for (const [how, input] of [
      ['object', event],
      ['text', text],
      ['base64 text', Buffer.from(text).toString('base64')],
      ['an MNS queue message', { MessageId: 'm-1', MessageBody: text }],
      ['an MNS queue message, base64', { MessageId: 'm-1', MessageBody: Buffer.from(text).toString('base64') }],
      ['an MNS topic notification', JSON.stringify({ TopicName: 't', Message: text, MessageId: 'm-1' })],
    ]) {
      assertHas(parseDeliveryEvent(input), expect, `${what} (${how})`);
    }
  }
});

test('what is not a DirectMail event is refused by field (vectors/events/bad.json), and the instance keeps working', () => {
  let deep = '{"source":"acs:dm","type":"dm:Deliver:Fail","data":';
  for (let i = 0; i < 200; i += 1) deep += '{"a":';
  deep += '1' + '}'.repeat(201);
  const special = { DEEP: deep, LONG: JSON.stringify({ source: 'acs:dm', type: 'dm:Trace:Open', data: { x: 'y'.repeat(300 * 1024) } }) };
  const good = vectors('directmail')[0].event;
  for (const { what, input, text, path } of vectors('bad')) {
    const given = text === undefined ? input : (special[text] ?? text);
    let error;
    try {
      parseDeliveryEvent(given);
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof DirectMailError, what);
    assert.deepEqual([error.code, error.reason], ['invalid_request_parameters', 'request'], what);
    assert.ok(error.data.issues.some((issue) => issue.path === path), `${what}: ${JSON.stringify(error.data.issues)}`);
    assert.equal(parseDeliveryEvent(good).kind, 'failed', `usable after: ${what}`);
  }
});

test('checkEventSecret takes the right secret from Headers or a Node headers object, and refuses a wrong, missing or longer one', () => {
  checkEventSecret(new Headers({ 'X-DirectMail-Event-Secret': 's3cret' }), 's3cret');
  checkEventSecret({ 'x-directmail-event-secret': 's3cret' }, 's3cret');
  checkEventSecret({ 'x-my-secret': 's3cret' }, 's3cret', 'X-My-Secret');
  for (const headers of [{}, { 'x-directmail-event-secret': 's3cre' }, { 'x-directmail-event-secret': 's3cret!' }, { 'x-directmail-event-secret': 'S3CRET' }, null]) {
    let error;
    try {
      checkEventSecret(headers, 's3cret');
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof DirectMailError, JSON.stringify(headers));
    assert.equal(error.reason, 'auth');
    assert.doesNotMatch(error.message, /s3cret/, 'the secret is never in the message');
  }
  assert.throws(() => checkEventSecret({}, ''), (e) => e.code === 'invalid_request_parameters');
});

test("send → the emulator's events → a loopback handler: the failure is traced to the Logto user, the sender checked", async () => {
  const received = [];
  const refused = [];
  const secret = 'handler-secret-123';
  // The handler an operator would write: check the sender, read the event, act on the Logto user.
  const handler = createServer(async (request, response) => {
    const chunks = [];
    for await (const chunk of request) chunks.push(chunk);
    try {
      checkEventSecret(request.headers, secret);
      received.push(parseDeliveryEvent(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(204).end();
    } catch (error) {
      refused.push(error.reason);
      response.writeHead(error.reason === 'auth' ? 401 : 400).end();
    }
  });
  await new Promise((resolve) => handler.listen(0, '127.0.0.1', resolve));
  const events = `http://127.0.0.1:${handler.address().port}/events`;
  const emulator = await startEmulator({ events, eventSecret: secret });
  const stranger = await startEmulator({ events, eventSecret: 'not-the-secret' });
  try {
    const connector = await createConnector({ getConfig: async () => makeConfig({ endpoint: emulator.url, deliveryEventHeaders: true }) });
    const payload = { code: '123456', user: { id: 'user-42' }, application: { id: 'app-7' } };
    const sent = await connector.sendMessage({ to: 'bounce.ada@example.com', type: 'SignIn', payload });
    const client = new DirectMail({ accessKeyId: 'testid', accessKeySecret: 'testsecret', accountName: 'noreply@mail.example.com', endpoint: emulator.url });
    await client.send({ to: ['bob@example.com', 'carol@example.com'], subject: 's', text: 't', tagName: 'welcome' });
    client.free();
    await emulator.eventsSettled();

    assert.equal(received.length, 3);
    const failed = received.find((e) => e.kind === 'failed');
    assert.deepEqual([failed.envId, failed.recipient, failed.failedType], [sent.EnvId, 'bounce.ada@example.com', 'SmtpNxBox']);
    assert.deepEqual(failed.logto, { usageType: 'SignIn', applicationId: 'app-7', userId: 'user-42' });
    const delivered = received.filter((e) => e.kind === 'delivered');
    assert.deepEqual(delivered.map((e) => [e.recipient, e.tag]).sort(), [['bob@example.com', 'welcome'], ['carol@example.com', 'welcome']]);
    assert.deepEqual(emulator.events.map((e) => e.status), [204, 204, 204]);

    // Events from a sender without the secret are refused before they are read.
    const other = new DirectMail({ accessKeyId: 'testid', accessKeySecret: 'testsecret', accountName: 'noreply@mail.example.com', endpoint: stranger.url });
    await other.send({ to: 'dave@example.com', subject: 's', text: 't' });
    other.free();
    await stranger.eventsSettled();
    assert.deepEqual(refused, ['auth']);
    assert.equal(received.length, 3);
    assert.deepEqual(stranger.events.map((e) => e.status), [401]);
  } finally {
    await emulator.close();
    await stranger.close();
    await new Promise((resolve) => handler.close(resolve));
  }
});

test('an events target that is down or slow leaves the send unaffected; the outcome is recorded', async () => {
  const slow = createServer(() => {});
  await new Promise((resolve) => slow.listen(0, '127.0.0.1', resolve));
  const port = slow.address().port;
  slow.close();
  // A closed port: the POST fails at once, and the mail is still accepted.
  const emulator = await startEmulator({ events: `http://127.0.0.1:${port}/` });
  try {
    const client = new DirectMail({ accessKeyId: 'testid', accessKeySecret: 'testsecret', accountName: 'noreply@mail.example.com', endpoint: emulator.url });
    const sent = await client.send({ to: 'a@example.com', subject: 's', text: 't' });
    client.free();
    assert.ok(sent.envId);
    await emulator.eventsSettled();
    assert.equal(emulator.events.length, 1);
    assert.ok(emulator.events[0].error, JSON.stringify(emulator.events[0]));
  } finally {
    await emulator.close();
  }
});
