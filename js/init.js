// Entry of the package root for any other host (`await init(source)` first): the mail client's
// entry (./client/init.js) and the Logto connector.
export * from './client/init.js';
export * from './logto.js';
export { default } from './logto.js';
