// The Logto connector: createConnector() returns what Logto's loader expects of an Email connector.
// connector-kit (the host's copy) is imported only when an error must be thrown: a send that
// succeeds never loads it, which keeps a cold start to milliseconds.
import { directMailFor, validateConfig } from './core.js';
import { codedError, isCodedError } from './errors.js';
import { metadata } from './metadata.js';
import { plainMessage, plainOptions } from './plain.js';
import { sendWith } from './transport.js';

/** connector-kit's `ConnectorType.Email`. */
const EMAIL = 'Email';

/** Rethrows as the host's ConnectorError: Logto maps only `instanceof ConnectorError`. */
async function toConnectorError(error) {
  const { ConnectorError, ConnectorErrorCodes } = await import('@logto/connector-kit');
  if (error instanceof ConnectorError) return error;
  if (isCodedError(error)) return new ConnectorError(error.code, error.data);
  const message = error instanceof Error ? error.message : String(error);
  return new ConnectorError(ConnectorErrorCodes.General, { message });
}

/** A zod-like guard over the wasm validator; Logto calls `configGuard.safeParse(config)`. */
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

/** Logto's connector factory; `fetch` defaults to `globalThis.fetch`, looked up at send time. */
export default async function createConnector({ getConfig, getI18nEmailTemplate, fetch } = {}) {
  async function sendMessage(data, inputConfig) {
    try {
      const config = inputConfig ?? (await getConfig(metadata.id));
      // As the reference does, a bad config fails before any template lookup.
      const mail = directMailFor(config);
      const template = typeof getI18nEmailTemplate === 'function' ? await findI18nTemplate(getI18nEmailTemplate, data) : undefined;
      const send = fetch ?? globalThis.fetch;
      if (typeof send !== 'function') throw codedError('general', 'No fetch function: pass one, or run where globalThis.fetch exists');
      return await sendWith(mail, plainMessage(data), plainOptions(template ? { template } : undefined), send);
    } catch (error) {
      throw await toConnectorError(error);
    }
  }
  return { metadata, type: EMAIL, configGuard, sendMessage };
}
