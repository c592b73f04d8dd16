// Endpoints as fetch sends them (vectors/endpoints/fetch-rewrites.json): every form the WHATWG URL
// parser rewrites is refused by name, since V3 signs the endpoint as written; every form it keeps
// sends with V2 and with V3 through the emulator on loopback.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { startEmulator } from '../emulator/index.js';
import { DirectMail, DirectMailError } from '../lib/index.js';
import { thrown } from './helpers.js';

const vectors = JSON.parse(readFileSync(new URL('../vectors/endpoints/fetch-rewrites.json', import.meta.url), 'utf8'));
const sender = { accessKeyId: 'testid', accessKeySecret: 'testsecret', accountName: 'noreply@mail.example.com' };
const mail = { to: 'a@example.com', subject: 's', text: 't' };

let emulator;
let port;
before(async () => {
  emulator = await startEmulator();
  port = new URL(emulator.url).port;
});
after(() => emulator.close());

const filled = (endpoint) => endpoint.replaceAll('{port}', port);

test('each endpoint that fetch rewrites is refused, naming endpoint, before anything is signed', async () => {
  assert.ok(vectors.rewritten.length >= 18);
  for (const { endpoint, why } of vectors.rewritten) {
    const url = filled(endpoint);
    // The case is real: the URL parser fetch uses does rewrite it.
    assert.notEqual(new URL(url).href, url, `${why}: the parser keeps ${url}`);
    for (const signatureVersion of ['v2', 'v3']) {
      const error = await thrown(() => new DirectMail({ ...sender, endpoint: url, signatureVersion }));
      assert.ok(error instanceof DirectMailError, `${why}: ${error}`);
      assert.equal(error.code, 'invalid_config', why);
      assert.deepEqual(error.data.issues.map((i) => i.path), ['endpoint'], `${why}: ${error.message}`);
    }
  }
});

test('each endpoint that fetch keeps sends with V2 and with V3', async () => {
  for (const { endpoint, sent } of vectors.kept) {
    const url = filled(endpoint);
    assert.equal(new URL(url).href, filled(sent), 'the parser keeps it');
    for (const signatureVersion of ['v2', 'v3']) {
      const urls = [];
      const client = new DirectMail({ ...sender, endpoint: url, signatureVersion, fetch: (u, init) => (urls.push(u), fetch(u, init)) });
      const { envId } = await client.send(mail);
      assert.match(envId, /^\d+$/, `${url} ${signatureVersion}`);
      assert.deepEqual(urls.map((u) => u.split('?')[0]), [filled(sent)]);
      client.free();
    }
  }
});
