// Node ESM entry of the package root: the mail client's entry (./client/node.js) and the Logto
// connector.
export * from './client/node.js';
export * from './logto.js';
export { default } from './logto.js';
