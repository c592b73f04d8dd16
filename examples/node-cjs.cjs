// Node, CommonJS (Node >= 20.19): node node-cjs.cjs user@example.com 123456
// Env: as for node-esm.mjs.
const { DirectMail } = require('connector-aliyun-dm-wasm/client');

const mail = DirectMail.fromEnv(process.env, {
  accountName: process.env.ALIYUN_DM_ACCOUNT,
  endpoint: process.env.ALIYUN_DM_ENDPOINT, // optional: e.g. a local emulator
});

const [to, code] = process.argv.slice(2);
mail.send({ to, subject: 'Your code is {{code}}', html: '<p>Your code is <b>{{code}}</b></p>', data: { code } }).then(console.log, (error) => {
  console.error(error.code, error.message);
  process.exitCode = 1;
});
