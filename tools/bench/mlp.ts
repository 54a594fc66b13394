/**
 * Benchmark of MLPClassifier against scikit-learn's MLPClassifier on MAGIC (19,020 rows, 10 features).
 *
 *   npx tsx tools/bench/mlp.ts
 *
 * Split: stratified 70/30 (seeded), features standardised with the training means and deviations.
 * Throughput: hidden (32, 16) relu, Adam, batch 200, 50 epochs with no early stop (tol = 0), median of 3 runs,
 * in training samples × epochs per second. Quality: test AUC of that fit, and of both libraries at their defaults
 * (max_iter 200, tol 1e-4, n_iter_no_change 10: trained to convergence).
 * When /usr/bin/python3 has scikit-learn, the same split is written to a temporary file and fitted there too.
 * Requirements (issue): our AUC ≥ sklearn's converged AUC − 0.005, and time ratio ours/sklearn ≤ 1.0.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

type MlpModule = typeof import('../../packages/models/src/mlp/index.js');

export interface MlpBenchResult {
  readonly trainRows: number;
  readonly testRows: number;
  readonly epochs: number;
  /** Median training throughput, samples × epochs per second. */
  readonly samplesPerSecond: number;
  readonly medianSeconds: number;
  /** Median CPU (user) seconds of the fit: steadier than wall time on a shared machine. */
  readonly medianCpuSeconds: number;
  readonly testAuc: number;
  /** Our fit at default convergence settings (max 200 epochs). */
  readonly convergedAuc: number;
  readonly convergedEpochs: number;
  readonly sklearn?: {
    readonly samplesPerSecond: number;
    readonly medianSeconds: number;
    readonly medianCpuSeconds: number;
    readonly testAuc: number;
    readonly convergedAuc: number;
    readonly convergedEpochs: number;
    /** ours / sklearn training time (wall clock) for the same epochs. */
    readonly timeRatio: number;
    /** ours / sklearn CPU time for the same epochs. */
    readonly cpuRatio: number;
  };
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EPOCHS = 50;
const RUNS = 3;

/** Loads the model sources with the workspace's path mapping, so no build of the packages is needed. */
async function loadMlp(): Promise<MlpModule> {
  return (await tsImport('../../packages/models/src/mlp/index.ts', { parentURL: import.meta.url, tsconfig: join(ROOT, 'tools/tsconfig.json') })) as MlpModule;
}

function readMagic(): { X: Float64Array; y: Int32Array; n: number; p: number } {
  const lines = readFileSync(join(ROOT, '../shared/data/magic04.csv'), 'utf8').trim().split(/\r?\n/).slice(1);
  const p = 10;
  const X = new Float64Array(lines.length * p);
  const y = new Int32Array(lines.length);
  lines.forEach((line, i) => {
    const cells = line.split(',');
    for (let j = 0; j < p; j++) X[i * p + j] = Number(cells[j]);
    y[i] = cells[p] === 'g' ? 1 : 0; // gamma = signal = class 1
  });
  return { X, y, n: lines.length, p };
}

/** mulberry32: a tiny seeded generator, enough for a reproducible split. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function stratifiedSplit(y: Int32Array, test: number, seed: number): { train: number[]; test: number[] } {
  const rand = mulberry32(seed);
  const tr: number[] = [];
  const te: number[] = [];
  for (const c of [0, 1]) {
    const rows: number[] = [];
    for (let i = 0; i < y.length; i++) if (y[i] === c) rows.push(i);
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    }
    const k = Math.round(test * rows.length);
    te.push(...rows.slice(0, k));
    tr.push(...rows.slice(k));
  }
  return { train: tr.sort((a, b) => a - b), test: te.sort((a, b) => a - b) };
}

/** Rank-based AUC (Mann–Whitney U with average ranks for ties). */
export function auc(score: ArrayLike<number>, y: ArrayLike<number>): number {
  const idx = Array.from({ length: score.length }, (_, i) => i).sort((a, b) => score[a]! - score[b]!);
  let rankSumPos = 0;
  let nPos = 0;
  for (let s = 0; s < idx.length; ) {
    let e = s;
    while (e + 1 < idx.length && score[idx[e + 1]!] === score[idx[s]!]) e++;
    const rank = (s + e) / 2 + 1;
    for (let t = s; t <= e; t++) if (y[idx[t]!] === 1) (rankSumPos += rank), nPos++;
    s = e + 1;
  }
  const nNeg = score.length - nPos;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)]!;
}

const PY = String.raw`
import json, sys, time
import numpy as np
from sklearn.neural_network import MLPClassifier
from sklearn.metrics import roc_auc_score
d = np.load(sys.argv[1])
Xtr, ytr, Xte, yte = d['Xtr'], d['ytr'], d['Xte'], d['yte']
epochs, runs = int(sys.argv[2]), int(sys.argv[3])
times, cpus, aucs = [], [], []
import warnings
warnings.filterwarnings('ignore')
for r in range(runs):
    m = MLPClassifier(hidden_layer_sizes=(32, 16), max_iter=epochs, tol=0, n_iter_no_change=1000, batch_size=200, random_state=r)
    t = time.perf_counter(); c = time.process_time(); m.fit(Xtr, ytr)
    times.append(time.perf_counter() - t); cpus.append(time.process_time() - c)
    aucs.append(roc_auc_score(yte, m.predict_proba(Xte)[:, 1]))
c = MLPClassifier(hidden_layer_sizes=(32, 16), batch_size=200, random_state=0).fit(Xtr, ytr)
print(json.dumps({'seconds': sorted(times)[len(times) // 2], 'cpuSeconds': sorted(cpus)[len(cpus) // 2], 'auc': float(np.median(aucs)),
                  'convergedAuc': roc_auc_score(yte, c.predict_proba(Xte)[:, 1]), 'convergedEpochs': c.n_iter_}))
`;

function runSklearn(Xtr: Float64Array, ytr: Int32Array, Xte: Float64Array, yte: Int32Array, p: number): { seconds: number; cpuSeconds: number; auc: number; convergedAuc: number; convergedEpochs: number } | undefined {
  const py = '/usr/bin/python3';
  const probe = spawnSync(py, ['-c', 'import sklearn'], { encoding: 'utf8' });
  if (probe.status !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'discern-bench-mlp-'));
  try {
    // the split goes over as CSV text with 17 significant digits (exact doubles), read back into an .npz
    const csv = (X: Float64Array, y: Int32Array): string => {
      const rows: string[] = [];
      for (let i = 0; i < y.length; i++) rows.push([...X.subarray(i * p, (i + 1) * p)].map((v) => v.toPrecision(17)).concat(String(y[i])).join(','));
      return rows.join('\n');
    };
    writeFileSync(join(dir, 'train.csv'), csv(Xtr, ytr));
    writeFileSync(join(dir, 'test.csv'), csv(Xte, yte));
    const npz = join(dir, 'split.npz');
    const conv = spawnSync(
      py,
      ['-c', `import numpy as np,sys\na=np.loadtxt(sys.argv[1],delimiter=',');b=np.loadtxt(sys.argv[2],delimiter=',')\nnp.savez(sys.argv[3],Xtr=a[:,:-1],ytr=a[:,-1].astype(int),Xte=b[:,:-1],yte=b[:,-1].astype(int))`, join(dir, 'train.csv'), join(dir, 'test.csv'), npz],
      { encoding: 'utf8' },
    );
    if (conv.status !== 0) throw new Error(conv.stderr);
    const res = spawnSync(py, ['-c', PY, npz, String(EPOCHS), String(RUNS)], { encoding: 'utf8', env: { ...process.env } });
    if (res.status !== 0) throw new Error(`scikit-learn run failed: ${res.stderr}`);
    return JSON.parse(res.stdout.trim().split('\n').pop()!) as { seconds: number; cpuSeconds: number; auc: number; convergedAuc: number; convergedEpochs: number };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchMlp(options: { sklearn?: boolean; log?: (s: string) => void } = {}): Promise<MlpBenchResult> {
  const log = options.log ?? ((): void => {});
  const { MLPClassifier } = await loadMlp();
  const { X, y, p } = readMagic();
  const split = stratifiedSplit(y, 0.3, 20240611);
  const take = (rows: number[]): { X: Float64Array; y: Int32Array } => {
    const out = new Float64Array(rows.length * p);
    const yy = new Int32Array(rows.length);
    rows.forEach((r, i) => {
      out.set(X.subarray(r * p, (r + 1) * p), i * p);
      yy[i] = y[r]!;
    });
    return { X: out, y: yy };
  };
  const tr = take(split.train);
  const te = take(split.test);
  // standardise with the training statistics
  for (let j = 0; j < p; j++) {
    let mean = 0;
    for (let i = 0; i < tr.y.length; i++) mean += tr.X[i * p + j]!;
    mean /= tr.y.length;
    let v = 0;
    for (let i = 0; i < tr.y.length; i++) v += (tr.X[i * p + j]! - mean) ** 2;
    const sd = Math.sqrt(v / tr.y.length);
    for (const s of [tr, te]) for (let i = 0; i < s.y.length; i++) s.X[i * p + j] = (s.X[i * p + j]! - mean) / sd;
  }
  const Xtr = { rows: tr.y.length, cols: p, data: tr.X };
  const Xte = { rows: te.y.length, cols: p, data: te.X };
  const scores = (m: InstanceType<typeof MLPClassifier>): Float64Array => {
    const P = m.predictProba(Xte);
    const s = new Float64Array(te.y.length);
    for (let i = 0; i < s.length; i++) s[i] = P.data[i * 2 + 1]!;
    return s;
  };

  const times: number[] = [];
  const cpus: number[] = [];
  const aucs: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const m = new MLPClassifier({ hiddenLayers: [32, 16], activation: 'relu', solver: 'adam', batchSize: 200, maxIter: EPOCHS, tol: 0, nIterNoChange: 1000, seed: r });
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    m.fit(Xtr, tr.y);
    times.push((performance.now() - t0) / 1000);
    cpus.push(process.cpuUsage(c0).user / 1e6);
    aucs.push(auc(scores(m), te.y));
    log(`  discern run ${r + 1}: ${times[r]!.toFixed(3)} s (cpu ${cpus[r]!.toFixed(3)} s), test AUC ${aucs[r]!.toFixed(4)}`);
  }
  const conv = new MLPClassifier({ hiddenLayers: [32, 16], batchSize: 200, seed: 0 }).fit(Xtr, tr.y);
  const seconds = median(times);
  const result: MlpBenchResult = {
    trainRows: tr.y.length,
    testRows: te.y.length,
    epochs: EPOCHS,
    samplesPerSecond: (tr.y.length * EPOCHS) / seconds,
    medianSeconds: seconds,
    medianCpuSeconds: median(cpus),
    testAuc: median(aucs),
    convergedAuc: auc(scores(conv), te.y),
    convergedEpochs: conv.fitReport!.iterations,
  };
  if (options.sklearn === false) return result;
  const sk = runSklearn(tr.X, tr.y, te.X, te.y, p);
  if (!sk) return result;
  return {
    ...result,
    sklearn: {
      samplesPerSecond: (tr.y.length * EPOCHS) / sk.seconds,
      medianSeconds: sk.seconds,
      medianCpuSeconds: sk.cpuSeconds,
      testAuc: sk.auc,
      convergedAuc: sk.convergedAuc,
      convergedEpochs: sk.convergedEpochs,
      timeRatio: seconds / sk.seconds,
      cpuRatio: median(cpus) / sk.cpuSeconds,
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await benchMlp({ log: console.log });
  const f = (v: number): string => Math.round(v).toLocaleString('en-US');
  console.log(`MAGIC ${r.trainRows} train / ${r.testRows} test, MLP (32,16) relu adam, batch 200, ${r.epochs} epochs, median of ${RUNS}`);
  console.log(`discern:      ${r.medianSeconds.toFixed(3)} s (cpu ${r.medianCpuSeconds.toFixed(3)} s)  ${f(r.samplesPerSecond)} samples·epochs/s  test AUC ${r.testAuc.toFixed(4)}`);
  console.log(`discern converged (${r.convergedEpochs} epochs): test AUC ${r.convergedAuc.toFixed(4)}`);
  if (r.sklearn) {
    const s = r.sklearn;
    console.log(`scikit-learn: ${s.medianSeconds.toFixed(3)} s (cpu ${s.medianCpuSeconds.toFixed(3)} s)  ${f(s.samplesPerSecond)} samples·epochs/s  test AUC ${s.testAuc.toFixed(4)}`);
    console.log(`scikit-learn converged (${s.convergedEpochs} epochs): test AUC ${s.convergedAuc.toFixed(4)}`);
    console.log(`time ratio discern/sklearn: wall ${s.timeRatio.toFixed(3)}, cpu ${s.cpuRatio.toFixed(3)} (required ≤ 1.0)`);
    console.log(`AUC: discern ${r.testAuc.toFixed(4)} vs sklearn converged − 0.005 = ${(s.convergedAuc - 0.005).toFixed(4)}: ${r.testAuc >= s.convergedAuc - 0.005 ? 'ok' : 'BELOW'}`);
  } else console.log('scikit-learn not available: comparison skipped');
}
