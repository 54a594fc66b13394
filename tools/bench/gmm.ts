/**
 * Benchmark: EM for a Gaussian mixture, discern against scikit-learn, on the same work.
 *
 * 8 full-covariance components, exactly 100 EM iterations (tol 0: |Δ log-likelihood| < 0 never holds, in both), all
 * 19,020 standardised MAGIC rows (10 features), the same initial means (8 rows drawn with seed 0) for both. Times only
 * the fit; median of 3 runs each; prints the ratio ours / sklearn (goal ≤ 1).
 *
 *   npx tsx tools/bench/gmm.ts
 *
 * Python is /usr/bin/python3 (or $DISCERN_PYTHON); without scikit-learn the comparison is skipped.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DATA = join(ROOT, '..', 'shared', 'data', 'magic04.csv');
const K = 8, P = 10, ITER = 100, RUNS = 3;

export interface GmmBenchResult {
  readonly rows: number;
  readonly features: number;
  readonly components: number;
  readonly iterations: number;
  /** Fit times of our runs, seconds. */
  readonly oursSeconds: number[];
  readonly oursMedian: number;
  /** Final lower bound (mean log-likelihood before the last M-step), ours. */
  readonly oursLowerBound: number;
  readonly sklearnSeconds?: number[];
  readonly sklearnMedian?: number;
  readonly sklearnLowerBound?: number;
  /** ours / sklearn, medians. */
  readonly ratio?: number;
  readonly sklearnSkipped?: string;
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)]!;
}

function loadStandardised(): { rows: number; cols: number; data: Float64Array } {
  const lines = readFileSync(DATA, 'utf8').split(/\r?\n/).slice(1).filter((l) => l.length > 0);
  const n = lines.length;
  const data = new Float64Array(n * P);
  lines.forEach((l, i) => {
    const cells = l.split(',');
    for (let j = 0; j < P; j++) data[i * P + j] = Number(cells[j]);
  });
  for (let j = 0; j < P; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += data[i * P + j]!;
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (data[i * P + j]! - m) ** 2;
    const sd = Math.sqrt(v / n);
    for (let i = 0; i < n; i++) data[i * P + j] = (data[i * P + j]! - m) / sd;
  }
  return { rows: n, cols: P, data };
}

const PY = `
import json, sys, time
import numpy as np
from sklearn.mixture import GaussianMixture
cfg = json.load(open(sys.argv[1]))
X = np.loadtxt(cfg['data'], delimiter=',', skiprows=1, usecols=range(${P}))
X = (X - X.mean(0)) / X.std(0)
means = np.array(cfg['means'])
times, lb = [], None
for r in range(${RUNS}):
    g = GaussianMixture(n_components=${K}, covariance_type='full', max_iter=${ITER}, tol=0, n_init=1, means_init=means, random_state=0)
    t = time.perf_counter(); g.fit(X); times.append(time.perf_counter() - t)
    assert g.n_iter_ == ${ITER}
    lb = float(g.lower_bound_)
print(json.dumps({'times': times, 'lowerBound': lb}))
`;

function runSklearn(means: number[][]): { times: number[]; lowerBound: number } | string {
  const python = process.env.DISCERN_PYTHON ?? '/usr/bin/python3';
  if (!existsSync(python)) return `${python} not found`;
  const probe = spawnSync(python, ['-c', 'import sklearn'], { encoding: 'utf8' });
  if (probe.status !== 0) return `${python} has no scikit-learn`;
  const dir = mkdtempSync(join(tmpdir(), 'discern-bench-'));
  try {
    const cfg = join(dir, 'cfg.json');
    const script = join(dir, 'bench.py');
    writeFileSync(cfg, JSON.stringify({ data: DATA, means }));
    writeFileSync(script, PY);
    const res = spawnSync(python, ['-W', 'ignore', script, cfg], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (res.status !== 0) return `scikit-learn run failed: ${res.stderr.trim().split('\n').pop()}`;
    return JSON.parse(res.stdout.trim().split('\n').pop()!) as { times: number[]; lowerBound: number };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchGmm(options: { sklearn?: boolean } = {}): Promise<GmmBenchResult> {
  const { GaussianMixture } = await import('../../packages/models/src/mixture/index.js');
  const { createRng } = await import('@discern/linalg');
  const X = loadStandardised();
  const idx = createRng(0).choice(X.rows, K);
  const means = Array.from(idx, (i) => Array.from(X.data.subarray(i * P, i * P + P)));
  const oursSeconds: number[] = [];
  let lowerBound = Number.NaN;
  for (let r = 0; r < RUNS; r++) {
    const g = new GaussianMixture({ nComponents: K, covarianceType: 'full', init: { means }, tol: 0, maxIter: ITER });
    const t0 = performance.now();
    g.fit(X);
    oursSeconds.push((performance.now() - t0) / 1000);
    if (g.fitReport!.iterations !== ITER) throw new Error(`expected ${ITER} iterations, got ${g.fitReport!.iterations}`);
    lowerBound = g.fitReport!.details!.lowerBound as number;
  }
  const base = { rows: X.rows, features: P, components: K, iterations: ITER, oursSeconds, oursMedian: median(oursSeconds), oursLowerBound: lowerBound };
  if (options.sklearn === false) return { ...base, sklearnSkipped: 'disabled' };
  const sk = runSklearn(means);
  if (typeof sk === 'string') return { ...base, sklearnSkipped: sk };
  const sklearnMedian = median(sk.times);
  return { ...base, sklearnSeconds: sk.times, sklearnMedian, sklearnLowerBound: sk.lowerBound, ratio: base.oursMedian / sklearnMedian };
}

async function main(): Promise<void> {
  const r = await benchGmm();
  const f = (s: number[]) => s.map((v) => v.toFixed(3)).join(', ');
  console.log(`GMM EM: ${r.rows} rows × ${r.features} features, ${r.components} full components, ${r.iterations} iterations`);
  console.log(`  discern : median ${r.oursMedian.toFixed(3)} s  [${f(r.oursSeconds)}]  lower bound ${r.oursLowerBound}`);
  if (r.sklearnMedian !== undefined) {
    console.log(`  sklearn : median ${r.sklearnMedian.toFixed(3)} s  [${f(r.sklearnSeconds!)}]  lower bound ${r.sklearnLowerBound}`);
    console.log(`  ratio discern / sklearn = ${r.ratio!.toFixed(3)} ${r.ratio! <= 1 ? '(ok, ≤ 1)' : '(SLOWER than sklearn)'}`);
  } else console.log(`  sklearn : skipped (${r.sklearnSkipped})`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  if (!process.env.TSX_TSCONFIG_PATH) {
    // workspace packages must resolve to their sources (tsconfig paths), not to possibly stale dist builds
    const res = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.dev.json') },
    });
    process.exit(res.status ?? 1);
  }
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
