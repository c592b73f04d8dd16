// The core API, the same in every runtime: thin calls into the wasm core.
import { sendRequest } from './transport.js';
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

/** Builds, signs and sends one mail with the host's `fetch`; returns `{EnvId, RequestId}`. */
export async function sendMail(config, data, fetch, options = {}) {
  const { timeoutMs, ...buildOptions } = options ?? {};
  const request = buildSendMailRequest(config, data, buildOptions);
  return sendRequest(request, fetch, { timeoutMs });
}
