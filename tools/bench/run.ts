/**
 * `npm run bench`: every benchmark in one run on one machine, discern and scikit-learn interleaved, then one table:
 * task, medians (wall and CPU) of both, the ratio ours / scikit-learn against its target, pass or fail.
 *
 *   npm run bench                        all of them
 *   npm run bench -- gmm mlp             some of them (gmm, mlp, logistic, bdt, onnx, io)
 *   npm run bench -- --runs 5 --json out.json --no-one-thread
 *
 * The ratio that passes or fails is that of the wall-clock medians against scikit-learn at its faster setting in this
 * run: as it runs by default (its BLAS/OpenMP thread pools as the environment sets them) or limited to one thread,
 * whichever was faster; the CPU-time ratio is printed beside it. A second table gives the arithmetic rate of
 * discern's hot passes (GFLOP/s) against the machine's f64x2 peak measured at the start of the run (1 and 2 cores),
 * a third the scaling checks (10× the rows, 2 threads against 1). The ONNX scoring benchmark (tools/bench/onnx.ts)
 * prints its own table after them.
 *
 * The libraries are imported from their sources (tsx with tools/tsconfig.json maps @discern/* there), never from a
 * possibly stale dist build, so plain `tsx tools/bench/run.ts` needs no build and no tsconfig flag.
 */
import { writeFileSync } from 'node:fs';
import { measureVectorPeakOn, relaxedSimdAvailable, simdEnabled } from '@discern/linalg';
import { type BenchOptions, type BenchResult, type SklearnInfo, PythonSession, cpuMedian, isMain, machine, wallMedian } from './common.js';


const fmt = (s: number): string => (s >= 10 ? s.toFixed(2) : s.toFixed(3));

/** scikit-learn's faster wall-clock median in this run: default threads or one thread. */
function sklearnBest(r: BenchResult): { wall: number; cpu: number; which: string } | undefined {
  if (!r.sklearn?.length) return undefined;
  const d = { wall: wallMedian(r.sklearn), cpu: cpuMedian(r.sklearn), which: 'default' };
  if (!r.sklearnOneThread?.length) return d;
  const o = { wall: wallMedian(r.sklearnOneThread), cpu: cpuMedian(r.sklearnOneThread), which: '1 thread' };
  return o.wall < d.wall ? o : d;
}

/** Whether a result meets its target ratio against scikit-learn's faster setting (true when scikit-learn was not measured). */
export function meetsTarget(r: BenchResult): boolean {
  const b = sklearnBest(r);
  return !b || wallMedian(r.ours) / b.wall <= r.target;
}

function printTable(rows: string[][], log: (s: string) => void): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  rows.forEach((row, i) => {
    log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
    if (i === 0) log(widths.map((w) => '─'.repeat(w)).join('  '));
  });
}

/** The machine's f64x2 peak (GFLOP/s) on 1 and 2 cores, measured at the start of the run. */
export interface Peak {
  readonly one: number;
  readonly two: number;
}

/** Prints the results as tables (times and ratios; GFLOP/s against the peak; scaling checks) and the notes of each. */
export function printResults(results: readonly BenchResult[], log: (s: string) => void = console.log, peak?: Peak): void {
  const rows: string[][] = [['task', 'discern wall', 'cpu', 'sklearn wall', 'cpu', 'sklearn 1-thr wall', 'ratio wall', 'ratio cpu', 'target', 'result']];
  for (const r of results) {
    const ow = wallMedian(r.ours), oc = cpuMedian(r.ours);
    const b = sklearnBest(r);
    if (!r.sklearn?.length || !b) {
      rows.push([r.task, `${fmt(ow)} s`, `${fmt(oc)} s`, '-', '-', '-', '-', '-', `≤ ${r.target.toFixed(1)}`, `skipped (${r.skipped ?? 'no scikit-learn'})`]);
      continue;
    }
    const sw = wallMedian(r.sklearn), sc = cpuMedian(r.sklearn);
    const s1 = r.sklearnOneThread?.length ? `${fmt(wallMedian(r.sklearnOneThread))} s` : '-';
    const ratio = ow / b.wall;
    rows.push([r.task, `${fmt(ow)} s`, `${fmt(oc)} s`, `${fmt(sw)} s`, `${fmt(sc)} s`, s1, `${ratio.toFixed(2)} (vs ${b.which})`, (oc / b.cpu).toFixed(2), `≤ ${r.target.toFixed(1)}`, ratio <= r.target ? 'PASS' : 'FAIL']);
  }
  printTable(rows, log);
  const rated = results.flatMap((r) => r.rates ?? []);
  if (rated.length) {
    log('');
    const head = ['pass', 'threads', 'GFLOP', 'time', 'GFLOP/s', peak ? `peak (f64x2 mul+add, ${peak.one.toFixed(1)} / ${peak.two.toFixed(1)} GFLOP/s on 1 / 2 cores)` : 'peak', 'of 2-core peak'];
    const t: string[][] = [head];
    for (const x of rated) {
      const g = x.gflop / x.seconds;
      const pk = peak ? (x.threads >= 2 ? peak.two : peak.one) : undefined;
      t.push([x.what, String(x.threads), x.gflop.toFixed(4), `${(x.seconds * 1e3).toFixed(2)} ms`, g.toFixed(2), pk ? `${((100 * g) / pk).toFixed(0)} % of ${x.threads >= 2 ? 2 : 1}-core` : '-', peak ? `${((100 * g) / peak.two).toFixed(0)} %` : '-']);
    }
    printTable(t, log);
  }
  const checks = results.flatMap((r) => r.checks ?? []);
  if (checks.length) {
    log('');
    printTable([['check', 'measured', 'target', 'result'], ...checks.map((c) => [c.what, c.value.toFixed(2), c.target, c.pass ? 'PASS' : 'FAIL'])], log);
  }
  for (const r of results) {
    log(`\n${r.task}: ${r.work}; ${r.ours.length} runs each, medians`);
    for (const n of r.notes) log(`  ${n}`);
  }
}

interface BenchModule {
  name: string;
  runs: number;
  load: () => Promise<(o: BenchOptions) => Promise<BenchResult>>;
}

const BENCHES: BenchModule[] = [
  { name: 'gmm', runs: 5, load: async () => (await import('./gmm.js')).benchGmm },
  { name: 'mlp', runs: 7, load: async () => (await import('./mlp.js')).benchMlp },
  { name: 'logistic', runs: 21, load: async () => (await import('./logistic.js')).benchLogistic },
  { name: 'bdt', runs: 9, load: async () => (await import('./bdt.js')).benchBdt },
];

async function sklearnInfo(): Promise<SklearnInfo | string> {
  const s = PythonSession.start('');
  if (typeof s === 'string') return s;
  try {
    return await s.call<SklearnInfo>({ op: 'info' });
  } finally {
    s.close();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let runs: number | undefined;
  let json: string | undefined;
  let oneThread = true;
  const only: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--runs') runs = Number(args[++i]);
    else if (a === '--json') json = args[++i];
    else if (a === '--no-one-thread') oneThread = false;
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}; options: --runs N, --json FILE, --no-one-thread, and benchmark names (gmm, mlp, logistic, bdt, onnx, io)`);
    else only.push(a);
  }
  const m0 = machine();
  const info = await sklearnInfo();
  const one = await measureVectorPeakOn(1), two = await measureVectorPeakOn(2);
  const peak = one !== undefined && two !== undefined ? { one, two } : undefined;
  console.log(`machine: ${m0.cpu}, ${m0.cores} cores; Node ${m0.node}; load average ${m0.load.join(', ')} (1, 5, 15 min) at start`);
  if (typeof info === 'string') console.log(`scikit-learn: not measured (${info})`);
  else {
    const pools = info.pools.map((p) => `${p.internal_api}${p.version ? ' ' + p.version : ''} × ${p.num_threads} threads`).join(', ');
    const env = Object.entries(info.env).map(([k, v]) => `${k}=${v ?? 'unset'}`).join(' ');
    console.log(`scikit-learn ${info.sklearn} (numpy ${info.numpy}, scipy ${info.scipy}, Python ${info.python}); thread pools: ${pools}; ${env}`);
  }
  console.log(
    `discern kernels: ${simdEnabled() ? 'WebAssembly SIMD (f64x2)' : 'JavaScript (SIMD off: DISCERN_SIMD=0)'}; relaxed-SIMD fused multiply-add ${relaxedSimdAvailable() ? 'validates here' : 'not available in this runtime'} (unused: it would change the rounding)` +
      (peak ? `; f64x2 mul+add peak ${peak.one.toFixed(2)} GFLOP/s on 1 core, ${peak.two.toFixed(2)} on 2` : ''),
  );
  const results: BenchResult[] = [];
  for (const b of BENCHES) {
    if (only.length && !only.includes(b.name)) continue;
    console.log(`\n${b.name}:`);
    try {
      const bench = await b.load();
      results.push(await bench({ runs: runs ?? b.runs, oneThread, log: console.log }));
    } catch (e) {
      console.log(`  failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const m1 = machine();
  console.log(`\nload average ${m1.load.join(', ')} at the end\n`);
  printResults(results, console.log, peak);
  // Scoring throughput has no scikit-learn counterpart: its own table (rows/s per runtime, device and batch).
  if (only.length === 0 || only.includes('onnx')) {
    console.log('\nonnx scoring:');
    await (await import('./onnx.js')).runOnnxBench();
  }
  // Ingestion (reading, scoring and writing 2,000,000 rows, against pandas): its own table.
  if (only.length === 0 || only.includes('io')) {
    console.log('\ningestion:');
    await (await import('./io.js')).runIoBench(runs !== undefined ? { runs } : {});
  }
  if (json) writeFileSync(json, JSON.stringify({ machine: { ...m0, loadEnd: m1.load }, sklearn: info, peak, results }, null, 2) + '\n');
  if (results.some((r) => !meetsTarget(r) || r.checks?.some((c) => !c.pass))) process.exitCode = 1;
}

if (isMain(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
