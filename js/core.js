// The core API over the wasm. A config becomes a DirectMail object (validated once, keeping its
// HMAC key), found again by the config's JSON text: a config edited in place, or read afresh for
// every send, gets the object its content calls for. Values reach the wasm as plain copies.
import { codedError } from './errors.js';
import { invalid, jsonText, MAX_JSON_CHARS, plainMessage, plainOptions } from './plain.js';
import { sendWith } from './transport.js';
import { wasm } from './wasm.js';

/** How many configs keep their DirectMail object; a Logto instance or a worker uses one or two. */
const CACHED_CONFIGS = 16;

/**
 * One cache per purpose, since one config text validates differently for each: config JSON text →
 * DirectMail, least recently used first, and the last config used, checked first (comparing two
 * texts is cheaper than hashing one).
 */
const caches = {
  connector: { mails: new Map(), last: { text: undefined, mail: undefined } },
  client: { mails: new Map(), last: { text: undefined, mail: undefined } },
};

/**
 * The DirectMail object for `config`, made (and validated) on first use: as a Logto connector's
 * (`connector`: templates required) or a mail client's (`client`). An object dropped from the
 * cache is freed by the glue's FinalizationRegistry once no send in flight holds it, so a reentrant
 * call that evicts it cannot pull it from under a send.
 */
export function mailFor(config, purpose) {
  const cache = caches[purpose];
  const text = jsonText(config, '(config)', 'invalid_config', { maxChars: MAX_JSON_CHARS.config });
  if (text === cache.last.text) return cache.last.mail;
  let mail = cache.mails.get(text);
  if (mail) {
    cache.mails.delete(text);
  } else {
    const { DirectMail } = wasm();
    mail = purpose === 'client' ? DirectMail.forClient(JSON.parse(text)) : new DirectMail(JSON.parse(text));
    if (cache.mails.size >= CACHED_CONFIGS) cache.mails.delete(cache.mails.keys().next().value);
  }
  cache.mails.set(text, mail);
  cache.last = { text, mail };
  return mail;
}

/** The connector-config DirectMail object for `config` (see `mailFor`). */
export const directMailFor = (config) => mailFor(config, 'connector');

const requireString = (value, path) => {
  if (typeof value !== 'string') throw invalid('invalid_request_parameters', path, `expected string, got ${value === null ? 'null' : typeof value}`);
  return value;
};

/** Validates a connector config; returns it normalised or throws `invalid_config` naming each field. */
export const validateConfig = (config) => directMailFor(config).normalized();

/** Renders `{{placeholders}}` as connector-kit does; `{html: true}` HTML-escapes the values. */
export function renderTemplate(template, payload, { html = false } = {}) {
  requireString(template, 'template');
  const plain = JSON.parse(jsonText(payload, 'payload', 'invalid_request_parameters', { asString: true }));
  return wasm().renderTemplate(template, plain, html === true);
}

/** Signs any Aliyun RPC request; returns `{canonicalQuery, stringToSign, signature}`. */
export function signRpcRequest(params, secret, method = 'POST') {
  const plain = JSON.parse(jsonText(params, 'params', 'invalid_request_parameters'));
  return wasm().signRpcRequest(plain, requireString(secret, 'secret'), requireString(method, 'method'));
}

/** The dry run: the signed SingleSendMail request `{url, method, headers, body}`, not sent. */
export const buildSendMailRequest = (config, data, options) =>
  directMailFor(config).build(plainMessage(data), plainOptions(options));

/** Turns DirectMail's HTTP status and body into `{EnvId, RequestId}`, or throws a typed error. */
export function parseSendMailReply(status, body) {
  if (!Number.isInteger(status) || status < 0 || status > 65_535) throw invalid('invalid_request_parameters', 'status', 'expected an HTTP status');
  return wasm().parseReply(status, requireString(body, 'body'));
}

/** Builds, signs and sends one mail with the host's `fetch`; returns `{EnvId, RequestId}`. */
export async function sendMail(config, data, fetch, options) {
  const mail = directMailFor(config);
  if (typeof fetch !== 'function') throw codedError('general', 'No fetch function: pass one, or run where globalThis.fetch exists');
  return sendWith(mail, plainMessage(data), plainOptions(options), fetch);
}
