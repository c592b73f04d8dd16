// Errors of the core API: real Errors with a ConnectorErrorCodes `code` and a `data` object.

/** The codes the core throws; they are Logto's ConnectorErrorCodes strings. */
export const errorCodes = Object.freeze([
  'general',
  'invalid_config',
  'invalid_request_parameters',
  'invalid_response',
  'template_not_found',
  'rate_limit_exceeded',
  'usage_limit_exceeded',
]);

/**
 * The reason of an error the JS layer makes itself, from its code. The core's errors carry their
 * own, from DirectMail's code table (src/response.rs) and from where they arose (src/error.rs).
 */
const REASON_OF_CODE = { invalid_config: 'config', invalid_request_parameters: 'request', template_not_found: 'request', invalid_response: 'response' };

/**
 * What this package throws: `code` (Logto's ConnectorErrorCodes string), `reason` (finer: `auth`,
 * `sender`, `recipient`, `content`, `quota`, `throttled`, `timeout`, `network`, `server`,
 * `response`, `config`, `request`, `aborted`, `rejected` or `other`), `data` (what the code
 * carries: issues with paths, DirectMail's `Code` and `Message`…) and `retryable` (true only when
 * the mail cannot have been sent: throttling, or a connection that never opened).
 */
export class DirectMailError extends Error {
  constructor(code, message, data = { message }, retryable = false, reason = REASON_OF_CODE[code] ?? 'other') {
    super(message);
    this.code = code;
    this.reason = reason;
    this.data = data;
    this.retryable = retryable;
  }

  /**
   * True for an error of this class from any copy of it: each entry of the package (`.`, `/init`,
   * `/inline`) is its own bundle with its own class, so the brand is a registered symbol.
   */
  static [Symbol.hasInstance](value) {
    return (typeof value === 'object' || typeof value === 'function') && value !== null && value[BRAND] === true;
  }
}
/** The mark every DirectMailError carries, shared by every copy of the class through the symbol registry. */
const BRAND = Symbol.for('connector-aliyun-dm-wasm/DirectMailError');
Object.defineProperty(DirectMailError.prototype, 'name', { value: 'DirectMailError', writable: true, configurable: true });
Object.defineProperty(DirectMailError.prototype, BRAND, { value: true });

/**
 * A DirectMailError as the wasm core makes them: a `general` one also carries `errorDescription`,
 * the sentence Logto shows for it.
 */
export function codedError(code, message, data = {}, reason = undefined) {
  const full = code === 'general' ? { errorDescription: message, message, ...data } : { message, ...data };
  return new DirectMailError(code, message, full, false, reason);
}

/**
 * `error` as a DirectMailError: one the wasm threw (a plain Error with a code) takes the class's
 * prototype, keeping its stack; anything else is wrapped as `general`.
 */
export function asDirectMailError(error) {
  if (error instanceof DirectMailError) return error;
  if (isCodedError(error)) {
    Object.setPrototypeOf(error, DirectMailError.prototype);
    error.retryable = error.retryable === true;
    if (typeof error.reason !== 'string') error.reason = REASON_OF_CODE[error.code] ?? 'other';
    return error;
  }
  return codedError('general', error instanceof Error ? error.message : describeCause(error));
}

/** `f` with whatever it throws (or its promise rejects with) as a DirectMailError. */
export function typed(f) {
  return (...args) => {
    try {
      const result = f(...args);
      return result instanceof Promise ? result.catch((error) => Promise.reject(asDirectMailError(error))) : result;
    } catch (error) {
      throw asDirectMailError(error);
    }
  };
}

/** Whether `error` came from this package's core with one of its codes. */
export const isCodedError = (error) =>
  error instanceof Error && typeof error.code === 'string' && errorCodes.includes(error.code);

/**
 * What could break a line, drive a terminal or hide and reorder text: controls, Unicode's line
 * separators, bidirectional controls and default-ignorable characters (as the core's is_invisible).
 */
const UNSAFE_CHARS =
  /[\p{Cc}\u2028\u2029\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF0-\uFFF8\u{1BCA0}-\u{1BCA3}\u{1D173}-\u{1D17A}\u{E0000}-\u{E0FFF}]/gu;

/** Longest path an error shows, in characters, as the core cuts it (MAX_SHOWN_PATH_CHARS in src/error.rs). */
export const MAX_SHOWN_PATH_CHARS = 200;

/** `text` as an error may show it: unsafe characters as `\uXXXX` escapes, cut after `max` characters with `…`. */
export function shown(text, max = Infinity) {
  const chars = Array.from(String(text));
  const cut = chars.length > max ? `${chars.slice(0, max).join('')}…` : String(text);
  return cut.replace(UNSAFE_CHARS, (c) =>
    Array.from({ length: c.length }, (_, i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''),
  );
}

/** A short description of a thrown value that is not ours, such as a network failure. */
export function describeCause(cause) {
  try {
    if (cause instanceof Error) {
      const inner = cause.cause instanceof Error ? ` (${cause.cause.message})` : '';
      return `${cause.name}: ${cause.message}${inner}`;
    }
    return String(cause);
  } catch {
    // A getter or toString that throws: the failure is still reported, without its description.
    return 'a value that cannot be printed';
  }
}
