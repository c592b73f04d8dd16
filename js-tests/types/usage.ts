// Compiled by `tsc --noEmit` in types.test.js: the declarations must accept real usage and reject misuse.
import createConnector, { buildSendMailRequest, renderTemplate, sendMail, signRpcRequest, validateConfig, wasmMemoryBytes } from 'connector-aliyun-dm-wasm';
import type { AliyunDmConfig, AliyunDmError, SendResult } from 'connector-aliyun-dm-wasm';

const config: AliyunDmConfig = {
  accessKeyId: 'id',
  accessKeySecret: 'secret',
  accountName: 'noreply@mail.example.com',
  regionId: 'ap-southeast-1',
  templates: [{ usageType: 'Generic', subject: 's', content: '{{code}}' }],
};

export async function usage(): Promise<SendResult> {
  const connector = await createConnector({ getConfig: async () => config });
  const parsed = connector.configGuard.safeParse(config);
  if (!parsed.success) console.log(parsed.error.issues[0]?.path.join('.'));
  else console.log(parsed.data.timeoutMs);
  const region: string = validateConfig(config).regionId;
  const bytes: number = wasmMemoryBytes();
  const html: string = renderTemplate('{{code}}', { code: '1' }, { html: true });
  const signature: string = signRpcRequest({ Action: 'X' }, 'secret', 'GET').signature;
  const { url, body } = buildSendMailRequest(config, { to: 'a@b.c', type: 'SignIn', payload: { code: '1' } }, { nonce: 'n' });
  console.log(region, bytes, html, signature, url, body);
  try {
    const tuned: AliyunDmConfig = { ...config, contentType: 'text', tagName: 'signup', retries: 2, securityToken: 'sts' };
    const retries: number = validateConfig(tuned).retries;
    console.log(retries);
    return await sendMail(tuned, { to: 'a@b.c', type: 'SignIn', payload: {} }, fetch, { timeoutMs: 5000, retries: 1 });
  } catch (error) {
    const typed = error as AliyunDmError;
    console.log(typed.code, typed.data.Code);
    throw error;
  }
}

// @ts-expect-error regionId is one of the five DirectMail regions
export const badRegion: AliyunDmConfig = { ...config, regionId: 'cn-shanghai' };
// @ts-expect-error params are strings
signRpcRequest({ A: 1 }, 'secret');
