#!/usr/bin/env node
// `npm run bench`: this package against @logto/connector-aliyun-dm 1.6 in one run. Prints a table
// and writes bench/results.json. Medians throughout: these machines are noisy.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const COLD_RUNS = Number(args.cold ?? 15);
const CPU_MESSAGES = Number(args.messages ?? 100_000);
const MEMORY_SENDS = Number(args.memory ?? 1_000_000);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const gzip = (buf) => gzipSync(buf, { level: 9 }).length;
const brotli = (buf) => brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const log = (line) => console.error(`[bench] ${line}`);

// --- Sizes -------------------------------------------------------------------------------------
function sizes() {
  const wasm = readFileSync(join(root, 'pkg', 'aliyun_dm_bg.wasm'));
  return { raw: wasm.length, gzip: gzip(wasm), brotli: brotli(wasm) };
}

/** The JS an entry loads (our files and the wasm-bindgen glue, not the .wasm or connector-kit). */
async function glueSize(entry, conditions) {
  const result = await build({
    entryPoints: [join(root, entry)],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    conditions,
    minify: true,
    external: ['@logto/connector-kit', 'node:*', '*.wasm', '*.wasm?module'],
    logLevel: 'silent',
  });
  const js = Buffer.from(result.outputFiles[0].text);
  return { minified: js.length, gzip: gzip(js) };
}

/** The reference's JS as Logto loads it: its code and its runtime dependencies, minified. */
async function referenceSize() {
  const result = await build({
    entryPoints: [join(root, 'node_modules/@logto/connector-aliyun-dm/lib/index.js')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    minify: true,
    external: ['@logto/connector-kit'],
    logLevel: 'silent',
  });
  const js = Buffer.from(result.outputFiles[0].text);
  return { minified: js.length, gzip: gzip(js), brotli: brotli(js) };
}

function tarballSize() {
  const dir = mkdtempSync(join(tmpdir(), 'aliyun-dm-bench-'));
  try {
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const [{ size, unpackedSize }] = JSON.parse(out.slice(out.indexOf('[')));
    return { packed: size, unpacked: unpackedSize };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// --- Cold start --------------------------------------------------------------------------------
const configPath = join(root, 'demo', 'example-config.json');
const ourColdStart = `
  const t0 = performance.now();
  const { default: createConnector } = await import(${JSON.stringify(join(root, 'lib', 'index.js'))});
  const config = JSON.parse(process.env.CONFIG);
  const reply = { status: 200, text: async () => '{"EnvId":"1","RequestId":"r"}' };
  const connector = await createConnector({ getConfig: async () => config, fetch: async () => reply });
  await connector.sendMessage({ to: 'user@example.com', type: 'SignIn', payload: { code: '123456' } });
  console.log(performance.now() - t0);`;
const referenceColdStart = `
  const t0 = performance.now();
  const { got } = await import('got');
  got.post = async () => ({ body: '{"EnvId":"1","RequestId":"r"}' });
  const { default: createConnector } = await import('@logto/connector-aliyun-dm');
  const config = JSON.parse(process.env.CONFIG);
  const connector = await createConnector({ getConfig: async () => config });
  await connector.sendMessage({ to: 'user@example.com', type: 'SignIn', payload: { code: '123456' } });
  console.log(performance.now() - t0);`;

function coldStart(script) {
  const times = [];
  for (let i = 0; i < COLD_RUNS; i += 1) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, CONFIG: readFileSync(configPath, 'utf8') } });
    times.push(Number(out.trim()));
  }
  return { medianMs: median(times), runs: COLD_RUNS };
}

// --- CPU per message, and memory ---------------------------------------------------------------
const cpuScript = (which) => `
  const messages = ${CPU_MESSAGES};
  const memorySends = ${which === 'ours' ? MEMORY_SENDS : 0};
  const config = JSON.parse(process.env.CONFIG);
  const data = { to: 'user@example.com', type: 'SignIn', payload: { code: '123456' } };
  let connector;
  let memory = () => 0;
  if (${JSON.stringify(which)} === 'ours') {
    const { default: createConnector } = await import(${JSON.stringify(join(root, 'lib', 'index.js'))});
    ({ wasmMemoryBytes: memory } = await import(${JSON.stringify(join(root, 'lib', 'wasm.js'))}));
    const reply = { status: 200, text: async () => '{"EnvId":"1","RequestId":"r"}' };
    connector = await createConnector({ getConfig: async () => config, fetch: async () => reply });
  } else {
    const { got } = await import('got');
    got.post = async () => ({ body: '{"EnvId":"1","RequestId":"r"}' });
    const { default: createConnector } = await import('@logto/connector-aliyun-dm');
    connector = await createConnector({ getConfig: async () => config });
  }
  for (let i = 0; i < 5000; i += 1) await connector.sendMessage(data);
  const batch = 10_000;
  const perMessageUs = [];
  for (let done = 0; done < messages; done += batch) {
    const before = process.cpuUsage();
    for (let i = 0; i < batch; i += 1) await connector.sendMessage(data);
    const used = process.cpuUsage(before);
    perMessageUs.push((used.user + used.system) / batch);
  }
  perMessageUs.sort((a, b) => a - b);
  const memoryBefore = memory();
  for (let i = 0; i < memorySends; i += 1) await connector.sendMessage(data);
  console.log(JSON.stringify({ cpuUs: perMessageUs[Math.floor(perMessageUs.length / 2)], memoryBefore, memoryAfter: memory(), memorySends }));`;

function cpu(which) {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', cpuScript(which)], { cwd: root, encoding: 'utf8', env: { ...process.env, CONFIG: readFileSync(configPath, 'utf8') }, maxBuffer: 1 << 20 });
  return JSON.parse(out.trim());
}

function nativeBound() {
  const out = execFileSync('cargo', ['bench', '--locked', '--bench', 'send_mail'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const read = (name) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(out)?.[1]) / 1000;
  return { fullUs: read('native_ns_per_message'), cachedConfigUs: read('native_cached_config_ns_per_message') };
}

// --- Run ---------------------------------------------------------------------------------------
log('sizes');
const wasm = sizes();
const entries = {
  'node (lib/index.js)': ['lib/index.js', ['node', 'import']],
  'workerd (lib/workerd.js)': ['lib/workerd.js', ['workerd']],
  'edge-light (lib/edge-light.js)': ['lib/edge-light.js', ['edge-light']],
  'deno (lib/deno.js)': ['lib/deno.js', ['deno']],
  'init (lib/init.js)': ['lib/init.js', ['import']],
};
const glue = {};
for (const [name, [entry, conditions]] of Object.entries(entries)) glue[name] = await glueSize(entry, conditions);
const reference = await referenceSize();
const tarball = tarballSize();
log(`cold start, ${COLD_RUNS} processes each`);
const coldOurs = coldStart(ourColdStart);
const coldReference = coldStart(referenceColdStart);
log(`CPU per sendMessage, ${CPU_MESSAGES} messages each; then ${MEMORY_SENDS} sends for memory`);
const cpuReference = cpu('reference');
const cpuOurs = cpu('ours');
log('native lower bound (cargo bench)');
const native = nativeBound();

const results = {
  node: process.version,
  wasm,
  glue,
  reference: { bundle: reference },
  tarball,
  coldStartMs: { ours: coldOurs.medianMs, reference: coldReference.medianMs, ratio: coldReference.medianMs / coldOurs.medianMs, runs: COLD_RUNS },
  cpuPerMessageUs: { ours: cpuOurs.cpuUs, reference: cpuReference.cpuUs, ratio: cpuReference.cpuUs / cpuOurs.cpuUs, messages: CPU_MESSAGES },
  native: { ...native, oursOverNativeCached: cpuOurs.cpuUs / native.cachedConfigUs },
  memory: { sends: cpuOurs.memorySends, wasmBytesBefore: cpuOurs.memoryBefore, wasmBytesAfter: cpuOurs.memoryAfter },
  workerd: 'not measured: workerd freezes Date.now() and performance.now() inside a request, so its CPU time cannot be read from the worker; wrangler-less workerd reports no per-request CPU',
};
writeFileSync(join(root, 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');

const rows = [
  ['.wasm raw / gzip -9 / brotli', `${kb(wasm.raw)} / ${kb(wasm.gzip)} / ${kb(wasm.brotli)}`, `no wasm; its JS bundle ${kb(reference.minified)} / ${kb(reference.gzip)} / ${kb(reference.brotli)}`],
  ...Object.entries(glue).map(([name, g]) => [`JS glue ${name}, minified / gzip`, `${kb(g.minified)} / ${kb(g.gzip)}`, '']),
  ['tarball packed / unpacked', `${kb(tarball.packed)} / ${kb(tarball.unpacked)}`, ''],
  [`Node cold start, import → first signed request (median of ${COLD_RUNS})`, `${coldOurs.medianMs.toFixed(1)} ms`, `${coldReference.medianMs.toFixed(1)} ms (${results.coldStartMs.ratio.toFixed(1)}× slower)`],
  [`CPU per sendMessage (median batch, ${CPU_MESSAGES} msgs)`, `${cpuOurs.cpuUs.toFixed(1)} µs`, `${cpuReference.cpuUs.toFixed(1)} µs (${results.cpuPerMessageUs.ratio.toFixed(1)}× slower)`],
  ['native core per message: full / config cached', `${native.fullUs.toFixed(1)} µs / ${native.cachedConfigUs.toFixed(1)} µs`, `ours is ${results.native.oursOverNativeCached.toFixed(1)}× the cached native`],
  [`wasm memory before / after ${MEMORY_SENDS} sends`, `${kb(cpuOurs.memoryBefore)} / ${kb(cpuOurs.memoryAfter)}`, ''],
  ['workerd CPU per request', 'not measured', 'timers are frozen inside a Worker'],
];
const w0 = Math.max(...rows.map((r) => r[0].length));
const w1 = Math.max(...rows.map((r) => r[1].length));
console.log(`\n${'measure'.padEnd(w0)} | ${'this package'.padEnd(w1)} | @logto/connector-aliyun-dm 1.6.1`);
console.log(`${'-'.repeat(w0)}-|-${'-'.repeat(w1)}-|-${'-'.repeat(34)}`);
for (const [a, b, c] of rows) console.log(`${a.padEnd(w0)} | ${b.padEnd(w1)} | ${c}`);
console.log(`\nNode ${process.version}; written to bench/results.json`);
