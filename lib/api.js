// The core API, the same in every runtime.
import { configJson } from './core.js';
import { sendMailWithConfigJson } from './send.js';

export { buildSendMailRequest, parseSendMailReply, renderTemplate, signRpcRequest, validateConfig } from './core.js';
export { wasmMemoryBytes } from './wasm.js';

/** Builds, signs and sends one mail with the host's `fetch`; returns `{EnvId, RequestId}`. */
export const sendMail = async (config, data, fetch, options) => sendMailWithConfigJson(configJson(config), data, fetch, options);
