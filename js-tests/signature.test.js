// The signer against the published vectors and against Alibaba's own SDKs as oracles.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import openapiUtil from '@alicloud/openapi-util';
import RPCClient from '@alicloud/pop-core';
import fc from 'fast-check';

import { startEmulator } from '../emulator/index.js';
import { signRpcRequest } from '../lib/index.js';
import { signatureVectors, thrown } from './helpers.js';

const getRPCSignature = (params, method, secret) => openapiUtil.default.getRPCSignature(params, method, secret);

for (const vector of signatureVectors()) {
  test(`vector ${vector.file}: every stage matches`, () => {
    const signed = signRpcRequest(vector.params, vector.secret, vector.method);
    assert.equal(signed.canonicalQuery, vector.canonicalQuery, 'stage 1, canonical query');
    assert.equal(signed.stringToSign, vector.stringToSign, 'stage 2, string-to-sign');
    assert.equal(signed.signature, vector.signature, 'stage 3, signature');
  });
}

const reserved = fc.constantFrom(...` !"#$%&'()*+,/:;<=>?@[\\]^\`{|}~-_.`.split(''), '中', 'é', '😀', '\u{E000}', '\u{10000}', '%20', '+');
const text = fc.oneof(
  fc.constant(''),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.string({ unit: reserved, maxLength: 12 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 24 }),
);
// `Signature` is never signed (the RPC signature page, step 1); `__proto__` cannot be an own key of a literal.
const name = text.filter((k) => k.length > 0 && k !== 'Signature' && k !== '__proto__');
// Plain objects: the SDK's flatMap skips objects without Object.prototype.
const params = fc.dictionary(name, text, { maxKeys: 12 }).map((p) => ({ ...p }));

test('signRpcRequest equals @alicloud/openapi-util getRPCSignature (property, 2000 runs)', () => {
  fc.assert(
    fc.property(params, text, fc.constantFrom('GET', 'POST'), (p, secret, method) => {
      assert.equal(signRpcRequest(p, secret, method).signature, getRPCSignature(p, method, secret));
    }),
    { numRuns: 2000 },
  );
});

test('signRpcRequest agrees with @alicloud/pop-core on requests it sends to the emulator', async () => {
  const emulator = await startEmulator({ accessKeys: { testid: 'testsecret' } });
  try {
    const client = new RPCClient({ accessKeyId: 'testid', accessKeySecret: 'testsecret', endpoint: emulator.url.slice(0, -1), apiVersion: '2015-11-23' });
    const cases = [
      { method: 'GET', params: { AccountName: "<a%b'>", Subject: 'Hello 世界 *~', HtmlBody: '<p>a+b=c&d</p>' } },
      { method: 'POST', params: { AccountName: 'x@y.z', Subject: '', TagName: 'a b', HtmlBody: '😀' } },
    ];
    for (const { method, params: p } of cases) {
      await client.request('SingleSendMail', p, { method, formatParams: false }).catch(() => {});
      const received = emulator.requests.at(-1).params;
      const { Signature, ...unsigned } = received;
      assert.equal(signRpcRequest(unsigned, 'testsecret', method).signature, Signature, `${method} request from pop-core`);
    }
  } finally {
    await emulator.close();
  }
});

test('signRpcRequest names bad arguments with typed errors', async () => {
  for (const [args, path] of [
    [[{ A: 1 }, 's', 'POST'], 'params.A'],
    [[null, 's', 'POST'], 'params'],
    [[{}, undefined, 'POST'], 'secret'],
    [[{}, 's', 'PUT'], 'method'],
  ]) {
    const error = await thrown(() => signRpcRequest(...args));
    assert.ok(error instanceof Error);
    assert.equal(error.code, 'invalid_request_parameters');
    assert.deepEqual(error.data.issues.map((i) => i.path), [path]);
  }
  assert.equal(signRpcRequest({ A: '1' }, 's', 'post').stringToSign, 'POST&%2F&A%3D1', 'still usable afterwards');
  // No cap on the count: the signer sorts with std's stable sort, so any number is linearithmic.
  const many = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`P${19_999 - i}`, '']));
  assert.ok(signRpcRequest(many, 's', 'POST').canonicalQuery.startsWith('P0=&P1=&P10=&P100=&P1000=&P10000=&'), '20,000 parameters, in reverse, are sorted');
});
