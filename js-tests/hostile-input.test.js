// Inputs as an adversary, or a careless caller, would give them. Each case here failed on the
// design this package had before its core moved to serde (b98cccf): quadratic parsing, one config's
// mail signed with another's credentials after a reentrant call, lone surrogates replaced unseen,
// untyped errors from host code, and oversized input copied into wasm memory (or trapping it).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import createConnector, {
  buildSendMailRequest,
  parseSendMailReply,
  renderTemplate,
  sendMail,
  validateConfig,
  wasmMemoryBytes,
} from '../lib/index.js';
import { formParams, makeConfig, thrown } from './helpers.js';

const codes = ['general', 'invalid_config', 'invalid_request_parameters', 'invalid_response', 'template_not_found', 'rate_limit_exceeded'];
const message = { to: 'user@example.com', type: 'SignIn', payload: { code: '123456' } };
const pinned = { nonce: 'n-1', timestamp: '2026-01-01T00:00:00Z' };
const ok = JSON.stringify({ EnvId: '1', RequestId: '0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A' });

/** A fetch that records what it was asked and answers success with a real Response. */
function recordingFetch() {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url, params: formParams(init.body) });
    return new Response(ok);
  };
  return Object.assign(fetch, { calls });
}

/** What `fn` threw; fails if it did not throw. */
function thrownSync(fn) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** The shortest of `runs` calls of `fn`, in ms: the least disturbed by GC pauses and the other core. */
function bestMs(fn, runs = 5) {
  let best = Infinity;
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    fn();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/**
 * Asserts that the time grows linearly across `sizes` (each twice the one before): four times the
 * input may take about four times as long, where quadratic work takes sixteen. Judged end to end,
 * which a noisy 2-core machine disturbs less than each step.
 */
function assertLinear(what, sizes, run) {
  run(sizes[0]); // warm up
  const times = sizes.map((size) => bestMs(() => run(size)));
  const ratio = times.at(-1) / Math.max(times[0], 0.5);
  const growth = sizes.at(-1) / sizes[0];
  assert.ok(ratio < growth * 1.75, `${what}: ${sizes.join(' → ')} took ${times.map((t) => t.toFixed(1)).join(' → ')} ms (×${ratio.toFixed(2)} for ×${growth})`);
}

const manyKeys = (n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`key${i}`, `v${i}`]));
/** Printable ASCII that needs no escape in a JSON string: 91 characters. */
const keyChars = Array.from({ length: 0x7f - 0x23 }, (_, i) => String.fromCharCode(0x23 + i)).filter((c) => c !== '\\');
/** The `i`th shortest key over keyChars: 1, 2, then 3 characters. */
function shortKey(i) {
  const n = keyChars.length;
  if (i < n) return keyChars[i];
  if (i < n + n * n) return keyChars[Math.floor((i - n) / n)] + keyChars[(i - n) % n];
  const j = i - n - n * n;
  return keyChars[Math.floor(j / (n * n))] + keyChars[Math.floor(j / n) % n] + keyChars[j % n];
}
/** A reply of `keys` members; at 131,072 it is 1,040,114 bytes, under the 1 MiB reply cap. */
function floodReply(keys = 131_072) {
  const members = Array.from({ length: keys }, (_, i) => `"${shortKey(i)}":0`);
  return `{${members.join(',')}}`;
}

test('linear time: payload keys, template size and reply size', () => {
  const template = Array.from({ length: 500 }, (_, i) => `<p>{{key${i * 37}}}</p>`).join('');
  assertLinear('payload keys', [20_000, 40_000, 80_000], (n) => renderTemplate(template, manyKeys(n)));
  const payload = manyKeys(64);
  assertLinear('template size', [192, 384, 768], (kb) => renderTemplate('<p>{{key7}} {{ key9 }} {{missing}}</p>'.repeat(kb * 28), payload, { html: true }));
  assertLinear('reply keys', [32_768, 65_536, 131_072], (n) => assert.throws(() => parseSendMailReply(200, floodReply(n))));
});

test('a 1 MiB reply of 131,072 keys costs a small multiple of parsing it as JSON, and is answered, not timed out', async () => {
  const body = floodReply();
  assert.equal(body.length, 1_040_114);
  assert.equal(Object.keys(JSON.parse(body)).length, 131_072);
  // Both timed in this run, so a slow machine slows both: handling the reply (JSON.parse, then
  // reading it into the core's types) may cost a few times the parse alone, never orders more.
  const handled = bestMs(() => assert.equal(thrownSync(() => parseSendMailReply(200, body)).code, 'invalid_response'));
  const parsed = bestMs(() => JSON.parse(body));
  assert.ok(handled < 10 * parsed + 5, `handling the reply took ${handled.toFixed(1)} ms, JSON.parse alone ${parsed.toFixed(1)} ms`);
  const error = await thrown(() => sendMail(makeConfig({ timeoutMs: 10_000 }), message, async () => new Response(body)));
  assert.equal(error.code, 'invalid_response', 'the reply is judged, not left to the timer');
});

test("no reentrant call makes one config's mail carry another's credentials, endpoint or sender", async () => {
  const a = makeConfig({ accessKeyId: 'id-A', accountName: 'a@a.example', endpoint: 'https://a.example/' });
  const b = makeConfig({ accessKeyId: 'id-B', accountName: 'b@b.example', endpoint: 'https://b.example/' });
  const meddling = () => validateConfig(b);
  const payloads = {
    getter: () => ({ get code() { meddling(); return '1'; } }),
    toJSON: () => ({ code: { toJSON() { meddling(); return '1'; } } }),
  };
  const assertA = (url, params, what) => {
    assert.equal(url, 'https://a.example/', what);
    assert.equal(params.AccessKeyId, 'id-A', what);
    assert.equal(params.AccountName, 'a@a.example', what);
  };
  for (const [what, payload] of Object.entries(payloads)) {
    const built = buildSendMailRequest(a, { ...message, payload: payload() }, pinned);
    assertA(built.url, formParams(built.body), `buildSendMailRequest, payload ${what}`);
    const fetch = recordingFetch();
    await sendMail(a, { ...message, payload: payload() }, fetch);
    assertA(fetch.calls[0].url, fetch.calls[0].params, `sendMail, payload ${what}`);
    const viaConnector = recordingFetch();
    const connector = await createConnector({ getConfig: async () => a, fetch: viaConnector });
    await connector.sendMessage({ ...message, payload: payload() });
    assertA(viaConnector.calls[0].url, viaConnector.calls[0].params, `sendMessage, payload ${what}`);
  }
  const fetch = recordingFetch();
  const options = { get template() { meddling(); return { subject: 'S', content: 'C' }; } };
  await sendMail(a, message, fetch, options);
  assertA(fetch.calls[0].url, fetch.calls[0].params, 'sendMail, options.template getter');
});

test('a lone surrogate in any field is a typed error naming it, and nothing is sent', async () => {
  const lone = '\uD800';
  const withTemplate = (change) => {
    const config = makeConfig();
    change(config);
    return config;
  };
  const cases = [
    ['to', makeConfig(), { ...message, to: `user${lone}@example.com` }, undefined, 'invalid_request_parameters'],
    ['payload.code', makeConfig(), { ...message, payload: { code: `1${'\uDC00'}` } }, undefined, 'invalid_request_parameters'],
    ['templates[0].subject', withTemplate((c) => { c.templates[0].subject = `s${lone}`; }), message, undefined, 'invalid_config'],
    ['accountName', makeConfig({ accountName: `a${lone}@b.example` }), message, undefined, 'invalid_config'],
    ['fromAlias', makeConfig({ fromAlias: `A${lone}` }), message, undefined, 'invalid_config'],
    ['securityToken', makeConfig({ securityToken: `STS.${lone}` }), message, undefined, 'invalid_config'],
    ['accessKeyId', makeConfig({ accessKeyId: `id${lone}` }), message, undefined, 'invalid_config'],
    ['options.template.subject', makeConfig(), message, { template: { subject: `S${lone}`, content: 'C' } }, 'invalid_request_parameters'],
  ];
  for (const [path, config, data, options, code] of cases) {
    const fetch = recordingFetch();
    const error = await thrown(() => sendMail(config, data, fetch, options));
    assert.equal(error.code, code, path);
    assert.deepEqual(error.data.issues.map((i) => i.path), [path], path);
    assert.equal(fetch.calls.length, 0, `${path}: nothing is sent`);
  }
  assert.equal(thrownSync(() => renderTemplate(`t${lone}`, {})).data.issues[0].path, 'template');
});

test('any value thrown by a getter, a Proxy trap or toJSON becomes a typed error; the instance stays usable', async () => {
  const throwers = { Error: new Error('boom'), null: null, undefined, string: 'boom' };
  for (const [label, value] of Object.entries(throwers)) {
    const throwing = () => {
      throw value;
    };
    const hostile = {
      getter: { get code() { return throwing(); } },
      'Proxy get trap': new Proxy({ code: '1' }, { get: throwing }),
      'Proxy ownKeys trap': new Proxy({ code: '1' }, { ownKeys: throwing }),
      toJSON: { code: { toJSON: throwing } },
    };
    for (const [kind, payload] of Object.entries(hostile)) {
      const what = `${kind} throwing ${label}`;
      const built = thrownSync(() => buildSendMailRequest(makeConfig(), { ...message, payload }, pinned));
      assert.ok(codes.includes(built.code), `buildSendMailRequest: ${what}: ${built}`);
      const sent = await thrown(() => sendMail(makeConfig(), { ...message, payload }, recordingFetch()));
      assert.ok(codes.includes(sent.code), `sendMail: ${what}: ${sent}`);
      const config = makeConfig();
      Object.defineProperty(config, 'fromAlias', { enumerable: true, get: throwing });
      const validated = thrownSync(() => validateConfig(config));
      assert.equal(validated.code, 'invalid_config', `validateConfig: ${what}`);
    }
  }
  // Thousands of them leave the instance as it was.
  for (let i = 0; i < 2000; i += 1) thrownSync(() => buildSendMailRequest(makeConfig(), { ...message, payload: { get code() { throw new Error('x'); } } }, pinned));
  assert.match(buildSendMailRequest(makeConfig(), message, pinned).body, /Signature=/);
});

test('direct exports refuse oversized input before copying it into wasm: no trap, no growth, still usable', () => {
  buildSendMailRequest(makeConfig(), message, pinned);
  const before = wasmMemoryBytes();
  const huge = 'x'.repeat(140 * 1024 * 1024);
  const reply = thrownSync(() => parseSendMailReply(200, huge));
  assert.ok(codes.includes(reply.code), String(reply));
  const template = thrownSync(() => renderTemplate(huge.slice(0, 20 * 1024 * 1024), { code: '1' }));
  assert.equal(template.code, 'invalid_request_parameters');
  const i18n = thrownSync(() => buildSendMailRequest(makeConfig(), message, { ...pinned, template: { subject: 's', content: huge.slice(0, 20 * 1024 * 1024) } }));
  assert.equal(i18n.code, 'invalid_request_parameters');
  const bigTemplate = makeConfig();
  bigTemplate.templates[1].content = huge.slice(0, 17 * 1024 * 1024);
  const config = thrownSync(() => buildSendMailRequest(bigTemplate, message, pinned));
  assert.deepEqual(config.data.issues.map((i) => i.path), ['(config)']);
  assert.ok(wasmMemoryBytes() - before < 1 << 20, `wasm memory grew from ${before} to ${wasmMemoryBytes()} bytes`);
  assert.deepEqual(parseSendMailReply(200, ok), { EnvId: '1', RequestId: '0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A' });
});
