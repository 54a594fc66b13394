import { type DenseMatrix } from '@discern/linalg';
import { describe, expect, it } from 'vitest';
import { errorText, expectClose, loadFixture } from './fixture.test-helpers.js';
import { type IntSource, permutationImportance, studentT } from './importance.js';
import { type ImportanceCase, type ProtocolFixture } from './protocol-fixture.test-helpers.js';

const fx = loadFixture<ProtocolFixture>('protocol.json');

const matrixOf = (rows: number[][]): DenseMatrix => ({ rows: rows.length, cols: rows[0]!.length, data: Float64Array.from(rows.flat()) });

/** The fixture's model: a fixed logistic or softmax model, as the Python script applies it. */
function modelOf(c: ImportanceCase): (X: DenseMatrix) => DenseMatrix {
  const m = c.model;
  return (X) => {
    const p = X.cols;
    if (m.kind === 'logistic') {
      const out = new Float64Array(X.rows * 2);
      for (let i = 0; i < X.rows; i++) {
        let z = m.intercept;
        for (let j = 0; j < p; j++) z += X.data[i * p + j]! * m.coef[j]!;
        const p1 = 1 / (1 + Math.exp(-z));
        out[2 * i] = 1 - p1;
        out[2 * i + 1] = p1;
      }
      return { rows: X.rows, cols: 2, data: out };
    }
    const K = m.c.length;
    const out = new Float64Array(X.rows * K);
    for (let i = 0; i < X.rows; i++) {
      const z = m.c.map((ck, k) => ck + Array.from({ length: p }, (_, j) => X.data[i * p + j]! * m.W[j]![k]!).reduce((a, b) => a + b, 0));
      const mx = Math.max(...z);
      const e = z.map((v) => Math.exp(v - mx));
      const s = e.reduce((a, b) => a + b, 0);
      e.forEach((v, k) => (out[i * K + k] = v / s));
    }
    return { rows: X.rows, cols: K, data: out };
  };
}

/** Replays the fixture's Fisher–Yates draws, checking that each is asked for with the same bound, in the same order. */
function replay(draws: [number, number][]): IntSource & { used: () => number } {
  let k = 0;
  return {
    int(n: number): number {
      const d = draws[k++];
      if (!d || d[0] !== n) throw new Error(`draw ${k - 1}: asked for int(${n}), the fixture recorded ${d ? `int(${d[0]})` : 'no more draws'}`);
      return d[1];
    },
    used: () => k,
  };
}

describe('permutation importance against numpy (tools/fixtures/make_protocol_fixtures.py), to 1e-12', () => {
  it('has the reference cases', () => expect(fx.permutation_importance.length).toBeGreaterThanOrEqual(3));
  for (const c of fx.permutation_importance) {
    for (const metric of ['auc', 'log_loss', 'accuracy'] as const) {
      it(`${c.name}, ${metric}`, () => {
        const rng = replay(c.draws);
        const r = permutationImportance(matrixOf(c.X), c.y, modelOf(c), { metric, nRepeats: c.n_repeats, rng, positive: c.positive, ...(c.weights ? { weights: c.weights } : {}) });
        expect(rng.used()).toBe(c.draws.length);
        const ref = c.results[metric];
        expectClose(r.baseline, ref.baseline, 1e-12, 'baseline');
        r.features.forEach((f, j) => {
          const e = ref.features[j]!;
          f.drops.forEach((d, k) => expectClose(d, e.drops[k]!, 1e-12, `feature ${j} repeat ${k}`));
          expectClose(f.mean, e.mean, 1e-12, `feature ${j} mean`);
          expectClose(f.sd, e.sd, 1e-12, `feature ${j} sd`);
          expectClose(f.lower, e.lower, 1e-12, `feature ${j} lower`);
          expectClose(f.upper, e.upper, 1e-12, `feature ${j} upper`);
        });
      });
    }
  }
  it('a feature the model ignores has importance exactly 0', () => {
    const c = fx.permutation_importance[0]!;
    const r = permutationImportance(matrixOf(c.X), c.y, modelOf(c), { nRepeats: 3, seed: 4 });
    expect([...r.features[3]!.drops]).toEqual([0, 0, 0]);
  });
});

describe('permutation importance: seeds, intervals, errors', () => {
  const c = fx.permutation_importance[0]!;
  const X = matrixOf(c.X);
  it('one seed, one result; another seed, other permutations; X is left as it was', () => {
    const before = Float64Array.from(X.data);
    const a = permutationImportance(X, c.y, modelOf(c), { nRepeats: 4, seed: 11 });
    const b = permutationImportance(X, c.y, modelOf(c), { nRepeats: 4, seed: 11 });
    expect(b.features.map((f) => [...f.drops])).toEqual(a.features.map((f) => [...f.drops]));
    expect(permutationImportance(X, c.y, modelOf(c), { nRepeats: 4, seed: 12 }).features[0]!.mean).not.toBe(a.features[0]!.mean);
    expect([...X.data]).toEqual([...before]);
  });
  it("Student's t quantiles against scipy.stats.t.ppf, to 1e-10 relative (core's inverse incomplete beta)", () => {
    for (const [cl, dof, t] of [
      [0.95, 1, 12.706204736432095],
      [0.95, 3, 3.182446305284263],
      [0.95, 4, 2.7764451051977987],
      [0.95, 9, 2.2621571627409915],
      [0.99, 30, 2.7499956535670305],
    ] as const)
      expectClose(studentT(cl, dof) / t, 1, 1e-10, `t(${cl}; ${dof})`);
  });
  it('one repeat has no interval', () => {
    const f = permutationImportance(X, c.y, modelOf(c), { nRepeats: 1 }).features[0]!;
    expect(Number.isNaN(f.sd) && Number.isNaN(f.lower) && Number.isNaN(f.upper)).toBe(true);
  });
  it('says what is wrong', () => {
    const m = modelOf(c);
    expect(errorText(() => permutationImportance(X, c.y, m, { nRepeats: 0 }))).toBe('INVALID_ARGUMENT: nRepeats is 0; expected a positive integer');
    expect(errorText(() => permutationImportance(X, c.y, m, { metric: 'f1' as never }))).toBe('INVALID_ARGUMENT: metric is "f1"; expected auc, log_loss or accuracy');
    expect(errorText(() => permutationImportance(X, c.y.slice(1), m))).toBe('INVALID_ARGUMENT: yTrue has 79 entries but X rows has 80; they must have the same length');
    expect(errorText(() => permutationImportance(X, c.y, () => ({ rows: 80, cols: 2, data: new Float64Array(160) })))).toBe('DATA_INVALID: predictProba(X) row 0 sums to 0; each row of class probabilities must sum to 1 (±1e-6)');
    expect(errorText(() => permutationImportance(X, c.y, m, { signal: { aborted: true } }))).toMatch(/^INTERRUPTED/);
  });
});
