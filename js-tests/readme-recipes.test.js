// The README's recipes, run from the README's own text: each `<!-- recipe NAME: FILE -->` block is
// written to FILE in a fresh project, and each `<!-- recipe NAME: run -->` block is run there by
// bash, line by line, with the real tools from npm (wrangler, Vite, Next, esbuild, Bun, Deno, npm).
// What they built then sends a mail to the emulator, and what they bundled is read to check that
// the mail client brought no Logto code with it. Wrangler, Vite's plugin and Next run on the Node
// 22 that setup installs; the package is the packed tarball.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { startEmulator } from '../emulator/index.js';
import { bin, freePort, installPacked, node22, pack, packageName, root, run } from './packed.js';

const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The README's recipes: name → { files: {path: text}, run: [command lines] }. */
function recipes() {
  const found = {};
  for (const [, name, what, body] of readme.matchAll(/^<!-- recipe ([\w-]+): (\S+) -->\n```[\w-]*\n([\s\S]*?)^```$/gm)) {
    const recipe = (found[name] ??= { files: {}, run: [] });
    if (what === 'run') recipe.run.push(...body.split('\n').filter((line) => line.trim() !== ''));
    else recipe.files[what] = body;
  }
  return found;
}
const all = recipes();

/** Strings only the Logto connector's code holds: its id, its Console form, zod's and connector-kit's names. */
const LOGTO_MARKERS = ['aliyun-direct-mail', 'formItems', 'ZodIssueCode', '@logto/connector-kit'];

/** Asserts that none of `files` holds Logto's code; returns their total size in bytes. */
function assertNoLogto(files, label) {
  let bytes = 0;
  for (const file of files) {
    const text = readFileSync(file, 'latin1');
    bytes += Buffer.byteLength(text, 'latin1');
    for (const marker of LOGTO_MARKERS) assert.ok(!text.includes(marker), `${label}: ${relative(root, file)} holds ${marker}`);
  }
  return bytes;
}

/** The tools a recipe's commands name, as `npx` finds them: links in the project's node_modules/.bin. */
function linkTools(dir, tools) {
  const binDir = join(dir, 'node_modules', '.bin');
  mkdirSync(binDir, { recursive: true });
  for (const tool of tools) symlinkSync(realpathSync(bin(tool)), join(binDir, tool));
}

const env22 = (extra = {}) => ({
  ...process.env,
  // Node 22 first: wrangler, Vite's plugin and Next need it; `npx` and the tools run on it.
  PATH: [dirname(node22), dirname(realpathSync(bin('deno'))), process.env.PATH].join(':'),
  WRANGLER_SEND_METRICS: 'false',
  NEXT_TELEMETRY_DISABLED: '1',
  CI: '1',
  ...extra,
});

/** Writes the recipe's files into `dir` and runs its commands there, one bash per line. */
async function runRecipe(name, dir, env, extraFiles = {}) {
  const recipe = all[name];
  assert.ok(recipe, `the README has the ${name} recipe`);
  for (const [path, text] of Object.entries({ ...extraFiles, ...recipe.files })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const outputs = [];
  // The project's own tools first, as npm scripts find them.
  const path = `${join(dir, 'node_modules', '.bin')}:${env.PATH}`;
  for (const line of recipe.run) {
    const { stdout, stderr } = await run('bash', ['-c', line], { cwd: dir, env: { ...env, PATH: path }, timeout: 300_000, maxBuffer: 64 << 20 });
    outputs.push({ line, stdout, stderr });
  }
  return outputs;
}

/** `KEY=value` lines, as wrangler reads .dev.vars. */
const devVars = (text) => Object.fromEntries(text.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

let emulator;
before(async () => {
  emulator = await startEmulator();
});
after(async () => {
  await emulator?.close();
});

/** Asserts that the emulator verified and accepted a mail with `subject` to `to`. */
function assertDelivered(reply, subject, to) {
  assert.ok(reply.envId ?? reply.EnvId, JSON.stringify(reply));
  const mail = emulator.mails.find((m) => m.envId === (reply.envId ?? reply.EnvId));
  assert.ok(mail, 'the emulator accepted the mail (its signature verified)');
  assert.deepEqual([mail.subject, mail.to.join(',')], [subject, to]);
}

describe('Cloudflare Workers: wrangler and Vite, as the README writes them', () => {
  let packed;
  let workerd;
  const urls = {};
  const sizes = {};

  before(async () => {
    packed = installPacked();
    const worker = all.worker;
    const vars = { ...JSON.parse(worker.files['wrangler.jsonc']).vars, ...devVars(worker.files['.dev.vars']) };
    // The README's .dev.vars points at the emulator's default port; this run's emulator has its own.
    vars.ALIYUN_DM_ENDPOINT = emulator.url;

    const wranglerDir = join(packed.dir, 'wrangler-app');
    mkdirSync(wranglerDir);
    mkdirSync(join(wranglerDir, 'node_modules'));
    symlinkSync(join(packed.dir, 'node_modules', packageName), join(wranglerDir, 'node_modules', packageName));
    linkTools(wranglerDir, ['wrangler']);
    await runRecipe('worker', wranglerDir, env22());
    const wranglerOut = join(wranglerDir, 'dist');
    const wranglerWasm = readdirSync(wranglerOut).find((f) => f.endsWith('.wasm'));
    sizes.wrangler = assertNoLogto([join(wranglerOut, 'index.js')], 'wrangler');

    const viteDir = join(packed.dir, 'vite-app');
    mkdirSync(join(viteDir, 'node_modules'), { recursive: true });
    symlinkSync(join(packed.dir, 'node_modules', packageName), join(viteDir, 'node_modules', packageName));
    symlinkSync(join(root, 'node_modules', '@cloudflare'), join(viteDir, 'node_modules', '@cloudflare'));
    symlinkSync(join(root, 'node_modules', 'vite'), join(viteDir, 'node_modules', 'vite'));
    linkTools(viteDir, ['vite']);
    await runRecipe('worker-vite', viteDir, env22(), { 'src/index.js': worker.files['src/index.js'], 'wrangler.jsonc': worker.files['wrangler.jsonc'] });
    const viteOut = join(viteDir, 'dist', 'send_code');
    const viteWasm = join('assets', readdirSync(join(viteOut, 'assets')).find((f) => f.endsWith('.wasm')));
    const viteMain = readdirSync(viteOut).find((f) => /^index\.m?js$/.test(f));
    sizes.vite = assertNoLogto([join(viteOut, viteMain)], 'vite');

    const bindings = Object.entries(vars).map(([name, value]) => `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(value)})`).join(', ');
    const service = (name, dir, main, wasm) => `const ${name} :Workerd.Worker = (
  modules = [(name = "${main}", esModule = embed "${dir}/${main}"), (name = "${wasm}", wasm = embed "${dir}/${wasm}")],
  bindings = [${bindings}],
  compatibilityDate = "2025-09-01",
  globalOutbound = "loopback",
);`;
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
${service('wranglerWorker', 'wrangler-app/dist', 'index.js', wranglerWasm)}
${service('viteWorker', 'vite-app/dist/send_code', viteMain, viteWasm)}
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

  after(() => {
    workerd?.kill();
    packed?.cleanup();
  });

  for (const name of ['wrangler', 'vite']) {
    test(`the Worker ${name} built sends a verified mail, and carries no Logto code`, async () => {
      const to = `${name}@example.com`;
      const reply = await fetch(urls[name], { method: 'POST', body: JSON.stringify({ to, code: '424242' }) }).then((r) => r.json());
      assertDelivered(reply, 'Your code is 424242', to);
      // The client's JS in the Worker, besides the .wasm module.
      console.log(`# ${name}: Worker JS ${sizes[name]} bytes`);
    });
  }
});

describe('Next.js: the edge route under next build, next dev (Turbopack) and next dev --webpack', () => {
  // Under .cache/ in this repository: Turbopack compiles nothing outside its root.
  const dir = join(root, '.cache', 'readme-next');
  const next = join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
  const serverEnv = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'testid', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'testsecret', ALIYUN_DM_ACCOUNT: 'noreply@mail.example.com' };

  before(() => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(join(dir, 'node_modules', packageName), { recursive: true });
    const { tarball } = pack(dir);
    execFileSync('tar', ['-xzf', tarball, '-C', join(dir, 'node_modules', packageName), '--strip-components=1']);
    linkTools(dir, ['next']);
    // The app around the route: what `create-next-app` would have made.
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, name: 'readme-next' }));
    mkdirSync(join(dir, 'app'), { recursive: true });
    writeFileSync(join(dir, 'app', 'layout.js'), 'export default function RootLayout({ children }) {\n  return children;\n}\n');
    writeFileSync(join(dir, 'next.config.mjs'), `export default { turbopack: { root: ${JSON.stringify(root)} }, typescript: { ignoreBuildErrors: true } };\n`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Serves the app with `args`, posts to the edge route and its two copies, and returns what the server printed. */
  async function serve(args, label) {
    const port = await freePort();
    const server = spawn(node22, [next, ...args, '-p', String(port), '-H', '127.0.0.1'], {
      cwd: dir,
      env: env22({ ...serverEnv, ALIYUN_DM_ENDPOINT: emulator.url }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let printed = '';
    server.stdout.on('data', (chunk) => (printed += chunk));
    server.stderr.on('data', (chunk) => (printed += chunk));
    try {
      for (const route of ['send-code', 'send-code-node', 'send-code-root']) {
        const to = `${label}-${route}@example.com`.replaceAll(' ', '-');
        let reply;
        // next dev compiles a route on its first request; each try is bounded, and so is their number.
        for (let attempt = 0; attempt < 120 && reply === undefined; attempt += 1) {
          reply = await fetch(`http://127.0.0.1:${port}/api/${route}`, { method: 'POST', body: JSON.stringify({ to, code: '515151' }), signal: AbortSignal.timeout(120_000) })
            .then((r) => r.json())
            .catch(() => undefined);
          if (reply === undefined) await sleep(500);
        }
        assert.ok(reply, `${label}: /api/${route} answered\n${printed}`);
        assertDelivered(reply, 'Your code is 515151', to);
      }
    } finally {
      server.kill();
      await new Promise((resolve) => (server.exitCode !== null || server.signalCode !== null ? resolve() : server.once('exit', resolve)));
    }
    return printed;
  }

  test("next build runs the README's command; the edge function carries no Logto code", async () => {
    const route = all.next.files['app/api/send-code/route.ts'];
    // Beside it: a Node copy of the route, a copy importing the package root (which bundlers prune to
    // the client, as package.json's sideEffects allows), and an edge route without the package.
    const empty = "export const runtime = 'edge';\n\nexport async function POST(): Promise<Response> {\n  return Response.json({});\n}\n";
    await runRecipe('next', dir, env22(), {
      'app/api/send-code-node/route.ts': route.replace("runtime = 'edge'", "runtime = 'nodejs'"),
      'app/api/send-code-root/route.ts': route.replace("from 'connector-aliyun-dm-wasm/client'", "from 'connector-aliyun-dm-wasm'"),
      'app/api/empty/route.ts': empty,
    });
    const manifest = JSON.parse(readFileSync(join(dir, '.next', 'server', 'middleware-manifest.json'), 'utf8'));
    const edge = manifest.functions['/api/send-code/route'];
    assert.ok(edge, 'the edge route is an edge function');
    const files = edge.files.map((file) => join(dir, '.next', file));
    const bytes = assertNoLogto(files, 'next edge function');
    assertNoLogto(manifest.functions['/api/send-code-root/route'].files.map((file) => join(dir, '.next', file)), 'next edge function, root import');
    const wasm = (edge.wasm ?? []).reduce((sum, { filePath }) => sum + statSync(join(dir, '.next', filePath)).size, 0);
    const baseline = manifest.functions['/api/empty/route'].files.reduce((sum, file) => sum + statSync(join(dir, '.next', file)).size, 0);
    console.log(`# next edge function: JS ${bytes} bytes (${bytes - baseline} more than an empty edge route), wasm ${wasm} bytes`);
    await serve(['start'], 'next start');
  });

  for (const bundler of ['turbopack', 'webpack']) {
    test(`next dev${bundler === 'webpack' ? ' --webpack' : ''} serves the edge and Node routes, with no warning`, async () => {
      rmSync(join(dir, '.next'), { recursive: true, force: true });
      const printed = await serve(['dev', ...(bundler === 'webpack' ? ['--webpack'] : [])], `next dev ${bundler}`);
      // Next 16 warns of its own accord that the Edge Runtime, which the route chose, is deprecated.
      const ours = printed.split('\n').filter((line) => !/The Edge Runtime is deprecated/.test(line)).join('\n');
      assert.doesNotMatch(ours, /warn|⚠|error|Critical dependency/i, printed);
    });
  }
});

test("Deno: the README's tarball install, then deno run, sends a verified mail", async () => {
  const packed = installPacked();
  try {
    const dir = join(packed.dir, 'deno-app');
    mkdirSync(dir);
    const { tarball } = pack(dir);
    // The README names the tarball `npm pack` makes.
    assert.ok(all.deno.run.some((line) => line.includes(`./${tarball.slice(dir.length + 1)}`)), 'the README names the tarball npm pack makes');
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true }));
    // npm may reach the registry for connector-kit; prefer its cache, which `npm ci` filled.
    const outputs = await runRecipe('deno', dir, env22({
      npm_config_prefer_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      ALIYUN_DM_ACCOUNT: 'noreply@mail.example.com',
      ALIYUN_DM_ENDPOINT: emulator.url,
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'testid',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'testsecret',
      DENO_DIR: join(packed.dir, 'deno-cache'),
      DENO_NO_UPDATE_CHECK: '1',
    }));
    const printed = outputs.at(-1).stdout;
    const envId = /envId: "(\d+)"/.exec(printed)?.[1];
    assertDelivered({ envId }, 'Your code is 123456', 'user@example.com');
    assert.ok(existsSync(join(dir, 'node_modules', packageName, 'js', 'client', 'deno.js')));
  } finally {
    packed.cleanup();
  }
});

test('Node bundles: esbuild and Bun build the README app, and it sends; the bundle carries no Logto code', async () => {
  const packed = installPacked();
  try {
    const dir = packed.dir;
    linkTools(dir, ['esbuild', 'bun']);
    const outputs = await runRecipe('node-bundle', dir, env22({
      ALIYUN_DM_ACCOUNT: 'noreply@mail.example.com',
      ALIYUN_DM_ENDPOINT: emulator.url,
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'testid',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'testsecret',
    }));
    const runs = outputs.filter(({ line }) => line.startsWith('node '));
    assert.equal(runs.length, 2);
    for (const { stdout, line } of runs) {
      const envId = /envId: '(\d+)'/.exec(stdout)?.[1];
      assertDelivered({ envId }, 'Your code is 123456', 'user@example.com');
      assertNoLogto([join(dir, line.split(' ')[1])], line);
    }
  } finally {
    packed.cleanup();
  }
});
