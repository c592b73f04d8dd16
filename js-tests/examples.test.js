// The README's runtime snippets are the files in examples/, quoted verbatim; the runtime tests run
// them, and the TypeScript ones also type-check here.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const examples = new URL('../examples/', import.meta.url);
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

for (const file of readdirSync(examples).filter((f) => /\.(js|mjs|cjs|ts)$/.test(f))) {
  test(`README quotes examples/${file} verbatim`, () => {
    assert.ok(readme.includes(readFileSync(new URL(file, examples), 'utf8')), `README is out of date for ${file}`);
  });
}

for (const project of ['tsconfig.node.json', 'tsconfig.edge.json']) {
  test(`examples type-check under tsc --strict (${project})`, () => {
    const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
    execFileSync(process.execPath, [tsc, '-p', fileURLToPath(new URL(project, examples))], { stdio: 'pipe' });
  });
}
