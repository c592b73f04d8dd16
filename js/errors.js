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
 * What this package throws: `code` (Logto's ConnectorErrorCodes string), `data` (what the code
 * carries: issues with paths, DirectMail's `Code` and `Message`…) and `retryable` (true only when
 * the mail cannot have been sent: throttling, or a connection that never opened).
 */
export class DirectMailError extends Error {
  constructor(code, message, data = { message }, retryable = false) {
    super(message);
    this.code = code;
    this.data = data;
    this.retryable = retryable;
  }
}
Object.defineProperty(DirectMailError.prototype, 'name', { value: 'DirectMailError', writable: true, configurable: true });

/**
 * A DirectMailError as the wasm core makes them: a `general` one also carries `errorDescription`,
 * the sentence Logto shows for it.
 */
export function codedError(code, message, data = {}) {
  const full = code === 'general' ? { errorDescription: message, message, ...data } : { message, ...data };
  return new DirectMailError(code, message, full);
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
    return error;
  }
  return codedError('general', error instanceof Error ? error.message : describeCause(error));
}

/** Whether `error` came from this package's core with one of its codes. */
export const isCodedError = (error) =>
  error instanceof Error && typeof error.code === 'string' && errorCodes.includes(error.code);

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
