// The mail client's API, the same in every runtime: the client, its error class, the lower-level
// functions (validation, rendering, signing, reply parsing) the client and the connector use, and
// init(). Nothing here imports the Logto connector, so a bundle of it carries none of Logto.
export { assumeRoleCredentials, ecsRamRoleCredentials, oidcRoleCredentials } from './credentials.js';
export { DirectMail, ENV_NAMES } from './direct-mail.js';
export { buildSendMailRequest, checkEventSecret, parseDeliveryEvent, parseSendMailReply, renderTemplate, sendMail, signRpcRequest, validateConfig } from './core.js';
export { DirectMailError } from './errors.js';
export { wasmMemoryBytes } from './wasm.js';
export { init } from './load.js';
