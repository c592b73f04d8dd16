import type * as entry from './init.js';

declare const init: typeof entry;
export = init;
