// Inline-wasm entry of the package root, for bundles built for Node-like hosts: the mail client's
// entry (./client/inline.js) and the Logto connector.
export * from './client/inline.js';
export * from './logto.js';
export { default } from './logto.js';
