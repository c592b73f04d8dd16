// `aliyun-dm emulator`: starts the DirectMail emulator on loopback, prints its URL, then one line
// per mail it accepts, until interrupted.
import { parseArgs } from 'node:util';

import { startEmulator } from '../emulator/index.js';

const usage = `Usage: aliyun-dm emulator [--port N] [--host ADDR] [--key ID:SECRET]... [--sender ADDR]...

  --port N          listen on this port (default: a free one)
  --host ADDR       a loopback address to bind (default 127.0.0.1)
  --key ID:SECRET   an AccessKey pair it accepts (repeatable; default testid:testsecret)
  --sender ADDR     a sender address it knows (repeatable; default: any)`;

/** Runs the emulator until SIGINT or SIGTERM; exits 2 on a usage error. */
export async function runEmulator(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '0' },
        host: { type: 'string', default: '127.0.0.1' },
        key: { type: 'string', multiple: true },
        sender: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    console.error(`${error.message}\n\n${usage}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    return;
  }
  const port = Number(values.port);
  const pairs = (values.key ?? ['testid:testsecret']).map((pair) => [pair.slice(0, pair.indexOf(':')), pair.slice(pair.indexOf(':') + 1)]);
  if (!Number.isInteger(port) || port < 0 || port > 65_535 || pairs.some(([id, secret]) => !id || !secret)) {
    console.error(usage);
    process.exit(2);
  }
  let emulator;
  try {
    emulator = await startEmulator({
      port,
      host: values.host,
      accessKeys: Object.fromEntries(pairs),
      senders: values.sender,
      onMail: (mail) => {
        const what = mail.template ? `template ${mail.template.TemplateId}` : JSON.stringify(mail.subject);
        console.log(`mail ${mail.envId}: ${mail.from} -> ${mail.to.join(', ')}: ${what}`);
      },
    });
  } catch (error) {
    console.error(`Cannot start the emulator: ${error.message}`);
    process.exit(1);
  }
  console.log(`DirectMail emulator listening on ${emulator.url}`);
  console.log(`Keys: ${pairs.map(([id]) => id).join(', ')} (secrets as given). Set "endpoint": "${emulator.url}" in the connector config.`);
  const stop = () => emulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
