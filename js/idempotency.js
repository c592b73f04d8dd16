// An idempotency key's store: a send with `idempotencyKey` is recorded, after it succeeds, under
// that key with the mail's fingerprint and its result, for a TTL. A second send with the same key
// and the same mail within the TTL returns the first result and sends nothing; with another mail it
// is refused. The store is the caller's: anything with `get(key)` and `set(key, value, ttlSeconds)`,
// such as a Map, or a one-line adapter over Workers KV or Redis. Each record holds its own expiry,
// so a store without TTLs (a Map) works too.
import { codedError, describeCause } from './errors.js';
import { invalid } from './plain.js';

/** How long a key is remembered unless the config says otherwise: a day. */
const DEFAULT_TTL_SECONDS = 86_400;
const MAX_TTL_SECONDS = 365 * 86_400;
/** Keys are stored under this prefix, so the store can be shared. */
const PREFIX = 'connector-aliyun-dm-wasm:idempotency:';

/** The client's `idempotency` option (`{store, ttlSeconds?}`), checked; `undefined` when absent. */
export function idempotencyOf(option) {
  if (option === undefined) return undefined;
  const store = option?.store;
  if (typeof store?.get !== 'function' || typeof store?.set !== 'function') throw invalid('invalid_config', 'idempotency.store', 'expected {get(key), set(key, value, ttlSeconds)}, such as a Map');
  const ttlSeconds = option.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_TTL_SECONDS) throw invalid('invalid_config', 'idempotency.ttlSeconds', `must be a whole number of seconds from 1 to ${MAX_TTL_SECONDS}`);
  return { store, ttlSeconds };
}

/**
 * The result a send with `key` already had, if its record is alive and its mail is `fingerprint`;
 * `undefined` when there is none. Refuses a record of another mail. A store that fails to answer
 * fails the send, which sends nothing.
 */
export async function recall({ store, ttlSeconds }, key, fingerprint) {
  let stored;
  try {
    stored = await store.get(PREFIX + key);
  } catch (error) {
    const failure = codedError('general', `The idempotency store could not be read (${describeCause(error)}); nothing was sent`, {}, 'other');
    failure.retryable = true;
    throw failure;
  }
  let record;
  try {
    record = typeof stored === 'string' ? JSON.parse(stored) : undefined;
  } catch {
    // Not a record this package wrote: as if there were none.
  }
  if (typeof record?.fingerprint !== 'string' || !(record.expiresAt > Date.now())) return undefined;
  if (record.fingerprint !== fingerprint) throw invalid('invalid_request_parameters', 'idempotencyKey', `was used for another mail within the last ${ttlSeconds} s: give each mail its own key`);
  return { envId: record.envId, requestId: record.requestId };
}

/**
 * Records a send's result under `key`. The mail is sent by now, so a store that fails here loses
 * only the record: the send still succeeds, and a retry is sent with the same Message-ID.
 */
export async function remember({ store, ttlSeconds }, key, fingerprint, { envId, requestId }) {
  const record = JSON.stringify({ fingerprint, envId, requestId, expiresAt: Date.now() + ttlSeconds * 1000 });
  try {
    await store.set(PREFIX + key, record, ttlSeconds);
  } catch {
    // See above: nothing to undo.
  }
}
