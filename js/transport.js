// Around each attempt of a send: awaiting what the host's fetch returns, reading the body's bytes
// with a cap, a timer that holds even when fetch ignores the abort signal, and a bounded retry of
// what cannot have sent a mail. The wasm prepares the send once, signs each attempt afresh, calls
// fetch, and decides what the reply means from the primitives read here; every error is its own.
import { codedError, describeCause } from './errors.js';

const RETRY_BASE_MS = 200;
const RETRY_CAP_MS = 2_000;
/** Most links of a failure's `cause` chain read: a chain can be a cycle. */
const MAX_CAUSES = 8;
/**
 * Most chunks a body is read in. A body can yield empty chunks forever: each read settles at once,
 * so timers never run, and only a count stops it. DirectMail's replies come in one or two.
 */
const MAX_CHUNKS = 4096;
/** UTF-8 as Response.text() decodes it: a BOM dropped, invalid bytes as U+FFFD. */
const utf8 = new TextDecoder();

/** Thrown by readCapped when the deadline passes while the body is being read. */
const PAST_DEADLINE = Symbol('past deadline');

/**
 * The body as text, or undefined past `maxBytes`: a flood is cut off, not buffered. The deadline
 * (a Date.now() value) is checked at each chunk, since a stream that never waits keeps timers from
 * running; past it, or past MAX_CHUNKS, reading stops.
 */
export async function readCapped(response, maxBytes, deadline) {
  const reader = response.body?.getReader?.();
  if (!reader) {
    // No stream (a test double, or a body-less Response): its text() is all there is.
    return typeof response.text === 'function' ? String(await response.text()) : '';
  }
  const chunks = [];
  let size = 0;
  const stop = () => reader.cancel().catch(() => {});
  for (let count = 0; ; count += 1) {
    const { done, value } = await reader.read();
    if (done) break;
    if (Date.now() > deadline) {
      stop();
      throw PAST_DEADLINE;
    }
    if (count >= MAX_CHUNKS) {
      stop();
      throw new Error(`the reply came in more than ${MAX_CHUNKS} chunks`);
    }
    size += value?.byteLength ?? 0;
    if (size > maxBytes) {
      stop();
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return utf8.decode(bytes);
}

/** The `code`, `name` and `message` strings along a failure's cause chain, each read safely. */
function causeCodes(failure) {
  const codes = [];
  let current = failure;
  for (let i = 0; i < MAX_CAUSES && current !== null && typeof current === 'object'; i += 1) {
    try {
      for (const key of ['code', 'name', 'message']) {
        if (typeof current[key] === 'string') codes.push(current[key]);
      }
      current = current.cause;
    } catch {
      break;
    }
  }
  return codes;
}

/** What an attempt got back, as `mail.finish` or `mail.failed` take it, or `{timedOut}`; never rejects. */
async function outcomeOf(pending, maxBytes, deadline) {
  try {
    const response = await pending;
    const status = typeof response?.status === 'number' ? response.status : Number.NaN;
    const opaque = response?.type === 'opaqueredirect';
    // Only a redirect's Location is read: the wasm names its origin in the error.
    const location = opaque || (status >= 300 && status < 400) ? response.headers?.get?.('location') : undefined;
    const text = Number.isNaN(status) ? '' : await readCapped(response, maxBytes, deadline);
    return { status, opaque, location: typeof location === 'string' ? location : undefined, text };
  } catch (failure) {
    if (failure === PAST_DEADLINE) return { timedOut: true };
    return { failure };
  }
}

/** `fetch` as given, else the runtime's, looked up when a mail is sent. */
export function fetchOf(given) {
  const fetch = given ?? globalThis.fetch;
  if (typeof fetch !== 'function') throw codedError('general', 'No fetch function: pass one, or run where globalThis.fetch exists', {}, 'config');
  return fetch;
}

/** The error of a send the caller's AbortSignal stopped; the mail may have been sent if it was in flight. */
const aborted = () => codedError('general', "The send was aborted by the caller's signal", {}, 'aborted');

/**
 * One attempt, settled by the reply, by the timer or by the caller's signal, whichever comes
 * first. The timer is ref'd, unlike AbortSignal.timeout's in Node, so a hung send cannot let the
 * process exit. The listener on the caller's signal is removed when the attempt settles.
 */
function attempt(mail, send, fetch, signal) {
  return new Promise((resolve, reject) => {
    const controller = new AbortController();
    let settled = false;
    const settle = () => {
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (error) => {
      if (settled) return;
      settle();
      controller.abort(error);
      reject(error);
    };
    const timeOut = () => fail(mail.timedOut(send));
    const onAbort = () => fail(aborted());
    const deadline = Date.now() + send.timeoutMs;
    const timer = setTimeout(timeOut, send.timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    let pending;
    try {
      pending = mail.attempt(send, fetch, controller.signal);
    } catch (error) {
      settle();
      reject(error);
      return;
    }
    outcomeOf(pending, mail.maxReplyBytes, deadline).then((outcome) => {
      if (settled) return;
      if (outcome.timedOut) return timeOut();
      settle();
      try {
        if ('failure' in outcome) throw mail.failed(send, describeCause(outcome.failure), causeCodes(outcome.failure));
        resolve(mail.finish(send, outcome.status, outcome.opaque, outcome.location, outcome.text));
      } catch (error) {
        reject(error);
      }
    });
  });
}

/** Waits `ms` before a retry, or rejects as soon as the caller's signal aborts. */
function backOff(ms, signal) {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Sends `message` with `options` through `mail` (a wasm DirectMail object), retrying up to the
 * send's `retries` times only what the wasm marked retryable. Each attempt is signed afresh. An
 * aborted `signal` (the caller's, if any) stops it before, during or between attempts.
 */
export async function sendWith(mail, message, options, fetch, optionsPath, signal) {
  return exchangeWith(mail, mail.prepare(message, options, optionsPath), fetch, signal);
}

/**
 * Asks Aliyun for one attachment upload's grant (`AuthorizeFileUpload`), sent, bounded and retried
 * as a mail is; resolves with `{url, fields, key, attachmentUrl}`, read by the wasm.
 */
export async function grantWith(mail, fetch, signal) {
  return exchangeWith(mail, mail.prepareUpload(), fetch, signal);
}

/** Runs the prepared exchange `send`, retrying what the wasm marked retryable, and frees it. */
async function exchangeWith(mail, send, fetch, signal) {
  try {
    for (let attemptIndex = 0; ; attemptIndex += 1) {
      if (signal?.aborted) throw aborted();
      try {
        return await attempt(mail, send, fetch, signal);
      } catch (error) {
        if (!error?.retryable || attemptIndex >= send.retries) throw error;
        const backoff = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** attemptIndex);
        await backOff(backoff / 2 + Math.random() * (backoff / 2), signal);
      }
    }
  } finally {
    send.free();
  }
}
