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

/** A failed exchange as a typed error, retryable only if the connection never opened. */
function exchangeFailure(cause, request, timeoutMs, timedOut) {
  if (cause?.code === 'invalid_response') return cause;
  const described = describeCause(cause);
  const message = timedOut ? `DirectMail did not answer within ${timeoutMs} ms` : `The request to DirectMail failed: ${described}`;
  const error = codedError('general', message, { url: request.url, cause: described, timedOut });
  error.retryable = !timedOut && neverConnected(cause);
  return error;
}

/** The reply parsed in the core; of its errors, only throttling is worth a retry. */
function parseReply(status, body) {
  try {
    return parseSendMailReply(status, body);
  } catch (error) {
    error.retryable = error.code === 'rate_limit_exceeded';
    throw error;
  }
}

/**
 * One attempt: fetch, read the reply, parse it in the core. The timer is ref'd, unlike
 * AbortSignal.timeout's in Node, so a hung send cannot let the process exit; it aborts the fetch
 * and rejects by itself, so it holds even if the host's fetch ignores the signal. One promise,
 * settled by whichever comes first, costs a send less than racing a deadline promise.
 */
function attempt(request, fetch, timeoutMs) {
  return new Promise((resolve, reject) => {
    const controller = new AbortController();
    let settled = false;
    /** Settles once, with what `outcome` returns or throws; later outcomes are dropped. */
    const settle = (outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      try {
        resolve(outcome());
      } catch (error) {
        reject(error);
      }
    };
    const fail = (cause, timedOut = false) =>
      settle(() => {
        throw exchangeFailure(cause, request, timeoutMs, timedOut);
      });
    const timer = setTimeout(() => {
      const reason = new Error(`timed out after ${timeoutMs} ms`);
      controller.abort(reason);
      fail(reason, true);
    }, timeoutMs);
    let response;
    try {
      response = fetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal: controller.signal });
    } catch (cause) {
      fail(cause);
      return;
    }
    Promise.resolve(response)
      .then((reply) => readCapped(reply).then((body) => settle(() => parseReply(reply.status, body))))
      .catch((cause) => fail(cause));
  });
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
