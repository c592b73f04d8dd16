// The mail client: `new DirectMail(config)` and `.send({to, subject, html})`, for edge code and
// Node alike. Each client holds one sender (a wasm object validated once) until `free()`; every
// send goes through it, with the mail's own settings as per-send options.
import { attachmentsDigest, readAttachments, uploadAttachments } from './attachments.js';
import { providerForConfig } from './credentials.js';
import { asDirectMailError, codedError, describeCause, isCodedError, MAX_SHOWN_PATH_CHARS, shown } from './errors.js';
import { idempotencyOf, recall, remember } from './idempotency.js';
import { invalid } from './plain.js';
import { plainConfig, ProvidedSender, Sender } from './sender.js';
import { fetchOf } from './transport.js';

/** The environment variables Aliyun's SDKs and CLI read credentials from. */
export const ENV_NAMES = Object.freeze({
  accessKeyId: 'ALIBABA_CLOUD_ACCESS_KEY_ID',
  accessKeySecret: 'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  securityToken: 'ALIBABA_CLOUD_SECURITY_TOKEN',
});

const REQUEST = 'invalid_request_parameters';
/** A mail's fields that are settings of this send rather than its message. */
const PER_SEND = ['from', 'fromAlias', 'replyTo', 'tagName', 'headers', 'bccAddress', 'idempotencyKey'];
/** The fields `send` takes; any other is refused by name, since dropping it would send a different mail. */
const MAIL_FIELDS = new Set(['to', 'subject', 'html', 'text', 'data', 'signal', 'attachments', ...PER_SEND]);
/** The fields `sendTemplate` takes. */
const TEMPLATE_MAIL_FIELDS = new Set(['to', 'templateId', 'data', 'signal', 'attachments', ...PER_SEND]);
/** What to do instead, for fields other mail APIs have. */
const INSTEAD = {
  cc: "DirectMail's SingleSendMail has no Cc: put the addresses in to, or in bccAddress",
  bcc: 'use bccAddress',
  reply_to: 'use replyTo',
  replyToAddress: 'use replyTo',
  tags: 'use tagName',
  tag: 'use tagName',
  templateId: 'use sendTemplate for a console template',
  subject: 'a console template brings its own subject',
  html: 'a console template brings its own body',
  text: 'a console template brings its own body',
};

/** Refuses every own field of `mail` that `fields` lacks and that holds a value, naming each (escaped). */
function refuseUnknown(mail, fields) {
  // An undefined field loses nothing when it is left out (`cc: options.cc` with no cc).
  const issues = Object.keys(mail)
    .filter((key) => !fields.has(key) && mail[key] !== undefined)
    .map((key) => ({ path: shown(key, MAX_SHOWN_PATH_CHARS), message: `is not a field this method takes${Object.hasOwn(INSTEAD, key) ? `: ${INSTEAD[key]}` : ''}` }));
  if (issues.length > 0) throw codedError(REQUEST, issues.map((i) => `${i.path}: ${i.message}`).join('; '), { issues });
}

/** `Symbol.dispose` where the runtime has it (Node 20 and later, Deno, Workers). */
const DISPOSE = typeof Symbol.dispose === 'symbol' ? Symbol.dispose : Symbol.for('Symbol.dispose');

/** `to` as DirectMail takes it: one address, or several (up to 100, which the core counts) joined with commas. */
function recipients(to) {
  if (!Array.isArray(to)) return to;
  to.forEach((address, i) => {
    if (typeof address !== 'string') throw invalid(REQUEST, `to[${i}]`, `expected string, got ${address === null ? 'null' : typeof address}`);
    if (address.includes(',')) throw invalid(REQUEST, `to[${i}]`, 'must be one address: give each recipient its own item');
  });
  if (to.length === 0) throw invalid(REQUEST, 'to', 'must name at least one address');
  return to.join(',');
}

/** The caller's AbortSignal, checked; `undefined` when none is given. */
function signalOf(signal) {
  if (signal === undefined) return undefined;
  if (typeof signal?.aborted !== 'boolean' || typeof signal.addEventListener !== 'function') throw invalid(REQUEST, 'signal', 'expected an AbortSignal');
  return signal;
}

/** The mail's per-send settings, and `extra`, as options. */
function settingsOf(mail, extra) {
  const options = { ...extra };
  for (const key of PER_SEND) {
    if (mail[key] !== undefined) options[key] = mail[key];
  }
  return options;
}

/** A Logto-shaped message and the send's options for `mail`. */
function messageFor(mail) {
  if (mail === null || typeof mail !== 'object') throw invalid(REQUEST, '(mail)', 'expected an object');
  refuseUnknown(mail, MAIL_FIELDS);
  const { to, subject, html, text, data } = mail;
  if (html === undefined && text === undefined) throw invalid(REQUEST, 'html', 'give html, text, or both');
  if (typeof subject !== 'string') throw invalid(REQUEST, 'subject', `expected string, got ${subject === null ? 'null' : typeof subject}`);
  for (const [key, value] of [['html', html], ['text', text]]) {
    if (value !== undefined && typeof value !== 'string') throw invalid(REQUEST, key, 'expected string');
  }
  // HTML as the body, and the text beside it as its plain-text alternative when both are given.
  const template = html === undefined ? { subject, content: text, contentType: 'text/plain' } : { subject, content: html, contentType: 'text/html' };
  const alternative = html !== undefined && text !== undefined ? { text } : {};
  // A placeholder with no value in data is an error: a blank code in a mail is worse than none.
  const options = settingsOf(mail, { template, strictPlaceholders: true, ...alternative });
  return { message: { to: recipients(to), type: 'Generic', payload: data ?? {} }, options };
}

/** The result as this client returns it. */
const result = ({ EnvId, RequestId }) => ({ envId: EnvId, requestId: RequestId });

/**
 * A DirectMail sender: credentials, the sender address and its settings, validated once when it is
 * made. Call `free()` (or `using`) when done with it. Every error it throws is a `DirectMailError`.
 */
export class DirectMail {
  /** The sender for the config as given; with a credentials provider, made with stand-in keys to check the rest. */
  #sender;
  #fetch;
  /** With a credentials provider or a role: the senders signed with its current credentials. */
  #provided;
  /** With an idempotency store: `{store, ttlSeconds}`. */
  #idempotency;

  /** Validates `config`, throwing `DirectMailError` (`invalid_config`) that names each bad field. */
  constructor(config) {
    try {
      if (config === null || typeof config !== 'object') throw invalid('invalid_config', '(config)', 'expected an object');
      const { fetch, credentials, idempotency, ...rest } = config;
      if (fetch !== undefined && typeof fetch !== 'function') throw invalid('invalid_config', 'fetch', 'expected a function');
      this.#fetch = fetch;
      this.#idempotency = idempotencyOf(idempotency);
      // V3 unless the config says otherwise: Aliyun calls V2 discontinued in favour of V3. (The
      // Logto connector keeps V2, as the official one signs.)
      const plain = plainConfig({ signatureVersion: 'v3', ...rest });
      if (credentials === undefined) {
        this.#sender = new Sender(plain, 'client');
        // A role named in the config (`credentialsSource`) signs with the credentials fetched for it.
        const provider = providerForConfig(this.#sender.roleSettings(), fetch);
        if (provider !== undefined) this.#provided = new ProvidedSender(provider, plain, 'client');
        return;
      }
      if (typeof credentials !== 'function') throw invalid('invalid_config', 'credentials', 'expected a function returning {accessKeyId, accessKeySecret, securityToken?, expiration?}');
      const keys = ['accessKeyId', 'accessKeySecret', 'securityToken', 'credentialsSource'].filter((key) => rest[key] !== undefined);
      if (keys.length > 0) throw invalid('invalid_config', keys[0], 'give credentials or fixed keys, not both');
      // The rest of the config is checked now, with stand-in keys; the provider's are used to send.
      this.#sender = new Sender({ ...plain, accessKeyId: 'provider', accessKeySecret: 'provider' }, 'client');
      this.#provided = new ProvidedSender(credentials, plain, 'client');
    } catch (error) {
      this.#sender?.free();
      throw asDirectMailError(error);
    }
  }

  /**
   * A client whose credentials come from `env` (such as `process.env` or a Worker's `env`) under
   * Aliyun's usual names, `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and
   * `ALIBABA_CLOUD_SECURITY_TOKEN` (optional); `config` holds the rest.
   */
  static fromEnv(env, config = {}) {
    let credentials;
    let settings;
    try {
      const read = (name) => {
        const value = env?.[name];
        return typeof value === 'string' && value !== '' ? value : undefined;
      };
      credentials = {};
      for (const [key, name] of Object.entries(ENV_NAMES)) {
        const value = read(name);
        if (value !== undefined) credentials[key] = value;
        else if (key !== 'securityToken') throw invalid('invalid_config', name, 'is not set');
      }
      if (config === null || typeof config !== 'object') throw invalid('invalid_config', '(config)', 'expected an object');
      settings = { ...config };
    } catch (error) {
      // An env or config whose getters throw (anything, null included) is refused as the config.
      throw isCodedError(error) ? asDirectMailError(error) : invalid('invalid_config', '(env)', `cannot be read (${describeCause(error)})`);
    }
    return new DirectMail({ ...settings, ...credentials });
  }

  /**
   * Sends one mail: `{to, subject, html and/or text, data?, from?, fromAlias?, replyTo?, tagName?,
   * headers?, bccAddress?, attachments?, idempotencyKey?, signal?}`.
   */
  async send(mail) {
    try {
      const { message, options } = messageFor(mail);
      return await this.#deliver(mail, message, options);
    } catch (error) {
      throw asDirectMailError(error);
    }
  }

  /** Sends a template approved in the DirectMail console: `{to, templateId, data?, …}`. */
  async sendTemplate(mail) {
    try {
      if (mail === null || typeof mail !== 'object') throw invalid(REQUEST, '(mail)', 'expected an object');
      refuseUnknown(mail, TEMPLATE_MAIL_FIELDS);
      if (typeof mail.templateId !== 'string') throw invalid(REQUEST, 'templateId', 'expected string');
      const message = { to: recipients(mail.to), type: 'Generic', payload: mail.data ?? {} };
      return await this.#deliver(mail, message, settingsOf(mail, { templateId: mail.templateId }));
    } catch (error) {
      throw asDirectMailError(error);
    }
  }

  /**
   * One mail's way out: its attachments read and checked, its idempotency key looked up, the
   * files uploaded, the mail sent, and the key's record written. A mail without attachments or a
   * key goes straight to the send, with no await before it when the keys are fixed.
   */
  async #deliver(mail, message, options) {
    const signal = signalOf(mail.signal);
    const files = mail.attachments === undefined ? undefined : readAttachments(mail.attachments);
    const sender = this.#provided === undefined ? this.#sender : await this.#provided.get();
    const fetch = fetchOf(this.#fetch);
    const key = this.#idempotency === undefined ? undefined : mail.idempotencyKey;
    let fingerprint;
    // Checked before anything is uploaded: a mail the core refuses uploads nothing.
    if (files !== undefined || key !== undefined) {
      fingerprint = sender.fingerprint(message, options, '', 'data', files === undefined || key === undefined ? '' : await attachmentsDigest(files));
    }
    if (key !== undefined) {
      const first = await recall(this.#idempotency, key, fingerprint);
      if (first !== undefined) return first;
    }
    const attachments = files === undefined ? undefined : await uploadAttachments(sender, files, fetch, signal);
    const sent = result(await sender.send(message, attachments === undefined ? options : { ...options, attachments }, fetch, '', 'data', signal));
    if (key !== undefined) await remember(this.#idempotency, key, fingerprint, sent);
    return sent;
  }

  /**
   * For debugging only: the signed request a send would make, not sent, with the nonce and the
   * timestamp pinned when given (`{nonce, timestamp, endpoint}`).
   */
  get debug() {
    const sender = this.#sender;
    return Object.freeze({
      request(mail, pins = {}) {
        try {
          const { message, options } = messageFor(mail);
          return sender.build(message, { ...pins, ...options }, '', 'data');
        } catch (error) {
          throw asDirectMailError(error);
        }
      },
    });
  }

  /** Releases the client's wasm memory now (after any send in flight); the client cannot send after. */
  free() {
    this.#sender.free();
    this.#provided?.free();
  }

  /** `using mail = new DirectMail(…)` frees it at the end of the block. */
  [DISPOSE]() {
    this.free();
  }
}
