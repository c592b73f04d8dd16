// Turns bench/results.json into the printed table and the README's benchmark block, and checks the
// issue's budgets against it, so no figure in the README is typed by hand.

/** The budgets from the benchmarks issue. */
export const TARGETS = Object.freeze({
  wasmRawBytes: 80 * 1024,
  wasmGzipBytes: 36 * 1024,
  glueGzipBytes: 6 * 1024,
  speedup: 10,
  overNativeCached: 3,
  coldStartMs: 5,
  coldStartSpeedup: 5,
  memoryBytes: 2 * 1024 * 1024,
});

export const README_START = '<!-- bench:start (written by `npm run bench` from bench/results.json) -->';
export const README_END = '<!-- bench:end -->';

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const us = (x) => `${x.toFixed(1)} µs`;
const ms = (x) => `${x.toFixed(1)} ms`;
const times = (x) => `${x.toFixed(1)}×`;
const count = (n) => n.toLocaleString('en-US');

/** Each budget with its measured value and whether it is met, per Node version where it varies. */
export function budgets(results) {
  const glueWorst = Math.max(...Object.values(results.glue).map((g) => g.gzip));
  const rows = [
    [`.wasm ≤ ${kb(TARGETS.wasmRawBytes)} raw`, kb(results.wasm.raw), results.wasm.raw <= TARGETS.wasmRawBytes],
    [`.wasm ≤ ${kb(TARGETS.wasmGzipBytes)} gzip`, kb(results.wasm.gzip), results.wasm.gzip <= TARGETS.wasmGzipBytes],
    [`JS glue ≤ ${kb(TARGETS.glueGzipBytes)} gzip for every entry`, `largest ${kb(glueWorst)}`, glueWorst <= TARGETS.glueGzipBytes],
  ];
  for (const run of results.runtimes) {
    const node = `Node ${run.node}`;
    rows.push(
      [`${node}: sendMessage ≥ ${TARGETS.speedup}× faster than the reference`, times(run.cpuPerMessageUs.ratio), run.cpuPerMessageUs.ratio >= TARGETS.speedup],
      [`${node}: sendMessage within ${TARGETS.overNativeCached}× of the native core`, times(run.oursOverNativeCached), run.oursOverNativeCached <= TARGETS.overNativeCached],
      [`${node}: cold start ≤ ${TARGETS.coldStartMs} ms`, ms(run.coldStartMs.ours), run.coldStartMs.ours <= TARGETS.coldStartMs],
      [`${node}: cold start ≥ ${TARGETS.coldStartSpeedup}× faster than the reference`, times(run.coldStartMs.ratio), run.coldStartMs.ratio >= TARGETS.coldStartSpeedup],
    );
  }
  const memoryPeak = Math.max(results.memory.wasmBytesBefore, results.memory.wasmBytesAfter);
  rows.push([
    `wasm memory flat and ≤ ${kb(TARGETS.memoryBytes)} after ${count(results.memory.sends)} sends`,
    `${kb(results.memory.wasmBytesBefore)} → ${kb(results.memory.wasmBytesAfter)}`,
    results.memory.wasmBytesAfter === results.memory.wasmBytesBefore && memoryPeak <= TARGETS.memoryBytes,
  ]);
  return rows.map(([target, measured, met]) => ({ target, measured, met }));
}

/** The measurement rows: [measure, this package, the reference]. */
export function tableRows(results) {
  const { wasm, glue, reference, tarball, native, memory } = results;
  const glueCells = Object.entries(glue).map(([name, g]) => `${name.split(' ')[0]} ${kb(g.minified)} / ${kb(g.gzip)}`);
  const rows = [
    ['Code size, raw / gzip -9 / brotli', `\`.wasm\` ${kb(wasm.raw)} / ${kb(wasm.gzip)} / ${kb(wasm.brotli)}`, `JS with its dependencies, minified: ${kb(reference.bundle.minified)} / ${kb(reference.bundle.gzip)} / ${kb(reference.bundle.brotli)}`],
    ['JS glue per entry, minified / gzip', glueCells.join('; '), ''],
    ['Tarball, packed / unpacked', `${kb(tarball.packed)} / ${kb(tarball.unpacked)}`, ''],
  ];
  for (const run of results.runtimes) {
    rows.push(
      [`Node ${run.node}: cold start, import → first signed request (${run.coldStartMs.runs} fresh processes)`, ms(run.coldStartMs.ours), `${ms(run.coldStartMs.reference)} (${times(run.coldStartMs.ratio)} ours)`],
      [`Node ${run.node}: of which Node's own floor: importing an empty module, then the first \`crypto.getRandomValues\``, ms(run.coldStartMs.nodeFloor), ''],
      [`Node ${run.node}: CPU per \`sendMessage\`, network stubbed (${count(run.cpuPerMessageUs.messages)} messages)`, us(run.cpuPerMessageUs.ours), `${us(run.cpuPerMessageUs.reference)} (${times(run.cpuPerMessageUs.ratio)} ours)`],
      [`Node ${run.node}: \`sendMessage\` over the native core with the config cached`, times(run.oursOverNativeCached), ''],
    );
  }
  rows.push(
    ['The native Rust core, same message: full / config cached', `${us(native.fullUs)} / ${us(native.cachedConfigUs)}`, ''],
    [`wasm linear memory before / after ${count(memory.sends)} sends (Node ${memory.node})`, `${kb(memory.wasmBytesBefore)} / ${kb(memory.wasmBytesAfter)}`, ''],
    ['workerd CPU per request', 'not measured: a Worker\'s clocks are frozen during a request', ''],
  );
  return rows;
}

/** The README's benchmark block: the table and the budgets, between the markers. */
export function readmeBlock(results) {
  const table = tableRows(results).map((cells) => `| ${cells.join(' | ')} |`);
  const budgetLines = budgets(results).map((b) => `| ${b.target} | ${b.measured} | ${b.met ? 'met' : '**not met**'} |`);
  return [
    README_START,
    `| Measure | This package | \`@logto/connector-aliyun-dm\` ${results.referenceVersion} |`,
    '| --- | --- | --- |',
    ...table,
    '',
    '| Budget | Measured | |',
    '| --- | --- | --- |',
    ...budgetLines,
    README_END,
  ].join('\n');
}

/** `readme` with its benchmark block replaced by the one for `results`. */
export function withReadmeBlock(readme, results) {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) throw new Error('README.md lacks the bench:start / bench:end markers');
  return readme.slice(0, start) + readmeBlock(results) + readme.slice(end + README_END.length);
}

/** The plain-text table `npm run bench` prints. */
export function printable(results) {
  const rows = [...tableRows(results).map((r) => r.map((c) => c.replaceAll('`', ''))), ...budgets(results).map((b) => [b.target, b.measured, b.met ? 'met' : 'NOT MET'])];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const line = ([a, b, c]) => `${a.padEnd(w0)} | ${b.padEnd(w1)} | ${c}`;
  return [line(['measure', 'this package', `@logto/connector-aliyun-dm ${results.referenceVersion}`]), `${'-'.repeat(w0)}-|-${'-'.repeat(w1)}-|-${'-'.repeat(34)}`, ...rows.map(line)].join('\n');
}
