import { describe, expect, test } from 'vitest';
import { type DenseMatrix } from '@discern/linalg';
import { CategoricalNB, LatentClassModel, MultinomialMixture } from '@discern/models';
import { exportBoth } from './testing.test-helpers.js';

function matrix(rows: number[][]): DenseMatrix {
  return { rows: rows.length, cols: rows[0]!.length, data: Float64Array.from(rows.flat()) };
}

describe('count and category models: the cases the summary-drawn rows do not reach', () => {
  test('multinomial mixture: fractional counts and counts past the ln n! table (4096) take the Stirling branch', async () => {
    const train = matrix([
      [3, 0, 1],
      [0.5, 2.25, 0],
      [10, 1, 4],
      [0, 7, 7],
      [2, 2, 2],
      [6000, 10, 5],
    ]);
    const m = new MultinomialMixture({ nComponents: 2, seed: 3 }).fit(train);
    // 4096.5 and 5000 (non-integer; past the table), 4097 (integer past the table), 0.25, and a row of zeros
    const sample = matrix([
      [4096.5, 1, 0],
      [5000, 0.25, 3],
      [4097, 2, 1],
      [0, 0, 0],
      [1, 2, 3],
    ]);
    const r = await exportBoth({ estimator: m, featureNames: ['a', 'b', 'c'], sample });
    // the log densities are large (the coefficient of 5000 counts): compared relatively, and within 1e-12 in float64
    expect(Math.abs(m.scoreSamples(sample)[1]!)).toBeGreaterThan(10);
    expect(r.float64.parity.outputs.find((o) => o.output === 'log_density')!.maxDiff).toBeLessThanOrEqual(1e-12);
  });

  test('missing cells (NaN): left out by the multinomial mixture, marginalised by the latent class model, skipped by categorical NB', async () => {
    const codes = matrix([
      [0, 1, 2],
      [1, 1, 0],
      [2, 0, 1],
      [0, 0, 0],
      [1, 2, 2],
      [2, 1, 1],
    ]);
    const y = Int32Array.from([0, 1, 0, 1, 0, 1]);
    const sample = matrix([
      [NaN, 1, 2],
      [1, NaN, NaN],
      [NaN, NaN, NaN],
      [2, 0, 1],
    ]);
    const names = ['p', 'q', 'r'];
    await exportBoth({ estimator: new LatentClassModel({ nComponents: 2, seed: 2 }).fit(codes), featureNames: names, sample });
    await exportBoth({ estimator: new CategoricalNB().fit(codes, y), featureNames: names, sample });
    await exportBoth({ estimator: new MultinomialMixture({ nComponents: 2, seed: 2 }).fit(codes), featureNames: names, sample });
  });

  test('a probability of zero (alpha = 0) gives the same posteriors, not NaN', async () => {
    const codes = matrix([
      [0, 1],
      [0, 1],
      [1, 0],
      [1, 0],
    ]);
    // alpha = 0 (maximum likelihood) and a third code of feature a that the data never shows: θ = 0 for it, a −∞ in
    // the log table that every row meets as 0 · −∞ inside the MatMul (no row has that code)
    const lcm = new LatentClassModel({ nComponents: 2, alpha: 0, nCategories: [3, 2], seed: 1 }).fit(codes);
    expect(lcm.probabilities.map((k) => k[0]![2])).toEqual([0, 0]);
    const r = await exportBoth({ estimator: lcm, featureNames: ['a', 'b'], sample: codes });
    expect(r.float32.parity.outputs.every((o) => Number.isFinite(o.onnx))).toBe(true);
  });
});
