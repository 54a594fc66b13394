/**
 * The E/M pass on the WebAssembly SIMD kernels (emRangeFullSimd: linalg's gmm_estep and gmm_mstep) against its
 * JavaScript reference (emRangeFull), on random shapes: 1 to 13 features (odd, even, one), 1 to 6 components, 1 to
 * 300 rows (one row, fewer than the 4-row groups, blocks of 128 and a partial last block), any range of rows, full
 * and tied covariances, weights including zeros. The kernels keep the reference's operations in its order, so the
 * statistics are compared bit for bit (Object.is), stronger than the 1e-12 relative; only the lower
 * triangles of S are compared, the only part either writes for certain and the only part ever read.
 */
import { createRng, setSimdEnabled } from '@discern/linalg';
import { afterEach, describe, expect, it } from 'vitest';
import { emRange, newStats } from './gmm-estep.js';
import { GaussianMixture } from './gmm.js';
import { makeParams } from './gmm-params.js';
import { numericCsv } from './data.test-helpers.js';

const rng = createRng(1515);
const randInt = (lo: number, hi: number): number => lo + Math.floor(rng.uniform() * (hi - lo + 1));

function randomProblem(K: number, p: number, n: number, type: 'full' | 'tied') {
  const data = Float64Array.from({ length: n * p }, () => 2 * rng.normal());
  const w = Float64Array.from({ length: n }, () => (rng.uniform() < 0.1 ? 0 : rng.uniform() * 2));
  const means = Float64Array.from({ length: K * p }, () => rng.normal());
  const weights = Float64Array.from({ length: K }, () => 0.5 + rng.uniform());
  let sw = 0;
  for (const v of weights) sw += v;
  for (let k = 0; k < K; k++) weights[k]! /= sw;
  const blocks = type === 'full' ? K : 1;
  const cov = new Float64Array(blocks * p * p);
  for (let k = 0; k < blocks; k++) {
    const A = Array.from({ length: p * p }, () => rng.normal());
    for (let a = 0; a < p; a++)
      for (let b = 0; b < p; b++) {
        let s = a === b ? 0.5 : 0;
        for (let c = 0; c < p; c++) s += A[a * p + c]! * A[b * p + c]!;
        cov[k * p * p + a * p + b] = s;
      }
  }
  const P = makeParams(type, K, p, weights, means, cov, { estimator: 'test', regCovar: 0, strict: true }, []);
  return { data, w, P };
}

const lower = (S: Float64Array, p: number): number[] => {
  const out: number[] = [];
  for (let o = 0; o < S.length; o += p * p) for (let a = 0; a < p; a++) for (let b = 0; b <= a; b++) out.push(S[o + a * p + b]!);
  return out;
};

function expectSameBits(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) expect.fail(`${what}[${i}]: ${got[i]} ≠ ${want[i]} (SIMD vs JavaScript)`);
}

describe('GMM E/M pass: SIMD kernels against the JavaScript reference', () => {
  afterEach(() => setSimdEnabled(true));

  it('gives the same bits on 300 random shapes and row ranges', () => {
    const shapes: [number, number, number][] = [
      [1, 1, 1],
      [1, 1, 3],
      [2, 1, 129],
      [3, 2, 1],
      [1, 13, 5],
      [4, 10, 128],
      [8, 10, 257],
    ];
    for (let t = 0; t < 300; t++) shapes.push([randInt(1, 6), randInt(1, 13), randInt(1, 300)]);
    for (const [K, p, n] of shapes) {
      const type = rng.uniform() < 0.7 ? 'full' : 'tied';
      const { data, w, P } = randomProblem(K, p, n, type);
      const r0 = randInt(0, n - 1), r1 = n === 1 || rng.uniform() < 0.5 ? n : randInt(r0 + 1, n);
      const js = newStats(P), simd = newStats(P);
      const tj = emRange(data, w, P, js, r0, r1, false);
      const ts = emRange(data, w, P, simd, r0, r1, true);
      const what = `K=${K} p=${p} n=${n} rows [${r0}, ${r1}) ${type}`;
      expect(Object.is(ts, tj), `${what}: log-likelihood ${ts} ≠ ${tj}`).toBe(true);
      expectSameBits(simd.nk, js.nk, `${what} nk`);
      expectSameBits(simd.m, js.m, `${what} m`);
      expectSameBits(lower(simd.S, p), lower(js.S, p), `${what} S`);
    }
  });

  it('a whole fit on MAGIC gives the same model and history with and without the kernels (1 and 2 threads)', () => {
    const magic = numericCsv('magic04.csv', 10);
    const fit = (simd: boolean, threads: number) => {
      setSimdEnabled(simd);
      return new GaussianMixture({ nComponents: 5, covarianceType: 'full', init: 'kmeans++', tol: 0, maxIter: 8, seed: 4, threads }).fit(magic);
    };
    const ref = fit(false, 1);
    for (const threads of [1, 2]) {
      const g = fit(true, threads);
      expect(g.toJSON()).toEqual(ref.toJSON());
      expect(g.fitReport!.history).toEqual(ref.fitReport!.history);
    }
  });
});
