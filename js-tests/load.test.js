// Load against the emulator on 127.0.0.1, bounded in count (10,000 sends, 50 at a time) and in
// time (the test gives up at 180 s): every send verifies, no nonce repeats, nothing is lost, and
// wasm memory stays flat.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { startEmulator } from '../emulator/index.js';
import createConnector, { wasmMemoryBytes } from '../lib/index.js';
import { makeConfig } from './helpers.js';

const TOTAL = 10_000;
const CONCURRENCY = 50;
const DEADLINE_MS = 180_000;

test(`${TOTAL} sends at concurrency ${CONCURRENCY}: all verified, unique nonces, none lost, flat memory`, { timeout: DEADLINE_MS }, async () => {
  const emulator = await startEmulator({ maxHistory: TOTAL });
  try {
    const config = makeConfig({ endpoint: emulator.url });
    const connector = await createConnector({ getConfig: async () => config });
    const send = (i) => connector.sendMessage({ to: `user${i}@example.com`, type: 'SignIn', payload: { code: String(i).padStart(6, '0') } });
    // Warm up at the same concurrency (sends in flight each hold their request), then take memory
    // as the baseline: it must not grow with the number of sends.
    let warm = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (warm < 20 * CONCURRENCY) await send(-1 - warm++);
    }));
    const baseline = wasmMemoryBytes();
    emulator.mails.length = 0;
    emulator.requests.length = 0;

    const deadline = Date.now() + DEADLINE_MS - 10_000;
    const replies = new Array(TOTAL);
    let next = 0;
    const worker = async () => {
      while (next < TOTAL && Date.now() < deadline) {
        const i = next;
        next += 1;
        replies[i] = await send(i);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    assert.equal(replies.filter(Boolean).length, TOTAL, 'every send finished before the deadline');
    assert.equal(emulator.mails.length, TOTAL, 'the emulator verified and accepted every one');
    assert.equal(new Set(emulator.requests.map((r) => r.params.SignatureNonce)).size, TOTAL, 'no nonce repeats');
    const delivered = new Set(emulator.mails.map((m) => m.to[0]));
    for (let i = 0; i < TOTAL; i += 1) assert.ok(delivered.has(`user${i}@example.com`), `mail ${i} was lost`);
    for (let i = 0; i < TOTAL; i += 1) assert.equal(replies[i].EnvId !== undefined, true);
    assert.equal(wasmMemoryBytes(), baseline, `wasm memory grew from ${baseline} to ${wasmMemoryBytes()} bytes`);
  } finally {
    await emulator.close();
  }
});
