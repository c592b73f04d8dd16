// The mail client: `new DirectMail(config)` and `.send({to, subject, html})`, for edge code and
// Node alike. The Logto connector sends through it too (see `logtoSend`), so both share one
// path: a validated wasm object per config, signing in Rust, and the host's fetch.
import { mailFor } from './core.js';
import { DirectMailError, asDirectMailError, codedError } from './errors.js';
import { invalid, plainMessage, plainOptions } from './plain.js';
import { sendWith } from './transport.js';

/** The environment variables Aliyun's SDKs and CLI read credentials from. */
export const ENV_NAMES = Object.freeze({
  accessKeyId: 'ALIBABA_CLOUD_ACCESS_KEY_ID',
  accessKeySecret: 'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  securityToken: 'ALIBABA_CLOUD_SECURITY_TOKEN',
});

const REQUEST = 'invalid_request_parameters';
/** Per-send fields that change the sender's settings rather than the message. */
const PER_SEND_SETTINGS = ['tagName', 'headers', 'bccAddress'];

/** `fetch` as given, else the runtime's, looked up when a mail is sent. */
function fetchOf(given) {
  const fetch = given ?? globalThis.fetch;
  if (typeof fetch !== 'function') throw codedError('general', 'No fetch function: pass one, or run where globalThis.fetch exists');
  return fetch;
}

/** The config without the client-only `fetch`, with any per-send settings laid over it. */
function senderConfig(config, overrides) {
  const { fetch: _fetch, ...rest } = config;
  for (const key of PER_SEND_SETTINGS) {
    if (overrides?.[key] !== undefined) rest[key] = overrides[key];
  }
  return rest;
}

/** `to` as DirectMail takes it: one address, or several joined with commas. */
function recipients(to) {
  if (Array.isArray(to)) return to.join(',');
  return to;
}

/** A Logto-shaped message and options for one send of `mail`. */
function messageFor(mail) {
  if (mail === null || typeof mail !== 'object') throw invalid(REQUEST, '(mail)', 'expected an object');
  const { to, subject, html, text, fromAlias, replyTo, data } = mail;
  if ((html === undefined) === (text === undefined)) throw invalid(REQUEST, 'html', 'give exactly one of html and text');
  const content = html ?? text;
  if (typeof subject !== 'string') throw invalid(REQUEST, 'subject', `expected string, got ${subject === null ? 'null' : typeof subject}`);
  if (typeof content !== 'string') throw invalid(REQUEST, html === undefined ? 'text' : 'html', 'expected string');
  const template = { subject, content, contentType: html === undefined ? 'text/plain' : 'text/html' };
  if (fromAlias !== undefined) template.sendFrom = fromAlias;
  if (replyTo !== undefined) template.replyTo = replyTo;
  return { message: { to: recipients(to), type: 'Generic', payload: data ?? {} }, options: { template } };
}

/** The result as this client returns it. */
const result = ({ EnvId, RequestId }) => ({ envId: EnvId, requestId: RequestId });

/**
 * A DirectMail sender: credentials, the sender address and its settings, validated when it is
 * made. Every error it throws is a `DirectMailError`.
 */
export class DirectMail {
  #config;
  #fetch;

  /** Validates `config`, throwing `DirectMailError` (`invalid_config`) that names each bad field. */
  constructor(config) {
    try {
      if (config === null || typeof config !== 'object') throw invalid('invalid_config', '(config)', 'expected an object');
      this.#config = { ...config };
      this.#fetch = config.fetch;
      if (this.#fetch !== undefined && typeof this.#fetch !== 'function') throw invalid('invalid_config', 'fetch', 'expected a function');
      mailFor(senderConfig(this.#config), 'client');
    } catch (error) {
      throw asDirectMailError(error);
    }
  }

  /**
   * A client whose credentials come from `env` (such as `process.env` or a Worker's `env`) under
   * Aliyun's usual names, `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and
   * `ALIBABA_CLOUD_SECURITY_TOKEN` (optional); `config` holds the rest.
   */
  static fromEnv(env, config = {}) {
    const read = (name) => {
      const value = env?.[name];
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
    const credentials = {};
    for (const [key, name] of Object.entries(ENV_NAMES)) {
      const value = read(name);
      if (value !== undefined) credentials[key] = value;
      else if (key !== 'securityToken') throw new DirectMailError('invalid_config', `${name} is not set`, { message: `${name} is not set`, issues: [{ path: name, message: 'is not set' }] });
    }
    return new DirectMail({ ...config, ...credentials });
  }

  /** Sends one mail: `{to, subject, html | text, fromAlias?, replyTo?, tagName?, headers?, bccAddress?, data?}`. */
  async send(mail) {
    try {
      const { message, options } = messageFor(mail);
      return result(await this.#deliver(senderConfig(this.#config, mail), message, options));
    } catch (error) {
      throw asDirectMailError(error);
    }
  }

  /** Sends a template approved in the DirectMail console: `{to, templateId, data?, …}`. */
  async sendTemplate(mail) {
    try {
      if (mail === null || typeof mail !== 'object') throw invalid(REQUEST, '(mail)', 'expected an object');
      if (typeof mail.templateId !== 'string') throw invalid(REQUEST, 'templateId', 'expected string');
      const config = { ...senderConfig(this.#config, mail), templates: [{ usageType: 'Generic', templateId: mail.templateId }] };
      if (mail.fromAlias !== undefined) config.fromAlias = mail.fromAlias;
      const message = { to: recipients(mail.to), type: 'Generic', payload: mail.data ?? {} };
      return result(await this.#deliver(config, message, undefined));
    } catch (error) {
      throw asDirectMailError(error);
    }
  }

  /**
   * For debugging only: the signed request a send would make, not sent, with the nonce and the
   * timestamp pinned when given (`{nonce, timestamp, endpoint}`).
   */
  get debug() {
    const config = this.#config;
    return Object.freeze({
      request(mail, pins = {}) {
        try {
          const { message, options } = messageFor(mail);
          return mailFor(senderConfig(config, mail), 'client').build(plainMessage(message), plainOptions({ ...pins, ...options }));
        } catch (error) {
          throw asDirectMailError(error);
        }
      },
    });
  }

  /** Sends through the wasm object for `config`, with this client's fetch. */
  #deliver(config, message, options) {
    return sendWith(mailFor(config, 'client'), plainMessage(message), plainOptions(options), fetchOf(this.#fetch));
  }
}

/**
 * The Logto connector's send, through `mail` (the connector-config object for its config): Logto's
 * message and i18n template as they are, and the `{EnvId, RequestId}` Logto's callers expect.
 */
export function logtoSend(mail, data, template, fetch) {
  return sendWith(mail, plainMessage(data), plainOptions(template ? { template } : undefined), fetchOf(fetch));
}
