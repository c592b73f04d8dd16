// Node, CommonJS (Node >= 20.19): node node-cjs.cjs user@example.com 123456
const { sendMail } = require('connector-aliyun-dm-wasm');

const template = { subject: 'Your code is {{code}}', content: '<p>Your code is <b>{{code}}</b></p>' };
const config = {
  accessKeyId: process.env.ALIYUN_ACCESS_KEY_ID,
  accessKeySecret: process.env.ALIYUN_ACCESS_KEY_SECRET,
  accountName: process.env.ALIYUN_DM_ACCOUNT,
  endpoint: process.env.ALIYUN_DM_ENDPOINT, // optional: e.g. a local emulator
  templates: ['SignIn', 'Register', 'ForgotPassword', 'Generic'].map((usageType) => ({ usageType, ...template })),
};

const [to, code] = process.argv.slice(2);
sendMail(config, { to, type: 'SignIn', payload: { code } }, fetch).then(console.log, (error) => {
  console.error(error.code, error.message);
  process.exitCode = 1;
});
