// Sends a signed request through the host's fetch, with a timeout, and parses the reply.
import { codedError, describeCause } from './errors.js';
import { wasm } from './wasm.js';

/** DirectMail answers in well under a second; 10 s leaves room without hanging Logto's request. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** POSTs `request` ({url, method, headers, body}) with `fetch` and returns `{EnvId, RequestId}`. */
export async function sendRequest(request, fetch, { timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
  if (typeof fetch !== 'function') {
    throw codedError('general', 'No fetch function: pass one, or run where globalThis.fetch exists');
  }
  const timeout = AbortSignal.timeout(timeoutMs);
  let status;
  let body;
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: timeout,
    });
    status = response.status;
    body = await response.text();
  } catch (cause) {
    const message = timeout.aborted
      ? `DirectMail did not answer within ${timeoutMs} ms`
      : `The request to DirectMail failed: ${describeCause(cause)}`;
    throw codedError('general', message, { url: request.url, cause: describeCause(cause) });
  }
  return wasm().parseSendMailReply(status, body);
}
