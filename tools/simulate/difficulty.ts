/**
 * How hard is a simulated photon–jet sample? Prints the AUC of each single feature and of a logistic regression
 * (Newton's method on standardised features, fitted on one half and scored on the other) so a change of the
 * parameters can be judged before it reaches the configs. A check for people, not a test.
 *
 *   npx tsx tools/simulate/difficulty.ts [--n 20000] [--seed 42] [--signal-fraction 0.5]
 */
import { pathToFileURL } from 'node:url';
import { numberArg, parseArgs } from './common.js';
import { PHOTON, PHOTON_JET_FEATURES, simulatePhotonJet } from './photon-jet.js';

/** AUC = P(score of a positive > score of a negative) + ½ P(tie): the Mann–Whitney statistic from mid-ranks. */
export function auc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const n = scores.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSum = 0;
  let nPos = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[idx[j + 1]!] === scores[idx[i]!]) j++;
    const midRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (positive[idx[k]!]) {
      rankSum += midRank;
      nPos++;
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/** Logistic regression by Newton–Raphson (tiny ridge for stability); returns [bias, w₁, …] on the given columns. */
export function fitLogistic(X: readonly Float64Array[], y: ArrayLike<boolean>, rows: readonly number[]): number[] {
  const d = X.length + 1;
  const w = new Array<number>(d).fill(0);
  const x = (i: number, k: number): number => (k === 0 ? 1 : X[k - 1]![i]!);
  for (let iter = 0; iter < 50; iter++) {
    const grad = new Array<number>(d).fill(0);
    const H = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (const i of rows) {
      let z = 0;
      for (let k = 0; k < d; k++) z += w[k]! * x(i, k);
      const p = 1 / (1 + Math.exp(-z));
      const r = (y[i] ? 1 : 0) - p;
      const s = p * (1 - p);
      for (let a = 0; a < d; a++) {
        grad[a]! += r * x(i, a);
        for (let b = 0; b < d; b++) H[a]![b]! += s * x(i, a) * x(i, b);
      }
    }
    for (let a = 0; a < d; a++) {
      H[a]![a]! += 1e-6;
      grad[a]! -= 1e-6 * w[a]!;
    }
    // Solve H·step = grad by Gaussian elimination (d is 4 or 5).
    const M = H.map((row, a) => [...row, grad[a]!]);
    for (let c = 0; c < d; c++) {
      let piv = c;
      for (let r = c + 1; r < d; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[piv]![c]!)) piv = r;
      [M[c], M[piv]] = [M[piv]!, M[c]!];
      for (let r = c + 1; r < d; r++) {
        const fct = M[r]![c]! / M[c]![c]!;
        for (let k = c; k <= d; k++) M[r]![k]! -= fct * M[c]![k]!;
      }
    }
    const step = new Array<number>(d).fill(0);
    for (let r = d - 1; r >= 0; r--) {
      let s = M[r]![d]!;
      for (let k = r + 1; k < d; k++) s -= M[r]![k]! * step[k]!;
      step[r] = s / M[r]![r]!;
    }
    let maxStep = 0;
    for (let k = 0; k < d; k++) {
      w[k]! += step[k]!;
      maxStep = Math.max(maxStep, Math.abs(step[k]!));
    }
    if (maxStep < 1e-10) break;
  }
  return w;
}

function standardise(col: Float64Array): Float64Array {
  let m = 0;
  for (const v of col) m += v;
  m /= col.length;
  let s = 0;
  for (const v of col) s += (v - m) ** 2;
  s = Math.sqrt(s / col.length);
  return col.map((v) => (v - m) / s);
}

function main(argv: readonly string[]): void {
  const args = parseArgs(argv, { n: 'string', seed: 'string', 'signal-fraction': 'string' }, 'usage: difficulty.ts [--n N] [--seed S] [--signal-fraction F]');
  const sample = simulatePhotonJet({
    n: numberArg(args, 'n', { integer: true }) ?? 20000,
    seed: numberArg(args, 'seed', { integer: true }) ?? 42,
    signalFraction: numberArg(args, 'signal-fraction') ?? 0.5,
  });
  const n = sample.labels.length;
  const y = sample.labels.map((l) => l === PHOTON);
  const col = (name: string): Float64Array => sample.data[sample.columns.indexOf(name)]!;
  const lines: string[] = [];
  // Photons have the smaller values of every feature, so the single-feature score is the negated feature.
  for (const name of [...PHOTON_JET_FEATURES, 'pt']) lines.push(`AUC(−${name}) = ${auc(col(name).map((v) => -v), y).toFixed(4)}`);
  const train = Array.from({ length: n }, (_, i) => i).filter((i) => i % 2 === 0);
  const test = Array.from({ length: n }, (_, i) => i).filter((i) => i % 2 === 1);
  const variants: [string, Float64Array[]][] = [
    ['logistic(hoe, sieie, iso)', PHOTON_JET_FEATURES.map((f) => standardise(col(f)))],
    ['logistic(hoe, sieie, log(0.5+iso))', [standardise(col('hoe')), standardise(col('sieie')), standardise(col('iso').map((v) => Math.log(0.5 + v)))]],
  ];
  for (const [label, X] of variants) {
    const w = fitLogistic(X, y, train);
    const score = (i: number): number => w.reduce((s, wk, k) => s + wk * (k === 0 ? 1 : X[k - 1]![i]!), 0);
    const ySub = test.map((i) => y[i]!);
    const testAuc = auc(test.map(score), ySub);
    const trainAuc = auc(train.map(score), train.map((i) => y[i]!));
    lines.push(`AUC(${label}) = ${testAuc.toFixed(4)} test, ${trainAuc.toFixed(4)} train`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
