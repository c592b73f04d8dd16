#!/usr/bin/env node
// The `aliyun-dm` command: `send` (a test send or a dry run), `check` (what a config holds, and
// with --official what the official connector would make of it), `doctor` (the config checked
// against DirectMail itself) and `emulator` (the local
// DirectMail emulator, for testing a Logto or a worker against it). Help and --version go to
// stdout; usage errors go to stderr and exit 2.
import { readFileSync } from 'node:fs';

import { shown } from '../js/errors.js';
import { usageError } from './args.js';

const usage = `Usage: aliyun-dm <command> [options]

Commands:
  send       send a test mail, or print the signed request (--dry-run)
  check      read a connector config as the Logto connector would (--official: as the official one)
  doctor     check a config against DirectMail: credentials, the sender's region, quota, domain, clock
  emulator   run a local DirectMail emulator that checks signatures

  aliyun-dm <command> --help   the options of a command
  aliyun-dm --version          this package's version`;

const commands = {
  send: async (argv) => (await import('./send-command.js')).runSend(argv),
  check: async (argv) => (await import('./check-command.js')).runCheck(argv),
  doctor: async (argv) => (await import('./doctor-command.js')).runDoctor(argv),
  emulator: async (argv) => (await import('./emulator-command.js')).runEmulator(argv),
};

const [command, ...argv] = process.argv.slice(2);
if (command === '--help' || command === '-h' || command === 'help') {
  console.log(usage);
} else if (command === '--version' || command === '-v') {
  const { name, version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  console.log(`${name} ${version}`);
} else if (command === undefined) {
  usageError('No command given.', usage);
} else if (Object.hasOwn(commands, command)) {
  await commands[command](argv);
} else {
  usageError(`Unknown command "${shown(command, 40)}".`, usage);
}
