// What every runtime entry exports, so that each resolves to the same names: the API, the mail
// client, the Logto connector, and init().
export * from './api.js';
export { default, configGuard } from './connector.js';
export { init } from './load.js';
export { metadata } from './metadata.js';
