// Around each attempt of a send: a timer that holds even when the host's fetch ignores the abort
// signal, and a bounded retry of what cannot have sent a mail. The wasm does the rest of an
// attempt: it signs with a fresh nonce and timestamp, calls fetch, reads the reply (capped) and
// marks its errors `retryable`.
import { codedError } from './errors.js';

const RETRY_BASE_MS = 200;
const RETRY_CAP_MS = 2_000;

/**
 * One attempt, settled by the wasm's result or by the timer, whichever comes first. The timer is
 * ref'd, unlike AbortSignal.timeout's in Node, so a hung send cannot let the process exit.
 */
function attempt(mail, message, options, fetch, { timeoutMs, url }) {
  return new Promise((resolve, reject) => {
    const controller = new AbortController();
    const timer = setTimeout(() => {
      const cause = `Error: timed out after ${timeoutMs} ms`;
      controller.abort(new Error(`timed out after ${timeoutMs} ms`));
      reject(codedError('general', `DirectMail did not answer within ${timeoutMs} ms`, { url, cause, timedOut: true }));
    }, timeoutMs);
    // After a timeout this still settles (the abort ends the fetch); resolve and reject are then no-ops.
    mail.send(message, options, fetch, controller.signal).then(
      (result) => {
        clearTimeout(timer);
        resolve(result);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * Sends `message` through `mail` (a DirectMail object), retrying up to the policy's `retries` times
 * only what the wasm marked retryable. Each attempt is signed afresh.
 */
export async function sendWith(mail, message, options, fetch) {
  const policy = mail.policy(options);
  for (let attemptIndex = 0; ; attemptIndex += 1) {
    try {
      return await attempt(mail, message, options, fetch, policy);
    } catch (error) {
      if (!error.retryable || attemptIndex >= policy.retries) {
        delete error.retryable;
        throw error;
      }
      const backoff = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** attemptIndex);
      await new Promise((resolve) => setTimeout(resolve, backoff / 2 + Math.random() * (backoff / 2)));
    }
  }
}
