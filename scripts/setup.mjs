#!/usr/bin/env node
// Sets up a fresh machine and builds pkg/ and lib/ (generated files only; the hand-written JS is in
// js/): npm devDependencies, the wasm32 target, the pinned wasm-bindgen CLI, then cargo build +
// wasm-bindgen + wasm-opt, then the Node entry's bundle and the CommonJS declarations. Each step is
// skipped when it is current, so a second run takes about a second.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { patchGlue } from './patch-glue.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const forceBuild = process.argv.includes('--force-build');
const log = (message) => console.error(`[setup] ${message}`);
// `cargo install` puts wasm-bindgen here; a bare environment may not have it on PATH.
process.env.PATH = `${join(process.env.CARGO_HOME ?? join(homedir(), '.cargo'), 'bin')}${delimiter}${process.env.PATH}`;

/** Runs a command with inherited output and fails loudly. */
const run = (command, args, options = {}) => {
  log(`$ ${command} ${args.join(' ')}`);
  // Child stdout goes to stderr, so `npm pack --json` (whose prepack runs this) keeps a clean stdout.
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 2, 2], ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed with ${result.error ?? `exit ${result.status}`}`);
  }
};

/** Captures a command's stdout, or undefined when it cannot run. */
const capture = (command, args) => {
  try {
    return execFileSync(command, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
};

const sha256 = (data) => createHash('sha256').update(data).digest('hex');
const readStamp = (path) => (existsSync(path) ? readFileSync(path, 'utf8') : '');

function ensureNodeModules() {
  const stampPath = join(root, 'node_modules', '.setup-stamp');
  const want = sha256(readFileSync(join(root, 'package-lock.json')));
  if (readStamp(stampPath) === want) return;
  // npm ci removes node_modules first, so the stamp is written only after a complete install.
  run('npm', ['ci', '--no-audit', '--no-fund']);
  writeFileSync(stampPath, want);
}

function ensureWasmTarget() {
  const installed = capture('rustup', ['target', 'list', '--installed']) ?? '';
  if (!installed.split('\n').includes('wasm32-unknown-unknown')) {
    run('rustup', ['target', 'add', 'wasm32-unknown-unknown']);
  }
}

/** `npm test` checks formatting with rustfmt and lints with clippy (the core's no-panic rules are clippy lints). */
function ensureRustLinters() {
  if (capture('cargo', ['clippy', '--version']) === undefined) run('rustup', ['component', 'add', 'clippy']);
  if (capture('cargo', ['fmt', '--version']) === undefined) run('rustup', ['component', 'add', 'rustfmt']);
}

/** The CLI must match the crate's `wasm-bindgen = "=X"` exactly, or the glue will not load. */
function ensureWasmBindgen() {
  const manifest = join(root, 'crates', 'aliyun-dm-wasm', 'Cargo.toml');
  const pinned = /^wasm-bindgen\s*=\s*(?:\{\s*version\s*=\s*)?"=([^"]+)"/m.exec(readFileSync(manifest, 'utf8'))?.[1];
  if (!pinned) throw new Error(`${manifest} must pin wasm-bindgen as "=X.Y.Z"`);
  if (capture('wasm-bindgen', ['--version']) === `wasm-bindgen ${pinned}`) return;
  // Not --locked: the CLI's lockfile pins a webpki-roots release some registry mirrors lack.
  // --force: we only get here when the binary is missing or another version, which cargo's own
  // install records may not know.
  run('cargo', ['install', '--force', 'wasm-bindgen-cli', '--version', `=${pinned}`]);
}

function build() {
  // The binding crate is a cdylib only, so this release build gets LTO.
  run('cargo', ['build', '--release', '--locked', '--target', 'wasm32-unknown-unknown', '-p', 'aliyun-dm-wasm']);
  const raw = join(root, 'target', 'wasm32-unknown-unknown', 'release', 'aliyun_dm_wasm.wasm');
  const pkg = join(root, 'pkg');
  const stampPath = join(pkg, '.build-stamp');
  const inputs = [readFileSync(raw), readFileSync(join(root, 'scripts', 'patch-glue.mjs')), readFileSync(join(root, 'scripts', 'setup.mjs'))];
  const want = sha256(Buffer.concat(inputs));
  const outputs = ['aliyun_dm.js', 'aliyun_dm_bg.wasm'].map((f) => join(pkg, f));
  if (!forceBuild && readStamp(stampPath) === want && outputs.every(existsSync)) return;
  mkdirSync(pkg, { recursive: true });
  run('wasm-bindgen', [raw, '--target', 'web', '--out-dir', pkg, '--out-name', 'aliyun_dm', '--no-typescript']);
  patchGlue(join(pkg, 'aliyun_dm.js'));
  const wasmOpt = join(root, 'node_modules', '.bin', 'wasm-opt');
  const wasm = join(pkg, 'aliyun_dm_bg.wasm');
  // Debian's binaryen 108 mis-points the externref table export; use npm's binaryen only.
  // -O3: the send budgets decide the optimisation, not the byte count.
  run(wasmOpt, [wasm, '-O3', '--converge', '--strip-debug', '--strip-producers', '--strip-target-features', '-o', wasm]);
  writeFileSync(stampPath, want);
  log(`built pkg/aliyun_dm_bg.wasm (${readFileSync(wasm).length} bytes)`);
}

/**
 * The two files of lib/ that are JS: lib/index.js, the path Logto's loader imports (a fixed path in
 * its loader), re-exports the package root's Node entry; lib/wasm-bytes.js is the .wasm as base64
 * for the inline entries, since bundlers copy JS into their output but not a .wasm beside it. The
 * package's own JS and the glue exist once, in js/ and pkg/.
 */
async function writeLibModules() {
  writeIfChanged(
    join(root, 'lib', 'index.js'),
    "// Generated by `npm run build`: Logto's loader imports <package>/lib/index.js. Edit js/node.js.\n" +
      "export * from '../js/node.js';\nexport { default } from '../js/node.js';\n",
  );
  const { build: esbuild } = await import('esbuild');
  const result = await esbuild({
    stdin: { contents: "export { default } from './pkg/aliyun_dm_bg.wasm';", resolveDir: root },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    // esbuild's binary loader writes the base64 and its decoder. es2022: the decoder then uses atob,
    // since Uint8Array.fromBase64 is not in Node 20 or 22.
    loader: { '.wasm': 'binary' },
    target: 'es2022',
    banner: { js: '// Generated by `npm run build`: pkg/aliyun_dm_bg.wasm as bytes, for the inline entries.' },
    logLevel: 'warning',
  });
  writeIfChanged(join(root, 'lib', 'wasm-bytes.js'), result.outputFiles[0].text);
  // Left by builds before the package's JS was shipped once.
  rmSync(join(root, 'lib', 'inline.js'), { force: true });
}

/** Writes a generated file under lib/ when its content changed. */
function writeIfChanged(out, text) {
  if (!forceBuild && existsSync(out) && readFileSync(out, 'utf8') === text) return;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  log(`wrote ${out.slice(root.length + 1)} (${text.length} bytes)`);
}

/**
 * The CommonJS declarations, lib/*.d.cts, emitted by tsc from the hand-written ES ones: each
 * `.d.ts` is copied to a `.cts` source under target/, which tsc compiles for CommonJS (nodenext)
 * and checks on the way. `require()` of this package returns the ES module's namespace
 * (require(esm), Node >= 20.19), so the names are the same; but a .d.cts must not point at an ES
 * declaration file, since TypeScript's node16 mode does not model require(esm).
 */
function writeCjsTypes() {
  const work = join(root, 'target', 'cjs-types');
  const sources = { index: join(root, 'js', 'index.d.ts'), client: join(root, 'js', 'client', 'index.d.ts'), emulator: join(root, 'emulator', 'index.d.ts') };
  const want = sha256(Buffer.concat(Object.values(sources).map((path) => readFileSync(path))));
  const outputs = Object.keys(sources).map((name) => join(root, 'lib', `${name}.d.cts`));
  if (!forceBuild && readStamp(join(work, '.stamp')) === want && outputs.every(existsSync)) return;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  // The root's declarations re-export the client's: side by side in lib/, as client.d.cts.
  for (const [name, path] of Object.entries(sources)) writeFileSync(join(work, `${name}.cts`), readFileSync(path, 'utf8').replaceAll("'./client/index.js'", "'./client.cjs'"));
  const compilerOptions = {
    declaration: true,
    emitDeclarationOnly: true,
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'es2022',
    lib: ['es2022', 'dom'],
    types: ['node'],
    typeRoots: [join(root, 'node_modules', '@types')],
    strict: true,
    outDir: join(work, 'out'),
  };
  writeFileSync(join(work, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: Object.keys(sources).map((name) => `${name}.cts`) }));
  run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', work]);
  const banner = '// Generated by `npm run build` (tsc) from the .d.ts file of the same name; edit that.\n';
  for (const name of Object.keys(sources)) {
    writeIfChanged(join(root, 'lib', `${name}.d.cts`), banner + readFileSync(join(work, 'out', `${name}.d.cts`), 'utf8'));
  }
  writeFileSync(join(work, '.stamp'), want);
}

/** Logto requires Node 22; tests run the Node entries on it as well as on this machine's Node. */
export const NODE22_VERSION = '22.23.3';

/** Installs Node 22 from npm's node-<platform>-<arch> package into .cache/, outside node_modules/.bin. */
function ensureNode22() {
  const prefix = join(root, '.cache', `node-${NODE22_VERSION}`);
  const bin = join(prefix, 'node_modules', `node-${process.platform}-${process.arch}`, 'bin', 'node');
  if (capture(bin, ['--version']) === `v${NODE22_VERSION}`) return;
  mkdirSync(prefix, { recursive: true });
  run('npm', ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', `node-${process.platform}-${process.arch}@${NODE22_VERSION}`]);
}

ensureNodeModules();
ensureNode22();
ensureWasmTarget();
ensureRustLinters();
ensureWasmBindgen();
build();
await writeLibModules();
writeCjsTypes();
