// Next.js on Vercel, app/api/send-code/route.ts: the edge-light entry loads the .wasm as `?module`.
// Env: ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIYUN_DM_ACCOUNT, and
// ALIYUN_DM_ENDPOINT to try it against `npx -p connector-aliyun-dm-wasm aliyun-dm emulator`.
import { DirectMail, DirectMailError } from 'connector-aliyun-dm-wasm/client';

export const runtime = 'edge';

export async function POST(request: Request): Promise<Response> {
  const { to, code } = (await request.json()) as { to: string; code: string };
  const mail = DirectMail.fromEnv(process.env, {
    accountName: process.env.ALIYUN_DM_ACCOUNT ?? '',
    endpoint: process.env.ALIYUN_DM_ENDPOINT, // optional: e.g. a local emulator
  });
  try {
    return Response.json(await mail.send({ to, subject: 'Your code is {{code}}', html: '<p>Your code is <b>{{code}}</b></p>', data: { code } }));
  } catch (error) {
    if (!(error instanceof DirectMailError)) throw error;
    return Response.json({ code: error.code, message: error.message }, { status: error.retryable ? 503 : 502 });
  } finally {
    mail.free(); // made for this request: release its wasm memory now
  }
}
