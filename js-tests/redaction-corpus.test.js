// The redaction corpus through the package as a caller meets it: each reply of
// vectors/redaction/echoes.json (made by scripts/redaction-corpus.mjs with Node's own encoders)
// comes back from fetch as a real Response, and nothing the send gives back, error or result, may
// hold a run of 12 characters of the credential as the reply wrote it, ignoring case.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { inspect } from 'node:util';

import { DirectMail } from '../lib/index.js';
import { makeConfig } from './helpers.js';

const corpus = JSON.parse(readFileSync(new URL('../vectors/redaction/echoes.json', import.meta.url), 'utf8'));
const LEAK_RUN = 12;

/** The first run of LEAK_RUN characters of `echoed` that `shown` holds, ignoring case. */
function leaked(echoed, shown) {
  const [e, s] = [echoed.toLowerCase(), shown.toLowerCase()];
  const run = Math.min(LEAK_RUN, e.length);
  for (let i = 0; i + run <= e.length; i++) if (s.includes(e.slice(i, i + run))) return e.slice(i, i + run);
  return undefined;
}

test('no re-encoded, truncated or re-cased echo of a credential reaches what a send gives back', async () => {
  assert.ok(corpus.cases.length > 400);
  const leaks = [];
  for (const { name, status, body, echoed } of corpus.cases) {
    const client = new DirectMail({
      ...makeConfig(corpus.credentials),
      fetch: async () => new Response(body, { status, headers: { 'content-type': 'application/json' } }),
    });
    let shown;
    try {
      shown = JSON.stringify(await client.send({ to: 'user@example.com', subject: 'Hi', html: '<p>Hi</p>' }));
    } catch (error) {
      shown = `${error.message}\n${JSON.stringify(error.data)}\n${error.stack}\n${inspect(error, { depth: 20 })}`;
    } finally {
      client.free?.();
    }
    const run = leaked(echoed, shown);
    if (run) leaks.push(`${name}: ${run}`);
  }
  assert.deepEqual(leaks, [], `${leaks.length} of ${corpus.cases.length} cases leaked`);
});
