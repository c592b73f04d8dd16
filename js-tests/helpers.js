// Shared fixtures for the js-tests.
import { readdirSync, readFileSync } from 'node:fs';

/** Usage types Logto sends. */
export const usageTypes = [
  'SignIn',
  'Register',
  'ForgotPassword',
  'OrganizationInvitation',
  'Generic',
  'UserPermissionValidation',
  'BindNewIdentifier',
  'MfaVerification',
  'BindMfa',
];

/** A config with the four required templates; `overrides` replace top-level keys. */
export function makeConfig(overrides = {}) {
  return {
    accessKeyId: 'testid',
    accessKeySecret: 'testsecret',
    accountName: 'noreply@mail.example.com',
    templates: ['SignIn', 'Register', 'ForgotPassword', 'Generic'].map((usageType) => ({
      usageType,
      subject: `${usageType} code {{code}}`,
      content: `<p>${usageType}: {{code}}</p>`,
    })),
    ...overrides,
  };
}

/** The signing vectors kept as data files in vectors/signature. */
export function signatureVectors() {
  const dir = new URL('../vectors/signature/', import.meta.url);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => ({ file, ...JSON.parse(readFileSync(new URL(file, dir), 'utf8')) }));
}

/** The form parameters of a body, as an object. */
export const formParams = (body) => Object.fromEntries(new URLSearchParams(body));

/** A fetch that answers every request with `status` and `body`, recording the requests. */
export function replyingFetch(status, body) {
  const calls = [];
  const fetch = async (url, init) => {
    calls.push({ url, ...init });
    return new Response(body, { status });
  };
  return Object.assign(fetch, { calls });
}

/** Runs `fn` and returns what it threw; fails if it did not throw. */
export async function thrown(fn) {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
