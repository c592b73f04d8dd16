// One sender: the wasm DirectMail object for one config, held by its JS owner (a mail client, the
// Logto connector's closure, or one call of the stateless API) and freed by it. A send in flight
// keeps the object alive: `free()` during a send releases it when the last send settles.
import { CredentialsCache } from './credentials.js';
import { codedError } from './errors.js';
import { jsonText, MAX_JSON_CHARS, plainMessage, plainOptions } from './plain.js';
import { grantWith, sendWith } from './transport.js';
import { wasm } from './wasm.js';

/** A plain copy of a config (JSON.parse of its checked JSON text): nothing the caller changes later reaches it. */
export const plainConfig = (config) => JSON.parse(jsonText(config, '(config)', 'invalid_config', { maxChars: MAX_JSON_CHARS.config }));

export class Sender {
  #mail;
  #sending = 0;
  #freed = false;

  /**
   * Validates `plain` (a plain copy, see `plainConfig`) as a Logto connector's config
   * (`connector`: templates required) or a mail client's (`client`); throws `invalid_config`.
   */
  constructor(plain, purpose) {
    const { DirectMail } = wasm();
    this.#mail = purpose === 'client' ? DirectMail.forClient(plain) : new DirectMail(plain);
  }

  /** The config normalised: defaults filled in, absent options left out. */
  normalized() {
    return this.#live().normalized();
  }

  /** The role the config names, with what fetching its credentials needs; `undefined` for its own keys. */
  roleSettings() {
    return this.#live().roleSettings();
  }

  /**
   * The signed request a send of `message` with `options` would make, not sent. Bad options are
   * named `{optionsPath}{name}`, and the payload's members `{payloadPath}.{key}`.
   */
  build(message, options, optionsPath, payloadPath = 'payload') {
    const mail = this.#live();
    const send = mail.prepare(plainMessage(message, payloadPath), plainOptions(options), optionsPath);
    try {
      return mail.build(send);
    } finally {
      send.free();
    }
  }

  /** Sends `message` with `options` through `fetch`; bad fields are named as `build` names them. */
  async send(message, options, fetch, optionsPath, payloadPath = 'payload', signal = undefined) {
    const mail = this.#live();
    this.#sending += 1;
    try {
      return await sendWith(mail, plainMessage(message, payloadPath), plainOptions(options), fetch, optionsPath, signal);
    } finally {
      this.#sending -= 1;
      if (this.#freed && this.#sending === 0) mail.free();
    }
  }

  /** The hex SHA-256 of the mail's own parameters and `extra`: what an idempotency key's store compares. */
  fingerprint(message, options, optionsPath, payloadPath, extra) {
    const mail = this.#live();
    const send = mail.prepare(plainMessage(message, payloadPath), plainOptions(options), optionsPath);
    try {
      return mail.fingerprint(send, extra);
    } finally {
      send.free();
    }
  }

  /** One attachment upload's grant from Aliyun (`AuthorizeFileUpload`), through `fetch`. */
  async grant(fetch, signal) {
    const mail = this.#live();
    this.#sending += 1;
    try {
      return await grantWith(mail, fetch, signal);
    } finally {
      this.#sending -= 1;
      if (this.#freed && this.#sending === 0) mail.free();
    }
  }

  /** Releases the wasm object now, or when the sends in flight settle; later calls do nothing. */
  free() {
    if (this.#freed) return;
    this.#freed = true;
    if (this.#sending === 0) this.#mail.free();
  }

  #live() {
    if (this.#freed) throw codedError('general', 'This sender has been freed; make a new one to send', {}, 'request');
    return this.#mail;
  }
}

/**
 * Senders for one config signed with a provider's credentials (see `CredentialsCache`): the one for
 * the credentials last given, made anew when they change, the one before freed once its sends in
 * flight settle. `plain` is checked already; its own keys, if any, are replaced.
 */
export class ProvidedSender {
  #cache;
  #plain;
  #purpose;
  #current;
  #freed = false;

  constructor(provider, plain, purpose) {
    this.#cache = new CredentialsCache(provider);
    this.#plain = plain;
    this.#purpose = purpose;
  }

  /** The sender for the provider's current credentials. */
  async get() {
    const credentials = await this.#cache.get();
    // Freed while the provider answered: no sender is made that nobody would free.
    if (this.#freed) throw codedError('general', 'This sender has been freed; make a new one to send', {}, 'request');
    if (this.#current?.credentials !== credentials) {
      const { accessKeyId, accessKeySecret, securityToken } = credentials;
      const config = { ...this.#plain, credentialsSource: 'access-key', accessKeyId, accessKeySecret };
      if (securityToken === undefined) delete config.securityToken;
      else config.securityToken = securityToken;
      const sender = new Sender(config, this.#purpose);
      this.#current?.sender.free();
      this.#current = { credentials, sender };
    }
    return this.#current.sender;
  }

  /** Releases the current sender (after its sends in flight); later calls of `get` refuse. */
  free() {
    this.#freed = true;
    this.#current?.sender.free();
    this.#current = undefined;
  }
}

/** Runs `use(sender)` with a sender for `config` made for this call alone, and frees it after. */
export function withSender(config, purpose, use) {
  const sender = new Sender(plainConfig(config), purpose);
  let result;
  try {
    result = use(sender);
  } catch (error) {
    sender.free();
    throw error;
  }
  if (result instanceof Promise) return result.finally(() => sender.free());
  sender.free();
  return result;
}
