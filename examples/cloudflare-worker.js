// Cloudflare Worker: `wrangler deploy` picks the package's workerd entry and uploads the .wasm.
// Secrets: `wrangler secret put ALIBABA_CLOUD_ACCESS_KEY_ID` (and ALIBABA_CLOUD_ACCESS_KEY_SECRET).
// Vars: ALIYUN_DM_ACCOUNT, and ALIYUN_DM_ENDPOINT to try it against `npx -p connector-aliyun-dm-wasm aliyun-dm emulator`.
import { DirectMail, DirectMailError } from 'connector-aliyun-dm-wasm/client';

export default {
  async fetch(request, env) {
    const { to, code } = await request.json();
    const mail = DirectMail.fromEnv(env, { accountName: env.ALIYUN_DM_ACCOUNT, endpoint: env.ALIYUN_DM_ENDPOINT });
    try {
      const sent = await mail.send({ to, subject: 'Your code is {{code}}', html: '<p>Your code is <b>{{code}}</b></p>', data: { code } });
      return Response.json(sent);
    } catch (error) {
      if (!(error instanceof DirectMailError)) throw error;
      return Response.json({ code: error.code, message: error.message }, { status: error.retryable ? 503 : 502 });
    } finally {
      mail.free(); // made for this request: release its wasm memory now
    }
  },
};
