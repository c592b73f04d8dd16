// The API, the same in every runtime: the mail client, its error class, and the lower-level
// functions (validation, rendering, signing, reply parsing) the client and the connector use.
export { DirectMail, ENV_NAMES } from './client.js';
export { buildSendMailRequest, parseSendMailReply, renderTemplate, sendMail, signRpcRequest, validateConfig } from './core.js';
export { DirectMailError } from './errors.js';
export { wasmMemoryBytes } from './wasm.js';
