// What the package root adds to the mail client's API: the Logto connector factory (the default
// export), its zod-like guard, and the metadata Logto's Console shows.
export { default, configGuard } from './connector.js';
export { metadata } from './metadata.js';
