// Sends a signed request through the host's fetch: per-attempt timeout, a bounded retry of what
// cannot have sent the mail, a capped reply, and typed errors for every failure.
import { codedError, describeCause } from './errors.js';
import { parseSendMailReply } from './core.js';

/** Largest reply read: DirectMail's replies are under 1 KB, so anything near this is not one. */
export const MAX_REPLY_BYTES = 1 << 20;
const RETRY_BASE_MS = 200;
const RETRY_CAP_MS = 2_000;

/** Failures where the connection never opened, so no mail can have been sent. */
function neverConnected(cause) {
  const codes = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'];
  for (let error = cause; error; error = error.cause) {
    if (codes.includes(error.code) || error.name === 'ConnectionRefused' || /connection refused/i.test(error.message ?? '')) return true;
  }
  return false;
}

/** Reads the body as text, refusing more than MAX_REPLY_BYTES without buffering it all. */
async function readCapped(response) {
  if (!response.body?.getReader) {
    const text = await response.text();
    if (text.length > MAX_REPLY_BYTES) throw codedError('invalid_response', `The reply is larger than ${MAX_REPLY_BYTES} bytes`, { status: response.status });
    return text;
  }
  const reader = response.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_REPLY_BYTES) {
      await reader.cancel().catch(() => {});
      throw codedError('invalid_response', `The reply is larger than ${MAX_REPLY_BYTES} bytes`, { status: response.status });
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** The HTTP exchange: the reply's status and its body as text. */
async function exchange(request, fetch, signal) {
  const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal });
  return [response.status, await readCapped(response)];
}

/** One attempt: fetch with a timeout, then parse the reply in the core. */
async function attempt(request, fetch, timeoutMs) {
  const controller = new AbortController();
  let timer;
  // A ref'd timer, unlike AbortSignal.timeout's in Node, so a hung send cannot let the process exit.
  // The deadline rejects by itself, so it holds even if the host's fetch ignores the signal.
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => {
      const reason = new Error(`timed out after ${timeoutMs} ms`);
      controller.abort(reason);
      reject(reason);
    }, timeoutMs);
  });
  let status;
  let body;
  try {
    // One race covers both the response and its body.
    [status, body] = await Promise.race([exchange(request, fetch, controller.signal), deadline]);
  } catch (cause) {
    if (cause?.code === 'invalid_response') throw cause;
    const timedOut = controller.signal.aborted;
    const message = timedOut ? `DirectMail did not answer within ${timeoutMs} ms` : `The request to DirectMail failed: ${describeCause(cause)}`;
    const error = codedError('general', message, { url: request.url, cause: describeCause(cause), timedOut });
    error.retryable = !timedOut && neverConnected(cause);
    throw error;
  } finally {
    clearTimeout(timer);
  }
  try {
    return parseSendMailReply(status, body);
  } catch (error) {
    error.retryable = error.code === 'rate_limit_exceeded';
    throw error;
  }
}

/**
 * Sends `build()` (a fresh signed request each time: new nonce and timestamp) with `fetch`, retrying
 * up to `retries` times only after throttling or a connection that never opened.
 */
export async function sendSigned(build, fetch, { timeoutMs, retries }) {
  if (typeof fetch !== 'function') {
    throw codedError('general', 'No fetch function: pass one, or run where globalThis.fetch exists');
  }
  for (let attemptIndex = 0; ; attemptIndex += 1) {
    try {
      return await attempt(build(), fetch, timeoutMs);
    } catch (error) {
      if (!error.retryable || attemptIndex >= retries) {
        delete error.retryable;
        throw error;
      }
      const backoff = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** attemptIndex);
      await new Promise((resolve) => setTimeout(resolve, backoff / 2 + Math.random() * (backoff / 2)));
    }
  }
}
