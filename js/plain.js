// Plain copies of what callers hand over, made before the wasm reads them. serde-wasm-bindgen reads
// objects property by property; if a getter, a Proxy trap or a toJSON threw while wasm was on the
// stack, the exception would unwind through Rust frames that never get to restore their stack
// pointer. So host code runs here, where a throw becomes a typed error, and wasm only ever sees
// JSON.parse output: plain data, no cycles, and nothing the caller can change afterwards.
import { codedError, describeCause, MAX_SHOWN_PATH_CHARS, shown } from './errors.js';

/** An error naming one field, shaped as the core's own; its path (which may hold a caller's key) and message are shown escaped. */
export const invalid = (code, path, message) => {
  // A message may quote what a caller's getter threw.
  const [safePath, safeMessage] = [shown(path, MAX_SHOWN_PATH_CHARS), shown(message)];
  return codedError(code, `${safePath}: ${safeMessage}`, { issues: [{ path: safePath, message: safeMessage }] });
};

/** A type name for messages: `null`, `array` and `Date` as well as `typeof`'s names. */
export function typeName(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'Date';
  return typeof value;
}

const isWellFormed = (text) => String.prototype.isWellFormed.call(text);

/**
 * Most JSON text a value may take, in UTF-16 units, so an oversized input is refused before any of
 * it is copied into wasm memory, which never shrinks. A config holds templates of up to 1 MiB each;
 * a message's rendered body is at most 2 MiB.
 */
export const MAX_JSON_CHARS = Object.freeze({ config: 16 << 20, other: 4 << 20 });

/**
 * The replacer that reads `value` as the wasm may: values JSON cannot carry are made explicit (with
 * `asString`, a template payload, as connector-kit's `String(value)` shows them: every number as
 * String(n), undefined as '', a Date as its date) or refused, and so is a lone UTF-16 surrogate
 * anywhere, which UTF-8 cannot hold and which the copy into wasm would replace with U+FFFD unseen.
 * `refuse(holder, key, why)` throws. The fast pass throws without a path; `named` finds it when one is refused.
 */
function checker(asString, refuse) {
  return function replacer(key, current) {
    if (!isWellFormed(key)) refuse(this, key, 'has a key with a lone UTF-16 surrogate');
    switch (typeof current) {
      case 'string':
        if (!isWellFormed(current)) refuse(this, key, 'holds a lone UTF-16 surrogate, which cannot be sent as UTF-8');
        // A Date reaches here as its toJSON text; the raw member tells.
        if (this[key] instanceof Date) return asString ? String(this[key]) : refuse(this, key, 'expected a JSON value, got Date');
        return current;
      case 'number':
        // A payload's numbers become text here, as String(n) writes them, so the wasm formats none.
        if (asString) return String(current);
        return Number.isFinite(current) ? current : refuse(this, key, `expected a finite number, got ${current}`);
      case 'bigint':
        return asString ? String(current) : refuse(this, key, 'expected a JSON value, got bigint');
      case 'undefined':
        // In an array JSON writes null for it: an empty value, as String() of undefined in a join.
        return asString ? null : undefined;
      default:
        // Objects, booleans and null as they are; functions and symbols are left out, as JSON does.
        return current;
    }
  };
}

/** Thrown by the fast pass, which keeps no paths: `jsonText` then runs the naming one. */
const REFUSED = Symbol('refused');

/**
 * JSON text of `value`, checked by `checker`, with `root` naming it in errors and `code` their
 * code. At most `maxChars` long, so an oversized input is refused before any of it is copied into
 * wasm memory, which never shrinks.
 */
export function jsonText(value, root, code, { asString = false, maxChars = MAX_JSON_CHARS.other } = {}) {
  let text;
  try {
    text = JSON.stringify(value, checker(asString, () => {
      throw REFUSED;
    })) ?? 'null';
  } catch (error) {
    let cause = error;
    if (error === REFUSED) {
      try {
        named(value, root, code, asString);
      } catch (namedError) {
        if (namedError?.code === code) throw namedError;
        cause = namedError;
      }
    }
    // A getter, a Proxy trap or a toJSON threw, or the value has a cycle.
    throw invalid(code, root, `cannot be read (${describeCause(cause)})`);
  }
  if (text.length > maxChars) throw invalid(code, root, `is larger than ${maxChars} characters as JSON`);
  return text;
}

/** Runs the check again keeping each object's path, and throws the error naming the member refused. */
function named(value, root, code, asString) {
  const paths = new WeakMap();
  /** A member's path: members of a root named in parentheses, such as `(config)`, by key alone. */
  const pathOf = (holder, key) => {
    const parent = paths.get(holder);
    if (parent === undefined) return root;
    if (Array.isArray(holder)) return `${parent}[${key}]`;
    return parent.startsWith('(') ? key : `${parent}.${key}`;
  };
  const check = checker(asString, (holder, key, why) => {
    throw invalid(code, pathOf(holder, key), why);
  });
  JSON.stringify(value, function track(key, current) {
    const checked = check.call(this, key, current);
    if (typeof checked === 'object' && checked !== null) paths.set(checked, pathOf(this, key));
    return checked;
  });
  // The value changed between the two passes (a getter): report it without a path.
  throw invalid(code, root, 'changed while it was read');
}

/**
 * The message `{to, type, payload}` as JSON text: the payload read as templates read it, its
 * members named `{payloadPath}.{key}` in errors (the mail client calls it `data`).
 */
export function messageText(data, payloadPath = 'payload') {
  const code = 'invalid_request_parameters';
  if (data === null || typeof data !== 'object') throw invalid(code, '(data)', `expected an object, got ${typeName(data)}`);
  let to, type, payload;
  try {
    ({ to, type, payload } = data);
  } catch (error) {
    throw invalid(code, '(data)', `cannot be read (${describeCause(error)})`);
  }
  const text = `{"to":${jsonText(to, 'to', code)},"type":${jsonText(type, 'type', code)},"payload":${jsonText(payload, payloadPath, code, { asString: true })}}`;
  if (text.length > MAX_JSON_CHARS.other) throw invalid(code, '(data)', `is larger than ${MAX_JSON_CHARS.other} characters as JSON`);
  return text;
}

/** A plain copy of the message, for the wasm to read. */
export const plainMessage = (data, payloadPath) => JSON.parse(messageText(data, payloadPath));

/** A plain copy of per-call options, or undefined when there are none. */
export const plainOptions = (options) =>
  options == null ? undefined : JSON.parse(jsonText(options, 'options', 'invalid_request_parameters'));
