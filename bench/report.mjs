// Turns bench/results.json into the printed table and CONTRIBUTING.md's benchmark block, and checks the
// budgets against it, so no figure there is typed by hand.

/** The budgets of issue 19: floors and ceilings to hold, each met or not in one run. */
export const TARGETS = Object.freeze({
  exampleSpeedup: 3.5,
  floorMultiple: 2,
  coldStartSpeedup: 2.5,
  template10kSpeedup: 2,
  template100kSpeedup: 1,
  /** Per-send work does not grow with templates the send does not use: within this factor. */
  largeConfigRatio: 1.25,
  wasmMemoryBytes: 8 * 1024 * 1024,
  workerdStartupOverEmptyMs: 10,
  workerdFirstSendOverStartupMs: 5,
  workerdSteadySendMs: 0.5,
  workerGzipBytes: 150 * 1024,
});

export const README_START = '<!-- bench:start (written by `npm run bench` from bench/results.json) -->';
export const README_END = '<!-- bench:end -->';

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
const us = (x) => `${x.toFixed(1)} µs`;
const ms = (x) => `${x.toFixed(1)} ms`;
const ms2 = (x) => `${x.toFixed(2)} ms`;
const times = (x) => `${x.toFixed(1)}×`;
const times2 = (x) => `${x.toFixed(2)}×`;
const count = (n) => n.toLocaleString('en-US');

/** What the package adds to a Worker, gzip: the .wasm and the workerd entry's JS. */
export const workerGzip = (results) => results.wasm.gzip + results.glue['workerd/client (js/client/workerd.js)'].gzip;

/** The workerd figures the budgets read, in ms (see bench/workerd.mjs for how each is taken). */
export function workerdFigures({ workerd }) {
  return {
    startupOverEmpty: workerd.loaded.firstRequestMs - workerd.empty.firstRequestMs,
    firstSendOverStartup: workerd.ours.firstRequestMs - workerd.loaded.firstRequestMs,
    steadySend: workerd.ours.steadyRequestMs - workerd.floor.steadyRequestMs,
  };
}

/** Each budget with its measured value and whether it is met, per Node version where it varies. */
export function budgets(results) {
  const rows = [];
  for (const run of results.runtimes) {
    const node = `Node ${run.node}`;
    const cpu = run.cpuPerMessageUs;
    const { template10k, template100k } = run.templates;
    rows.push(
      [`${node}: the example send ≥ ${TARGETS.exampleSpeedup}× faster than the reference`, times(cpu.ratio), cpu.ratio >= TARGETS.exampleSpeedup],
      [`${node}: the example send ≤ ${TARGETS.floorMultiple}× the floor`, times(cpu.ours / cpu.floor), cpu.ours <= TARGETS.floorMultiple * cpu.floor],
      [`${node}: cold start ≥ ${TARGETS.coldStartSpeedup}× sooner than the reference`, times(run.coldStartMs.ratio), run.coldStartMs.ratio >= TARGETS.coldStartSpeedup],
      [`${node}: a 10 KB template ≥ ${TARGETS.template10kSpeedup}× faster than the reference (event-loop time)`, times(template10k.ratio), template10k.ratio >= TARGETS.template10kSpeedup],
      [`${node}: a 100 KB template no slower than the reference (event-loop time)`, times(template100k.ratio), template100k.ratio >= TARGETS.template100kSpeedup],
      [`${node}: 800 KB of unused templates cost ≤ ${TARGETS.largeConfigRatio}× the example send`, times2(run.largeConfig.ratio), run.largeConfig.ratio <= TARGETS.largeConfigRatio],
    );
  }
  const { memory } = results;
  for (const [label, run] of [
    [`${count(memory.noTurns.sends)} client sends, a unique Message-ID each, no event-loop turn`, memory.noTurns],
    [`${count(memory.turns.sends)} client sends, a unique Message-ID each, a turn after each`, memory.turns],
    [`${count(memory.configs.sends)} connector sends, a distinct config each`, memory.configs],
  ]) {
    rows.push([`wasm memory ≤ ${mib(TARGETS.wasmMemoryBytes)} after ${label}`, mib(run.wasmBytesAfter), run.wasmBytesAfter <= TARGETS.wasmMemoryBytes]);
  }
  const w = workerdFigures(results);
  rows.push(
    [`workerd: the package's startup ≤ ${TARGETS.workerdStartupOverEmptyMs} ms over an empty Worker's`, ms(w.startupOverEmpty), w.startupOverEmpty <= TARGETS.workerdStartupOverEmptyMs],
    [`workerd: a fresh isolate's first send ≤ ${TARGETS.workerdFirstSendOverStartupMs} ms over its startup`, ms(w.firstSendOverStartup), w.firstSendOverStartup <= TARGETS.workerdFirstSendOverStartupMs],
    [`workerd: a steady send ≤ ${TARGETS.workerdSteadySendMs} ms over the floor's`, ms2(w.steadySend), w.steadySend <= TARGETS.workerdSteadySendMs],
    [`Everything the package adds to a Worker ≤ ${kb(TARGETS.workerGzipBytes)} gzip`, kb(workerGzip(results)), workerGzip(results) <= TARGETS.workerGzipBytes],
  );
  return rows.map(([target, measured, met]) => ({ target, measured, met }));
}

/** The measurement rows: [measure, this package, the reference]. */
export function tableRows(results) {
  const { wasm, glue, reference, tarball, native, memory, workerd } = results;
  const glueCells = Object.entries(glue).map(([name, g]) => `${name.split(' ')[0]} ${kb(g.minified)} / ${kb(g.gzip)}`);
  const rows = [
    ['Code size, raw / gzip -9 / brotli', `\`.wasm\` ${kb(wasm.raw)} / ${kb(wasm.gzip)} / ${kb(wasm.brotli)}`, `JS with its dependencies, minified: ${kb(reference.bundle.minified)} / ${kb(reference.bundle.gzip)} / ${kb(reference.bundle.brotli)}`],
    ['JS glue per entry, minified / gzip', glueCells.join('; '), ''],
    ['Tarball, packed / unpacked', `${kb(tarball.packed)} / ${kb(tarball.unpacked)}`, ''],
  ];
  for (const run of results.runtimes) {
    const cpu = run.cpuPerMessageUs;
    const cold = run.coldStartMs;
    rows.push(
      [`Node ${run.node}: cold start, import → first send answered by a real \`Response\` (${cold.runs} fresh processes): the connector / the mail client (no zod)`, `${ms(cold.ours)} / ${ms(cold.client)}`, `${ms(cold.reference)} (${times(cold.ratio)} the connector)`],
      [`Node ${run.node}: CPU per \`sendMessage\`, the example config, fetch answering a real \`Response\` (${count(cpu.messages)} messages)`, us(cpu.ours), `${us(cpu.reference)} (${times(cpu.ratio)} ours)`],
      [`Node ${run.node}: the floor: the same fetch given a prebuilt request, reply read`, `${us(cpu.floor)}; \`sendMessage\` is ${us(cpu.ours - cpu.floor)} above it`, ''],
    );
    for (const t of Object.values(run.templates)) {
      rows.push([`Node ${run.node}: event-loop time per send, a ${t.kb} KB HTML template with 100 payload keys (${count(t.messages)} messages)`, us(t.ours), `${us(t.reference)} (${times(t.ratio)} ours)`]);
    }
    rows.push([`Node ${run.node}: CPU per send with 8 more templates of 100 KB in the config, unused`, `${us(run.largeConfig.oursUs)} (${times2(run.largeConfig.ratio)} the example's)`, '']);
  }
  rows.push(['The native Rust core, same message (no JS, no fetch): full / config kept', `${us(native.fullUs)} / ${us(native.cachedConfigUs)}`, '']);
  for (const [label, run] of [
    ['client, a unique Message-ID per send, no event-loop turn', memory.noTurns],
    ['client, a unique Message-ID per send, a turn after each', memory.turns],
    ['connector, a distinct config per send', memory.configs],
  ]) {
    rows.push([`wasm memory before / after ${count(run.sends)} sends (Node ${memory.node}), ${label}`, `${kb(run.wasmBytesBefore)} / ${kb(run.wasmBytesAfter)}`, '']);
  }
  for (const [name, label] of [['empty', 'an empty Worker'], ['loaded', 'a Worker that imports the package'], ['floor', 'the floor: fetch of a prebuilt request'], ['ours', 'a Worker that sends with the package']]) {
    const w = workerd[name];
    rows.push([`workerd, ${label} (${w.runs} fresh isolates): spawn → listening / first request / steady request`, `${ms(w.startupMs)} / ${ms(w.firstRequestMs)} / ${ms2(w.steadyRequestMs)}`, '']);
  }
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
