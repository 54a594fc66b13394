import { describe, expect, it } from 'vitest';
import { type ModelJSON } from '../estimator.js';
import { LatentClassModel } from './latent-class.js';
import { code, readCsv } from './data.test-helpers.js';

/*
 * One EM step worked on paper. Rows x1 = (1, 0), x2 = (0, ?), x3 = (1, 1); two classes A, B with π = (½, ½),
 * A: P(f0 = 0, 1) = (0.2, 0.8), P(f1 = 0, 1) = (0.5, 0.5); B: P(f0) = (0.6, 0.4), P(f1) = (0.25, 0.75).
 * E-step (joint π_k Π θ, the missing f1 of x2 contributes 1):
 *   x1: A ½·0.8·0.5 = 0.2, B ½·0.4·0.25 = 0.05 → p = 0.25, r = (4/5, 1/5)
 *   x2: A ½·0.2     = 0.1, B ½·0.6      = 0.3  → p = 0.4,  r = (1/4, 3/4)
 *   x3: A ½·0.8·0.5 = 0.2, B ½·0.4·0.75 = 0.15 → p = 0.35, r = (4/7, 3/7)
 *   mean log-likelihood = (ln 0.25 + ln 0.4 + ln 0.35) / 3.
 * M-step with α = 1 (in 140ths): N_A = 112 + 35 + 80 = 227, N_B = 28 + 105 + 60 = 193 → π = (227, 193) / 420.
 *   f0, A: code 0 ← x2 35, code 1 ← x1 + x3 = 192 → ((35 + 140), (192 + 140)) / (227 + 280) = (175, 332) / 507
 *   f0, B: code 0 ← 105, code 1 ← 28 + 60 = 88 → (245, 228) / 473
 *   f1 (x2 missing), A: code 0 ← x1 112, code 1 ← x3 80 → (252, 220) / 472
 *   f1, B: code 0 ← 28, code 1 ← 60 → (168, 200) / 368
 */
describe('LatentClassModel', () => {
  it('one EM step matches the hand computation to 1e-12', () => {
    const X = { rows: 3, cols: 2, data: Float64Array.of(1, 0, 0, Number.NaN, 1, 1) };
    const m = new LatentClassModel({
      nComponents: 2,
      maxIter: 1,
      init: { weights: [0.5, 0.5], probabilities: [[[0.2, 0.8], [0.5, 0.5]], [[0.6, 0.4], [0.25, 0.75]]] },
    }).fit(X);
    expect(m.fitReport!.history).toHaveLength(1);
    expect(m.fitReport!.history[0]).toBeCloseTo((Math.log(0.25) + Math.log(0.4) + Math.log(0.35)) / 3, 12);
    const w = m.weights;
    expect(w[0]).toBeCloseTo(227 / 420, 12);
    expect(w[1]).toBeCloseTo(193 / 420, 12);
    const expected = [[[175 / 507, 332 / 507], [252 / 472, 220 / 472]], [[245 / 473, 228 / 473], [168 / 368, 200 / 368]]];
    const got = m.probabilities;
    for (let k = 0; k < 2; k++) for (let j = 0; j < 2; j++) for (let c = 0; c < 2; c++) expect(Math.abs(got[k]![j]![c]! - expected[k]![j]![c]!)).toBeLessThan(1e-12);
  });

  it('house votes 1984, 2 latent classes: ≥ 85 % of the 435 members in their party under the best matching', () => {
    const { header, rows } = readCsv('house-votes-84.csv');
    expect(header[0]).toBe('Class');
    const J = header.length - 1;
    const data = new Float64Array(rows.length * J);
    const party = rows.map((r) => (r[0] === 'democrat' ? 0 : 1));
    rows.forEach((r, i) => {
      for (let j = 0; j < J; j++) data[i * J + j] = r[j + 1] === 'y' ? 1 : r[j + 1] === 'n' ? 0 : Number.NaN;
    });
    const X = { rows: rows.length, cols: J, data };
    expect(X.rows).toBe(435);
    const m = new LatentClassModel({ nComponents: 2, nInit: 5, seed: 1 }).fit(X);
    const y = m.predict(X);
    let same = 0;
    for (let i = 0; i < 435; i++) if (y[i] === party[i]) same++;
    const agreement = Math.max(same, 435 - same) / 435;
    expect(agreement).toBeGreaterThanOrEqual(0.85);
    expect(m.fitReport!.converged).toBe(true);
    // EM with α-smoothing is MAP-EM; on this data the log-likelihood still rises monotonically
    const h = m.fitReport!.history;
    for (let t = 1; t < h.length; t++) expect(h[t]!).toBeGreaterThan(h[t - 1]! - 1e-9);
    // BIC = −2 log L + (K − 1 + K Σ_j (C_j − 1)) ln n = −2 log L + 33 ln 435
    expect(m.bic(X)).toBeCloseTo(-2 * m.score(X) * 435 + 33 * Math.log(435), 8);
    const back = LatentClassModel.fromJSON(JSON.parse(JSON.stringify(m.toJSON())) as ModelJSON);
    expect(back.toJSON()).toEqual(m.toJSON());
    expect(back.scoreSamples(X)).toEqual(m.scoreSamples(X));
  });

  it('a missing value contributes a factor 1: log p of (1, ?) is log Σ_k π_k θ_k,f0=1', () => {
    const m = LatentClassModel.fromJSON({
      kind: 'latent-class',
      nFeatures: 2,
      nComponents: 2,
      nCategories: [2, 3],
      weights: [0.3, 0.7],
      probabilities: [[[0.1, 0.9], [0.2, 0.3, 0.5]], [[0.6, 0.4], [0.3, 0.3, 0.4]]],
    });
    const s = m.scoreSamples({ rows: 2, cols: 2, data: Float64Array.of(1, Number.NaN, 1, 2) });
    expect(s[0]).toBeCloseTo(Math.log(0.3 * 0.9 + 0.7 * 0.4), 14);
    expect(s[1]).toBeCloseTo(Math.log(0.3 * 0.9 * 0.5 + 0.7 * 0.4 * 0.4), 14);
    const P = m.predictProba({ rows: 1, cols: 2, data: Float64Array.of(Number.NaN, Number.NaN) });
    expect(Array.from(P.data)).toEqual([0.3, 0.7]);
  });

  it('rejects non-integer, negative or unknown codes, and bad JSON; accepts NaN', () => {
    const ok = { rows: 2, cols: 1, data: Float64Array.of(0, Number.NaN) };
    expect(() => new LatentClassModel().fit(ok)).not.toThrow();
    expect(code(() => new LatentClassModel().fit({ rows: 2, cols: 1, data: Float64Array.of(0, 1.5) }))).toBe('DATA_INVALID');
    expect(code(() => new LatentClassModel().fit({ rows: 2, cols: 1, data: Float64Array.of(0, -1) }))).toBe('DATA_INVALID');
    expect(code(() => new LatentClassModel({ nCategories: [2] }).fit({ rows: 2, cols: 1, data: Float64Array.of(0, 2) }))).toBe('DATA_INVALID');
    const m = new LatentClassModel().fit({ rows: 2, cols: 1, data: Float64Array.of(0, 1) });
    expect(code(() => m.predict({ rows: 1, cols: 1, data: Float64Array.of(2) }))).toBe('DATA_INVALID');
    expect(code(() => LatentClassModel.fromJSON({ ...m.toJSON(), probabilities: [[[0.5, 0.6]]] }))).toBe('MODEL_INVALID');
    expect(code(() => LatentClassModel.fromJSON({ ...m.toJSON(), kind: 'gmm' }))).toBe('MODEL_INVALID');
  });
});
