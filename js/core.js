// The stateless API over the wasm: each call makes a sender for its config and frees it when done.
// Callers that send more than once hold a sender instead: the mail client (`DirectMail`) or the
// Logto connector. Values reach the wasm as plain copies.
import { codedError, typed } from './errors.js';
import { invalid, jsonText } from './plain.js';
import { withSender } from './sender.js';
import { wasm } from './wasm.js';

const requireString = (value, path) => {
  if (typeof value !== 'string') throw invalid('invalid_request_parameters', path, `expected string, got ${value === null ? 'null' : typeof value}`);
  return value;
};

/** Validates a connector config; returns it normalised or throws `invalid_config` naming each field. */
export const validateConfig = typed((config) => withSender(config, 'connector', (sender) => sender.normalized()));

/** Renders `{{placeholders}}` as connector-kit does; `{html: true}` HTML-escapes the values. */
export const renderTemplate = typed((template, payload, { html = false } = {}) => {
  requireString(template, 'template');
  const plain = JSON.parse(jsonText(payload, 'payload', 'invalid_request_parameters', { asString: true }));
  return wasm().renderTemplate(template, plain, html === true);
});

/** Signs any Aliyun RPC request; returns `{canonicalQuery, stringToSign, signature}`. */
export const signRpcRequest = typed((params, secret, method = 'POST') => {
  const plain = JSON.parse(jsonText(params, 'params', 'invalid_request_parameters'));
  return wasm().signRpcRequest(plain, requireString(secret, 'secret'), requireString(method, 'method'));
});

/** The dry run: the signed SingleSendMail request `{url, method, headers, body}`, not sent. */
export const buildSendMailRequest = typed((config, data, options) =>
  withSender(config, 'connector', (sender) => sender.build(data, options, 'options.')),
);

/** Turns DirectMail's HTTP status and body into `{EnvId, RequestId}`, or throws a typed error. */
export const parseSendMailReply = typed((status, body) => {
  if (!Number.isInteger(status) || status < 0 || status > 65_535) throw invalid('invalid_request_parameters', 'status', 'expected an HTTP status');
  return wasm().parseReply(status, requireString(body, 'body'));
});

/** Builds, signs and sends one mail with the host's `fetch`; returns `{EnvId, RequestId}`. */
export const sendMail = typed(async (config, data, fetch, options) =>
  withSender(config, 'connector', (sender) => {
    if (typeof fetch !== 'function') throw codedError('general', 'No fetch function: pass one, or run where globalThis.fetch exists', {}, 'config');
    return sender.send(data, options, fetch, 'options.');
  }),
);

/**
 * Reads one DirectMail delivery event (an EventBridge CloudEvent, or an MNS message carrying one,
 * as text or as an object) into `{kind, type, envId, recipient, time, logto, …}`.
 */
export const parseDeliveryEvent = typed((input) => {
  if (typeof input !== 'string' && (input === null || typeof input !== 'object')) throw invalid('invalid_request_parameters', 'event', 'expected an event object, or its text');
  return wasm().parseDeliveryEvent(typeof input === 'string' ? input : JSON.parse(jsonText(input, 'event', 'invalid_request_parameters')));
});

/** Bytes of UTF-8, for comparing secrets. */
const utf8 = new TextEncoder();

/**
 * Checks the secret header an EventBridge HTTP target was set up to send (`name`, by default
 * `x-directmail-event-secret`) against `secret`, in time that does not depend on where they differ.
 * Throws `DirectMailError` (reason `auth`) when it is missing or wrong. `headers` is a fetch
 * `Headers`, or an object of header names (any case) to values, as Node's `request.headers` is.
 */
export const checkEventSecret = typed((headers, secret, name = 'x-directmail-event-secret') => {
  requireString(secret, 'secret');
  if (secret === '') throw invalid('invalid_request_parameters', 'secret', 'must not be empty');
  const wanted = String(name).toLowerCase();
  let given;
  if (headers && typeof headers.get === 'function') given = headers.get(wanted);
  else if (headers && typeof headers === 'object') {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === wanted);
    given = key === undefined ? undefined : headers[key];
  }
  const a = utf8.encode(typeof given === 'string' ? given : '');
  const b = utf8.encode(secret);
  let difference = a.length ^ b.length;
  for (let i = 0; i < b.length; i += 1) difference |= (a[i] ?? 0) ^ b[i];
  if (difference !== 0) throw codedError('general', `The event request's ${wanted} header is missing or wrong`, {}, 'auth');
});
