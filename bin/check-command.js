// `aliyun-dm check`: reads a connector config as the Logto connector would and prints what it
// finds: the problems that refuse it, and the warnings about what DirectMail will refuse. With
// --official, also what @logto/connector-aliyun-dm 1.6 would refuse or ignore, before a rollback.
// Exits 1 when the config (or, with --official, the official connector) refuses it, 2 on a usage
// error. Nothing it prints quotes a value, so the secret never shows.

import { parseOrExit } from './args.js';
import { validateConfig } from '../lib/index.js';
import { readConfigFile } from './config-file.js';
import { officialVerdict } from './official-check.js';

const usage = `Usage: aliyun-dm check --config FILE [--official]

  --config FILE   the connector config JSON, as pasted into the Logto Console
  --official      also list what @logto/connector-aliyun-dm 1.6 would refuse or ignore,
                  for a rollback to it`;

const fail = (status, message) => {
  console.error(message);
  process.exit(status);
};

/** Runs the command with `argv` (the words after `check`). */
export function runCheck(argv) {
  const options = { config: { type: 'string' }, official: { type: 'boolean', default: false } };
  const values = parseOrExit(argv, options, usage, ['config']);
  const config = readConfigFile(values.config, fail);
  const line = (kind, { path, message }) => console.log(`${kind} ${path}: ${message}`);
  let refused = false;
  try {
    const { warnings = [] } = validateConfig(config);
    console.log(`This package: loads the config${warnings.length ? `, with ${warnings.length} warning${warnings.length > 1 ? 's' : ''}` : ''}.`);
    for (const warning of warnings) line('warning', warning);
  } catch (error) {
    if (!error?.code) throw error;
    refused = true;
    console.log(`This package: refuses the config (${error.code}).`);
    for (const issue of error.data?.issues ?? [{ path: '(config)', message: error.message }]) line('refused', issue);
  }
  if (values.official) {
    const verdict = officialVerdict(config);
    const state = verdict.refused.length ? 'refuses the config: every send fails after a rollback' : 'loads the config';
    console.log(`\n@logto/connector-aliyun-dm 1.6: ${state}${verdict.ignored.length ? `, and ignores ${verdict.ignored.length} setting${verdict.ignored.length > 1 ? 's' : ''}` : ''}.`);
    for (const item of verdict.refused) line('refused', item);
    for (const item of verdict.ignored) line('ignored', item);
    refused ||= verdict.refused.length > 0;
  }
  process.exit(refused ? 1 : 0);
}
