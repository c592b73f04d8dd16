// Vercel Edge Runtime (the `edge-runtime` package) with wasm code generation disabled, as on
// Vercel: the `edge-light` entry gets a WebAssembly.Module compiled in another realm.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { EdgeRuntime } from 'edge-runtime';
import { build } from 'esbuild';

import { verifySignedBody } from '../emulator/index.js';
import { makeConfig } from './helpers.js';
import { packedWithEmulator } from './packed.js';

const env = packedWithEmulator();

/** Bundles the package's edge-light entry as Vercel does: `?module` imports become a Module binding. */
async function bundleEdgeEntry() {
  const result = await build({
    stdin: { contents: "export * from 'connector-aliyun-dm-wasm';", resolveDir: env.packed.dir },
    bundle: true,
    write: false,
    format: 'iife',
    globalName: 'AliyunDm',
    platform: 'neutral',
    conditions: ['edge-light'],
    mainFields: ['module', 'main'],
    plugins: [
      {
        name: 'wasm-module',
        setup(b) {
          b.onResolve({ filter: /\.wasm\?module$/ }, (args) => ({ path: join(args.resolveDir, args.path.replace(/\?module$/, '')), namespace: 'wasm-module' }));
          b.onLoad({ filter: /.*/, namespace: 'wasm-module' }, () => ({ contents: 'export default globalThis.__wasmModule;', loader: 'js' }));
        },
      },
    ],
  });
  return result.outputFiles[0].text;
}

function edgeRuntime(code) {
  // The module is compiled here, in Node's realm: inside the runtime `instanceof` would be false.
  const wasmModule = new WebAssembly.Module(readFileSync(join(env.packed.packageDir, 'pkg', 'aliyun_dm_bg.wasm')));
  return new EdgeRuntime({
    codeGeneration: { strings: false, wasm: false },
    extend: (context) => Object.assign(context, { __wasmModule: wasmModule }),
    initialCode: code,
  });
}

test('edge-light entry sends through the emulator with wasm code generation disabled', async () => {
  const runtime = edgeRuntime(await bundleEdgeEntry());
  const config = makeConfig({ endpoint: env.emulator.url });
  const reply = await runtime.evaluate(`AliyunDm.sendMail(${JSON.stringify(config)}, { to: 'edge@example.com', type: 'SignIn', payload: { code: '9' } }, fetch)`);
  const mail = env.emulator.mails.at(-1);
  assert.equal(mail.envId, reply.EnvId);
  assert.equal(mail.htmlBody, '<p>SignIn: 9</p>');
  assert.ok(verifySignedBody(env.emulator.requests.at(-1).body, { testid: 'testsecret' }), 'the emulator verifier accepts it');
});

test('compiling wasm from bytes is indeed forbidden in that runtime', async () => {
  const runtime = edgeRuntime('');
  const compiled = await runtime.evaluate(`WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])).then(() => 'compiled', (e) => e.message)`);
  assert.notEqual(compiled, 'compiled');
});

test('a cross-realm module is accepted, not recompiled, by the ./init entry too', async () => {
  const result = await build({
    stdin: { contents: "export * from 'connector-aliyun-dm-wasm/init';", resolveDir: env.packed.dir },
    bundle: true, write: false, format: 'iife', globalName: 'AliyunDm', platform: 'neutral', mainFields: ['module', 'main'],
  });
  const runtime = edgeRuntime(result.outputFiles[0].text);
  const signature = await runtime.evaluate(`AliyunDm.init(globalThis.__wasmModule).then(() => AliyunDm.signRpcRequest({ A: '1' }, 's', 'POST').signature)`);
  assert.equal(signature, 'dcjmdnOjzuJ/0c2XFuMQe63ETNc=');
});
