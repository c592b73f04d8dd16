// The core API over the wasm: values cross as JSON text (one native JSON.stringify instead of one
// boundary crossing per property), and the validated config is reused while its text is unchanged.
import { codedError } from './errors.js';
import { wasm } from './wasm.js';

const CONTENT_TYPE = 'application/x-www-form-urlencoded';

/** An error naming one field, as the core's own errors do. */
const invalid = (code, path, message) => codedError(code, `${path}: ${message}`, { issues: [{ path, message }] });

/** JSON text for a value, or a typed error naming it (BigInt, cycles). */
function toJson(value, code, path, replacer) {
  try {
    return JSON.stringify(value, replacer) ?? 'null';
  } catch (error) {
    throw invalid(code, path, `cannot be read as JSON (${error.message})`);
  }
}

/**
 * Payload values as connector-kit's String(value) sees them. JSON.stringify already writes finite
 * numbers as String(n) does; members that are undefined stay present (they render as ''), and
 * non-finite numbers, BigInts and Dates become their String() form.
 */
function payloadReplacer(key, value) {
  const raw = this[key];
  if (raw === undefined) return null;
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : String(raw);
  if (typeof raw === 'bigint' || raw instanceof Date) return String(raw);
  return value;
}

const requireString = (value, path) => {
  if (typeof value !== 'string') throw invalid('invalid_request_parameters', path, `expected string, got ${value === null ? 'null' : typeof value}`);
  return value;
};

let currentJson;
let current;
/** Whether a value serialises to currentJson, tested without serialising it. */
let isCurrentJson = () => false;

/**
 * A test of whether a value would serialise to the same JSON text as `data` (a JSON.parse result),
 * built once per config so that a send reads its config instead of stringifying it. It answers
 * false whenever unsure: class instances, `toJSON`, keys in another order, or members that
 * JSON.stringify would drop or change. Strings compare by content, so a host that reads its
 * config afresh for each send is recognised too.
 */
function jsonMatcher(data) {
  if (typeof data !== 'object' || data === null) return (value) => value === data;
  const plain = (value, proto) => typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === proto && typeof value.toJSON !== 'function';
  if (Array.isArray(data)) {
    const items = data.map(jsonMatcher);
    return (value) => {
      if (!plain(value, Array.prototype) || value.length !== items.length) return false;
      for (let i = 0; i < items.length; i += 1) {
        if (!items[i](value[i])) return false;
      }
      return true;
    };
  }
  const keys = Object.keys(data);
  const members = keys.map((key) => jsonMatcher(data[key]));
  return (value) => {
    if (!plain(value, Object.prototype)) return false;
    // for-in gives the own keys in JSON.stringify's order, then inherited ones, which JSON skips:
    // when the last key matched is own, every key matched is.
    let i = 0;
    for (const key in value) {
      if (key !== keys[i] || !members[i](value[key])) return false;
      i += 1;
    }
    return i === keys.length && (i === 0 || Object.hasOwn(value, keys[i - 1]));
  };
}

/** The config's JSON text, the cache key of its validated form; not re-serialised while unchanged. */
export function configJson(config) {
  try {
    if (isCurrentJson(config)) return currentJson;
  } catch {
    // A getter threw: JSON.stringify below meets it again and reports it.
  }
  return toJson(config, 'invalid_config', '(config)');
}

/** Makes the config with this JSON text current in the core (validating it once), and returns it normalised. */
export function useConfigJson(json) {
  if (json !== currentJson) {
    current = Object.freeze(JSON.parse(wasm().useConfig(json)));
    isCurrentJson = jsonMatcher(JSON.parse(json));
  }
  // Keeping this very string makes the send's later checks an identity test, not a text compare.
  currentJson = json;
  return current;
}

/** Validates `config` and makes it current, unless its JSON text is the current one's. */
export const useConfig = (config) => useConfigJson(configJson(config));

/** Validates a connector config; returns it normalised or throws `invalid_config` naming each field. */
export const validateConfig = (config) => JSON.parse(JSON.stringify(useConfig(config)));

/** Renders `{{placeholders}}` as connector-kit does; `{html: true}` HTML-escapes the values. */
export function renderTemplate(template, payload, { html = false } = {}) {
  requireString(template, 'template');
  return wasm().renderTemplate(template, toJson(payload, 'invalid_request_parameters', 'payload', payloadReplacer), html === true);
}

/** Signs any Aliyun RPC request; returns `{canonicalQuery, stringToSign, signature}`. */
export function signRpcRequest(params, secret, method = 'POST') {
  const json = toJson(params, 'invalid_request_parameters', 'params');
  return JSON.parse(wasm().signRpcRequest(json, requireString(secret, 'secret'), requireString(method, 'method')));
}

/** Whether `payload` is a plain object of strings only, which the replacer would leave as it is. */
function plainStrings(payload) {
  if (Object.getPrototypeOf(payload ?? 0) !== Object.prototype) return false;
  for (const key in payload) {
    if (typeof payload[key] !== 'string') return false;
  }
  return true;
}

/** The message as JSON, with the payload's values prepared as connector-kit reads them. */
function dataJson(data) {
  if (data === null || typeof data !== 'object') return toJson(data, 'invalid_request_parameters', '(data)');
  const { to, type, payload } = data;
  // The usual message (strings, and a payload such as {code} or {link}) is one plain stringify.
  if (typeof to === 'string' && typeof type === 'string' && plainStrings(payload)) return JSON.stringify({ to, type, payload });
  const code = 'invalid_request_parameters';
  return `{"to":${toJson(to, code, 'to')},"type":${toJson(type, code, 'type')},"payload":${toJson(payload, code, 'payload', payloadReplacer)}}`;
}

/** Signs a request for the config with JSON text `json` (made current if another was). */
export function buildWithConfigJson(json, data, options) {
  useConfigJson(json);
  const signed = wasm().buildRequest(dataJson(data), options == null ? 'null' : toJson(options, 'invalid_request_parameters', 'options'));
  // `body \n url`: the URL is the short tail.
  const newline = signed.lastIndexOf('\n');
  return { url: signed.slice(newline + 1), method: 'POST', headers: { 'Content-Type': CONTENT_TYPE }, body: signed.slice(0, newline) };
}

/** The dry run: the signed SingleSendMail request `{url, method, headers, body}`, not sent. */
export const buildSendMailRequest = (config, data, options) => buildWithConfigJson(configJson(config), data, options);

/** Turns DirectMail's HTTP status and body into `{EnvId, RequestId}`, or throws a typed error. */
export function parseSendMailReply(status, body) {
  if (!Number.isInteger(status) || status < 0 || status > 65_535) throw invalid('invalid_request_parameters', 'status', 'expected an HTTP status');
  const result = wasm().parseReply(status, requireString(body, 'body'));
  // `EnvId \0 RequestId`, or JSON when either holds U+0000 (which JSON escapes).
  const cut = result.indexOf('\0');
  return cut < 0 ? JSON.parse(result) : { EnvId: result.slice(0, cut), RequestId: result.slice(cut + 1) };
}
