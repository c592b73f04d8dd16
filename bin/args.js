// Reading a command's arguments without ever echoing one: an argument may be a secret
// (`--key ID SECRET`, a pasted config), and parseArgs quotes the one it refuses.
import { parseArgs } from 'node:util';

/** parseArgs's errors, in words that quote nothing given. */
const PARSE_ERRORS = {
  ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL: 'Unexpected argument (options take their value after a space; --key takes ID:SECRET, with a colon).',
  ERR_PARSE_ARGS_UNKNOWN_OPTION: 'Unknown option.',
  ERR_PARSE_ARGS_INVALID_OPTION_VALUE: 'An option has a missing or wrong value.',
};

/** The options' values; on a usage error, prints what is wrong (quoting nothing) and `usage`, and exits 2. */
export function parseOrExit(argv, options, usage) {
  try {
    return parseArgs({ args: argv, options }).values;
  } catch (error) {
    console.error(`${PARSE_ERRORS[error.code] ?? 'Invalid arguments.'}\n\n${usage}`);
    process.exit(2);
  }
}
