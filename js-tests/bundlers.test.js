// Bundlers from npm building for Node-like hosts: the `./inline` entry, with the wasm inside it,
// survives esbuild (ESM and CJS), Bun and a Vite SSR build, and each bundle sends a verified mail
// to the emulator; the root entry, bundled, says what to do instead of failing on a missing file.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { build } from 'esbuild';

import { startEmulator } from '../emulator/index.js';
import { bin, installPacked, run } from './packed.js';

let packed;
let emulator;
/** Where bundles go: outside node_modules, as a deploy copies them. */
let out;

const esmApp = (entry, label) => `
import { DirectMail } from '${entry}';
try {
  const mail = new DirectMail({ accessKeyId: 'testid', accessKeySecret: 'testsecret', accountName: 'noreply@mail.example.com', endpoint: process.env.ENDPOINT });
  console.log(JSON.stringify(await mail.send({ to: 'a@example.com', subject: ${JSON.stringify(label)}, text: 'bundled' })));
} catch (error) {
  console.log(JSON.stringify({ error: error.message, name: error.name }));
}
`;

const cjsApp = (label) => `
const { DirectMail } = require('connector-aliyun-dm-wasm/inline');
const mail = new DirectMail({ accessKeyId: 'testid', accessKeySecret: 'testsecret', accountName: 'noreply@mail.example.com', endpoint: process.env.ENDPOINT });
mail.send({ to: 'a@example.com', subject: ${JSON.stringify(label)}, text: 'bundled' }).then((r) => console.log(JSON.stringify(r)));
`;

before(async () => {
  packed = installPacked();
  emulator = await startEmulator();
  out = join(packed.dir, 'deploy');
  mkdirSync(out);
});
after(async () => {
  await emulator?.close();
  packed?.cleanup();
});

/** Runs a bundle with `runtime` (node by default); returns what it printed, parsed. */
async function runBundle(file, runtime = process.execPath) {
  const { stdout } = await run(runtime, [file], { cwd: out, env: { ...process.env, ENDPOINT: emulator.url }, timeout: 30_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

/** Asserts the bundle's send reached the emulator with `label` as its subject. */
function assertDelivered(result, label) {
  assert.ok(result.envId, JSON.stringify(result));
  assert.equal(emulator.mails.at(-1).subject, label);
  assert.equal(emulator.mails.at(-1).envId, result.envId);
}

test('esbuild (platform node, ESM and CJS) bundles ./inline into a file that sends', async () => {
  writeFileSync(join(packed.dir, 'app.mjs'), esmApp('connector-aliyun-dm-wasm/inline', 'esbuild ESM'));
  writeFileSync(join(packed.dir, 'app.cjs'), cjsApp('esbuild CJS'));
  await build({ entryPoints: [join(packed.dir, 'app.mjs')], bundle: true, platform: 'node', format: 'esm', outfile: join(out, 'esbuild.mjs'), logLevel: 'error' });
  await build({ entryPoints: [join(packed.dir, 'app.cjs')], bundle: true, platform: 'node', format: 'cjs', outfile: join(out, 'esbuild.cjs'), logLevel: 'error' });
  assertDelivered(await runBundle('esbuild.mjs'), 'esbuild ESM');
  assertDelivered(await runBundle('esbuild.cjs'), 'esbuild CJS');
});

test('the plain entries, bundled without their .wasm (to ESM or CommonJS), fail with a message that names the inline entries', async () => {
  writeFileSync(join(packed.dir, 'root.mjs'), esmApp('connector-aliyun-dm-wasm', 'root'));
  await build({ entryPoints: [join(packed.dir, 'root.mjs')], bundle: true, platform: 'node', format: 'esm', outfile: join(out, 'root.mjs'), logLevel: 'error' });
  // Bundled to CommonJS, import.meta.url is undefined: that must not surface as "Invalid URL".
  writeFileSync(
    join(packed.dir, 'plain.cjs'),
    `try {
  const { DirectMail } = require('connector-aliyun-dm-wasm/client');
  new DirectMail({ accessKeyId: 'testid', accessKeySecret: 'testsecret', accountName: 'noreply@mail.example.com' });
  console.log(JSON.stringify({ loaded: true }));
} catch (error) {
  console.log(JSON.stringify({ error: error.message, name: error.name }));
}
`,
  );
  await build({ entryPoints: [join(packed.dir, 'plain.cjs')], bundle: true, platform: 'node', format: 'cjs', outfile: join(out, 'plain.cjs'), logLevel: 'silent' });
  for (const file of ['root.mjs', 'plain.cjs']) {
    const result = await runBundle(file);
    assert.equal(result.name, 'DirectMailError', JSON.stringify(result));
    assert.match(result.error, /connector-aliyun-dm-wasm\/client\/inline/);
    assert.match(result.error, /connector-aliyun-dm-wasm\/inline/);
  }
});

test('bun build --target node bundles ./inline; the bundle sends under Node and under Bun', async () => {
  writeFileSync(join(packed.dir, 'bun-app.mjs'), esmApp('connector-aliyun-dm-wasm/inline', 'bun'));
  await run(bin('bun'), ['build', join(packed.dir, 'bun-app.mjs'), '--target', 'node', '--outfile', join(out, 'bun.mjs')], { cwd: packed.dir, timeout: 60_000 });
  assertDelivered(await runBundle('bun.mjs'), 'bun');
  assertDelivered(await runBundle('bun.mjs', bin('bun')), 'bun');
});

test('a Vite SSR build that bundles every dependency (ssr.noExternal) keeps ./inline working', async () => {
  writeFileSync(join(packed.dir, 'vite-app.mjs'), esmApp('connector-aliyun-dm-wasm/inline', 'vite'));
  writeFileSync(
    join(packed.dir, 'vite.config.mjs'),
    `export default { logLevel: 'error', ssr: { noExternal: true, target: 'node' }, build: { ssr: 'vite-app.mjs', outDir: ${JSON.stringify(join(out, 'vite'))}, emptyOutDir: true } };\n`,
  );
  await run(bin('vite'), ['build', '--config', join(packed.dir, 'vite.config.mjs')], { cwd: packed.dir, timeout: 120_000 });
  assertDelivered(await runBundle(join('vite', 'vite-app.mjs')), 'vite');
});

/** Modules of the Logto connector, and its host packages, by path as esbuild's metafile names them. */
const LOGTO_MODULES = /(?:^|\/)js\/(?:connector|metadata|logto)\.js$|node_modules\/(?:zod|@logto)\//;

test("esbuild's metafile: a mail-only import brings no Logto code, from ./client or from the root", async () => {
  const app = join(packed.dir, 'mail-only.mjs');
  writeFileSync(app, "import { DirectMail } from 'PKG';\nexport const make = (config) => new DirectMail(config);\n");
  const sizes = [];
  for (const [specifier, conditions, platform] of [
    ['connector-aliyun-dm-wasm/client', ['workerd'], 'neutral'],
    ['connector-aliyun-dm-wasm/client', ['edge-light'], 'neutral'],
    ['connector-aliyun-dm-wasm/client/inline', [], 'node'],
    ['connector-aliyun-dm-wasm/client/init', [], 'browser'],
    // The root, which also exports the connector: sideEffects lets esbuild drop it.
    ['connector-aliyun-dm-wasm', ['workerd'], 'neutral'],
    ['connector-aliyun-dm-wasm/inline', [], 'node'],
  ]) {
    writeFileSync(app, `import { DirectMail } from '${specifier}';\nexport const make = (config) => new DirectMail(config);\n`);
    const { metafile } = await build({
      entryPoints: [app],
      bundle: true,
      write: false,
      format: 'esm',
      platform,
      conditions,
      mainFields: ['module', 'main'],
      external: ['*.wasm?module'],
      metafile: true,
      minify: true,
      logLevel: 'silent',
    });
    const [output] = Object.values(metafile.outputs);
    const kept = Object.entries(output.inputs).filter(([path, { bytesInOutput }]) => bytesInOutput > 0 && LOGTO_MODULES.test(path));
    assert.deepEqual(kept.map(([path]) => path), [], `${specifier} (${conditions.join(',') || platform})`);
    assert.ok(Object.keys(output.inputs).some((path) => path.endsWith('js/direct-mail.js')), 'the client is in the bundle');
    sizes.push(`${specifier} [${conditions.join(',') || platform}]: ${output.bytes} bytes of JS, minified`);
  }
  console.log(sizes.map((line) => `# ${line}`).join('\n'));
});
