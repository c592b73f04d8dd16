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

test('the README documents every config field the core reads, in English and in Chinese (vectors/types/fields.json)', () => {
  const { types } = JSON.parse(readFileSync(new URL('../vectors/types/fields.json', import.meta.url), 'utf8'));
  const { required, optional } = types.find((t) => t.ts === 'AliyunDmConfig');
  const zhStart = readme.indexOf('\n# 阿里云邮件连接器');
  assert.ok(zhStart > 0, 'the README has its Chinese part');
  // A table row's first cell names the keys it documents.
  const documented = (text) => new Set([...text.matchAll(/^\| ([^|]+)\|/gm)].flatMap((m) => [...m[1].matchAll(/`(\w+)`/g)].map((k) => k[1])));
  for (const [language, text] of [['English', readme.slice(0, zhStart)], ['Chinese', readme.slice(zhStart)]]) {
    const keys = documented(text);
    const missing = [...required, ...optional].filter((key) => !keys.has(key));
    assert.deepEqual(missing, [], `the ${language} configuration table lacks ${missing.join(', ')}`);
  }
});
