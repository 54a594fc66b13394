import { describe, expect, it } from 'vitest';
import { createRng } from '@discern/linalg';
import { type ModelJSON, type Progress } from '../estimator.js';
import { MultinomialMixture } from './multinomial.js';
import { code } from './data.test-helpers.js';

/*
 * One EM step by hand. Rows x1 = (2, 1, 0), x2 = (0, ?, 2); π = (½, ½), θ_A = (½, ¼, ¼), θ_B = (¼, ¼, ½).
 *   x1: A ½·(½)²·¼ = 1/32, B ½·(¼)²·¼ = 1/128 → r = (4/5, 1/5); coefficient 3!/(2!·1!) = 3;
 *       log p = ln 3 + ln(5/128)
 *   x2 (cell 1 missing, dropped): A ½·(¼)² = 1/32, B ½·(½)² = 1/8 → r = (1/5, 4/5); coefficient 2!/2! = 1;
 *       log p = ln(5/32)
 * M-step, α = 1: N = (1, 1) → π = (½, ½); weighted counts A = (2·⅘, 1·⅘, 2·⅕) = (1.6, 0.8, 0.4),
 *   B = (0.4, 0.2, 1.6) → θ_A = (2.6, 1.8, 1.4)/5.8, θ_B = (1.4, 1.2, 2.6)/5.2.
 */
describe('MultinomialMixture', () => {
  it('one EM step matches the hand computation to 1e-12', () => {
    const X = { rows: 2, cols: 3, data: Float64Array.of(2, 1, 0, 0, Number.NaN, 2) };
    const m = new MultinomialMixture({ nComponents: 2, maxIter: 1, init: { weights: [0.5, 0.5], probabilities: [[0.5, 0.25, 0.25], [0.25, 0.25, 0.5]] } }).fit(X);
    expect(m.fitReport!.history[0]).toBeCloseTo((Math.log(3) + Math.log(5 / 128) + Math.log(5 / 32)) / 2, 12);
    const w = m.weights;
    expect(Math.abs(w[0]! - 0.5) + Math.abs(w[1]! - 0.5)).toBeLessThan(1e-12);
    const expected = [2.6 / 5.8, 1.8 / 5.8, 1.4 / 5.8, 1.4 / 5.2, 1.2 / 5.2, 2.6 / 5.2];
    const got = m.probabilities.data;
    expected.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThan(1e-12));
  });

  it('log density includes the multinomial coefficient and drops NaN cells', () => {
    const m = MultinomialMixture.fromJSON({ kind: 'multinomial-mixture', nFeatures: 3, nComponents: 2, weights: [0.4, 0.6], probabilities: [[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]] });
    const s = m.scoreSamples({ rows: 2, cols: 3, data: Float64Array.of(2, Number.NaN, 2, 1, 1, 1) });
    // (2, ?, 2): 4!/(2!2!) = 6; (1, 1, 1): 3! = 6
    expect(s[0]).toBeCloseTo(Math.log(6 * (0.4 * 0.2 ** 2 * 0.5 ** 2 + 0.6 * 0.6 ** 2 * 0.1 ** 2)), 13);
    expect(s[1]).toBeCloseTo(Math.log(6 * (0.4 * 0.2 * 0.3 * 0.5 + 0.6 * 0.6 * 0.3 * 0.1)), 13);
    // BIC with K − 1 + K(J − 1) = 5 parameters
    const X = { rows: 2, cols: 3, data: Float64Array.of(2, 0, 2, 1, 1, 1) };
    expect(m.bic(X)).toBeCloseTo(-2 * (m.scoreSamples(X)[0]! + m.scoreSamples(X)[1]!) + 5 * Math.log(2), 10);
  });

  it('recovers simulated category probabilities (3 components, 50 draws per row) within 0.02', () => {
    const truth = [
      [0.5, 0.3, 0.1, 0.05, 0.05],
      [0.05, 0.1, 0.5, 0.3, 0.05],
      [0.1, 0.05, 0.05, 0.2, 0.6],
    ];
    const pi = [0.5, 0.3, 0.2];
    const rng = createRng(42);
    const n = 1500, J = 5;
    const data = new Float64Array(n * J);
    for (let i = 0; i < n; i++) {
      const k = rng.choice(3, 1, { weights: pi })[0]!;
      const draws = rng.choice(J, 50, { replace: true, weights: truth[k]! });
      for (const c of draws) data[i * J + c]!++;
    }
    const X = { rows: n, cols: J, data };
    const events: Progress[] = [];
    const m = new MultinomialMixture({ nComponents: 3, nInit: 4, seed: 3 }).fit(X, { onProgress: (p) => events.push(p) });
    expect(events.filter((e) => e.phase === 'init')).toHaveLength(4);
    const theta = m.probabilities.data;
    for (let t = 0; t < 3; t++) {
      // the fitted component closest to true component t
      let bestK = 0, bestD = Infinity;
      for (let k = 0; k < 3; k++) {
        let d = 0;
        for (let j = 0; j < J; j++) d += Math.abs(theta[k * J + j]! - truth[t]![j]!);
        if (d < bestD) {
          bestD = d;
          bestK = k;
        }
      }
      for (let j = 0; j < J; j++) expect(Math.abs(theta[bestK * J + j]! - truth[t]![j]!)).toBeLessThan(0.02);
      expect(Math.abs(m.weights[bestK]! - pi[t]!)).toBeLessThan(0.04);
    }
    const back = MultinomialMixture.fromJSON(JSON.parse(JSON.stringify(m.toJSON())) as ModelJSON);
    expect(back.toJSON()).toEqual(m.toJSON());
    expect(back.predictProba(X).data).toEqual(m.predictProba(X).data);
  });

  it('weights of ones change nothing; negative counts, infinities and bad JSON are refused', () => {
    const X = { rows: 4, cols: 2, data: Float64Array.of(5, 0, 4, 1, 0, 6, 1, 5) };
    const a = new MultinomialMixture({ nComponents: 2, nInit: 2, seed: 1 }).fit(X);
    const b = new MultinomialMixture({ nComponents: 2, nInit: 2, seed: 1 }).fit(X, { weights: new Float64Array(4).fill(1) });
    expect(b.toJSON()).toEqual(a.toJSON());
    expect(code(() => new MultinomialMixture().fit({ rows: 1, cols: 2, data: Float64Array.of(1, -1) }))).toBe('DATA_INVALID');
    expect(code(() => new MultinomialMixture().fit({ rows: 1, cols: 2, data: Float64Array.of(1, Infinity) }))).toBe('DATA_INVALID');
    expect(code(() => MultinomialMixture.fromJSON({ ...a.toJSON(), probabilities: [[0.5, 0.6], [0.5, 0.5]] }))).toBe('MODEL_INVALID');
    expect(code(() => new MultinomialMixture({ alpha: -1 }))).toBe('INVALID_ARGUMENT');
  });
});
