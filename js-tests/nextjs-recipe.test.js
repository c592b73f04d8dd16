// The README's Next.js recipe, built and served by the real `next` from npm: an edge route and a
// Node route import the packed package by name, `next build` compiles them (Turbopack), `next
// start` serves them, and each sends a verified mail to the emulator. The project sits under
// .cache/ in this repository, since Turbopack compiles nothing outside its root.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { startEmulator } from '../emulator/index.js';
import { freePort, pack, packageName, root, run } from './packed.js';

const dir = join(root, '.cache', 'next-recipe');
const next = join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
let emulator;
let server;
let baseUrl;

const route = (runtime) => `import { DirectMail } from 'connector-aliyun-dm-wasm';

export const runtime = '${runtime}';
export const dynamic = 'force-dynamic';

export async function POST() {
  const mail = DirectMail.fromEnv(process.env, { accountName: 'noreply@mail.example.com', endpoint: process.env.DM_ENDPOINT });
  try {
    return Response.json(await mail.send({ to: 'next@example.com', subject: 'next ${runtime}', text: 'from a route' }));
  } catch (error) {
    return Response.json({ error: error.message, code: error.code }, { status: 500 });
  }
}
`;

before(async () => {
  emulator = await startEmulator();
  rmSync(dir, { recursive: true, force: true });
  for (const runtime of ['edge', 'node']) mkdirSync(join(dir, 'app', 'api', runtime), { recursive: true });
  const { tarball } = pack(dir);
  mkdirSync(join(dir, 'node_modules', packageName), { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', join(dir, 'node_modules', packageName), '--strip-components=1']);
  writeFileSync(join(dir, 'app', 'api', 'edge', 'route.js'), route('edge'));
  writeFileSync(join(dir, 'app', 'api', 'node', 'route.js'), route('nodejs'));
  writeFileSync(join(dir, 'app', 'layout.js'), 'export default function RootLayout({ children }) {\n  return children;\n}\n');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, name: 'next-recipe' }));
  writeFileSync(join(dir, 'next.config.mjs'), `export default { turbopack: { root: ${JSON.stringify(root)} } };\n`);
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
  await run(process.execPath, [next, 'build'], { cwd: dir, env, timeout: 300_000 });
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, [next, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: dir,
    env: { ...env, ALIBABA_CLOUD_ACCESS_KEY_ID: 'testid', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'testsecret', DM_ENDPOINT: emulator.url },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (await fetch(`${baseUrl}/api/node`, { method: 'HEAD' }).then(() => true, () => false)) return;
    await sleep(100);
  }
  throw new Error('next start did not answer within 20 s');
});

after(async () => {
  server?.kill();
  await emulator?.close();
  rmSync(dir, { recursive: true, force: true });
});

for (const runtime of ['edge', 'node']) {
  test(`a Next.js ${runtime} route sends a verified mail`, async () => {
    const reply = await fetch(`${baseUrl}/api/${runtime}`, { method: 'POST' }).then((r) => r.json());
    assert.ok(reply.envId, JSON.stringify(reply));
    const subject = `next ${runtime === 'node' ? 'nodejs' : 'edge'}`;
    // The emulator accepts a mail only once its signature verifies; the client signs V3 by default.
    const mail = emulator.mails.find((m) => m.envId === reply.envId);
    assert.deepEqual([mail?.subject, mail?.signatureVersion], [subject, 'v3']);
  });
}
