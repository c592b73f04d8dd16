// The package as users get it: `npm pack`, untarred into node_modules of a scratch project that has
// nothing else but connector-kit and zod (as Logto provides them).
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { startEmulator } from '../emulator/index.js';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const packageName = 'connector-aliyun-dm-wasm';
export const node22 = join(root, '.cache', 'node-22.23.3', 'node_modules', `node-${process.platform}-${process.arch}`, 'bin', 'node');
export const bin = (name) => join(root, 'node_modules', '.bin', name);
export const run = promisify(execFile);

/** Packs the package into `dir`; returns the tarball path and its file list. */
export function pack(dir) {
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [{ filename, files }] = JSON.parse(out.slice(out.indexOf('[')));
  return { tarball: join(dir, filename), files: files.map((f) => f.path).sort() };
}

/** A scratch project with the packed package installed; `cleanup()` removes it. */
export function installPacked() {
  const dir = mkdtempSync(join(tmpdir(), 'aliyun-dm-packed-'));
  const { tarball, files } = pack(dir);
  const packageDir = join(dir, 'node_modules', packageName);
  mkdirSync(packageDir, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);
  mkdirSync(join(dir, 'node_modules', '@logto'), { recursive: true });
  symlinkSync(join(root, 'node_modules', '@logto', 'connector-kit'), join(dir, 'node_modules', '@logto', 'connector-kit'));
  // zod too: Logto's core provides both, and `logto connector add` installs nothing.
  symlinkSync(join(root, 'node_modules', 'zod'), join(dir, 'node_modules', 'zod'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, dependencies: { [packageName]: '*' } }));
  return { dir, packageDir, tarball, files, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A free TCP port on 127.0.0.1. */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Registers hooks that install the packed package and start an emulator; read them from the result. */
export function packedWithEmulator() {
  const env = {};
  before(async () => {
    env.packed = installPacked();
    env.emulator = await startEmulator();
  });
  after(async () => {
    await env.emulator?.close();
    env.packed?.cleanup();
  });
  return env;
}
