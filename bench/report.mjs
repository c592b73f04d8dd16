// Turns bench/results.json into the printed table and CONTRIBUTING.md's benchmark block, and checks the
// issue's budgets against it, so no figure there is typed by hand.

/** The budgets of issue 11: floors and ceilings to hold, each met or not in one run. */
export const TARGETS = Object.freeze({
  wasmRawBytes: 192 * 1024,
  wasmGzipBytes: 80 * 1024,
  speedup: 3,
  coldStartSpeedup: 3,
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
  const rows = [
    [`.wasm ≤ ${kb(TARGETS.wasmRawBytes)} raw`, kb(results.wasm.raw), results.wasm.raw <= TARGETS.wasmRawBytes],
    [`.wasm ≤ ${kb(TARGETS.wasmGzipBytes)} gzip`, kb(results.wasm.gzip), results.wasm.gzip <= TARGETS.wasmGzipBytes],
  ];
  for (const run of results.runtimes) {
    const node = `Node ${run.node}`;
    rows.push(
      [`${node}: sendMessage ≥ ${TARGETS.speedup}× faster than the reference`, times(run.cpuPerMessageUs.ratio), run.cpuPerMessageUs.ratio >= TARGETS.speedup],
      [`${node}: cold start ≥ ${TARGETS.coldStartSpeedup}× sooner than the reference`, times(run.coldStartMs.ratio), run.coldStartMs.ratio >= TARGETS.coldStartSpeedup],
    );
  }
  rows.push([
    `wasm memory flat across ${count(results.memory.sends)} sends`,
    `${kb(results.memory.wasmBytesBefore)} → ${kb(results.memory.wasmBytesAfter)}`,
    results.memory.wasmBytesAfter === results.memory.wasmBytesBefore,
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
    const cpu = run.cpuPerMessageUs;
    rows.push(
      [`Node ${run.node}: cold start, import → first send answered by a real \`Response\` (${run.coldStartMs.runs} fresh processes)`, ms(run.coldStartMs.ours), `${ms(run.coldStartMs.reference)} (${times(run.coldStartMs.ratio)} ours)`],
      [`Node ${run.node}: CPU per \`sendMessage\`, fetch answering a real \`Response\` (${count(cpu.messages)} messages)`, us(cpu.ours), `${us(cpu.reference)} (${times(cpu.ratio)} ours)`],
      [`Node ${run.node}: the floor: the same fetch given a prebuilt request, reply read`, `${us(cpu.floor)}; \`sendMessage\` is ${us(cpu.ours - cpu.floor)} above it`, ''],
    );
  }
  rows.push(
    ['The native Rust core, same message (no JS, no fetch): full / config kept', `${us(native.fullUs)} / ${us(native.cachedConfigUs)}`, ''],
    [`wasm linear memory before / after ${count(memory.sends)} sends (Node ${memory.node})`, `${kb(memory.wasmBytesBefore)} / ${kb(memory.wasmBytesAfter)}`, ''],
    ['workerd CPU per request', "not measured: a Worker's clocks are frozen during a request", ''],
  );
  return rows;
}

/** The scaling table: time against input size, with the growth from the previous size. */
export function scalingRows(results) {
  const rows = [];
  let previous;
  for (const row of results.scaling.rows) {
    const growth = previous?.input === row.input ? `×${(row.ms / Math.max(previous.ms, 0.01)).toFixed(2)} for ×${(row.size / previous.size).toFixed(2)} input` : '';
    rows.push([row.input, count(row.size), ms(row.ms), growth]);
    previous = row;
  }
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
    '',
    `| Input (Node ${results.scaling.node}) | Size | Time, median of 7 | Growth |`,
    '| --- | --- | --- | --- |',
    ...scalingRows(results).map((cells) => `| ${cells.join(' | ')} |`),
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
  const rows = [
    ...tableRows(results).map((r) => r.map((c) => c.replaceAll('`', ''))),
    ...budgets(results).map((b) => [b.target, b.measured, b.met ? 'met' : 'NOT MET']),
    ...scalingRows(results).map(([input, size, time, growth]) => [`${input} ${size}`, time, growth]),
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const line = ([a, b, c]) => `${a.padEnd(w0)} | ${b.padEnd(w1)} | ${c}`;
  return [line(['measure', 'this package', `@logto/connector-aliyun-dm ${results.referenceVersion}`]), `${'-'.repeat(w0)}-|-${'-'.repeat(w1)}-|-${'-'.repeat(34)}`, ...rows.map(line)].join('\n');
}
