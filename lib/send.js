// Sending with a config already read as JSON text: shared by sendMail and the Logto connector, so a
// message reads its config once.
import { buildWithConfigJson, useConfigJson } from './core.js';
import { codedError } from './errors.js';
import { sendSigned } from './transport.js';

/** Checks a per-call override; the config's own values are checked by the core. */
function checkOption(options, key, min, max) {
  const value = options[key];
  if (value === undefined || (Number.isInteger(value) && value >= min && value <= max)) return value;
  const message = `must be a whole number from ${min} to ${max}`;
  throw codedError('invalid_request_parameters', `options.${key}: ${message}`, { issues: [{ path: `options.${key}`, message }] });
}

/** `sendMail` for a config already turned into JSON text (the connector reads it once per message). */
export async function sendMailWithConfigJson(json, data, fetch, options = {}) {
  const { timeoutMs, retries, ...buildOptions } = options ?? {};
  // Each attempt is signed afresh (new nonce and timestamp), re-selecting this config in the core
  // if another send switched it while this one waited.
  const normalized = useConfigJson(json);
  return sendSigned(() => buildWithConfigJson(json, data, buildOptions), fetch, {
    timeoutMs: checkOption(options ?? {}, 'timeoutMs', 100, 120_000) ?? normalized.timeoutMs,
    retries: checkOption(options ?? {}, 'retries', 0, 3) ?? normalized.retries,
  });
}
