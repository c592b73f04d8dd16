// The Workers part of `npm run bench`: real workerd processes, one fresh isolate per run, each
// answering on loopback. Four Workers: an empty one; one that imports this package (so its startup
// runs: the wasm instantiated and warmed up) and answers without sending; a floor that posts a
// prebuilt request to a local stub with fetch; and one that sends with this package's mail client
// to the same stub. workerd starts a Worker's isolate at its first request, so that request's wall
// time holds the startup: the loaded Worker's first request minus the empty one's is the package's
// startup, and the sending Worker's minus the loaded one's is what the first send adds to it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { build } from 'esbuild';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const sources = {
  empty: `export default { async fetch() { return new Response('ok'); } };`,
  loaded: `
    import { DirectMail } from 'ENTRY';
    export default { async fetch() { return new Response(typeof DirectMail); } };`,
  floor: `
    export default {
      async fetch(request, env) {
        const response = await fetch(env.STUB, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'AccessKeyId=a&Action=SingleSendMail', redirect: 'manual' });
        return new Response(await response.text());
      },
    };`,
  ours: `
    import { DirectMail } from 'ENTRY';
    export default {
      async fetch(request, env) {
        const mail = new DirectMail({ accessKeyId: 'testid', accessKeySecret: 'testsecret', accountName: 'noreply@mail.example.com', endpoint: env.STUB });
        try {
          const sent = await mail.send({ to: 'user@example.com', subject: 'Your code', html: '<p>{{code}}</p>', data: { code: '123456' } });
          return Response.json(sent);
        } finally {
          mail.free();
        }
      },
    };`,
};

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves when something listens on `port`; polls every millisecond, for at most 10 s. */
async function listening(port) {
  const deadline = performance.now() + 10_000;
  while (performance.now() < deadline) {
    const open = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await sleep(1);
  }
  throw new Error(`workerd did not listen on ${port} within 10 s`);
}

async function bundle(root, source) {
  const result = await build({
    stdin: { contents: source.replace("'ENTRY'", JSON.stringify(join(root, 'js', 'client', 'workerd.js'))), resolveDir: root, sourcefile: 'worker.js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    minify: true,
    external: ['@logto/connector-kit', 'zod'],
    plugins: [{ name: 'wasm', setup: (b) => b.onResolve({ filter: /\.wasm(\?module)?$/ }, () => ({ path: './aliyun_dm_bg.wasm', external: true })) }],
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/** Runs every Worker `runs` times, each in a fresh workerd process; returns medians in ms. */
export async function workerdBench(root, { runs = 9, steady = 200 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'aliyun-dm-workerd-bench-'));
  const stub = createHttpServer((request, response) => {
    request.resume();
    request.on('end', () => response.end('{"EnvId":"1","RequestId":"0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A"}'));
  });
  await new Promise((resolve) => stub.listen(0, '127.0.0.1', resolve));
  const stubUrl = `http://127.0.0.1:${stub.address().port}/`;
  try {
    copyFileSync(join(root, 'pkg', 'aliyun_dm_bg.wasm'), join(dir, 'aliyun_dm_bg.wasm'));
    const results = {};
    for (const [name, source] of Object.entries(sources)) {
      writeFileSync(join(dir, `${name}.js`), await bundle(root, source));
      const startup = [];
      const first = [];
      const steadyMs = [];
      for (let run = 0; run < runs; run += 1) {
        const port = await freePort();
        writeFileSync(
          join(dir, 'workerd.capnp'),
          `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker), (name = "loopback", network = (allow = ["local"]))],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "${name}.js"), (name = "aliyun_dm_bg.wasm", wasm = embed "aliyun_dm_bg.wasm")],
  bindings = [(name = "STUB", text = "${stubUrl}")],
  compatibilityDate = "2025-09-01",
  globalOutbound = "loopback",
);
`,
        );
        const t0 = performance.now();
        const child = spawn(join(root, 'node_modules', '.bin', 'workerd'), ['serve', 'workerd.capnp'], { cwd: dir, stdio: 'ignore' });
        try {
          await listening(port);
          startup.push(performance.now() - t0);
          const url = `http://127.0.0.1:${port}/`;
          const t1 = performance.now();
          const response = await fetch(url);
          if (!response.ok) throw new Error(`${name}: HTTP ${response.status} ${await response.text()}`);
          await response.text();
          first.push(performance.now() - t1);
          if (run === 0) {
            for (let i = 0; i < steady; i += 1) {
              const t = performance.now();
              await (await fetch(url)).text();
              steadyMs.push(performance.now() - t);
            }
          }
        } finally {
          child.kill();
          await new Promise((resolve) => child.once('exit', resolve));
        }
      }
      results[name] = { startupMs: median(startup), firstRequestMs: median(first), steadyRequestMs: median(steadyMs), runs };
    }
    return results;
  } finally {
    await new Promise((resolve) => stub.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
}
