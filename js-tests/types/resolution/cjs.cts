// The README's imports from a CommonJS file (compiled to require), under each module resolution.
import createConnector, { configGuard, DirectMail, DirectMailError, init, metadata, validateConfig } from 'connector-aliyun-dm-wasm';
import type { AliyunDmConfig, DirectMailConfig, MailMessage, SentMail } from 'connector-aliyun-dm-wasm';
import { startEmulator } from 'connector-aliyun-dm-wasm/emulator';
import type { EmulatedMail } from 'connector-aliyun-dm-wasm/emulator';

/** Each value import as the type it must have: a wrong or missing name fails to compile. */
export type Imported = [
  (options: Parameters<typeof createConnector>[0]) => ReturnType<typeof createConnector>,
  typeof configGuard.safeParse,
  InstanceType<typeof DirectMail>['send'],
  InstanceType<typeof DirectMailError>['retryable'],
  typeof init,
  typeof metadata.id,
  ReturnType<typeof validateConfig>['network'],
  ReturnType<typeof startEmulator>,
  AliyunDmConfig | DirectMailConfig | MailMessage | SentMail | EmulatedMail,
];
