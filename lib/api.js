// The core API, the same in every runtime.
import { buildWithConfigJson, configJson, useConfigJson } from './core.js';
import { codedError } from './errors.js';
import { sendSigned } from './transport.js';

export { buildSendMailRequest, parseSendMailReply, renderTemplate, signRpcRequest, validateConfig } from './core.js';

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
  // The config is read once; each attempt is signed afresh (new nonce and timestamp), re-selecting
  // this config in the core if another send switched it while this one waited.
  const json = configJson(config);
  const normalized = useConfigJson(json);
  return sendSigned(() => buildWithConfigJson(json, data, buildOptions), fetch, {
    timeoutMs: checkOption(options ?? {}, 'timeoutMs', 100, 120_000) ?? normalized.timeoutMs,
    retries: checkOption(options ?? {}, 'retries', 0, 3) ?? normalized.retries,
  });
}
