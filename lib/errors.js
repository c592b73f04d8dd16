// Errors of the core API: real Errors with a ConnectorErrorCodes `code` and a `data` object.

/** The codes the core throws; they are Logto's ConnectorErrorCodes strings. */
export const errorCodes = Object.freeze([
  'general',
  'invalid_config',
  'invalid_request_parameters',
  'invalid_response',
  'template_not_found',
  'rate_limit_exceeded',
]);

/**
 * An Error carrying `code` and `data`, shaped like the ones the wasm core throws: a `general` one
 * also carries `errorDescription`, the sentence Logto shows for it.
 */
export function codedError(code, message, data = {}) {
  const error = new Error(message);
  error.code = code;
  error.data = code === 'general' ? { errorDescription: message, message, ...data } : { message, ...data };
  return error;
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
