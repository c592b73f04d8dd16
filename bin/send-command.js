// `aliyun-dm send`: what the Logto Console's "Send test" button does, from a shell. Prints the
// signed request (--dry-run; secrets redacted) or DirectMail's reply; on failure prints the error's
// code and exits 1 (2 for a usage error).
import { buildSendMailRequest, sendMail, signRpcRequest } from '../lib/index.js';
import { parseOrExit, usageError } from './args.js';
import { readConfigFile } from './config-file.js';

const usage = `Usage: aliyun-dm send --config FILE --to ADDR [--type T] [--code C] [--dry-run | --endpoint URL]

  --config FILE    the connector config JSON, as pasted into the Logto Console
  --to ADDR        recipient(s), comma-separated
  --type T         the Logto usage type (default Generic, as the Console's test)
  --code C         the payload's code (default 000000)
  --dry-run        build and sign the request, print it, send nothing
  --endpoint URL   send to this endpoint instead (https, or http to loopback)`;

const REDACTED = '<redacted>';
/** Aliyun's RPC percent-encoding (RFC 3986), to find the token inside the string-to-sign. */
const percentEncode = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const SECRET_PARAMS = ['SecurityToken'];
/** Headers that carry a secret with signature V3. */
const SECRET_HEADERS = ['x-acs-security-token'];

function fail(status, message) {
  console.error(message);
  process.exit(status);
}

/** Prints an error's code, message and data; data never holds the secret. */
function report(error) {
  if (!error?.code) throw error;
  console.error(`error ${error.code}: ${error.message}`);
  console.error(JSON.stringify(error.data, null, 2));
  process.exit(1);
}

/** Runs the command with `argv` (the words after `send`). */
export async function runSend(argv) {
  const options = {
    config: { type: 'string' },
    to: { type: 'string' },
    type: { type: 'string', default: 'Generic' },
    code: { type: 'string', default: '000000' },
    'dry-run': { type: 'boolean', default: false },
    endpoint: { type: 'string' },
  };
  const values = parseOrExit(argv, options, usage, ['config', 'to']);
  if (values['dry-run'] && values.endpoint) usageError('--dry-run and --endpoint do not go together.', usage);
  const config = readConfigFile(values.config, fail);
  const data = { to: values.to, type: values.type, payload: { code: values.code } };

  try {
    if (values['dry-run']) {
      const request = buildSendMailRequest(config, data);
      const params = Object.fromEntries(new URLSearchParams(request.body));
      console.log(`${request.method} ${request.url}`);
      for (const [name, value] of Object.entries(request.headers)) console.log(`${name}: ${SECRET_HEADERS.includes(name) ? REDACTED : value}`);
      console.log('');
      const width = Math.max(...Object.keys(params).map((k) => k.length));
      for (const [name, value] of Object.entries(params)) {
        console.log(`${name.padEnd(width)}  ${SECRET_PARAMS.includes(name) ? REDACTED : value}`);
      }
      // V2 signs the form itself: show its string-to-sign. V3's stages are in the Authorization header.
      if (params.Signature !== undefined) {
        const { Signature, ...signed } = params;
        const { stringToSign } = signRpcRequest(signed, config.accessKeySecret, request.method);
        const token = params.SecurityToken;
        // The token appears percent-encoded twice: once in the canonical query, again in the string-to-sign.
        console.log(`\nStringToSign: ${token ? stringToSign.replaceAll(percentEncode(percentEncode(token)), REDACTED) : stringToSign}`);
      }
    } else {
      const reply = await sendMail(values.endpoint ? { ...config, endpoint: values.endpoint } : config, data, fetch);
      console.log(JSON.stringify(reply));
    }
  } catch (error) {
    report(error);
  }
}
