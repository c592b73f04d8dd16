// One error class everywhere: every export of every entry refuses with a DirectMailError, and
// `instanceof DirectMailError` holds across entries (`.`, `/init`, `/inline`), each of which is
// its own bundle with its own copy of the class.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as main from 'connector-aliyun-dm-wasm';
import * as inline from 'connector-aliyun-dm-wasm/inline';
import * as initEntry from 'connector-aliyun-dm-wasm/init';

await initEntry.init(readFileSync(fileURLToPath(import.meta.resolve('connector-aliyun-dm-wasm/wasm'))));
const entries = { '.': main, '/inline': inline, '/init': initEntry };

/** What `f` throws or rejects with. */
async function refusal(f) {
  try {
    await f();
  } catch (error) {
    return error;
  }
  assert.fail('expected a refusal');
}

const throwing = (value) => ({
  get ALIBABA_CLOUD_ACCESS_KEY_ID() {
    throw value;
  },
});

/** [what, the call, the code expected] for one entry's exports. */
const calls = (m) => [
  ['validateConfig(null)', () => m.validateConfig(null), 'invalid_config'],
  ['validateConfig without templates', () => m.validateConfig({ accessKeyId: 'a', accessKeySecret: 'b', accountName: 'c@d.ef' }), 'invalid_config'],
  ['buildSendMailRequest with a bad message', () => m.buildSendMailRequest({ accessKeyId: 'a', accessKeySecret: 'b', accountName: 'c@d.ef', templates: [] }, null), 'invalid_config'],
  ['parseSendMailReply with no status', () => m.parseSendMailReply('200', '{}'), 'invalid_request_parameters'],
  ['parseSendMailReply of a non-reply', () => m.parseSendMailReply(200, 'not json'), 'invalid_response'],
  ['sendMail(null)', () => m.sendMail(null, {}, fetch), 'invalid_config'],
  ['signRpcRequest(null)', () => m.signRpcRequest(null, 'secret'), 'invalid_request_parameters'],
  ['signRpcRequest with a number secret', () => m.signRpcRequest({ Action: 'x' }, 5), 'invalid_request_parameters'],
  ['renderTemplate(5)', () => m.renderTemplate(5, {}), 'invalid_request_parameters'],
  ['parseDeliveryEvent(null)', () => m.parseDeliveryEvent(null), 'invalid_request_parameters'],
  ['parseDeliveryEvent of a getter that throws', () => m.parseDeliveryEvent(throwing(new RangeError('boom'))), 'invalid_request_parameters'],
  ['checkEventSecret with a number secret', () => m.checkEventSecret({}, 5), 'invalid_request_parameters'],
  ['checkEventSecret with the wrong secret', () => m.checkEventSecret({ 'x-directmail-event-secret': 'a' }, 'b'), 'general'],
  ['new DirectMail(null)', () => new m.DirectMail(null), 'invalid_config'],
  ['DirectMail.fromEnv({})', () => m.DirectMail.fromEnv({}), 'invalid_config'],
  ['DirectMail.fromEnv with a getter throwing null', () => m.DirectMail.fromEnv(throwing(null)), 'invalid_config'],
  ['DirectMail.fromEnv with a getter throwing a RangeError', () => m.DirectMail.fromEnv(throwing(new RangeError('boom'))), 'invalid_config'],
  ['DirectMail.fromEnv with a config getter throwing', () => m.DirectMail.fromEnv({ ALIBABA_CLOUD_ACCESS_KEY_ID: 'a', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'b' }, throwing(7)), 'invalid_config'],
];

test('every export of every entry refuses with a DirectMailError of the expected code', async () => {
  for (const [entry, m] of Object.entries(entries)) {
    for (const [what, call, code] of calls(m)) {
      const error = await refusal(call);
      assert.ok(error instanceof Error, `${entry} ${what}: ${error}`);
      assert.ok(error instanceof m.DirectMailError, `${entry} ${what}: not a DirectMailError: ${error?.constructor?.name} ${error?.message}`);
      assert.equal(error.name, 'DirectMailError', `${entry} ${what}`);
      assert.equal(error.code, code, `${entry} ${what}: ${error.message}`);
    }
  }
});

test('instanceof DirectMailError holds across entries, and only for DirectMailErrors', async () => {
  for (const [from, m] of Object.entries(entries)) {
    const error = await refusal(() => m.validateConfig({}));
    for (const [to, other] of Object.entries(entries)) {
      assert.ok(error instanceof other.DirectMailError, `an error from ${from} is a DirectMailError of ${to}`);
    }
  }
  for (const notOurs of [new Error('x'), Object.assign(new Error('x'), { code: 'invalid_config' }), {}, null, 'invalid_config']) {
    assert.equal(notOurs instanceof main.DirectMailError, false, String(notOurs));
  }
});

test('a freed or unusable entry still refuses with DirectMailError', async () => {
  const client = new main.DirectMail({ accessKeyId: 'a', accessKeySecret: 'b', accountName: 'c@d.ef', fetch });
  client.free();
  const error = await refusal(() => client.send({ to: 'u@example.com', subject: 's', text: 't' }));
  assert.ok(error instanceof inline.DirectMailError);
});
