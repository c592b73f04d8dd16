// Cloudflare Workers (workerd) entry of the package root: the mail client's entry (./client/workerd.js) and the Logto
// connector.
export * from './client/workerd.js';
export * from './logto.js';
export { default } from './logto.js';
