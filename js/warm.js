// Warming up at startup, for hosts that bill a request's CPU and wall time but allow a module's
// startup more (a Worker has 1 s there, and its Free plan 10 ms of CPU per request): the wasm is
// instantiated and the send path compiled by a throwaway dry run, so the first request pays for
// neither. Failure here is left to the first real call, which reports it.
import { buildSendMailRequest, parseSendMailReply } from './core.js';

const sender = { accessKeyId: 'warm-up', accessKeySecret: 'warm-up', accountName: 'warm-up@example.com' };
const templates = ['SignIn', 'Register', 'ForgotPassword', 'Generic'].map((usageType) => ({ usageType, subject: '{{code}}', content: '<p>{{code}}</p>' }));

/**
 * Pinned: a Worker forbids random values at startup, and its clock stands still there.
 */
const pins = { nonce: 'warm-up', timestamp: '2026-01-01T00:00:00Z' };

/** Instantiates the wasm and runs a dry run and a reply parse through it once; false if it could not. */
export function warmUp() {
  try {
    buildSendMailRequest({ ...sender, templates }, { to: 'warm-up@example.com', type: 'SignIn', payload: { code: '1' } }, pins);
    parseSendMailReply(200, '{"EnvId":"1","RequestId":"0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A"}');
    return true;
  } catch {
    // The first real call meets the same failure and reports it.
    return false;
  }
}
