// Reading a connector config from a file for the CLI, without ever quoting it: the file holds the
// secret, and JSON.parse's own message quotes the text around an error.
import { readFileSync } from 'node:fs';

/**
 * Where JSON text first goes wrong, as `line L, column C`, found without quoting it: JSON.parse's
 * own message quotes the text around the error, and a config file holds the secret. The shortest
 * prefix that fails for a reason other than ending too soon ends at the offending character.
 */
function syntaxErrorAt(text) {
  const failsBeforeEnd = (end) => {
    try {
      JSON.parse(text.slice(0, end));
      return false;
    } catch (error) {
      const at = /at position (\d+)/.exec(error.message);
      return !/end of JSON input/.test(error.message) && !(at && Number(at[1]) >= end);
    }
  };
  if (!failsBeforeEnd(text.length)) return `it ends before the JSON is complete (line ${text.split('\n').length})`;
  let [low, high] = [0, text.length];
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (failsBeforeEnd(mid)) high = mid;
    else low = mid + 1;
  }
  const before = text.slice(0, low - 1);
  const line = before.split('\n').length;
  return `line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
}

/** The config in `path`, or `fail(2, why)` when it cannot be read or is not JSON. */
export function readConfigFile(path, fail) {
  let text;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return fail(2, `Cannot read the config ${path}: ${error.code ?? 'unreadable'}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    return fail(2, `The config ${path} is not valid JSON: ${syntaxErrorAt(text)}`);
  }
}
