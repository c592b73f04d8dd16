// Node, ESM: node node-esm.mjs user@example.com 123456
// Env: ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIYUN_DM_ACCOUNT, and
// ALIYUN_DM_ENDPOINT to try it against `npx -p connector-aliyun-dm-wasm aliyun-dm emulator`.
import { DirectMail } from 'connector-aliyun-dm-wasm/client';

const mail = DirectMail.fromEnv(process.env, {
  accountName: process.env.ALIYUN_DM_ACCOUNT,
  endpoint: process.env.ALIYUN_DM_ENDPOINT, // optional: e.g. a local emulator
});

const [to, code] = process.argv.slice(2);
console.log(await mail.send({ to, subject: 'Your code is {{code}}', html: '<p>Your code is <b>{{code}}</b></p>', data: { code } }));
