#!/usr/bin/env node
// The `aliyun-dm` command: `send` (a test send or a dry run), `check` (what a config holds, and
// with --official what the official connector would make of it) and `emulator` (the local
// DirectMail emulator, for testing a Logto or a worker against it).
if (process.argv[2] === 'emulator') {
  const { runEmulator } = await import('./emulator-command.js');
  await runEmulator(process.argv.slice(3));
} else if (process.argv[2] === 'check') {
  const { runCheck } = await import('./check-command.js');
  runCheck(process.argv.slice(3));
} else {
  await import('./send-command.js');
}
