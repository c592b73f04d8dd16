// Vercel Edge Runtime entry of the package root: the mail client's entry (./client/edge-light.js) and the Logto
// connector.
export * from './client/edge-light.js';
export * from './logto.js';
export { default } from './logto.js';
