// Around each attempt of a send: awaiting what the host's fetch returns, reading the body's bytes
// with a cap, a timer that holds even when fetch ignores the abort signal, and a bounded retry of
// what cannot have sent a mail. The wasm signs each attempt afresh, calls fetch, and decides what
// the reply means, which errors are retryable included.
import { codedError } from './errors.js';

/** Largest reply read: DirectMail's replies are under 1 KB, so anything near this is not one. */
export const MAX_REPLY_BYTES = 1 << 20;
const RETRY_BASE_MS = 200;
const RETRY_CAP_MS = 2_000;
/** UTF-8 as Response.text() decodes it: a BOM dropped, invalid bytes as U+FFFD. */
const utf8 = new TextDecoder();
/** Each DirectMail object's policy for sends without options, which cannot change. */
const defaultPolicies = new WeakMap();

/** The body as text, or undefined past MAX_REPLY_BYTES: a flood is cut off, not buffered. */
async function readCapped(response) {
  const reader = response?.body?.getReader?.();
  if (!reader) {
    // No stream (a test double, or a body-less Response): its text() is all there is.
    return typeof response?.text === 'function' ? String(await response.text()) : '';
  }
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_REPLY_BYTES) {
      reader.cancel().catch(() => {});
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

/** What an attempt got back, in the shape the wasm's `reply` reads; never rejects. */
async function outcomeOf(pending) {
  let response;
  try {
    response = await pending;
    const text = await readCapped(response);
    return text === undefined ? { response, tooLarge: true } : { response, text };
  } catch (failure) {
    return { failed: true, failure };
  }
}

/**
 * One attempt, settled by the reply or by the timer, whichever comes first. The timer is ref'd,
 * unlike AbortSignal.timeout's in Node, so a hung send cannot let the process exit.
 */
function attempt(mail, message, options, fetch, { timeoutMs, url }) {
  return new Promise((resolve, reject) => {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`timed out after ${timeoutMs} ms`));
      reject(codedError('general', `DirectMail did not answer within ${timeoutMs} ms`, { url, cause: `Error: timed out after ${timeoutMs} ms`, timedOut: true }));
    }, timeoutMs);
    let pending;
    try {
      pending = mail.fetch(message, options, fetch, controller.signal);
    } catch (error) {
      clearTimeout(timer);
      reject(error);
      return;
    }
    outcomeOf(pending).then((outcome) => {
      clearTimeout(timer);
      if (timedOut) return;
      try {
        resolve(mail.reply(outcome, url));
      } catch (error) {
        reject(error);
      }
    });
  });
}

/**
 * Sends `message` through `mail` (a DirectMail object), retrying up to the policy's `retries` times
 * only what the wasm marked retryable. Each attempt is signed afresh.
 */
export async function sendWith(mail, message, options, fetch) {
  let policy = options === undefined ? defaultPolicies.get(mail) : undefined;
  if (!policy) {
    policy = mail.policy(options);
    if (options === undefined) defaultPolicies.set(mail, policy);
  }
  for (let attemptIndex = 0; ; attemptIndex += 1) {
    try {
      return await attempt(mail, message, options, fetch, policy);
    } catch (error) {
      if (!error.retryable || attemptIndex >= policy.retries) throw error;
      const backoff = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** attemptIndex);
      await new Promise((resolve) => setTimeout(resolve, backoff / 2 + Math.random() * (backoff / 2)));
    }
  }
}
