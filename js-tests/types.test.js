// The TypeScript declarations: no `any`, and they compile against real usage with tsc --strict.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const lib = new URL('../lib/', import.meta.url);

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
