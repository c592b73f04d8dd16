// The TypeScript declarations: no `any`, and they compile against real usage with tsc --strict.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const lib = new URL('../js/', import.meta.url);

test('the declarations contain no any', () => {
  for (const file of readdirSync(lib).filter((f) => f.endsWith('.d.ts'))) {
    // Comments may say "any"; the type may not.
    const code = readFileSync(new URL(file, lib), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    assert.doesNotMatch(code, /\bany\b/, `${file} uses any`);
  }
});

test('tsc --strict accepts the usage sample (and its @ts-expect-error lines fail as they should)', () => {
  const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
  const project = fileURLToPath(new URL('types/tsconfig.json', import.meta.url));
  execFileSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8', stdio: 'pipe' });
});

for (const resolution of ['node16', 'nodenext', 'bundler']) {
  test(`the README's imports compile under moduleResolution ${resolution}${resolution === 'bundler' ? '' : ', from ESM and CJS'}`, () => {
    const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
    const project = fileURLToPath(new URL(`types/resolution/tsconfig.${resolution}.json`, import.meta.url));
    try {
      execFileSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      assert.fail(`tsc (${resolution}):\n${error.stdout}${error.stderr}`);
    }
  });
}
