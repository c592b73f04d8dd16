// Deno: `deno add npm:connector-aliyun-dm-wasm`, then
// `deno run --allow-env --allow-net=dm.aliyuncs.com deno.ts user@example.com 123456`.
import { sendMail, type AliyunDmConfig } from 'connector-aliyun-dm-wasm';

const template = { subject: 'Your code is {{code}}', content: '<p>Your code is <b>{{code}}</b></p>' };
const config: AliyunDmConfig = {
  accessKeyId: Deno.env.get('ALIYUN_ACCESS_KEY_ID') ?? '',
  accessKeySecret: Deno.env.get('ALIYUN_ACCESS_KEY_SECRET') ?? '',
  accountName: Deno.env.get('ALIYUN_DM_ACCOUNT') ?? '',
  endpoint: Deno.env.get('ALIYUN_DM_ENDPOINT'), // optional: e.g. a local emulator
  templates: ['SignIn', 'Register', 'ForgotPassword', 'Generic'].map((usageType) => ({ usageType, ...template })),
};

const [to, code] = Deno.args;
console.log(await sendMail(config, { to, type: 'SignIn', payload: { code } }, fetch));
