#!/usr/bin/env node
// The `aliyun-dm` command: `send` (a test send or a dry run) and `emulator` (the local DirectMail
// emulator, for testing a Logto or a worker against it).
if (process.argv[2] === 'emulator') {
  const { runEmulator } = await import('./emulator-command.js');
  await runEmulator(process.argv.slice(3));
} else {
  await import('./send-command.js');
}
