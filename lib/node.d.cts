import type * as entry from './index.js';

declare const connector: typeof entry;
export = connector;
