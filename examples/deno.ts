// Deno: `deno add npm:connector-aliyun-dm-wasm`, then
// `deno run --allow-env --allow-net=dm.aliyuncs.com,127.0.0.1 deno.ts user@example.com 123456`.
// Env: ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIYUN_DM_ACCOUNT, and
// ALIYUN_DM_ENDPOINT to try it against `npx -p connector-aliyun-dm-wasm aliyun-dm emulator`.
import { DirectMail } from 'connector-aliyun-dm-wasm/client';

const mail = DirectMail.fromEnv(Deno.env.toObject(), {
  accountName: Deno.env.get('ALIYUN_DM_ACCOUNT') ?? '',
  endpoint: Deno.env.get('ALIYUN_DM_ENDPOINT'), // optional: e.g. a local emulator
});

const [to, code] = Deno.args;
console.log(await mail.send({ to, subject: 'Your code is {{code}}', html: '<p>Your code is <b>{{code}}</b></p>', data: { code } }));
