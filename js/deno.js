// Deno entry of the package root: the mail client's entry (./client/deno.js) and the Logto
// connector.
export * from './client/deno.js';
export * from './logto.js';
export { default } from './logto.js';
