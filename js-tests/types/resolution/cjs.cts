// The same imports from a CommonJS file (compiled to require), under each module resolution.
import createConnector, { configGuard, DirectMail, DirectMailError, init, metadata, validateConfig } from 'connector-aliyun-dm-wasm';
import type { AliyunDmConfig, DirectMailConfig, MailMessage, SentMail } from 'connector-aliyun-dm-wasm';
import { startEmulator } from 'connector-aliyun-dm-wasm/emulator';
import type { EmulatedMail } from 'connector-aliyun-dm-wasm/emulator';

export async function cjs(config: AliyunDmConfig, client: DirectMailConfig & { accessKeyId: string; accessKeySecret: string }): Promise<SentMail> {
  await init();
  const connector = await createConnector({ getConfig: async () => config });
  console.log(connector.metadata.id, metadata.target, configGuard.safeParse(config).success, validateConfig(config).network);
  const emulator = await startEmulator({ port: 0 });
  const mails: EmulatedMail[] = emulator.mails;
  console.log(mails.length);
  const message: MailMessage = { to: 'a@example.com', subject: 's', html: '<p>h</p>' };
  try {
    return await new DirectMail({ ...client, endpoint: emulator.url }).send(message);
  } catch (error) {
    if (error instanceof DirectMailError) console.log(error.code, error.retryable, error.data.Code);
    throw error;
  } finally {
    await emulator.close();
  }
}
