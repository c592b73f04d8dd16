// The README's Workers recipes, built by the real tools from npm: `wrangler deploy --dry-run` and
// `vite build` with @cloudflare/vite-plugin, each from a project whose worker imports the package
// by name. Both outputs then run in workerd (npm's binary) and send a verified mail to the emulator.
// Wrangler and the Vite plugin need Node >= 22, so they run on the Node 22 that setup installs.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { startEmulator } from '../emulator/index.js';
import { bin, freePort, installPacked, node22, root, run } from './packed.js';

const worker = (label) => `import { DirectMail } from 'connector-aliyun-dm-wasm';
export default {
  async fetch(request, env) {
    const mail = DirectMail.fromEnv(env, { accountName: 'noreply@mail.example.com', endpoint: env.ENDPOINT });
    try {
      return Response.json(await mail.send({ to: 'worker@example.com', subject: ${JSON.stringify(label)}, text: 'from a Worker' }));
    } catch (error) {
      return Response.json({ error: error.message, code: error.code }, { status: 500 });
    }
  },
};
`;
const tools = { env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' }, timeout: 180_000 };

let packed;
let emulator;
let workerd;
const urls = {};

/** A Workers project in `dir`: the worker source and a wrangler.toml. */
function project(dir, label) {
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'src', 'worker.js'), worker(label));
  writeFileSync(join(dir, 'wrangler.toml'), 'name = "dm-recipe"\nmain = "src/worker.js"\ncompatibility_date = "2025-09-01"\n');
}

/** A workerd service running `main` with the wasm module the build emitted beside it, in `dir` (relative to the config). */
function service(name, dir, main, wasm) {
  return `const ${name} :Workerd.Worker = (
  modules = [
    (name = "${main}", esModule = embed "${dir}/${main}"),
    (name = "${wasm}", wasm = embed "${dir}/${wasm}"),
  ],
  bindings = [
    (name = "ALIBABA_CLOUD_ACCESS_KEY_ID", text = "testid"),
    (name = "ALIBABA_CLOUD_ACCESS_KEY_SECRET", text = "testsecret"),
    (name = "ENDPOINT", text = "${emulator.url}"),
  ],
  compatibilityDate = "2025-09-01",
  globalOutbound = "loopback",
);`;
}

before(async () => {
  packed = installPacked();
  emulator = await startEmulator();
  // wrangler: bundles with its own esbuild; `*.wasm?module` is a CompiledWasm module.
  const wranglerDir = join(packed.dir, 'wrangler-app');
  mkdirSync(wranglerDir);
  symlinkSync(join(packed.dir, 'node_modules'), join(wranglerDir, 'node_modules'));
  project(wranglerDir, 'wrangler');
  await run(node22, [join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js'), 'deploy', '--dry-run', '--outdir', 'out'], { cwd: wranglerDir, ...tools });
  const wranglerOut = join(wranglerDir, 'out');
  const wranglerWasm = readdirSync(wranglerOut).find((f) => f.endsWith('.wasm'));

  // Vite with the Cloudflare plugin: the worker environment built into dist/<name>/.
  const viteDir = join(packed.dir, 'vite-app');
  mkdirSync(join(viteDir, 'node_modules'), { recursive: true });
  for (const entry of readdirSync(join(packed.dir, 'node_modules'))) symlinkSync(join(packed.dir, 'node_modules', entry), join(viteDir, 'node_modules', entry));
  symlinkSync(join(root, 'node_modules', '@cloudflare'), join(viteDir, 'node_modules', '@cloudflare'));
  project(viteDir, 'vite');
  writeFileSync(join(viteDir, 'vite.config.mjs'), "import { cloudflare } from '@cloudflare/vite-plugin';\nexport default { logLevel: 'error', plugins: [cloudflare()] };\n");
  await run(node22, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], { cwd: viteDir, ...tools });
  const viteOut = join(viteDir, 'dist', 'dm_recipe');
  const viteWasm = join('assets', readdirSync(join(viteOut, 'assets')).find((f) => f.endsWith('.wasm')));

  const ports = { wrangler: await freePort(), vite: await freePort() };
  writeFileSync(
    join(packed.dir, 'recipes.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "wrangler", worker = .wranglerWorker),
    (name = "vite", worker = .viteWorker),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [
    (name = "wrangler", address = "127.0.0.1:${ports.wrangler}", http = (), service = "wrangler"),
    (name = "vite", address = "127.0.0.1:${ports.vite}", http = (), service = "vite"),
  ],
);
${service('wranglerWorker', 'wrangler-app/out', 'worker.js', wranglerWasm)}
${service('viteWorker', 'vite-app/dist/dm_recipe', 'index.mjs', viteWasm)}
`,
  );
  workerd = spawn(bin('workerd'), ['serve', 'recipes.capnp'], { cwd: packed.dir, stdio: ['ignore', 'inherit', 'inherit'] });
  for (const [name, port] of Object.entries(ports)) urls[name] = `http://127.0.0.1:${port}/`;
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (await fetch(urls.vite, { method: 'HEAD' }).then(() => true, () => false)) return;
    await sleep(100);
  }
  throw new Error('workerd did not start within 10 s');
});

after(async () => {
  workerd?.kill();
  await emulator?.close();
  packed?.cleanup();
});

for (const name of ['wrangler', 'vite']) {
  test(`a Worker built by ${name === 'vite' ? 'Vite with @cloudflare/vite-plugin' : 'wrangler'} sends a verified mail`, async () => {
    const reply = await fetch(urls[name], { method: 'POST' }).then((r) => r.json());
    assert.ok(reply.envId, JSON.stringify(reply));
    const mail = emulator.mails.find((m) => m.envId === reply.envId);
    // The emulator accepts a mail only once its signature verifies; the client signs V3 by default.
    assert.deepEqual([mail.subject, mail.signatureVersion], [name, 'v3']);
  });
}
