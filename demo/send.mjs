// `npm start`: sends one SignIn mail with the example config through the real connector
// (lib/index.js, as Logto loads it) to the bundled DirectMail emulator on loopback.
import { readFileSync } from 'node:fs';

import { startEmulator } from '../emulator/index.js';
import createConnector from '../lib/index.js';

const REDACTED = '<redacted>';
const config = JSON.parse(readFileSync(new URL('example-config.json', import.meta.url), 'utf8'));
const emulator = await startEmulator({ accessKeys: { [config.accessKeyId]: config.accessKeySecret } });

try {
  let sent;
  /** The host's fetch, recording what the connector hands it. */
  const recordingFetch = async (url, init) => {
    sent = { url, ...init };
    return fetch(url, init);
  };
  const connector = await createConnector({
    getConfig: async () => ({ ...config, endpoint: emulator.url }),
    fetch: recordingFetch,
  });
  const reply = await connector.sendMessage({ to: 'user@example.com', type: 'SignIn', payload: { code: '482913' } });

  console.log('Config (secret redacted):');
  console.log(JSON.stringify({ ...config, accessKeySecret: REDACTED, endpoint: emulator.url, templates: `[${config.templates.length} templates]` }, null, 2));
  console.log(`\nSigned request: ${sent.method} ${sent.url}`);
  for (const [name, value] of Object.entries(sent.headers)) console.log(`${name}: ${value}`);
  console.log('\nForm body parameters:');
  const params = new URLSearchParams(sent.body);
  const width = Math.max(...[...params.keys()].map((k) => k.length));
  for (const [name, value] of params) console.log(`  ${name.padEnd(width)}  ${value}`);
  console.log(`\nEmulator reply: ${JSON.stringify(reply)}`);
  const [mail] = emulator.mails;
  console.log(`Emulator delivered to ${mail.to.join(', ')}: "${mail.subject}"`);
  if (!reply.EnvId) throw new Error('The reply has no EnvId');
} finally {
  await emulator.close();
}
