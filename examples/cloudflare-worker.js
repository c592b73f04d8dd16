// Cloudflare Worker: `wrangler deploy` picks the package's workerd entry and uploads the .wasm.
// Secrets: `wrangler secret put ALIYUN_ACCESS_KEY_ID` (and ALIYUN_ACCESS_KEY_SECRET, ALIYUN_DM_ACCOUNT).
import { sendMail } from 'connector-aliyun-dm-wasm';

const template = { subject: 'Your code is {{code}}', content: '<p>Your code is <b>{{code}}</b></p>' };
const templates = ['SignIn', 'Register', 'ForgotPassword', 'Generic'].map((usageType) => ({ usageType, ...template }));

export default {
  async fetch(request, env) {
    const { to, code } = await request.json();
    const config = {
      accessKeyId: env.ALIYUN_ACCESS_KEY_ID,
      accessKeySecret: env.ALIYUN_ACCESS_KEY_SECRET,
      accountName: env.ALIYUN_DM_ACCOUNT,
      endpoint: env.ALIYUN_DM_ENDPOINT, // optional: e.g. a local emulator
      templates,
    };
    try {
      return Response.json(await sendMail(config, { to, type: 'SignIn', payload: { code } }, fetch));
    } catch (error) {
      return Response.json({ code: error.code, message: error.message }, { status: 502 });
    }
  },
};
