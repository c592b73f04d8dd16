// `npm pack` makes a complete tarball: untarred beside nothing but connector-kit (as
// `logto connector add` leaves it), it loads and sends through the emulator.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { startEmulator } from '../emulator/index.js';
import { pack, root } from './packed.js';
import { makeConfig } from './helpers.js';

test('the tarball holds the wasm, the glue, lib, logo and README, and no sources or tests', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aliyun-dm-pack-'));
  try {
    const { files } = pack(dir);
    for (const needed of ['package.json', 'README.md', 'logo.svg', 'docs/logto-console.md', 'lib/index.js', 'lib/index.d.cts', 'js/index.d.ts', 'emulator/index.js', 'emulator/index.d.ts', 'pkg/aliyun_dm.js', 'pkg/aliyun_dm_bg.wasm']) {
      assert.ok(files.includes(needed), `${needed} is packed`);
    }
    const unwanted = files.filter((f) => /^(src|js-tests|scripts|demo|vectors|target|tests)\/|Cargo|\.build-stamp/.test(f));
    assert.deepEqual(unwanted, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the tarball holds each thing once: the glue, each module of the package, and the wasm (plus its base64 for bundlers)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aliyun-dm-pack-'));
  try {
    const { tarball, files } = pack(dir);
    execFileSync('tar', ['-xzf', tarball, '-C', dir]);
    const js = files.filter((f) => /\.(c?js|mjs)$/.test(f));
    const holding = (pattern) => js.filter((f) => pattern.test(readFileSync(join(dir, 'package', f), 'utf8')));
    // wasm-bindgen's glue defines initSync; the client's class and the connector's factory are each written once.
    assert.deepEqual(holding(/function initSync\(/), ['pkg/aliyun_dm.js']);
    assert.deepEqual(holding(/static fromEnv\(/), ['js/direct-mail.js']);
    assert.deepEqual(holding(/^export default async function createConnector\b/m), ['js/connector.js']);
    assert.deepEqual(files.filter((f) => f.endsWith('.wasm')), ['pkg/aliyun_dm_bg.wasm']);
    // The inline entries' base64, which bundlers that copy no .wasm need, is the only other copy.
    assert.deepEqual(holding(/__toBinary\(/), ['lib/wasm-bytes.js']);
    const out = execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const [{ size, unpackedSize }] = JSON.parse(out.slice(out.indexOf('[')));
    console.log(`# tarball: ${size} bytes packed, ${unpackedSize} unpacked, ${files.length} files`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('untarred with only connector-kit and zod beside it, lib/index.js loads and sends', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aliyun-dm-pack-'));
  const emulator = await startEmulator();
  try {
    const { tarball } = pack(dir);
    execFileSync('tar', ['-xzf', tarball, '-C', dir]);
    mkdirSync(join(dir, 'node_modules', '@logto'), { recursive: true });
    symlinkSync(join(root, 'node_modules', '@logto', 'connector-kit'), join(dir, 'node_modules', '@logto', 'connector-kit'));
    symlinkSync(join(root, 'node_modules', 'zod'), join(dir, 'node_modules', 'zod'));
    const script = `
      const { default: createConnector } = await import('./package/lib/index.js');
      const connector = await createConnector({ getConfig: async () => JSON.parse(process.env.CONFIG) });
      const reply = await connector.sendMessage({ to: 'user@example.com', type: 'SignIn', payload: { code: '777' } });
      console.log(JSON.stringify(reply));`;
    // Asynchronously: the emulator answering the child runs in this process.
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: dir,
      env: { ...process.env, CONFIG: JSON.stringify(makeConfig({ endpoint: emulator.url })) },
    });
    assert.equal(JSON.parse(stdout).EnvId, emulator.mails[0].envId);
    assert.equal(emulator.mails[0].htmlBody, '<p>SignIn: 777</p>');
  } finally {
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
