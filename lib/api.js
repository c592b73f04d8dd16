// The core API, the same in every runtime.
export { buildSendMailRequest, parseSendMailReply, renderTemplate, sendMail, signRpcRequest, validateConfig } from './core.js';
export { wasmMemoryBytes } from './wasm.js';
