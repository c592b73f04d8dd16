// The Logto connector: createConnector() returns what Logto's loader expects of an Email connector.
// Each connector holds one sender for the config it sends with: made at a send, kept for the sends
// that follow back to back, and freed when the config's content changes or when the event loop next
// turns with no send in flight. Logto builds a connector for each request, so nothing is left for
// the garbage collector to free, and wasm memory stays flat. The host's zod is loaded by
// createConnector, for the config guard; the host's connector-kit only when an error must be
// thrown, so a send that succeeds never loads it.
import { validateConfig } from './core.js';
import { providerForConfig } from './credentials.js';
import { asDirectMailError, isCodedError } from './errors.js';
import { metadata } from './metadata.js';
import { plainConfig, ProvidedSender, Sender } from './sender.js';
import { fetchOf } from './transport.js';

/** connector-kit's `ConnectorType.Email`. */
const EMAIL = 'Email';
/**
 * The host's packages, named through variables and imported with webpack's and Turbopack's ignore
 * comments: a bundler building a Worker or an edge function then leaves them out, without a
 * warning, as the connector only ever runs inside Logto, on Node, which has them.
 */
const ZOD = 'zod';
const CONNECTOR_KIT = '@logto/connector-kit';

/** A path as the core names it (`templates[2].usageType`), as zod's path. */
const zodPath = (path) =>
  path.startsWith('(') ? [] : path.split(/[.[\]]+/).filter(Boolean).map((part) => (/^\d+$/.test(part) ? Number(part) : part));

/**
 * The config guard as a zod schema over the wasm validator, made with `z` from the host's zod: in
 * Logto that is core's own copy (`logto connector add` installs nothing), so core's
 * `instanceof ZodError` holds and the Console shows each issue with its key path. Its data is the
 * normalised config.
 */
export function zodConfigGuard(z) {
  return z.unknown().transform((config, ctx) => {
    try {
      return validateConfig(config);
    } catch (error) {
      if (!isCodedError(error)) throw error;
      for (const { path, message } of error.data.issues ?? [{ path: '(config)', message: error.message }]) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: zodPath(path), message });
      }
      return z.NEVER;
    }
  });
}

/**
 * `code` if the host's connector-kit has it, else `general`. `usage_limit_exceeded` is new in
 * connector-kit 5.1.1; a Logto whose connector-kit lacks it (v1.41.0) would show the operator the
 * bare phrase key, while for `general` it shows the error's `errorDescription`: DirectMail's Code,
 * Message and the hint.
 */
function hostCode(code, ConnectorErrorCodes) {
  return Object.values(ConnectorErrorCodes).includes(code) ? code : ConnectorErrorCodes.General;
}

/**
 * Rethrows as the host's ConnectorError: Logto maps only `instanceof ConnectorError`. Logto's
 * Console shows a fixed sentence for the request and response codes, and under it the reply's
 * `details`, which Logto writes only from a ZodError of its own zod: so an invalid config carries
 * the guard's ZodError, a request refused before sending one naming each field (`Subject`), and a
 * reply that is not DirectMail's one naming what came back.
 */
async function toConnectorError(error, { z, guard, config }) {
  const { ConnectorError, ConnectorErrorCodes } = await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ CONNECTOR_KIT);
  if (error instanceof ConnectorError) return error;
  if (!isCodedError(error)) return new ConnectorError(ConnectorErrorCodes.General, asDirectMailError(error).data);
  const code = hostCode(error.code, ConnectorErrorCodes);
  const zodError = (issues) => new z.ZodError(issues.map(({ path, message }) => ({ code: z.ZodIssueCode.custom, path: zodPath(path), message })));
  switch (error.code) {
    case 'invalid_config':
      try {
        return new ConnectorError(code, guard.safeParse(config).error ?? error.data);
      } catch {
        // The config could not be read a second time: the first error stands, with its own data.
        return new ConnectorError(code, error.data);
      }
    case 'invalid_request_parameters':
      return new ConnectorError(code, error.data.issues ? zodError(error.data.issues) : error.data);
    case 'invalid_response': {
      const { message, status, body } = error.data;
      return new ConnectorError(code, zodError([{ path: 'body', message: `${message} (HTTP ${status})${body ? `: ${body}` : ''}` }]));
    }
    default:
      return new ConnectorError(code, error.data);
  }
}

/**
 * A zod-like guard over the wasm validator, for callers without zod. The connector that
 * `createConnector` returns has a real zod schema instead (see `zodConfigGuard`).
 */
export const configGuard = Object.freeze({
  safeParse(config) {
    try {
      return { success: true, data: validateConfig(config) };
    } catch (error) {
      return { success: false, error: Object.assign(error, { issues: error?.data?.issues ?? [] }) };
    }
  },
  parse(config) {
    return validateConfig(config);
  },
});

/** Logto's i18n template for this message, if it has one; a failing lookup falls back. */
async function findI18nTemplate(getI18nEmailTemplate, data) {
  try {
    return (await getI18nEmailTemplate(data?.type, data?.payload?.locale)) ?? undefined;
  } catch {
    return undefined;
  }
}

/** A value that equals nothing in `sameJson`, standing for what JSON would write some other way. */
const UNLIKE = Symbol('unlike');

/**
 * The structure of `value` as JSON reads it, sharing its strings: comparing a config with its
 * snapshot then finds the same string objects where nothing changed, which costs no more than a
 * pointer compare, however long the templates are. A value JSON would write differently (a
 * toJSON, a class instance's methods aside, NaN) becomes UNLIKE, so it never compares equal.
 */
function snapshot(value) {
  if (typeof value !== 'object' || value === null) return typeof value === 'number' && !Number.isFinite(value) ? UNLIKE : value;
  if (typeof value.toJSON === 'function') return UNLIKE;
  if (Array.isArray(value)) return value.map(snapshot);
  const copy = {};
  for (const key of Object.keys(value)) {
    const member = value[key];
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
    copy[key] = snapshot(member);
  }
  return copy;
}

/**
 * Whether `value` reads as JSON exactly as `plain` does (a snapshot, or a JSON.parse result): the
 * check that a config handed over again is the one the connector's sender was made for. Anything
 * JSON would write differently (a Date, NaN, a toJSON) is not the same, so the caller makes a
 * sender from it, where it is checked properly.
 */
function sameJson(value, plain) {
  if (value === plain) return true;
  if (typeof value !== 'object' || value === null || typeof plain !== 'object' || plain === null) return false;
  if (typeof value.toJSON === 'function') return false;
  if (Array.isArray(value)) {
    if (!Array.isArray(plain) || value.length !== plain.length) return false;
    return value.every((item, i) => sameJson(item, plain[i]));
  }
  if (Array.isArray(plain)) return false;
  let members = 0;
  for (const key of Object.keys(value)) {
    const member = value[key];
    // Left out by JSON, as by the plain copy.
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
    if (!Object.hasOwn(plain, key) || !sameJson(member, plain[key])) return false;
    members += 1;
  }
  return members === Object.keys(plain).length;
}

/** Logto's connector factory; `fetch` defaults to `globalThis.fetch`, looked up at send time. */
export default async function createConnector({ getConfig, getI18nEmailTemplate, fetch } = {}) {
  // The host's zod, as connector-kit's: Logto's core resolves both to its own copies.
  const { z } = await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ ZOD);
  const guard = zodConfigGuard(z);
  /** The sender for the config last sent with, and a snapshot of that config as it was read. */
  let current;
  /** Sends in flight, and whether a release is due at the event loop's next turn. */
  let sending = 0;
  let releaseDue = false;

  /** Frees the sender once no send is in flight: the next send, if any, makes one anew. */
  function release() {
    releaseDue = false;
    if (sending > 0 || current === undefined) return;
    current.sender.free();
    current.provided?.free();
    current = undefined;
  }

  /**
   * The sender for `config`: the current one while the content is the same, else a new one. With
   * a role (`credentialsSource`), `provided` holds the senders signed with its credentials.
   */
  function senderFor(config) {
    let same = false;
    try {
      same = current !== undefined && sameJson(config, current.config);
    } catch {
      // A getter threw: the plain copy below reports it as a typed error.
    }
    if (same) return current;
    const plain = plainConfig(config);
    const sender = new Sender(plain, 'connector');
    let provided;
    try {
      const provider = providerForConfig(sender.roleSettings(), fetch);
      if (provider !== undefined) provided = new ProvidedSender(provider, plain, 'connector');
    } catch (error) {
      sender.free();
      throw error;
    }
    let read = plain;
    try {
      // Kept only if it reads as the copy the sender was made from (a getter may answer anew).
      const shared = snapshot(config);
      if (sameJson(shared, plain)) read = shared;
    } catch {
      // The plain copy stands in.
    }
    current?.sender.free();
    current?.provided?.free();
    current = { config: read, sender, provided };
    return current;
  }

  async function sendMessage(data, inputConfig) {
    let config;
    sending += 1;
    try {
      config = inputConfig ?? (await getConfig(metadata.id));
      // As the reference does, a bad config fails before any template lookup.
      const { sender, provided } = senderFor(config);
      const template = typeof getI18nEmailTemplate === 'function' ? await findI18nTemplate(getI18nEmailTemplate, data) : undefined;
      // A role's credentials are fetched for this connector; Logto makes one for each request.
      const signer = provided === undefined ? sender : await provided.get();
      return await signer.send(data, template ? { template } : undefined, fetchOf(fetch), 'options.');
    } catch (error) {
      throw await toConnectorError(error, { z, guard, config });
    } finally {
      sending -= 1;
      if (!releaseDue) {
        releaseDue = true;
        setTimeout(release, 0);
      }
    }
  }
  return { metadata, type: EMAIL, configGuard: guard, sendMessage };
}
