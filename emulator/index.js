// A local DirectMail emulator for demos and tests: it serves SingleSendMail on POST / over loopback,
// verifies the RPC signature (V2, HMAC-SHA1) or the V3 one (ACS3-HMAC-SHA256) with its own
// node:crypto code (not the connector's), checks the Timestamp or x-acs-date window, nonce replay,
// required parameters and field limits, and answers as Aliyun does.
import { createHash, createHmac, randomInt, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

/**
 * How far a Timestamp (V2) or x-acs-date (V3) may be from the emulator's clock. Aliyun's "V2 RPC
 * request structure and signature" page (help.aliyun.com/document_detail/157269) gives a Timestamp
 * a validity of 31 minutes from when it is made; no page gives x-acs-date's, so V3 gets the same,
 * and a time ahead of the clock by as much is taken too.
 */
export const TIMESTAMP_WINDOW_MS = 31 * 60 * 1000;
/**
 * Largest request body accepted, in bytes: about what DirectMail takes (a few MB of form body),
 * with room for the largest mail this package sends (2 MiB of body, percent-encoded).
 */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;
/** Largest attachment upload accepted: one mail's 15 MB, with room for the form around the file. */
export const MAX_UPLOAD_BYTES = 16 * 1024 * 1024;
/** The stand-in OSS key that signs upload policies, as AuthorizeFileUpload hands one out. */
const OSS_KEY = { id: 'LTAIemulatorOss', secret: 'emulator-oss-secret' };
/** How long an upload grant lasts, as Aliyun's do. */
const GRANT_LIFETIME_MS = 15 * 60 * 1000;

/** Most mails, and most requests, the emulator remembers by default: the oldest are forgotten first. */
export const MAX_HISTORY = 1000;
/** Most bytes of bodies the remembered requests (and mails) may hold together. */
export const MAX_HISTORY_BYTES = 32 * 1024 * 1024;

/**
 * A function that adds an entry (holding some bytes of bodies) to `list`, forgetting the oldest
 * past `most` entries or MAX_HISTORY_BYTES. It keeps a running total; only when a caller has
 * changed the list (`mails.length = 0`) is the total summed again.
 */
function history(list, most) {
  const sizes = new WeakMap();
  let total = 0;
  let length = 0;
  return (entry, bytes) => {
    if (list.length !== length) total = list.reduce((sum, e) => sum + (sizes.get(e) ?? 0), 0);
    list.push(entry);
    sizes.set(entry, bytes);
    total += bytes;
    while (list.length > 1 && (list.length > most || total > MAX_HISTORY_BYTES)) total -= sizes.get(list.shift()) ?? 0;
    length = list.length;
  };
}

const LOOPBACK = /^(127(\.\d{1,3}){3}|::1|localhost)$/;
const REQUIRED = ['Action', 'AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureVersion', 'SignatureNonce', 'Timestamp', 'Version'];
const SEND_MAIL_REQUIRED = ['AccountName', 'AddressType', 'ReplyToAddress', 'ToAddress'];
/** The headers a V3 request must sign (and `x-acs-security-token` when it sends one). */
const V3_SIGNED = ['host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version'];
const V3_AUTHORIZATION = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{64})$/;
const STANDARD_HEADERS = ['message-id', 'list-unsubscribe', 'list-unsubscribe-post'];
const UNSUBSCRIBE_LINK_TYPES = ['disabled', 'default'];
const UNSUBSCRIBE_FILTER_LEVELS = ['disabled', 'default', 'mailfrom', 'mailfrom_domain', 'edm_id'];
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

/** The V3 canonical request: method, path, sorted encoded query, signed headers, payload hash. */
export function canonicalRequestV3(method, path, query, headers, signedHeaders, payloadHash) {
  const canonicalQuery = Object.keys(query)
    .sort()
    .map((key) => `${percentEncode(key)}=${percentEncode(query[key])}`)
    .join('&');
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${String(headers[name] ?? '').trim()}\n`).join('');
  const canonicalPath = path.split('/').map(percentEncode).join('/') || '/';
  return `${method}\n${canonicalPath}\n${canonicalQuery}\n${canonicalHeaders}\n${signedHeaders.join(';')}\n${payloadHash}`;
}

/** The V3 signature Aliyun would compute: hex HMAC-SHA256 of the hashed canonical request. */
export function expectedSignatureV3(canonicalRequest, secret) {
  const stringToSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
  return createHmac('sha256', secret).update(stringToSign).digest('hex');
}

class AliyunError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

/** How long the emulator waits for an events target to answer, in ms. */
const EVENT_TIMEOUT_MS = 5_000;

/**
 * The CloudEvents DirectMail would publish for `mail` at `time` (ms): one per recipient, in the
 * shape of Aliyun's sample on the "Direct Mail events" page. The mail's `X-User-Notify-*` headers
 * come back in `data.header` as the sample spells them, `X-Notify-*`.
 */
export function deliveryEvents(mail, time) {
  const header = Object.fromEntries(
    Object.entries(mail.headers ?? {})
      .filter(([name]) => /^x-user-notify-/i.test(name))
      .map(([name, value]) => [`X-Notify-${name.slice('X-User-Notify-'.length)}`, value]),
  );
  const at = new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return mail.to.map((rcpt) => {
    const failed = /^bounce/i.test(rcpt);
    const type = failed ? 'dm:Deliver:Fail' : 'dm:Deliver:Succeed';
    const failure = failed ? { err_code: '550', err_msg: `550 Mailbox not found: ${rcpt}`, failed_type: 'SmtpNxBox' } : {};
    return {
      data: {
        header,
        env_id: mail.envId,
        account: mail.from,
        from: mail.from,
        rcpt,
        send_time: at,
        deliver_time: at,
        status: failed ? '2' : '0',
        event: type,
        region: 'cn-hangzhou',
        ...failure,
        ...(mail.params.TagName === undefined ? {} : { tag: mail.params.TagName }),
      },
      id: randomUUID(),
      source: 'acs:dm',
      specversion: '1.0',
      subject: 'acs:dm:cn-hangzhou:emulator:*',
      time: at,
      type,
      aliyunregionid: 'cn-hangzhou',
    };
  });
}

/**
 * Starts the emulator on a free loopback port.
 *
 * @param {object} [options]
 * @param {Record<string, string>} [options.accessKeys] AccessKeyId → AccessKeySecret pairs it accepts.
 * @param {string[]} [options.senders] Sender addresses it knows; any address when omitted.
 * @param {string} [options.host] A loopback address to bind.
 * @param {() => number} [options.now] The emulator's clock, in milliseconds.
 * @param {Record<string, string>} [options.templates] Console template ids it knows, to their names;
 *   any id when omitted.
 * @param {number} [options.port] A fixed port; a free one when omitted.
 * @param {Array<{status: number, Code: string, Message?: string}>} [options.replies] Scripted
 *   answers for the next requests, in order, such as DirectMail's error table.
 * @param {(mail: object) => void} [options.onMail] Called with each mail accepted.
 * @param {number} [options.maxHistory] Most mails, and most requests, kept in `mails` and
 *   `requests` (MAX_HISTORY by default); their bodies are kept within MAX_HISTORY_BYTES.
 * @param {string} [options.events] A URL to POST DirectMail's delivery events to, as an EventBridge
 *   HTTP target would: one CloudEvent per recipient of each mail accepted, `dm:Deliver:Succeed`,
 *   or `dm:Deliver:Fail` for a recipient whose local part starts with `bounce`.
 * @param {string} [options.eventSecret] Sent with each event as `x-directmail-event-secret`.
 * @param {string[]} [options.oidcTokens] OIDC tokens its STS stand-in takes for
 *   AssumeRoleWithOIDC (none by default). Its AssumeRole takes any role, signed by a key it accepts.
 * @param {Record<string, string>} [options.senderRegions] The region each of `senders` is set up
 *   in (cn-hangzhou when not named). A request names its region by its path (`/ap-southeast-1/`),
 *   or is in cn-hangzhou; a sender is found only in its own region, as DirectMail finds it.
 * @param {{daily?: number, monthly?: number}} [options.quota] The account's quotas, which
 *   DescAccountSummary reports less the mails accepted (2,000 and 60,000 by default).
 * @param {string[]} [options.unverifiedDomains] Sender domains whose DNS records CheckDomain reports
 *   as not verified.
 * @param {string} [options.ecsRole] The RAM role name its stand-in for the ECS metadata service
 *   (`/latest/...`) serves credentials for; none by default.
 * @param {string} [options.ossEndpoint] The Endpoint its AuthorizeFileUpload grants name; by
 *   default the host it was called at, so uploads come to it.
 */
export async function startEmulator({
  accessKeys = { testid: 'testsecret' },
  senders,
  templates,
  host = '127.0.0.1',
  port = 0,
  replies = [],
  onMail,
  now = Date.now,
  maxHistory = MAX_HISTORY,
  events: eventsUrl,
  eventSecret,
  oidcTokens = [],
  ecsRole,
  senderRegions = {},
  quota = {},
  unverifiedDomains = [],
  ossEndpoint,
} = {}) {
  if (!LOOPBACK.test(host)) throw new Error(`The emulator binds loopback only, not ${host}`);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`Not a port: ${port}`);
  if (!Number.isInteger(maxHistory) || maxHistory < 1) throw new Error(`Not a history length: ${maxHistory}`);
  if (eventsUrl !== undefined && !/^https?:\/\//.test(String(eventsUrl))) throw new Error('events must be an http(s) URL');
  const mails = [];
  const requests = [];
  const rememberMail = history(mails, maxHistory);
  const rememberRequest = history(requests, maxHistory);
  /** Events published, with what the target answered: the last `maxHistory`. */
  const published = [];
  const rememberEvent = history(published, maxHistory);
  const inFlight = new Set();
  const usedNonces = new Set();
  /** Temporary credentials it issued (STS, the metadata service): key id → {secret, token, expiresAt}. */
  const temporary = new Map();
  /** Session tokens its metadata stand-in handed out. */
  const metadataTokens = new Set();
  /** Files uploaded, in order, with the form's field names: the last `maxHistory`. */
  const uploads = [];
  const rememberUpload = history(uploads, maxHistory);
  /** Upload grants by object key, and the files uploaded with them: key → {expiresAt, file?}. */
  const grants = new Map();
  /** Answers scripted for the next uploads, in order. */
  const uploadScripts = [];
  /** The secret of `accessKeyId`: a long-term key's, or a temporary one's. */
  const secretOf = (accessKeyId) => accessKeys[accessKeyId] ?? temporary.get(accessKeyId)?.secret;
  /** Issues temporary credentials for `seconds`, as STS does. */
  function issue(seconds) {
    const credentials = { id: `STS.${randomUUID().replaceAll('-', '')}`, secret: randomUUID(), token: `token-${randomUUID()}`, expiresAt: now() + seconds * 1000 };
    temporary.set(credentials.id, credentials);
    return { AccessKeyId: credentials.id, AccessKeySecret: credentials.secret, SecurityToken: credentials.token, Expiration: new Date(credentials.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  }
  /** A request signed with temporary credentials must carry their token, before they expire. */
  function checkToken(accessKeyId, token) {
    const credentials = temporary.get(accessKeyId);
    if (credentials === undefined) return;
    if (token !== credentials.token) throw new AliyunError(400, 'InvalidSecurityToken.Mismatch', 'Specified SecurityToken is not matched with the access key.');
    if (now() >= credentials.expiresAt) throw new AliyunError(400, 'InvalidSecurityToken.Expired', 'Specified SecurityToken is expired.');
  }
  const scripted = [];
  /** Aliyun's error JSON for `code` at HTTP `status`. */
  const failWith = (status, code, message = `Emulated ${code}`) => (request, response) =>
    reply(response, status, { RequestId: randomUUID(), HostId: request.headers.host, Code: code, Message: message });
  for (const { status, Code, Message } of replies) scripted.push(failWith(status, Code, Message));

  const missing = (key) =>
    new AliyunError(400, 'MissingParameter', `The input parameter "${key}" that is mandatory for processing this request is not supplied.`);

  /** Checks a time against the window, and a nonce against replay once the request is authentic. */
  function checkTime(text) {
    const time = TIMESTAMP.exec(text) ? Date.parse(text) : Number.NaN;
    if (Number.isNaN(time)) throw new AliyunError(400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.');
    if (Math.abs(now() - time) > TIMESTAMP_WINDOW_MS) throw new AliyunError(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
  }
  function useNonce(accessKeyId, nonce) {
    const nonceKey = `${accessKeyId}:${nonce}`;
    if (usedNonces.has(nonceKey)) throw new AliyunError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
    usedNonces.add(nonceKey);
  }

  /** Authenticates a V3 request (`Authorization: ACS3-HMAC-SHA256 …`); returns its action and version. */
  function authenticateV3(request, body, params) {
    const headers = request.headers;
    const match = V3_AUTHORIZATION.exec(headers.authorization);
    if (!match) throw new AliyunError(400, 'InvalidAuthorization', 'Specified Authorization header is not well formatted.');
    const [, accessKeyId, signedList, signature] = match;
    const signedHeaders = signedList.split(';');
    const mustSign = [...V3_SIGNED, ...(headers['x-acs-security-token'] === undefined ? [] : ['x-acs-security-token'])];
    for (const name of mustSign) {
      if (headers[name] === undefined) throw missing(name);
      if (!signedHeaders.includes(name)) throw new AliyunError(400, 'IncompleteSignature', `The header ${name} must be signed.`);
    }
    const sorted = [...signedHeaders].sort();
    if (signedHeaders.some((name, i) => name !== sorted[i] || name !== name.toLowerCase())) {
      throw new AliyunError(400, 'IncompleteSignature', 'SignedHeaders must be lower-case and sorted.');
    }
    const secret = secretOf(accessKeyId);
    if (secret === undefined) throw new AliyunError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
    checkToken(accessKeyId, headers['x-acs-security-token']);
    const payloadHash = createHash('sha256').update(body).digest('hex');
    if (headers['x-acs-content-sha256'] !== payloadHash) throw new AliyunError(400, 'ContentSHA256NotMatched', 'The x-acs-content-sha256 header does not match the body.');
    checkTime(headers['x-acs-date']);
    const [path, search = ''] = request.url.split('?');
    const query = Object.fromEntries(new URLSearchParams(search));
    const canonical = canonicalRequestV3(request.method, path, query, headers, signedHeaders, payloadHash);
    if (signature !== expectedSignatureV3(canonical, secret)) {
      throw new AliyunError(400, 'SignatureDoesNotMatch', `Specified signature is not matched with our calculation. server string to sign is:${canonical}`);
    }
    useNonce(accessKeyId, headers['x-acs-signature-nonce']);
    for (const key of ['AccessKeyId', 'Signature', 'SignatureNonce', 'Timestamp']) {
      if (params[key] !== undefined) throw new AliyunError(400, 'InvalidParameter', `${key} is not taken with signature V3.`);
    }
    return { action: headers['x-acs-action'], version: headers['x-acs-version'] };
  }

  /** Authenticates an RPC (V2) request; returns its action and version. */
  function authenticateV2(method, params) {
    for (const key of REQUIRED) {
      if (!params[key]) throw missing(key);
    }
    const secret = secretOf(params.AccessKeyId);
    if (secret === undefined) throw new AliyunError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
    checkToken(params.AccessKeyId, params.SecurityToken);
    if (params.SignatureMethod !== 'HMAC-SHA1') throw new AliyunError(400, 'InvalidSignatureMethod', 'Specified signature method is not supported.');
    if (params.SignatureVersion !== '1.0') throw new AliyunError(400, 'InvalidSignatureVersion', 'Specified signature version is not supported.');
    checkTime(params.Timestamp);
    const serverStringToSign = stringToSign(method, params);
    if (params.Signature !== expectedSignature(method, params, secret)) {
      throw new AliyunError(400, 'SignatureDoesNotMatch', `Specified signature is not matched with our calculation. server string to sign is:${serverStringToSign}`);
    }
    // A nonce counts as used only once the request is authentic, as a replay guard should.
    useNonce(params.AccessKeyId, params.SignatureNonce);
    return { action: params.Action, version: params.Version };
  }

  /** The region a request is in: its path's first segment when that is a region id. */
  const regionOf = (request) => {
    const first = request.url.split('?')[0].split('/')[1] ?? '';
    return /^[a-z]+-[a-z]+-\d+$/.test(first) ? first : 'cn-hangzhou';
  };
  /** The senders set up in `region`: every one it knows, in its region (any address, when it knows none). */
  const sendersIn = (region) => (senders === undefined ? undefined : senders.filter((address) => (senderRegions[address] ?? 'cn-hangzhou') === region));
  let accepted = 0;

  /** DirectMail's read-only calls an operator's checks make. */
  function readOnly(action, params, region) {
    const known = sendersIn(region) ?? [];
    const domainOf = (address) => address.slice(address.lastIndexOf('@') + 1);
    const domains = [...new Set(known.map(domainOf))];
    const page = (items) => ({ PageNumber: 1, PageSize: 50, TotalCount: items.length });
    switch (action) {
      case 'DescAccountSummary': {
        const daily = quota.daily ?? 2000;
        const monthly = quota.monthly ?? 60_000;
        return { DailyQuota: daily, MonthQuota: monthly, DailyRemainFreeQuota: Math.max(0, daily - accepted), RemainFreeQuota: Math.max(0, monthly - accepted), QuotaLevel: 2, MaxQuotaLevel: 2, MailAddresses: known.length, Domains: domains.length };
      }
      case 'QueryMailAddressByParam': {
        const found = known.filter((address) => !params.KeyWord || address.toLowerCase().includes(params.KeyWord.toLowerCase()));
        return { ...page(found), data: { mailAddress: found.map((address, i) => ({ AccountName: address, AccountStatus: '0', DomainStatus: unverifiedDomains.includes(domainOf(address)) ? '1' : '0', MailAddressId: String(1000 + i), Sendtype: 'trigger' })) } };
      }
      case 'QueryDomainByParam': {
        const found = domains.filter((domain) => !params.KeyWord || domain.includes(params.KeyWord.toLowerCase()));
        return { ...page(found), data: { domain: found.map((domain) => ({ DomainId: `${region}:${domain}`, DomainName: domain, DomainStatus: unverifiedDomains.includes(domain) ? '1' : '0' })) } };
      }
      case 'CheckDomain': {
        const [inRegion, domain] = String(params.DomainId ?? '').split(':');
        if (inRegion !== region || !domains.includes(domain)) throw new AliyunError(404, 'InvalidDomainId.NotFound', 'The specified domain is not found.');
        return { DomainStatus: unverifiedDomains.includes(domain) ? 1 : 0 };
      }
      default:
        return undefined;
    }
  }

  /** Validates one SingleSendMail call and returns the stored mail, or throws AliyunError. */
  function handle(request, body, params) {
    const v3 = request.headers.authorization !== undefined;
    // STS's AssumeRoleWithOIDC is anonymous: the OIDC token is the proof.
    if (!v3 && params.Action === 'AssumeRoleWithOIDC') return { answer: assumeRoleWithOidc(params) };
    const { action, version } = v3 ? authenticateV3(request, body, params) : authenticateV2(request.method, params);
    if (action === 'AssumeRole' && version === '2015-04-01') return { answer: assumeRole(params) };
    if (action === 'AuthorizeFileUpload' && version === '2019-12-19') return { answer: authorizeUpload(params, request) };
    const region = regionOf(request);
    const answer = version === '2015-11-23' ? readOnly(action, params, region) : undefined;
    if (answer !== undefined) return { answer };
    if (action !== 'SingleSendMail') throw new AliyunError(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.');
    if (version !== '2015-11-23') throw new AliyunError(400, 'InvalidVersion', 'Specified parameter Version is not valid.');
    for (const key of SEND_MAIL_REQUIRED) {
      if (!params[key]) throw missing(key);
    }
    const mail = checkMail(params, v3 ? 'v3' : 'v2', region);
    accepted += 1;
    return mail;
  }

  /**
   * Open Platform's AuthorizeFileUpload for DirectMail: a grant to upload one object to the
   * stand-in bucket, its policy signed with the stand-in OSS key as OSS checks a form upload.
   */
  function authorizeUpload(params, request) {
    if (params.Product !== 'Dm') throw new AliyunError(400, 'InvalidProduct', 'The specified product is not supported.');
    const key = `dm/${randomUUID()}/attachment.tmp`;
    const expiresAt = now() + GRANT_LIFETIME_MS;
    const policy = Buffer.from(JSON.stringify({
      expiration: new Date(expiresAt).toISOString(),
      conditions: [['eq', '$key', key], ['content-length-range', 0, MAX_UPLOAD_BYTES]],
    })).toString('base64');
    grants.set(key, { expiresAt });
    // The oldest grant goes first, so a long run holds at most `maxHistory` of them.
    if (grants.size > maxHistory) grants.delete(grants.keys().next().value);
    return {
      Bucket: 'dm-emulator',
      Endpoint: ossEndpoint ?? request.headers.host,
      ObjectKey: key,
      AccessKeyId: OSS_KEY.id,
      EncodedPolicy: policy,
      Signature: createHmac('sha1', OSS_KEY.secret).update(policy).digest('base64'),
      UseAccelerate: false,
    };
  }

  /** An OSS error reply, as XML. */
  function ossError(response, status, code, message) {
    response.writeHead(status, { 'Content-Type': 'application/xml' });
    response.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${randomUUID()}</RequestId><HostId>dm-emulator.oss</HostId></Error>`);
  }

  /**
   * OSS's PostObject, for the stand-in bucket: the form (read with the runtime's own FormData
   * parser) must carry the grant's key id, a policy signed with its secret and not expired, a key
   * the policy names, and the file, at most MAX_UPLOAD_BYTES. Each upload is recorded with its
   * size and SHA-256, for the mail that names it.
   */
  async function postObject(request, response, body) {
    const script = uploadScripts.shift();
    if (script) return ossError(response, script.status, script.code, script.message);
    let form;
    try {
      form = await new Request('http://oss.local/', { method: 'POST', headers: { 'content-type': request.headers['content-type'] }, body }).formData();
    } catch {
      return ossError(response, 400, 'MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.');
    }
    const field = (name) => (typeof form.get(name) === 'string' ? form.get(name) : undefined);
    const policy = field('policy');
    if (field('OSSAccessKeyId') !== OSS_KEY.id) return ossError(response, 403, 'InvalidAccessKeyId', 'The OSS Access Key Id you provided does not exist in our records.');
    if (!policy || field('Signature') !== createHmac('sha1', OSS_KEY.secret).update(policy).digest('base64')) {
      return ossError(response, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
    }
    let document;
    try {
      document = JSON.parse(Buffer.from(policy, 'base64').toString('utf8'));
    } catch {
      return ossError(response, 400, 'InvalidPolicyDocument', 'Invalid Policy: Invalid JSON.');
    }
    const key = field('key');
    const grant = grants.get(key);
    const named = document.conditions?.some?.((c) => Array.isArray(c) && c[0] === 'eq' && c[1] === '$key' && c[2] === key);
    if (!grant || !named) return ossError(response, 403, 'AccessDenied', 'Invalid according to Policy: Policy Condition failed: ["eq", "$key"].');
    if (!(Date.parse(document.expiration) > now()) || grant.expiresAt <= now()) return ossError(response, 403, 'AccessDenied', 'Invalid according to Policy: Policy expired.');
    const file = form.get('file');
    if (!(file instanceof Blob)) return ossError(response, 400, 'InvalidArgument', 'The file field is missing.');
    if (file.size > MAX_UPLOAD_BYTES) return ossError(response, 400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size.');
    const bytes = Buffer.from(await file.arrayBuffer());
    grant.file = { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), contentType: file.type };
    rememberUpload({ key, fields: [...form.keys()], filename: file.name, ...grant.file }, 0);
    const status = field('success_action_status') === '201' ? 201 : 204;
    response.writeHead(status, { 'Content-Type': 'application/xml', ETag: `"${createHash('md5').update(bytes).digest('hex').toUpperCase()}"` });
    response.end(status === 201 ? `<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Bucket>dm-emulator</Bucket><Key>${key}</Key></PostResponse>` : undefined);
  }

  /**
   * A mail's `Attachments.N.AttachmentName` and `.AttachmentUrl`, each naming a file uploaded to
   * the stand-in bucket: recorded on the mail with the file's name, size and SHA-256.
   */
  function attachmentsOf(params) {
    const attachments = [];
    for (let n = 1; params[`Attachments.${n}.AttachmentName`] !== undefined || params[`Attachments.${n}.AttachmentUrl`] !== undefined; n += 1) {
      const name = params[`Attachments.${n}.AttachmentName`];
      const url = params[`Attachments.${n}.AttachmentUrl`] ?? '';
      const key = /^http:\/\/dm-emulator\.[^/]+\/(.+)$/.exec(url)?.[1];
      const file = key === undefined ? undefined : grants.get(key)?.file;
      if (!name || file === undefined) throw new AliyunError(400, 'InvalidAttachment', `Attachment ${n} names no uploaded file.`);
      attachments.push({ name, url, ...file });
    }
    if (attachments.length > 100) throw new AliyunError(400, 'InvalidAttachment', 'At most 100 attachments.');
    return attachments;
  }

  /** The lifetime STS grants: DurationSeconds, 900 to 43,200 (3,600 when absent). */
  function lifetime(params) {
    if (params.DurationSeconds === undefined) return 3600;
    const seconds = Number(params.DurationSeconds);
    if (!Number.isInteger(seconds) || seconds < 900 || seconds > 43_200) throw new AliyunError(400, 'InvalidParameter.DurationSeconds', 'The DurationSeconds is invalid.');
    return seconds;
  }

  /** STS AssumeRole: temporary credentials for any role, to a caller signed by a key it accepts. */
  function assumeRole(params) {
    if (!/^acs:ram::\d+:role\/[\w.-]+$/i.test(params.RoleArn ?? '')) throw new AliyunError(400, 'InvalidParameter.RoleArn', 'The parameter RoleArn is wrongly formed.');
    if (!params.RoleSessionName) throw missing('RoleSessionName');
    return { Credentials: issue(lifetime(params)), AssumedRoleUser: { Arn: `${params.RoleArn}/${params.RoleSessionName}` } };
  }

  /** STS AssumeRoleWithOIDC: temporary credentials for a token it was told to take. */
  function assumeRoleWithOidc(params) {
    for (const key of ['RoleArn', 'OIDCProviderArn', 'OIDCToken', 'RoleSessionName']) {
      if (!params[key]) throw missing(key);
    }
    if (!oidcTokens.includes(params.OIDCToken)) throw new AliyunError(400, 'AuthenticationFail.OIDCToken.Invalid', 'The OIDC token is invalid.');
    checkTime(params.Timestamp);
    return { Credentials: issue(lifetime(params)), AssumedRoleUser: { Arn: `${params.RoleArn}/${params.RoleSessionName}` } };
  }

  /** The ECS metadata service's RAM role paths (IMDSv2), or false for any other request. */
  function metadata(request, response) {
    const path = request.url.split('?')[0];
    if (!path.startsWith('/latest/')) return false;
    const text = (status, body) => {
      response.writeHead(status, { 'Content-Type': 'text/plain' });
      response.end(body);
    };
    if (request.method === 'PUT' && path === '/latest/api/token') {
      if (!request.headers['x-aliyun-ecs-metadata-token-ttl-seconds']) return text(400, 'Missing X-aliyun-ecs-metadata-token-ttl-seconds'), true;
      const token = randomUUID();
      metadataTokens.add(token);
      return text(200, token), true;
    }
    if (!metadataTokens.has(request.headers['x-aliyun-ecs-metadata-token'])) return text(401, 'Unauthorized'), true;
    const base = '/latest/meta-data/ram/security-credentials/';
    if (path === base) return ecsRole === undefined ? text(404, 'Not Found') : text(200, ecsRole), true;
    if (ecsRole === undefined || path !== `${base}${encodeURIComponent(ecsRole)}`) return text(404, 'Not Found'), true;
    const { AccessKeyId, AccessKeySecret, SecurityToken, Expiration } = issue(3600);
    reply(response, 200, { AccessKeyId, AccessKeySecret, SecurityToken, Expiration, LastUpdated: new Date(now()).toISOString(), Code: 'Success' });
    return true;
  }

  /** A parameter that must hold a JSON object, parsed, or `code` naming `name`. */
  function jsonObject(text, code, name) {
    let value;
    try {
      value = JSON.parse(text);
    } catch {
      // Refused below, as any value that is not an object.
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new AliyunError(400, code, `The specified ${name} is not a JSON object.`);
    return value;
  }

  /** DirectMail's newer parameters, checked as its API reference describes them. */
  function checkExtras(params) {
    const extras = {};
    if (params.BccAddress !== undefined) {
      const bcc = params.BccAddress.split(',');
      if (bcc.length > 2 || !bcc.every((address) => EMAIL.test(address))) throw new AliyunError(400, 'InvalidBccAddress', 'The specified BccAddress is invalid: at most 2 addresses.');
      extras.bcc = bcc;
    }
    if (params.Headers !== undefined) {
      const headers = jsonObject(params.Headers, 'InvalidHeaders.Malformed', 'Headers');
      const names = Object.keys(headers);
      const allowed = (name) => STANDARD_HEADERS.includes(name.toLowerCase()) || /^x-user-[!#$%&'*+.^_`|~0-9a-z-]+$/i.test(name);
      if (names.length > 10 || !names.every(allowed) || !Object.values(headers).every((v) => typeof v === 'string')) {
        throw new AliyunError(400, 'InvalidHeaders.Malformed', 'The specified Headers is invalid.');
      }
      extras.headers = headers;
    }
    if (params.Template !== undefined) {
      const template = jsonObject(params.Template, 'InvalidTemplate.Malformed', 'Template');
      if (typeof template.TemplateId !== 'string' || !template.TemplateId) throw new AliyunError(400, 'InvalidTemplate.Malformed', 'The specified Template has no TemplateId.');
      if (templates && !Object.hasOwn(templates, template.TemplateId)) throw new AliyunError(404, 'InvalidTemplate.NotFound', 'The specified template is not found.');
      extras.template = template;
    }
    if (params.UnSubscribeLinkType !== undefined && !UNSUBSCRIBE_LINK_TYPES.includes(params.UnSubscribeLinkType)) {
      throw new AliyunError(400, 'InvalidUnSubscribeLinkType', 'The specified UnSubscribeLinkType is invalid.');
    }
    if (params.UnSubscribeFilterLevel !== undefined && !UNSUBSCRIBE_FILTER_LEVELS.includes(params.UnSubscribeFilterLevel)) {
      throw new AliyunError(400, 'InvalidUnSubscribeFilterLevel', 'The specified UnSubscribeFilterLevel is invalid.');
    }
    if (params.IpPoolId === '') throw new AliyunError(400, 'InvalidIpPoolId', 'The specified IpPoolId is invalid.');
    return extras;
  }

  function checkMail(params, signatureVersion, region) {
    if (senders && !sendersIn(region).includes(params.AccountName)) throw new AliyunError(404, 'InvalidMailAddress.NotFound', 'The specified mail address is not found.');
    if (!['0', '1'].includes(params.AddressType)) throw new AliyunError(400, 'InvalidAddressType', 'The specified address type is invalid.');
    if (!['true', 'false'].includes(params.ReplyToAddress)) throw new AliyunError(400, 'InvalidReplyToAddress', 'The specified reply to address is invalid.');
    const to = params.ToAddress.split(',');
    if (to.length > 100 || !to.every((address) => EMAIL.test(address))) throw new AliyunError(400, 'InvalidToAddress', 'The specified toAddress is invalid.');
    const extras = checkExtras(params);
    if (extras.template === undefined && !params.Subject) throw missing('Subject');
    if (params.Subject !== undefined && [...params.Subject].length > 100) throw new AliyunError(400, 'InvalidSubject.Malformed', 'The subject is invalid, the length of subject should not exceed 100.');
    if (params.FromAlias !== undefined && [...params.FromAlias].length >= 15) throw new AliyunError(400, 'InvalidFromAlias.Malformed', 'The specified fromAlias is invalid.');
    if (extras.template === undefined && !params.HtmlBody && !params.TextBody) throw new AliyunError(400, 'InvalidBody', 'The specified body is invalid; HtmlBody or TextBody is required.');
    const mail = {
      envId: String(randomInt(1e9, 1e10)),
      from: params.AccountName,
      fromAlias: params.FromAlias,
      to,
      subject: params.Subject,
      htmlBody: params.HtmlBody,
      textBody: params.TextBody,
      ...extras,
      attachments: attachmentsOf(params),
      signatureVersion,
      params,
    };
    rememberMail(mail, (params.HtmlBody?.length ?? 0) + (params.TextBody?.length ?? 0));
    onMail?.(mail);
    return mail;
  }

  function reply(response, status, body) {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    // Date from the emulator's clock, which an operator's clock check compares with its own.
    response.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/html' : 'application/json;charset=utf-8', Date: new Date(now()).toUTCString() });
    response.end(text);
  }

  async function onRequest(request, response) {
    const chunks = [];
    let size = 0;
    const tooLarge = () => {
      // Say so and close: the rest of the body is never read.
      response.setHeader('Connection', 'close');
      response.once('finish', () => request.destroy());
      reply(response, 413, { Code: 'RequestEntityTooLarge', Message: 'The request body is too large.', RequestId: randomUUID() });
    };
    // An attachment upload (OSS's PostObject) is multipart; everything else is Aliyun's RPC form.
    const upload = request.method === 'POST' && /^multipart\/form-data/i.test(request.headers['content-type'] ?? '');
    const limit = upload ? MAX_UPLOAD_BYTES : MAX_BODY_BYTES;
    if (Number(request.headers['content-length']) > limit) return tooLarge();
    for await (const chunk of request) {
      size += chunk.length;
      if (size > limit) return tooLarge();
      chunks.push(chunk);
    }
    if (upload) {
      rememberRequest({ method: request.method, url: request.url, headers: request.headers, body: '', params: {}, upload: true }, 0);
      return postObject(request, response, Buffer.concat(chunks));
    }
    const body = Buffer.concat(chunks).toString('utf8');
    const query = new URLSearchParams(request.url.split('?')[1] ?? '');
    const params = Object.fromEntries(request.method === 'GET' ? query : [...query, ...new URLSearchParams(body)]);
    rememberRequest({ method: request.method, url: request.url, headers: request.headers, body, params }, body.length);
    if (metadata(request, response)) return;
    const requestId = randomUUID();
    const script = scripted.shift();
    if (script) return script(request, response, params);
    if (request.method !== 'POST' && request.method !== 'GET') return reply(response, 405, { Code: 'MethodNotAllowed', Message: 'Use POST.', RequestId: requestId });
    try {
      const mail = handle(request, body, params);
      if (mail.answer) return reply(response, 200, { RequestId: requestId, ...mail.answer });
      reply(response, 200, { EnvId: mail.envId, RequestId: requestId });
      if (eventsUrl !== undefined) for (const event of deliveryEvents(mail, now())) publish(event);
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

  /** POSTs `event` to the events URL, as EventBridge's HTTP target does; remembers the outcome. */
  function publish(event) {
    const headers = { 'content-type': 'application/json', ...(eventSecret === undefined ? {} : { 'x-directmail-event-secret': eventSecret }) };
    const post = fetch(eventsUrl, { method: 'POST', headers, body: JSON.stringify(event), signal: AbortSignal.timeout(EVENT_TIMEOUT_MS) })
      .then(
        async (answer) => {
          // Only the status matters; the body is not read, however long it is.
          await answer.body?.cancel().catch(() => {});
          return { event, status: answer.status };
        },
        (error) => ({ event, error: String(error?.message ?? error) }),
      )
      .then((outcome) => {
        inFlight.delete(post);
        rememberEvent(outcome, 0);
      });
    inFlight.add(post);
  }

  const server = createServer((request, response) => {
    onRequest(request, response).catch((error) => {
      if (!response.headersSent) reply(response, 500, { Code: 'InternalError', Message: String(error), RequestId: randomUUID() });
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const bound = server.address().port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    /** The endpoint to put in the connector config. */
    url: `http://${urlHost}:${bound}/`,
    /** Mails accepted, in order: the last `maxHistory`, within MAX_HISTORY_BYTES of bodies. */
    mails,
    /** Requests received, parsed, in order: the last `maxHistory`, within MAX_HISTORY_BYTES of bodies. */
    requests,
    /** Attachment uploads accepted, in order: `{key, fields, filename, size, sha256, contentType}`. */
    uploads,
    /** Delivery events published to `events`, each with the target's `status` or an `error`. */
    events: published,
    /** Settles when every event published so far has been answered (or has timed out). */
    async eventsSettled() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    /** Answers the next request with `handler(request, response, params)` instead of emulating. */
    script(handler) {
      scripted.push(handler);
    },
    /** Answers the next request with Aliyun's error JSON for `code` at HTTP `status`. */
    failNext(status, code, message) {
      scripted.push(failWith(status, code, message));
    },
    /** Answers the next attachment upload with OSS's error XML for `code` at HTTP `status`. */
    failNextUpload(status, code, message = 'Refused by the emulator.') {
      uploadScripts.push({ status, code, message });
    },
    /** Forgets scripted answers not used yet. */
    clearScripts() {
      scripted.length = 0;
      uploadScripts.length = 0;
    },
    /** Stops listening and drops open connections. */
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
