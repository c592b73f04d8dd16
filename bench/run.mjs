#!/usr/bin/env node
// `npm run bench`: this package against @logto/connector-aliyun-dm 1.6 in one run. Prints a table,
// writes bench/results.json and CONTRIBUTING.md's benchmark block. Medians throughout: these machines
// are noisy. Times are taken on Node 22, which Logto requires, and on this machine's own Node.
// Options: --cold=N processes per cold start (and workerd runs), --messages=N per CPU run,
// --memory=N client sends, --configs=N connector configs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

import { build } from 'esbuild';

import { printable, withReadmeBlock } from './report.mjs';
import { workerdBench } from './workerd.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const COLD_RUNS = Number(args.cold ?? 15);
const CPU_MESSAGES = Number(args.messages ?? 100_000);
const MEMORY_SENDS = Number(args.memory ?? 1_000_000);
const CONFIG_SENDS = Number(args.configs ?? 100_000);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const gzip = (buf) => gzipSync(buf, { level: 9 }).length;
const brotli = (buf) => brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const log = (line) => console.error(`[bench] ${line}`);

/** Logto requires Node ^22.14; setup installs Node 22 from npm beside this machine's Node. */
const node22 = join(root, '.cache', 'node-22.23.3', 'node_modules', `node-${process.platform}-${process.arch}`, 'bin', 'node');
const nodes = [...new Set([node22, process.execPath])];
const versionOf = (exec) => execFileSync(exec, ['--version'], { encoding: 'utf8' }).trim();

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
    // The host's connector-kit and zod are not ours: Logto provides both.
    external: ['@logto/connector-kit', 'zod', 'node:*', '*.wasm', '*.wasm?module'],
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
// Every runtime's fetch resolves to a real Response, so ours is stubbed with one: reading a real
// body, and Node loading its fetch implementation for the first Response, are part of a real send.
// The reference posts through got, whose stub keeps its own shape.
const replyText = '{"EnvId":"1","RequestId":"0E1E2D8F-0F1C-4B1C-9E4A-9F0E8C1D2B3A"}';
const ourColdStart = `
  const t0 = performance.now();
  const { default: createConnector } = await import(${JSON.stringify(join(root, 'lib', 'index.js'))});
  const config = JSON.parse(process.env.CONFIG);
  const connector = await createConnector({ getConfig: async () => config, fetch: async () => new Response(${JSON.stringify(replyText)}) });
  await connector.sendMessage({ to: 'user@example.com', type: 'SignIn', payload: { code: '123456' } });
  console.log(performance.now() - t0);`;
// The mail client alone (./client), as edge code and Node services use it: no connector, zod or connector-kit.
const clientColdStart = `
  const t0 = performance.now();
  const { DirectMail } = await import(${JSON.stringify(join(root, 'js', 'client', 'node.js'))});
  const { templates, ...sender } = JSON.parse(process.env.CONFIG);
  const mail = new DirectMail({ ...sender, fetch: async () => new Response(${JSON.stringify(replyText)}) });
  await mail.send({ to: 'user@example.com', subject: 'Your code', html: '<p>{{code}}</p>', data: { code: '123456' } });
  console.log(performance.now() - t0);`;
const referenceColdStart = `
  const t0 = performance.now();
  const { got } = await import('got');
  got.post = async () => ({ body: ${JSON.stringify(replyText)} });
  const { default: createConnector } = await import('@logto/connector-aliyun-dm');
  const config = JSON.parse(process.env.CONFIG);
  const connector = await createConnector({ getConfig: async () => config });
  await connector.sendMessage({ to: 'user@example.com', type: 'SignIn', payload: { code: '123456' } });
  console.log(performance.now() - t0);`;

function coldStart(exec, script) {
  const times = [];
  for (let i = 0; i < COLD_RUNS; i += 1) {
    const out = execFileSync(exec, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, CONFIG: readFileSync(configPath, 'utf8') } });
    times.push(Number(out.trim()));
  }
  return { medianMs: median(times), runs: COLD_RUNS };
}

// --- Per send: the example message, templates as operators write them, a large config ----------
// Each scenario runs in a fresh process: `which` is ours (the Logto connector), the reference
// (its got stubbed), or the floor (the same fetch given a prebuilt request, the reply read: no
// client does less). CPU time and event-loop (wall) time per send are both reported.
const cpuScript = (which, messages) => `
  const messages = ${messages};
  const { readFileSync } = await import('node:fs');
  const { config, data } = JSON.parse(readFileSync(process.env.SCENARIO, 'utf8'));
  let connector;
  const fetch = async () => new Response(${JSON.stringify(replyText)});
  if (${JSON.stringify(which)} === 'ours') {
    const { default: createConnector } = await import(${JSON.stringify(join(root, 'lib', 'index.js'))});
    connector = await createConnector({ getConfig: async () => config, fetch });
  } else if (${JSON.stringify(which)} === 'floor') {
    const { buildSendMailRequest } = await import(${JSON.stringify(join(root, 'lib', 'index.js'))});
    const { url, method, headers, body } = buildSendMailRequest(config, data);
    connector = {
      async sendMessage() {
        const response = await fetch(url, { method, headers, body, signal: new AbortController().signal, redirect: 'manual' });
        return JSON.parse(await response.text());
      },
    };
  } else {
    const { got } = await import('got');
    got.post = async () => ({ body: ${JSON.stringify(replyText)} });
    const { default: createConnector } = await import('@logto/connector-aliyun-dm');
    connector = await createConnector({ getConfig: async () => config });
  }
  for (let i = 0; i < Math.min(5000, messages); i += 1) await connector.sendMessage(data);
  const batches = 10;
  const batch = Math.max(1, Math.floor(messages / batches));
  const cpu = [];
  const wall = [];
  for (let b = 0; b < batches; b += 1) {
    const before = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < batch; i += 1) await connector.sendMessage(data);
    wall.push(((performance.now() - t0) * 1000) / batch);
    const used = process.cpuUsage(before);
    cpu.push((used.user + used.system) / batch);
  }
  const mid = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(JSON.stringify({ cpuUs: mid(cpu), wallUs: mid(wall), messages }));`;

/** A scenario's config and message go through a file: a large config does not fit in the environment. */
function perSend(exec, which, scenario, messages) {
  const dir = mkdtempSync(join(tmpdir(), 'aliyun-dm-bench-'));
  try {
    const file = join(dir, 'scenario.json');
    writeFileSync(file, JSON.stringify(scenario));
    const out = execFileSync(exec, ['--input-type=module', '-e', cpuScript(which, messages)], { cwd: root, encoding: 'utf8', env: { ...process.env, SCENARIO: file }, maxBuffer: 1 << 20 });
    return JSON.parse(out.trim());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const exampleConfig = JSON.parse(readFileSync(configPath, 'utf8'));
const exampleData = { to: 'user@example.com', type: 'SignIn', payload: { code: '123456' } };

/** A SignIn template of about `kb` KB of HTML with 100 placeholders, and a payload with 100 keys. */
function templateScenario(kb) {
  const keys = Array.from({ length: 100 }, (_, i) => `k${i}`);
  const paragraph = (i) => `<p style="margin:0 0 12px;color:#333">Paragraph ${i} of the message, with {{${keys[i % 100]}}} in it.</p>\n`;
  let content = '<html><body>';
  for (let i = 0; content.length < kb * 1024; i += 1) content += paragraph(i);
  content += '<p>Your code is {{code}}</p></body></html>';
  const config = { ...exampleConfig, templates: exampleConfig.templates.map((t) => (t.usageType === 'SignIn' ? { ...t, content } : t)) };
  const payload = Object.fromEntries([['code', '123456'], ...keys.map((k, i) => [k, `value ${i} <${k}>`])]);
  return { config, data: { to: 'user@example.com', type: 'SignIn', payload } };
}

/** The example message, with eight more templates of 100 KB in the config that it does not use. */
function largeConfigScenario() {
  const big = '<p>{{code}}</p>'.padEnd(100 * 1024, ' ');
  const unused = ['OrganizationInvitation', 'UserPermissionValidation', 'BindNewIdentifier', 'MfaVerification', 'BindMfa', 'Register', 'ForgotPassword', 'Generic'];
  const config = { ...exampleConfig, templates: [exampleConfig.templates[0], ...unused.map((usageType) => ({ usageType, subject: 's', content: big }))] };
  return { config, data: exampleData };
}

// --- Memory: the mail client with a unique Message-ID per send; the connector with a config per send
const memoryScript = (mode, sends) => `
  const { default: createConnector, DirectMail, wasmMemoryBytes } = await import(${JSON.stringify(join(root, 'lib', 'index.js'))});
  const config = JSON.parse(process.env.CONFIG);
  const fetch = async () => new Response(${JSON.stringify(replyText)});
  const data = { to: 'user@example.com', type: 'SignIn', payload: { code: '123456' } };
  let send;
  if (${JSON.stringify(mode)} === 'configs') {
    const connector = await createConnector({ getConfig: async () => config, fetch });
    send = (i) => connector.sendMessage(data, { ...config, fromAlias: 'A' + (i % 1e6) });
  } else {
    const { templates, ...sender } = config;
    const mail = new DirectMail({ ...sender, fetch });
    send = (i) => mail.send({ to: 'user@example.com', subject: 'Your code', html: '<p>{{code}}</p>', data: { code: '123456' }, headers: { 'Message-ID': '<' + i + '@mail.example.com>' } });
  }
  const turns = ${JSON.stringify(mode)} === 'turns';
  for (let i = 0; i < 1000; i += 1) await send(i);
  const before = wasmMemoryBytes();
  const t0 = performance.now();
  for (let i = 1000; i < ${sends}; i += 1) {
    await send(i);
    // With turns, every send yields to the event loop (timers, I/O and finalizers may run).
    if (turns) await new Promise((resolve) => setImmediate(resolve));
  }
  console.log(JSON.stringify({ sends: ${sends}, wasmBytesBefore: before, wasmBytesAfter: wasmMemoryBytes(), seconds: (performance.now() - t0) / 1000 }));`;

function memoryRun(exec, mode, sends) {
  const out = execFileSync(exec, ['--input-type=module', '-e', memoryScript(mode, sends)], { cwd: root, encoding: 'utf8', env: { ...process.env, CONFIG: readFileSync(configPath, 'utf8') } });
  return JSON.parse(out.trim());
}

function nativeBound() {
  const out = execFileSync('cargo', ['bench', '--locked', '--bench', 'send_mail'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const read = (name) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(out)?.[1]) / 1000;
  return { fullUs: read('native_ns_per_message'), cachedConfigUs: read('native_cached_config_ns_per_message') };
}

// --- Scaling: time against input size, for the inputs a caller or a server controls ---------------
const scalingScript = `
  const { parseSendMailReply, renderTemplate } = await import(${JSON.stringify(join(root, 'lib', 'index.js'))});
  const median = (fn) => {
    const times = [];
    for (let i = 0; i < 7; i += 1) {
      const t0 = performance.now();
      try { fn(); } catch {}
      times.push(performance.now() - t0);
    }
    return times.sort((a, b) => a - b)[3];
  };
  const keys = (n) => Object.fromEntries(Array.from({ length: n }, (_, i) => ['key' + i, 'v' + i]));
  const placeholders = Array.from({ length: 500 }, (_, i) => '<p>{{key' + i * 37 + '}}</p>').join('');
  const reply = (n) => '{' + Array.from({ length: n }, (_, i) => '"' + i.toString(36) + '":0').join(',') + '}';
  const rows = [];
  for (const n of [10_000, 20_000, 40_000, 80_000]) rows.push({ input: 'renderTemplate: payload keys', size: n, ms: median(() => renderTemplate(placeholders, keys(n))) });
  // Up to 1,000 KB: a template may hold at most 1 MiB.
  const unit = '<p>{{key7}} {{ key9 }} {{missing}}</p>';
  for (const kb of [125, 250, 500, 1000]) {
    const template = unit.repeat(Math.floor((kb * 1024) / unit.length));
    rows.push({ input: 'renderTemplate: template KB', size: kb, ms: median(() => renderTemplate(template, keys(64), { html: true })) });
  }
  for (const n of [16_384, 32_768, 65_536, 116_000]) rows.push({ input: 'parseSendMailReply: reply keys', size: n, ms: median(() => parseSendMailReply(200, reply(n))) });
  console.log(JSON.stringify(rows));`;

function scaling(exec) {
  return JSON.parse(execFileSync(exec, ['--input-type=module', '-e', scalingScript], { cwd: root, encoding: 'utf8' }).trim());
}

// --- Run ---------------------------------------------------------------------------------------
log('sizes');
const wasm = sizes();
// Each runtime's entry as a bundle of everything it exports: the package root's (the mail client and
// the Logto connector) and the mail client's alone (./client), which is what a Worker that sends
// mail carries.
const entries = {
  'node (js/node.js)': ['js/node.js', ['node', 'import']],
  'workerd (js/workerd.js)': ['js/workerd.js', ['workerd']],
  'workerd/client (js/client/workerd.js)': ['js/client/workerd.js', ['workerd']],
  'edge-light (js/edge-light.js)': ['js/edge-light.js', ['edge-light']],
  'edge-light/client (js/client/edge-light.js)': ['js/client/edge-light.js', ['edge-light']],
  'deno (js/deno.js)': ['js/deno.js', ['deno']],
  'init (js/init.js)': ['js/init.js', ['import']],
};
const glue = {};
for (const [name, [entry, conditions]] of Object.entries(entries)) glue[name] = await glueSize(entry, conditions);
const reference = await referenceSize();
const tarball = tarballSize();
const scenarios = { template10k: templateScenario(10), template100k: templateScenario(100), largeConfig: largeConfigScenario() };
const runtimes = [];
for (const exec of nodes) {
  const node = versionOf(exec);
  log(`${node}: cold start, ${COLD_RUNS} processes each`);
  const coldOurs = coldStart(exec, ourColdStart);
  const coldClient = coldStart(exec, clientColdStart);
  const coldReference = coldStart(exec, referenceColdStart);
  log(`${node}: per send, ${CPU_MESSAGES} example messages each`);
  const example = { config: exampleConfig, data: exampleData };
  const cpuReference = perSend(exec, 'reference', example, CPU_MESSAGES);
  const cpuFloor = perSend(exec, 'floor', example, CPU_MESSAGES);
  const cpuOurs = perSend(exec, 'ours', example, CPU_MESSAGES);
  log(`${node}: templates of 10 and 100 KB with 100 payload keys; a config with 800 KB of unused templates`);
  const templateMessages = Math.max(200, Math.floor(CPU_MESSAGES / 20));
  const templates = {};
  for (const [name, kb] of [['template10k', 10], ['template100k', 100]]) {
    const ours = perSend(exec, 'ours', scenarios[name], templateMessages);
    const theirs = perSend(exec, 'reference', scenarios[name], templateMessages);
    templates[name] = { kb, ours: ours.wallUs, reference: theirs.wallUs, ratio: theirs.wallUs / ours.wallUs, messages: templateMessages };
  }
  // As many messages as the example send it is compared with: fewer made the ratio swing ±25%.
  const large = perSend(exec, 'ours', scenarios.largeConfig, CPU_MESSAGES);
  runtimes.push({
    node,
    coldStartMs: { ours: coldOurs.medianMs, client: coldClient.medianMs, reference: coldReference.medianMs, ratio: coldReference.medianMs / coldOurs.medianMs, runs: COLD_RUNS },
    cpuPerMessageUs: { ours: cpuOurs.cpuUs, reference: cpuReference.cpuUs, ratio: cpuReference.cpuUs / cpuOurs.cpuUs, floor: cpuFloor.cpuUs, messages: CPU_MESSAGES },
    templates,
    largeConfig: { oursUs: large.cpuUs, exampleUs: cpuOurs.cpuUs, ratio: large.cpuUs / cpuOurs.cpuUs, messages: large.messages },
  });
}
log(`${versionOf(nodes[0])}: memory, ${MEMORY_SENDS} client sends without and with event-loop turns, ${CONFIG_SENDS} connector configs`);
const memory = {
  node: versionOf(nodes[0]),
  noTurns: memoryRun(nodes[0], 'noTurns', MEMORY_SENDS),
  turns: memoryRun(nodes[0], 'turns', MEMORY_SENDS),
  configs: memoryRun(nodes[0], 'configs', CONFIG_SENDS),
};
log('native core (cargo bench)');
const native = nativeBound();
log('workerd: fresh isolates');
const workerd = await workerdBench(root, { runs: COLD_RUNS });
log(`${versionOf(nodes[0])}: scaling`);
const scalingRows = { node: versionOf(nodes[0]), rows: scaling(nodes[0]) };

const results = {
  referenceVersion: JSON.parse(readFileSync(join(root, 'node_modules/@logto/connector-aliyun-dm/package.json'), 'utf8')).version,
  wasm,
  glue,
  reference: { bundle: reference },
  tarball,
  runtimes,
  native,
  memory,
  workerd,
  scaling: scalingRows,
};
writeFileSync(join(root, 'bench', 'results.json'), JSON.stringify(results, null, 2) + '\n');
const readmePath = join(root, 'CONTRIBUTING.md');
writeFileSync(readmePath, withReadmeBlock(readFileSync(readmePath, 'utf8'), results));
console.log(`\n${printable(results)}\n\nWritten to bench/results.json and CONTRIBUTING.md`);
