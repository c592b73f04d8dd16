// Next.js on Vercel, app/api/send-code/route.ts: the edge-light entry loads the .wasm as `?module`.
import { sendMail, type AliyunDmConfig, type AliyunDmError } from 'connector-aliyun-dm-wasm';

export const runtime = 'edge';

const template = { subject: 'Your code is {{code}}', content: '<p>Your code is <b>{{code}}</b></p>' };

const config: AliyunDmConfig = {
  accessKeyId: process.env.ALIYUN_ACCESS_KEY_ID ?? '',
  accessKeySecret: process.env.ALIYUN_ACCESS_KEY_SECRET ?? '',
  accountName: process.env.ALIYUN_DM_ACCOUNT ?? '',
  endpoint: process.env.ALIYUN_DM_ENDPOINT, // optional: e.g. a local emulator
  templates: ['SignIn', 'Register', 'ForgotPassword', 'Generic'].map((usageType) => ({ usageType, ...template })),
};

export async function POST(request: Request): Promise<Response> {
  const { to, code } = (await request.json()) as { to: string; code: string };
  try {
    return Response.json(await sendMail(config, { to, type: 'SignIn', payload: { code } }, fetch));
  } catch (error) {
    const { code: errorCode, message } = error as AliyunDmError;
    return Response.json({ code: errorCode, message }, { status: 502 });
  }
}
