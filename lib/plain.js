// Plain copies of what callers hand over, made before the wasm reads them. serde-wasm-bindgen reads
// objects property by property; if a getter, a Proxy trap or a toJSON threw while wasm was on the
// stack, the exception would unwind through Rust frames that never get to restore their stack
// pointer. So host code runs here, where a throw becomes a typed error, and wasm only ever sees
// JSON.parse output: plain data, no cycles. The JSON text also serves as a config's cache key.
import { codedError, describeCause } from './errors.js';

/** An error naming one field, shaped as the core's own. */
export const invalid = (code, path, message) => codedError(code, `${path}: ${message}`, { issues: [{ path, message }] });

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
 * JSON text of `value`, with `root` naming it in errors and `code` their code. JSON cannot carry
 * everything a JS value holds. With `asString` (a template payload), such values become what
 * connector-kit's `String(value)` shows: undefined renders as '', NaN as 'NaN', a Date as its date.
 * Otherwise they are refused, naming their path, and so is a lone UTF-16 surrogate anywhere, which
 * UTF-8 cannot hold and which the copy into wasm would otherwise replace with U+FFFD unseen.
 */
export function jsonText(value, root, code, { asString = false, maxChars = MAX_JSON_CHARS.other } = {}) {
  /** Each object's path, so an error names the exact member. */
  const paths = new WeakMap();
  function replacer(key, current) {
    const parent = paths.get(this);
    // Members of a root named in parentheses, such as `(config)`, are named by their key alone.
    const prefix = parent?.startsWith('(') ? '' : `${parent}.`;
    const path = parent === undefined ? root : Array.isArray(this) ? `${parent}[${key}]` : `${prefix}${key}`;
    if (!isWellFormed(key)) throw invalid(code, parent ?? root, 'has a key with a lone UTF-16 surrogate');
    // JSON.stringify has already called toJSON (a Date's gives its ISO text); the raw value decides.
    const raw = this[key];
    const unrepresentable =
      raw === undefined || raw instanceof Date || typeof raw === 'bigint' || (typeof raw === 'number' && !Number.isFinite(raw));
    if (unrepresentable) {
      if (asString) return raw === undefined ? null : String(raw);
      // An absent member reads as absent; only a value that is present but not JSON is refused.
      if (raw === undefined) return undefined;
      throw invalid(code, path, `expected a JSON value, got ${typeof raw === 'number' ? raw : typeName(raw)}`);
    }
    if (typeof current === 'string' && !isWellFormed(current)) {
      throw invalid(code, path, 'holds a lone UTF-16 surrogate, which cannot be sent as UTF-8');
    }
    if (typeof current === 'object' && current !== null) paths.set(current, path);
    return current;
  }
  let text;
  try {
    text = JSON.stringify(value, replacer) ?? 'null';
  } catch (error) {
    if (error?.code === code) throw error;
    // A getter, a Proxy trap or a toJSON threw, or the value has a cycle.
    throw invalid(code, root, `cannot be read (${describeCause(error)})`);
  }
  if (text.length > maxChars) throw invalid(code, root, `is larger than ${maxChars} characters as JSON`);
  return text;
}

/** The message `{to, type, payload}` as JSON text: the payload read as templates read it. */
export function messageText(data) {
  const code = 'invalid_request_parameters';
  if (data === null || typeof data !== 'object') throw invalid(code, '(data)', `expected an object, got ${typeName(data)}`);
  let to, type, payload;
  try {
    ({ to, type, payload } = data);
  } catch (error) {
    throw invalid(code, '(data)', `cannot be read (${describeCause(error)})`);
  }
  const text = `{"to":${jsonText(to, 'to', code)},"type":${jsonText(type, 'type', code)},"payload":${jsonText(payload, 'payload', code, { asString: true })}}`;
  if (text.length > MAX_JSON_CHARS.other) throw invalid(code, '(data)', `is larger than ${MAX_JSON_CHARS.other} characters as JSON`);
  return text;
}

/** A plain copy of the message, for the wasm to read. */
export const plainMessage = (data) => JSON.parse(messageText(data));

/** A plain copy of per-call options, or undefined when there are none. */
export const plainOptions = (options) =>
  options == null ? undefined : JSON.parse(jsonText(options, 'options', 'invalid_request_parameters'));
