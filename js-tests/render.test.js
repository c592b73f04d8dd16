// renderTemplate against @logto/connector-kit's replaceSendMessageHandlebars as the oracle.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { replaceSendMessageHandlebars } from '@logto/connector-kit';
import fc from 'fast-check';

import { renderTemplate } from '../lib/index.js';
import { thrown } from './helpers.js';

const roots = ['code', 'link', 'user', 'list', 'n', 'x_1', 'locale'];
const paths = [...roots, 'user.name', 'user.profile.avatar', 'list.0', 'list.1', 'list.01', 'list.length', 'code.length', 'a..b', '.code', 'code.', 'user.name.first'];
const space = fc.constantFrom('', ' ', '  ', '\t', '\n', '\u3000', '\u00a0', '\ufeff', '\u0085', '\u200b');
const placeholder = fc.tuple(space, fc.constantFrom(...paths), space).map(([a, key, b]) => `{{${a}${key}${b}}}`);
const literal = fc.string({ unit: fc.constantFrom('{', '}', ' ', '.', 'a', 'é', '😀', '<', '&', '\n'), maxLength: 8 });
const template = fc.array(fc.oneof(placeholder, literal, fc.string({ unit: 'binary', maxLength: 6 })), { maxLength: 10 }).map((parts) => parts.join(''));
// JSON values, as payloads arrive from Logto: strings, numbers of every shape, nested objects, arrays.
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.double({ noNaN: false }),
  fc.string({ unit: 'binary' }),
  fc.record({ name: fc.jsonValue({ maxDepth: 1 }), profile: fc.option(fc.record({ avatar: fc.string() })) }),
);
/** A deep copy with ordinary prototypes: fast-check builds null-prototype records, Logto never does. */
const plain = (v) =>
  Array.isArray(v) ? v.map(plain) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)])) : v;
const payload = fc.dictionary(fc.constantFrom(...roots), value).map(plain);

test('renderTemplate equals replaceSendMessageHandlebars (property, 3000 runs)', () => {
  fc.assert(
    fc.property(template, payload, (t, p) => {
      let expected;
      try {
        expected = replaceSendMessageHandlebars(t, p);
      } catch (error) {
        // connector-kit's String(value) throws for an object with a toString member that is no
        // function (a documented difference, below); this package renders it and never throws.
        assert.ok(error instanceof TypeError, String(error));
        assert.equal(typeof renderTemplate(t, p), 'string');
        return;
      }
      assert.equal(renderTemplate(t, p), expected);
    }),
    { numRuns: 3000 },
  );
});

test('documented difference: an object whose toString member is no function renders as [object Object], where connector-kit throws', () => {
  const payload = { link: { toString: '' } };
  assert.throws(() => replaceSendMessageHandlebars('{{link}}', payload), TypeError);
  assert.equal(renderTemplate('{{link}}', payload), '[object Object]');
});

test('renderTemplate follows connector-kit on its documented examples', () => {
  const cases = [
    ['Your verification code is {{code}}', { code: '123456' }, 'Your verification code is 123456'],
    ['Your application name is {{application.name}}', { application: { name: 'Logto' } }, 'Your application name is Logto'],
    ['Your application name is {{application.name}}', { application: {} }, 'Your application name is '],
    ['Your verification code is {{code}}', {}, 'Your verification code is {{code}}'],
    ['Your application name is {{application.name}}', {}, 'Your application name is {{application.name}}'],
  ];
  for (const [t, p, expected] of cases) {
    assert.equal(renderTemplate(t, p), expected);
    assert.equal(replaceSendMessageHandlebars(t, p), expected, 'the oracle agrees');
  }
});

test('renderTemplate with {html: true} escapes values, never the template', () => {
  const out = renderTemplate('<a href="{{link}}">{{name}}</a>', { link: 'https://x/?a=1&b="2"', name: '<script>' }, { html: true });
  assert.equal(out, '<a href="https://x/?a=1&amp;b=&quot;2&quot;">&lt;script&gt;</a>');
});

test('renderTemplate rejects bad arguments with typed errors', async () => {
  for (const [args, path] of [
    [[42, {}], 'template'],
    [['{{code}}', null], 'payload'],
    [['{{code}}', 'x'], 'payload'],
    [['{{a}}'.repeat(1000), { a: 'x'.repeat(10_000) }], 'template'],
  ]) {
    const error = await thrown(() => renderTemplate(...args));
    assert.equal(error.code, 'invalid_request_parameters');
    assert.deepEqual(error.data.issues.map((i) => i.path), [path]);
  }
  let deep = {};
  for (let i = 0; i < 100; i += 1) deep = { deep };
  assert.equal((await thrown(() => renderTemplate('{{deep}}', deep))).code, 'invalid_request_parameters');
  assert.equal(renderTemplate('{{code}}', { code: 1 }), '1', 'still usable afterwards');
});

test('documented difference: only own payload keys are read, never Object.prototype', () => {
  assert.equal(renderTemplate('{{toString}} {{constructor.name}}', {}), '{{toString}} {{constructor.name}}');
  assert.match(replaceSendMessageHandlebars('{{toString}}', {}), /function toString/, 'connector-kit reads the prototype');
});

test('non-JSON payload values render as String(value) does: NaN, Infinity, BigInt, Date, undefined', () => {
  const date = new Date(0);
  const payload = { a: Number.NaN, b: -Infinity, c: 10n, d: date, e: undefined, f: [1, undefined, Number.NaN] };
  const template = '{{a}}|{{b}}|{{c}}|{{d}}|{{e}}|{{f}}';
  assert.equal(renderTemplate(template, payload), replaceSendMessageHandlebars(template, payload));
});

test("an i18n template's sendFrom gives the alias connector-kit's parseSendFrom gives (property, 2,000 runs)", async () => {
  const { parseSendFrom } = await import('@logto/connector-kit');
  const { buildSendMailRequest } = await import('../lib/index.js');
  const config = { ...(await import('./helpers.js')).makeConfig(), fromAlias: 'Fallback' };
  const piece = fc.oneof(
    fc.constantFrom('<', '>', '@', ' ', '  ', 'Support', 'help@example.com', 'a.b@c.de', '\u0001', '\u007f', '\u3000', '\t', '\ufeff', 'é'),
    fc.string({ unit: 'binary', maxLength: 3 }),
  );
  const sendFrom = fc.array(piece, { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));
  fc.assert(
    fc.property(sendFrom, (value) => {
      fc.pre(!value.includes('{{') && value.isWellFormed());
      const name = parseSendFrom(value, config.accountName, config.fromAlias).name;
      // This package removes every control and line separator from header values (README).
      const expected = name?.replace(/[\p{Cc}\u2028\u2029]/gu, '') || undefined;
      let alias;
      try {
        const request = buildSendMailRequest(config, { to: 'u@example.com', type: 'SignIn', payload: { code: '1' } }, { template: { subject: 's', content: 'c', sendFrom: value } });
        alias = new URLSearchParams(request.body).get('FromAlias') ?? undefined;
      } catch (error) {
        assert.deepEqual(error.data.issues.map((i) => i.path), ['FromAlias'], String(error));
        assert.ok(expected.length > 14, `${JSON.stringify(value)}: only a long alias is refused`);
        return;
      }
      assert.equal(alias, expected, JSON.stringify(value));
    }),
    { numRuns: 2000 },
  );
});

test('every number renders as String(number) does, ties between shortest digit strings included (property, 400 runs of up to 50 numbers)', () => {
  // Exact halves at 17 digits, where ECMAScript takes the even digit: 1307935618241557.25 is one.
  for (const x of [1307935618241557.2, 4503599627370497.5, 0.5, 2.5, 1e21, 1e-7, 5e-324, Number.MAX_VALUE]) {
    assert.equal(renderTemplate('{{x}}', { x }), String(x));
  }
  const doubles = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 1, max: 2 ** 53 - 1 }).map((m) => m / 4 + 2 ** 50));
  fc.assert(
    fc.property(fc.array(doubles, { minLength: 1, maxLength: 50 }), (xs) => {
      const payload = Object.fromEntries(xs.map((x, i) => [`n${i}`, x]));
      const rendered = renderTemplate(xs.map((_, i) => `{{n${i}}}`).join('|'), payload).split('|');
      assert.deepEqual(rendered, xs.map(String));
    }),
    { numRuns: 400 },
  );
});
