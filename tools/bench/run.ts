/**
 * `npm run bench`: every benchmark in one run on one machine, discern and scikit-learn interleaved, then one table:
 * task, medians (wall and CPU) of both, the ratio ours / scikit-learn against its target, pass or fail.
 *
 *   npm run bench                        all of them
 *   npm run bench -- gmm mlp             some of them (gmm, mlp, logistic, onnx)
 *   npm run bench -- --runs 5 --json out.json --no-one-thread
 *
 * The ratio that passes or fails is that of the wall-clock medians against scikit-learn as it runs by default (its
 * BLAS/OpenMP thread pools as the environment sets them); CPU-time ratios and scikit-learn limited to one thread are
 * printed beside it. The ONNX scoring benchmark (tools/bench/onnx.ts) prints its own table after them.
 *
 * The libraries are imported from their sources (tsx with tools/tsconfig.json maps @discern/* there), never from a
 * possibly stale dist build, so plain `tsx tools/bench/run.ts` needs no build and no tsconfig flag.
 */
import { writeFileSync } from 'node:fs';
import { type BenchOptions, type BenchResult, type SklearnInfo, PythonSession, cpuMedian, isMain, machine, wallMedian } from './common.js';


const fmt = (s: number): string => (s >= 10 ? s.toFixed(2) : s.toFixed(3));

/** Prints the results as a table (and the notes of each). */
export function printResults(results: readonly BenchResult[], log: (s: string) => void = console.log): void {
  const rows: string[][] = [['task', 'discern wall', 'cpu', 'sklearn wall', 'cpu', 'sklearn 1-thr wall', 'ratio wall', 'ratio cpu', 'target', 'result']];
  for (const r of results) {
    const ow = wallMedian(r.ours), oc = cpuMedian(r.ours);
    if (!r.sklearn?.length) {
      rows.push([r.task, `${fmt(ow)} s`, `${fmt(oc)} s`, '-', '-', '-', '-', '-', `≤ ${r.target.toFixed(1)}`, `skipped (${r.skipped ?? 'no scikit-learn'})`]);
      continue;
    }
    const sw = wallMedian(r.sklearn), sc = cpuMedian(r.sklearn);
    const s1 = r.sklearnOneThread?.length ? `${fmt(wallMedian(r.sklearnOneThread))} s` : '-';
    const ratio = ow / sw;
    rows.push([r.task, `${fmt(ow)} s`, `${fmt(oc)} s`, `${fmt(sw)} s`, `${fmt(sc)} s`, s1, ratio.toFixed(2), (oc / sc).toFixed(2), `≤ ${r.target.toFixed(1)}`, ratio <= r.target ? 'PASS' : 'FAIL']);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  rows.forEach((row, i) => {
    log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
    if (i === 0) log(widths.map((w) => '─'.repeat(w)).join('  '));
  });
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
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}; options: --runs N, --json FILE, --no-one-thread, and benchmark names (gmm, mlp, logistic, onnx)`);
    else only.push(a);
  }
  const m0 = machine();
  const info = await sklearnInfo();
  console.log(`machine: ${m0.cpu}, ${m0.cores} cores; Node ${m0.node}; load average ${m0.load.join(', ')} (1, 5, 15 min) at start`);
  if (typeof info === 'string') console.log(`scikit-learn: not measured (${info})`);
  else {
    const pools = info.pools.map((p) => `${p.internal_api}${p.version ? ' ' + p.version : ''} × ${p.num_threads} threads`).join(', ');
    const env = Object.entries(info.env).map(([k, v]) => `${k}=${v ?? 'unset'}`).join(' ');
    console.log(`scikit-learn ${info.sklearn} (numpy ${info.numpy}, scipy ${info.scipy}, Python ${info.python}); thread pools: ${pools}; ${env}`);
  }
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
  printResults(results);
  // Scoring throughput has no scikit-learn counterpart: its own table (rows/s per runtime, device and batch).
  if (only.length === 0 || only.includes('onnx')) {
    console.log('\nonnx scoring:');
    await (await import('./onnx.js')).runOnnxBench();
  }
  if (json) writeFileSync(json, JSON.stringify({ machine: { ...m0, loadEnd: m1.load }, sklearn: info, results }, null, 2) + '\n');
  if (results.some((r) => r.sklearn?.length && wallMedian(r.ours) / wallMedian(r.sklearn) > r.target)) process.exitCode = 1;
}

if (isMain(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
