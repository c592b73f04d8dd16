// The core API, the same in every runtime: thin calls into the wasm core.
import { codedError } from './errors.js';
import { sendSigned } from './transport.js';
import { wasm } from './wasm.js';

/** Validates a connector config; returns it normalised or throws `invalid_config` naming each field. */
export const validateConfig = (config) => wasm().validateConfig(config);

/** Renders `{{placeholders}}` as connector-kit does; `{html: true}` HTML-escapes the values. */
export const renderTemplate = (template, payload, { html = false } = {}) =>
  wasm().renderTemplate(template, payload, html);

/** Signs any Aliyun RPC request; returns `{canonicalQuery, stringToSign, signature}`. */
export const signRpcRequest = (params, secret, method = 'POST') => wasm().signRpcRequest(params, secret, method);

/** The dry run: the signed SingleSendMail request `{url, method, headers, body}`, not sent. */
export const buildSendMailRequest = (config, data, options) => wasm().buildSendMailRequest(config, data, options);

/** Turns DirectMail's HTTP status and body into `{EnvId, RequestId}`, or throws a typed error. */
export const parseSendMailReply = (status, body) => wasm().parseSendMailReply(status, body);

/** Checks a per-call override; the config's own values are checked by the core. */
function checkOption(options, key, min, max) {
  const value = options[key];
  if (value === undefined || (Number.isInteger(value) && value >= min && value <= max)) return value;
  const message = `must be a whole number from ${min} to ${max}`;
  throw codedError('invalid_request_parameters', `options.${key}: ${message}`, { issues: [{ path: `options.${key}`, message }] });
}

/** Builds, signs and sends one mail with the host's `fetch`; returns `{EnvId, RequestId}`. */
export async function sendMail(config, data, fetch, options = {}) {
  const { timeoutMs, retries, ...buildOptions } = options ?? {};
  const overrides = { timeoutMs: checkOption(options ?? {}, 'timeoutMs', 100, 120_000), retries: checkOption(options ?? {}, 'retries', 0, 3) };
  // Each attempt is signed afresh; the first build validates the config before its values are used.
  return sendSigned(() => buildSendMailRequest(config, data, buildOptions), fetch, {
    timeoutMs: overrides.timeoutMs ?? config?.timeoutMs,
    retries: overrides.retries ?? config?.retries,
  });
}
