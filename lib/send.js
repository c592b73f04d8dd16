// Sending with a config already read as JSON text: shared by sendMail and the Logto connector, so a
// message reads its config once.
import { buildWithConfigJson, useConfigJson } from './core.js';
import { sendSigned } from './transport.js';

/**
 * `sendMail` for a config already turned into JSON text (the connector reads it once per message).
 * Not async: callers await it in their own try, which saves a promise per send.
 */
export function sendMailWithConfigJson(json, data, fetch, options) {
  const normalized = useConfigJson(json);
  // Each attempt is signed afresh (new nonce and timestamp), re-selecting this config in the core if
  // another send switched it while this one waited. The core checks the timeoutMs and retries
  // overrides in the first build, before either is used.
  return sendSigned(() => buildWithConfigJson(json, data, options), fetch, {
    timeoutMs: options?.timeoutMs ?? normalized.timeoutMs,
    retries: options?.retries ?? normalized.retries,
  });
}
