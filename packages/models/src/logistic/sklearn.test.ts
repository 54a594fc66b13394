import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type DenseMatrix } from '@discern/linalg';
import { LogisticRegression } from './index.js';
import { encode, readCsv, standardise } from './data.test-helpers.js';

/**
 * discern vs scikit-learn 1.2.1 on real data (fixtures from tools/fixtures/make_logistic_fixtures.py).
 * `sklearn` there is LogisticRegression(solver='newton-cg', tol=1e-8), which reaches the optimum; `reference` is
 * that optimum polished by Newton's method in numpy (max |gradient| ~1e-16). sklearn's own lbfgs stops early
 * (scipy's default factr, see the script) and is used only as an upper bound on the loss.
 */
interface Case {
  name: string;
  dataset: { file: string; label: string; classes: string[]; standardise: { mean: number[]; scale: number[] } | null };
  nClasses: number;
  nRows: number;
  options: { C: number | null; classWeight: 'balanced' | null; fitIntercept: boolean; sampleWeight: string | null };
  swSum: number;
  l2: number;
  sklearn: { coef: number[][]; intercept: number[]; probaRows: number[]; proba: number[] | number[][] };
  sklearnLbfgs: { coef: number[][]; intercept: number[]; nIter: number; loss: number };
  reference: { coef: number[][]; intercept: number[]; gradMaxAbs: number; loss: number };
}

const fixtures = JSON.parse(readFileSync(new URL('./__fixtures__/sklearn_logistic.json', import.meta.url), 'utf8')) as { sklearn: string; cases: Case[] };

const datasets = new Map<string, { X: DenseMatrix; y: Int32Array }>();
function load(c: Case): { X: DenseMatrix; y: Int32Array } {
  const key = c.dataset.file;
  let d = datasets.get(key);
  if (!d) {
    const raw = readCsv(c.dataset.file, c.dataset.label);
    const X = c.dataset.standardise ? standardise(raw.X, c.dataset.standardise.mean, c.dataset.standardise.scale) : raw.X;
    d = { X, y: encode(raw.labels, c.dataset.classes) };
    datasets.set(key, d);
  }
  if (c.nRows === d.y.length) return d;
  return { X: { rows: c.nRows, cols: d.X.cols, data: d.X.data.slice(0, c.nRows * d.X.cols) }, y: d.y.slice(0, c.nRows) };
}

/** The per-row weight formulas the fixture script used (written there as text, mirrored here). */
function sampleWeights(c: Case): Float64Array | undefined {
  if (c.options.sampleWeight === '0.5 + 0.5 * (i % 4)') return Float64Array.from({ length: c.nRows }, (_, i) => 0.5 + 0.5 * (i % 4));
  if (c.options.sampleWeight === '1 + 0.5 * (i % 5)') return Float64Array.from({ length: c.nRows }, (_, i) => 1 + 0.5 * (i % 5));
  if (c.options.sampleWeight !== null) throw new Error(`unknown weight formula ${c.options.sampleWeight}`);
  return undefined;
}

function maxAbs(a: readonly number[]): number {
  return a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

/** max_k,j |ours − ref| / max |ref| over coefficients and intercepts together. */
function relDiff(model: LogisticRegression, ref: { coef: number[][]; intercept: number[] }): number {
  const ours = [...model.coef.data, ...model.intercept];
  const theirs = [...ref.coef.flat(), ...ref.intercept];
  expect(ours).toHaveLength(theirs.length);
  let d = 0;
  for (let i = 0; i < ours.length; i++) d = Math.max(d, Math.abs(ours[i]! - theirs[i]!));
  return d / maxAbs(theirs);
}

describe(`LogisticRegression vs scikit-learn ${fixtures.sklearn}`, () => {
  it('has the fixture cases the brief asks for', () => {
    expect(fixtures.cases.map((c) => c.name)).toEqual([
      'magic_binary_unpenalised',
      'magic_binary_weighted',
      'magic_binary_balanced_l2',
      'iris_multinomial_l2',
      'iris_multinomial_weighted_l2',
      'iris_multinomial_balanced_l2',
      'breast_cancer_no_intercept_l2',
    ]);
  });

  for (const c of fixtures.cases) {
    it(`${c.name}: coefficients, probabilities and loss match`, () => {
      const { X, y } = load(c);
      const weights = sampleWeights(c);
      const model = new LogisticRegression({
        solver: 'lbfgs',
        tol: 1e-10,
        maxIter: 10000,
        l2: c.options.C === null ? 0 : 1 / (c.options.C * c.swSum), // C = 1/(l2·Σw)
        fitIntercept: c.options.fitIntercept,
        ...(c.options.classWeight ? { classWeight: c.options.classWeight } : {}),
      }).fit(X, y, weights ? { weights } : {});
      const report = model.fitReport!;
      expect(report.converged).toBe(true);
      expect(report.reason).toBe('tol');
      expect(report.details?.['sumWeights']).toBeCloseTo(c.swSum, 8);

      // The brief asks for 1e-4 relative; against the converged references discern does far better.
      // Measured: ≤ 1.5e-7 on every case (the loss-change stop at double precision, max |gradient| ~1e-9..1e-8).
      // The brief asks for 1e-4.
      expect(relDiff(model, c.sklearn)).toBeLessThan(1e-6);
      expect(relDiff(model, c.reference)).toBeLessThan(1e-6);


      const P = model.predictProba({ rows: c.sklearn.probaRows.length, cols: X.cols, data: Float64Array.from(c.sklearn.probaRows.flatMap((i) => Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)))) });
      let worst = 0;
      c.sklearn.probaRows.forEach((_, r) => {
        const want = c.nClasses === 2 ? [1 - (c.sklearn.proba[r] as number), c.sklearn.proba[r] as number] : (c.sklearn.proba[r] as number[]);
        for (let k = 0; k < c.nClasses; k++) worst = Math.max(worst, Math.abs(P.data[r * c.nClasses + k]! - want[k]!));
      });
      // Measured: ≤ 1.1e-7. The brief asks for 1e-6.
      expect(worst).toBeLessThan(5e-7);

      // Same objective value as the Newton optimum, and never worse than where sklearn's lbfgs stopped.
      const f = report.history[report.history.length - 1]!;
      expect(Math.abs(f - c.reference.loss)).toBeLessThan(1e-13 * Math.max(1, c.reference.loss)); // measured ≤ 6e-15
      expect(f).toBeLessThanOrEqual(c.sklearnLbfgs.loss);
    });
  }

  it('magic, unpenalised, default tol 1e-6: converged in a sklearn-like number of iterations, probabilities within 2e-5', () => {
    const c = fixtures.cases[0]!;
    const { X, y } = load(c);
    const model = new LogisticRegression().fit(X, y);
    const r = model.fitReport!;
    expect(r.converged).toBe(true);
    expect(r.details?.['gradNorm']).toBeLessThanOrEqual(1e-6);
    expect(r.iterations).toBeLessThanOrEqual(60); // sklearn's lbfgs: 24 (stopping much earlier, see the fixture script)
    const P = model.predictProba(X);
    let worst = 0;
    c.sklearn.probaRows.forEach((i, r2) => (worst = Math.max(worst, Math.abs(P.data[2 * i + 1]! - (c.sklearn.proba[r2] as number)))));
    // tol bounds the gradient of the *mean* loss: 1e-6 here is sklearn 1.2's tol ≈ 0.019 on its summed loss, and
    // MAGIC's correlated features (smallest Hessian eigenvalue 3.4e-3) turn it into ~7e-6 in probability (measured).
    expect(worst).toBeLessThan(2e-5);
    // accuracy of a linear model on MAGIC is ~79 %
    const pred = model.predict(X);
    let right = 0;
    for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) right++;
    expect(right / y.length).toBeGreaterThan(0.78);
    expect(right / y.length).toBeLessThan(0.8);
  });
});
