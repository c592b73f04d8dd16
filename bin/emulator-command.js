// `aliyun-dm emulator`: starts the DirectMail emulator on loopback, prints its URL, then one line
// per mail it accepts, until interrupted.
import { startEmulator } from '../emulator/index.js';
import { parseOrExit, usageError } from './args.js';
import { shown } from '../js/errors.js';

const usage = `Usage: aliyun-dm emulator [--port N] [--host ADDR] [--key ID:SECRET]... [--sender ADDR]...
                          [--events URL [--event-secret SECRET]]

  --port N               listen on this port (default: a free one)
  --host ADDR            a loopback address to bind (default 127.0.0.1)
  --key ID:SECRET        an AccessKey pair it accepts (repeatable; default testid:testsecret)
  --sender ADDR          a sender address it knows (repeatable; default: any)
  --events URL           POST DirectMail's delivery events for each mail to URL, as EventBridge
                         would (dm:Deliver:Fail for a recipient whose local part starts with bounce)
  --event-secret SECRET  send it with each event as the x-directmail-event-secret header`;

/** Runs the emulator until SIGINT or SIGTERM; exits 2 on a usage error. */
export async function runEmulator(argv) {
  const values = parseOrExit(
    argv,
    {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      key: { type: 'string', multiple: true },
      sender: { type: 'string', multiple: true },
      events: { type: 'string' },
      'event-secret': { type: 'string' },
    },
    usage,
  );
  const port = Number(values.port);
  const pairs = (values.key ?? ['testid:testsecret']).map((pair) => {
    const colon = pair.indexOf(':');
    return colon > 0 && colon < pair.length - 1 ? [pair.slice(0, colon), pair.slice(colon + 1)] : undefined;
  });
  if (pairs.includes(undefined)) {
    // Never echoed: what was given may be a secret.
    usageError('--key must be ID:SECRET, with a colon.', usage);
  }
  if (!/^\d{1,5}$/.test(values.port) || port > 65_535) {
    usageError('--port must be a number from 0 to 65535.', usage);
  }
  if (values.events !== undefined && !/^https?:\/\/[^\s]+$/.test(values.events)) {
    usageError('--events must be an http:// or https:// URL.', usage);
  }
  if (values['event-secret'] !== undefined && values.events === undefined) {
    usageError('--event-secret goes with --events.', usage);
  }
  let emulator;
  try {
    emulator = await startEmulator({
      port,
      host: values.host,
      accessKeys: Object.fromEntries(pairs),
      senders: values.sender,
      events: values.events,
      eventSecret: values['event-secret'],
      onMail: (mail) => {
        // Everything here comes from the client: shown escaped, so no line can be forged and no
        // terminal escape runs.
        const what = mail.template ? `template ${shown(mail.template.TemplateId)}` : shown(JSON.stringify(mail.subject));
        const files = mail.attachments.map((a) => `${shown(JSON.stringify(a.name))} (${a.size} bytes)`);
        console.log(`mail ${mail.envId}: ${shown(mail.from)} -> ${shown(mail.to.join(', '))}: ${what}${files.length > 0 ? `, with ${files.join(', ')}` : ''}`);
      },
    });
  } catch (error) {
    console.error(`Cannot start the emulator: ${error.message}`);
    process.exit(1);
  }
  console.log(`DirectMail emulator listening on ${emulator.url}`);
  console.log(`Keys: ${pairs.map(([id]) => id).join(', ')} (secrets as given). Set "endpoint": "${emulator.url}" in the connector config.`);
  if (values.events !== undefined) console.log(`Delivery events go to ${shown(values.events)}.`);
  const stop = () => emulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
