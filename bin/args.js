// Reading a command's arguments without ever echoing one: an argument may be a secret
// (`--key ID SECRET`, a pasted config), and parseArgs quotes the one it refuses.
import { parseArgs } from 'node:util';

/** parseArgs's errors, in words that quote nothing given. */
const PARSE_ERRORS = {
  ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL: 'Unexpected argument (options take their value after a space; --key takes ID:SECRET, with a colon).',
  ERR_PARSE_ARGS_UNKNOWN_OPTION: 'Unknown option.',
  ERR_PARSE_ARGS_INVALID_OPTION_VALUE: 'An option has a missing or wrong value.',
};

/** Prints `why` and `usage` to stderr and exits 2: what a usage error does. */
export function usageError(why, usage) {
  console.error(`${why}\n\n${usage}`);
  process.exit(2);
}

/**
 * The options' values. `--help` prints `usage` to stdout and exits 0; a usage error prints what is
 * wrong (quoting nothing) and `usage` to stderr and exits 2, as does a missing `required` option.
 */
export function parseOrExit(argv, options, usage, required = []) {
  let values;
  try {
    values = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h', default: false } } }).values;
  } catch (error) {
    usageError(PARSE_ERRORS[error.code] ?? 'Invalid arguments.', usage);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const missing = required.filter((name) => values[name] === undefined);
  if (missing.length > 0) usageError(`Missing ${missing.map((name) => `--${name}`).join(' and ')}.`, usage);
  return values;
}
