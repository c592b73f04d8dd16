// The TypeScript declarations: no `any`, and they compile against real usage with tsc --strict.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

import { pack, packageName } from './packed.js';
import { fileURLToPath } from 'node:url';

const lib = new URL('../js/', import.meta.url);
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));

test('the declarations contain no any', () => {
  for (const file of readdirSync(lib, { recursive: true }).filter((f) => f.endsWith('.d.ts'))) {
    // Comments may say "any"; the type may not.
    const code = readFileSync(new URL(file, lib), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    assert.doesNotMatch(code, /\bany\b/, `${file} uses any`);
  }
});

test('tsc --strict accepts the usage sample (and its @ts-expect-error lines fail as they should)', () => {
  const project = fileURLToPath(new URL('types/tsconfig.json', import.meta.url));
  execFileSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8', stdio: 'pipe' });
});

for (const resolution of ['node16', 'nodenext', 'bundler']) {
  test(`the README's imports compile under moduleResolution ${resolution}${resolution === 'bundler' ? '' : ', from ESM and CJS'}`, () => {
    const project = fileURLToPath(new URL(`types/resolution/tsconfig.${resolution}.json`, import.meta.url));
    try {
      execFileSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      assert.fail(`tsc (${resolution}):\n${error.stdout}${error.stderr}`);
    }
  });
}

test('the declarations name the fields the core reads, and require what it requires (vectors/types/fields.json)', () => {
  // tests/js_types.rs checks the same file against the Rust types; here tsc checks the declarations.
  const { types } = JSON.parse(readFileSync(new URL('../vectors/types/fields.json', import.meta.url), 'utf8'));
  const union = (names) => (names.length === 0 ? 'never' : names.map((n) => JSON.stringify(n)).join(' | '));
  const api = fileURLToPath(new URL('index.js', lib));
  const lines = [
    `import type { ${types.map((t) => t.ts).join(', ')} } from ${JSON.stringify(api)};`,
    'type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;',
    'type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];',
  ];
  for (const { ts, required, optional, tsOnly = [] } of types) {
    lines.push(`export const ${ts}Fields: Same<keyof ${ts}, ${union([...required, ...optional, ...tsOnly])}> = true;`);
    lines.push(`export const ${ts}Required: Same<RequiredKeys<${ts}>, ${union(required)}> = true;`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'aliyun-dm-types-'));
  try {
    writeFileSync(join(dir, 'fields.ts'), lines.join('\n') + '\n');
    const compilerOptions = { strict: true, noEmit: true, module: 'nodenext', target: 'es2022', lib: ['es2022', 'dom'], types: [], skipLibCheck: false };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['fields.ts'] }));
    execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    assert.fail(`the declarations differ from vectors/types/fields.json:\n${error.stdout ?? error.message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('./client compiles in a project with no Logto packages: its declarations need neither connector-kit nor zod', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aliyun-dm-client-types-'));
  try {
    const { tarball } = pack(dir);
    const packageDir = join(dir, 'node_modules', packageName);
    execFileSync('mkdir', ['-p', packageDir]);
    execFileSync('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
    const use = (from) => `import { assumeRoleCredentials, DirectMail, DirectMailError, parseDeliveryEvent, type DeliveryEvent, type ErrorReason, type MailMessage } from '${from}';
const roled = new DirectMail({ accountName: 'a@example.com', credentials: assumeRoleCredentials({ accessKeyId: 'i', accessKeySecret: 's', roleArn: 'acs:ram::1:role/r' }) });
export const bounced = (body: string): string | undefined => {
  const event: DeliveryEvent = parseDeliveryEvent(body);
  return event.kind === 'failed' ? event.logto.userId : undefined;
};
const instance = new DirectMail({ accountName: 'a@example.com', credentialsSource: 'ecs-ram-role' });
export const freed = () => (roled.free(), instance.free());
const mail = new DirectMail({ accessKeyId: 'id', accessKeySecret: 'secret', accountName: 'a@example.com' });
const message: MailMessage = { to: ['a@example.com'], from: 'Acme <a@example.com>', subject: 's', html: 'h', text: 't', signal: AbortSignal.timeout(1000) };
export const sent: Promise<{ envId: string; requestId: string }> = mail.send(message);
export const reason = (error: unknown): ErrorReason | undefined => (error instanceof DirectMailError ? error.reason : undefined);
`;
    writeFileSync(join(dir, 'esm.mts'), use(`${packageName}/client`));
    writeFileSync(join(dir, 'inline.mts'), use(`${packageName}/client/inline`));
    writeFileSync(join(dir, 'cjs.cts'), "import client = require('connector-aliyun-dm-wasm/client');\nexport const make = () => new client.DirectMail({ accessKeyId: 'i', accessKeySecret: 's', accountName: 'a@example.com' });\n");
    for (const moduleResolution of ['nodenext', 'bundler']) {
      const module = moduleResolution === 'bundler' ? 'esnext' : 'nodenext';
      const files = moduleResolution === 'bundler' ? ['esm.mts', 'inline.mts'] : ['esm.mts', 'inline.mts', 'cjs.cts'];
      const compilerOptions = { strict: true, noEmit: true, module, moduleResolution, target: 'es2022', lib: ['es2022', 'dom'], types: [], skipLibCheck: false };
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }));
      try {
        execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8', stdio: 'pipe' });
      } catch (error) {
        assert.fail(`tsc (${moduleResolution}):\n${error.stdout}${error.stderr}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the emulator's declarations name every option startEmulator reads, and every member it returns", async () => {
  const { startEmulator } = await import('../emulator/index.js');
  // The options, as the function's parameter destructures them.
  const source = readFileSync(new URL('../emulator/index.js', import.meta.url), 'utf8');
  const parameter = /export async function startEmulator\(\{([\s\S]*?)\} = \{\}\)/.exec(source)[1];
  const options = [...parameter.matchAll(/^\s*(\w+)(?:: \w+)?(?: = [^,]+)?,$/gm)].map((m) => m[1]);
  assert.ok(options.includes('ossEndpoint') && options.includes('accessKeys'), options.join(', '));
  const emulator = await startEmulator();
  const members = Object.keys(emulator);
  await emulator.close();
  const union = (names) => names.map((n) => JSON.stringify(n)).join(' | ');
  const dir = mkdtempSync(join(tmpdir(), 'aliyun-dm-emulator-types-'));
  try {
    const api = fileURLToPath(new URL('../emulator/index.js', import.meta.url));
    writeFileSync(join(dir, 'check.ts'), [
      `import type { Emulator, EmulatorOptions } from ${JSON.stringify(api)};`,
      'type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;',
      `export const options: Same<keyof EmulatorOptions, ${union(options)}> = true;`,
      `export const members: Same<keyof Emulator, ${union(members)}> = true;`,
    ].join('\n'));
    const compilerOptions = { strict: true, noEmit: true, module: 'nodenext', target: 'es2022', lib: ['es2022', 'dom'], types: ['node'], typeRoots: [fileURLToPath(new URL('../node_modules/@types', import.meta.url))] };
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['check.ts'] }));
    execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    assert.fail(`emulator/index.d.ts differs from emulator/index.js:\n${error.stdout ?? error.message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
