// A local DirectMail emulator for demos and tests: it serves SingleSendMail on POST / over loopback,
// verifies the RPC signature with its own node:crypto code (not the connector's), checks the
// Timestamp window, nonce replay, required parameters and field limits, and answers as Aliyun does.
import { createHmac, randomInt, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

/** Aliyun accepts a Timestamp within 15 minutes of its own clock. */
export const TIMESTAMP_WINDOW_MS = 15 * 60 * 1000;
/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

const LOOPBACK = /^(127(\.\d{1,3}){3}|::1|localhost)$/;
const REQUIRED = ['Action', 'AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp', 'Version'];
const SEND_MAIL_REQUIRED = ['AccountName', 'AddressType', 'ReplyToAddress', 'ToAddress', 'Subject'];
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;

/** RFC 3986 encoding as Aliyun's RPC signature defines it. */
const percentEncode = (value) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The server-side string-to-sign for `params` (without Signature). */
export function stringToSign(method, params) {
  const canonical = Object.keys(params)
    .filter((key) => key !== 'Signature')
    .sort()
    .map((key) => `${percentEncode(key)}=${percentEncode(params[key])}`)
    .join('&');
  return `${method}&${percentEncode('/')}&${percentEncode(canonical)}`;
}

/** The signature Aliyun would compute for `params` with `secret`. */
export function expectedSignature(method, params, secret) {
  return createHmac('sha1', `${secret}&`).update(stringToSign(method, params)).digest('base64');
}

/** Whether form-encoded `body` carries a valid signature for one of `accessKeys`. */
export function verifySignedBody(body, accessKeys, method = 'POST') {
  const params = Object.fromEntries(new URLSearchParams(body));
  const secret = accessKeys[params.AccessKeyId];
  return secret !== undefined && params.Signature === expectedSignature(method, params, secret);
}

class AliyunError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

/**
 * Starts the emulator on a free loopback port.
 *
 * @param {object} [options]
 * @param {Record<string, string>} [options.accessKeys] AccessKeyId → AccessKeySecret pairs it accepts.
 * @param {string[]} [options.senders] Sender addresses it knows; any address when omitted.
 * @param {string} [options.host] A loopback address to bind.
 * @param {() => number} [options.now] The emulator's clock, in milliseconds.
 */
export async function startEmulator({ accessKeys = { testid: 'testsecret' }, senders, host = '127.0.0.1', now = Date.now } = {}) {
  if (!LOOPBACK.test(host)) throw new Error(`The emulator binds loopback only, not ${host}`);
  const mails = [];
  const requests = [];
  const usedNonces = new Set();
  const scripted = [];

  /** Validates one SingleSendMail call and returns the stored mail, or throws AliyunError. */
  function handle(method, params) {
    for (const key of REQUIRED) {
      if (!params[key]) throw new AliyunError(400, 'MissingParameter', `The input parameter "${key}" that is mandatory for processing this request is not supplied.`);
    }
    const secret = accessKeys[params.AccessKeyId];
    if (secret === undefined) throw new AliyunError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
    if (params.SignatureMethod !== 'HMAC-SHA1') throw new AliyunError(400, 'InvalidSignatureMethod', 'Specified signature method is not supported.');
    if (params.SignatureVersion !== '1.0') throw new AliyunError(400, 'InvalidSignatureVersion', 'Specified signature version is not supported.');
    const match = TIMESTAMP.exec(params.Timestamp);
    const time = match ? Date.parse(params.Timestamp) : Number.NaN;
    if (Number.isNaN(time)) throw new AliyunError(400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.');
    if (Math.abs(now() - time) > TIMESTAMP_WINDOW_MS) throw new AliyunError(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
    const serverStringToSign = stringToSign(method, params);
    if (params.Signature !== expectedSignature(method, params, secret)) {
      throw new AliyunError(400, 'SignatureDoesNotMatch', `Specified signature is not matched with our calculation. server string to sign is:${serverStringToSign}`);
    }
    // A nonce counts as used only once the request is authentic, as a replay guard should.
    const nonceKey = `${params.AccessKeyId}:${params.SignatureNonce}`;
    if (usedNonces.has(nonceKey)) throw new AliyunError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
    usedNonces.add(nonceKey);
    if (params.Action !== 'SingleSendMail') throw new AliyunError(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.');
    if (params.Version !== '2015-11-23') throw new AliyunError(400, 'InvalidVersion', 'Specified parameter Version is not valid.');
    for (const key of SEND_MAIL_REQUIRED) {
      if (!params[key]) throw new AliyunError(400, 'MissingParameter', `The input parameter "${key}" that is mandatory for processing this request is not supplied.`);
    }
    return checkMail(params);
  }

  function checkMail(params) {
    if (senders && !senders.includes(params.AccountName)) throw new AliyunError(404, 'InvalidMailAddress.NotFound', 'The specified mail address is not found.');
    if (!['0', '1'].includes(params.AddressType)) throw new AliyunError(400, 'InvalidAddressType', 'The specified address type is invalid.');
    if (!['true', 'false'].includes(params.ReplyToAddress)) throw new AliyunError(400, 'InvalidReplyToAddress', 'The specified reply to address is invalid.');
    const to = params.ToAddress.split(',');
    if (to.length > 100 || !to.every((address) => EMAIL.test(address))) throw new AliyunError(400, 'InvalidToAddress', 'The specified toAddress is invalid.');
    if ([...params.Subject].length > 100) throw new AliyunError(400, 'InvalidSubject.Malformed', 'The subject is invalid, the length of subject should not exceed 100.');
    if (params.FromAlias !== undefined && [...params.FromAlias].length >= 15) throw new AliyunError(400, 'InvalidFromAlias.Malformed', 'The specified fromAlias is invalid.');
    if (!params.HtmlBody && !params.TextBody) throw new AliyunError(400, 'InvalidBody', 'The specified body is invalid; HtmlBody or TextBody is required.');
    const mail = {
      envId: String(randomInt(1e9, 1e10)),
      from: params.AccountName,
      fromAlias: params.FromAlias,
      to,
      subject: params.Subject,
      htmlBody: params.HtmlBody,
      textBody: params.TextBody,
      params,
    };
    mails.push(mail);
    return mail;
  }

  function reply(response, status, body) {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    response.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/html' : 'application/json;charset=utf-8' });
    response.end(text);
  }

  async function onRequest(request, response) {
    const chunks = [];
    let size = 0;
    for await (const chunk of request) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return reply(response, 413, { Code: 'RequestEntityTooLarge', Message: 'The request body is too large.', RequestId: randomUUID() });
      chunks.push(chunk);
    }
    const body = Buffer.concat(chunks).toString('utf8');
    const params = Object.fromEntries(new URLSearchParams(request.method === 'GET' ? request.url.split('?')[1] ?? '' : body));
    requests.push({ method: request.method, url: request.url, headers: request.headers, body, params });
    const requestId = randomUUID();
    const script = scripted.shift();
    if (script) return script(request, response, params);
    if (request.method !== 'POST' && request.method !== 'GET') return reply(response, 405, { Code: 'MethodNotAllowed', Message: 'Use POST.', RequestId: requestId });
    try {
      const mail = handle(request.method, params);
      reply(response, 200, { EnvId: mail.envId, RequestId: requestId });
    } catch (error) {
      if (!(error instanceof AliyunError)) throw error;
      reply(response, error.status, {
        RequestId: requestId,
        HostId: request.headers.host ?? 'dm.aliyuncs.com',
        Code: error.code,
        Message: error.message,
        Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(error.code)}&product=Dm`,
      });
    }
  }

  const server = createServer((request, response) => {
    onRequest(request, response).catch((error) => {
      if (!response.headersSent) reply(response, 500, { Code: 'InternalError', Message: String(error), RequestId: randomUUID() });
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address();
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    /** The endpoint to put in the connector config. */
    url: `http://${urlHost}:${port}/`,
    /** Mails accepted, in order. */
    mails,
    /** Every request received, parsed. */
    requests,
    /** Answers the next request with `handler(request, response, params)` instead of emulating. */
    script(handler) {
      scripted.push(handler);
    },
    /** Answers the next request with Aliyun's error JSON for `code` at HTTP `status`. */
    failNext(status, code, message = `Emulated ${code}`) {
      scripted.push((request, response) =>
        reply(response, status, { RequestId: randomUUID(), HostId: request.headers.host, Code: code, Message: message }),
      );
    },
    /** Forgets scripted answers not used yet. */
    clearScripts() {
      scripted.length = 0;
    },
    /** Stops listening and drops open connections. */
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
