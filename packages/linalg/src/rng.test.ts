import { describe, expect, it } from 'vitest';
import { isDiscernError } from '@discern/core';
import { createRng, stratifiedFoldOf } from './rng.js';

const N = 100_000;

function draws(seed: number | string, n: number, f: (r: ReturnType<typeof createRng>) => number, fork = false): Float64Array {
  const r = fork ? createRng(1).fork(seed) : createRng(seed as number);
  return Float64Array.from({ length: n }, () => f(r));
}

function meanVar(x: Float64Array): [number, number] {
  let m = 0;
  for (const v of x) m += v;
  m /= x.length;
  let s = 0;
  for (const v of x) s += (v - m) ** 2;
  return [m, s / x.length];
}

describe('createRng', () => {
  it('the same seed gives the same stream; different seeds differ', () => {
    expect(Array.from(draws(42, 1000, (r) => r.uniform()))).toEqual(Array.from(draws(42, 1000, (r) => r.uniform())));
    expect(Array.from(draws(42, 100, (r) => r.normal()))).toEqual(Array.from(draws(42, 100, (r) => r.normal())));
    expect(Array.from(draws(42, 100, (r) => r.uniform()))).not.toEqual(Array.from(draws(43, 100, (r) => r.uniform())));
    expect(createRng(42).seed).toBe(42);
  });

  it('forks are reproducible, independent of each other and of the parent', () => {
    const parent = createRng(7);
    const a1 = parent.fork('a');
    // forking does not consume the parent's stream
    expect(parent.uniform()).toBe(createRng(7).uniform());
    expect(Array.from(draws('a', 1000, (r) => r.uniform(), true))).toEqual(Array.from(draws('a', 1000, (r) => r.uniform(), true)));
    const a = Float64Array.from({ length: N }, () => a1.uniform());
    const b1 = createRng(7).fork('b');
    const b = Float64Array.from({ length: N }, () => b1.uniform());
    const p = createRng(7);
    const c = Float64Array.from({ length: N }, () => p.uniform());
    // sample correlation of independent streams is ~N(0, 1/N): |r| < 5/√N
    const corr = (x: Float64Array, y: Float64Array) => {
      let s = 0;
      for (let i = 0; i < N; i++) s += (x[i]! - 0.5) * (y[i]! - 0.5);
      return (s / N) * 12;
    };
    expect(Math.abs(corr(a, b))).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(corr(a, c))).toBeLessThan(5 / Math.sqrt(N));
    expect(createRng(7).fork(3).uniform()).toBe(createRng(7).fork('3').uniform());
  });

  it('uniform: in [0, 1), mean 1/2 and variance 1/12 within 5σ for 1e5 draws', () => {
    const x = draws(2024, N, (r) => r.uniform());
    expect(x.every((v) => v >= 0 && v < 1)).toBe(true);
    const [m, v] = meanVar(x);
    expect(Math.abs(m - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / N));
    // sd of the sample variance: √((μ₄ − σ⁴)/N) with μ₄ = 1/80, σ⁴ = 1/144
    expect(Math.abs(v - 1 / 12)).toBeLessThan(5 * Math.sqrt((1 / 80 - 1 / 144) / N));
  });

  it('normal: mean 0 and variance 1 within 5σ for 1e5 draws', () => {
    const x = draws(99, N, (r) => r.normal());
    const [m, v] = meanVar(x);
    expect(Math.abs(m)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(v - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
    // tails: P(|z| > 2) = 0.0455, binomial sd √(p(1−p)/N)
    const tail = x.filter((z) => Math.abs(z) > 2).length / N;
    expect(Math.abs(tail - 0.0455)).toBeLessThan(5 * Math.sqrt((0.0455 * 0.9545) / N));
  });

  it('int(n): every value in range, frequencies within 5σ', () => {
    const r = createRng(5);
    const counts = new Array<number>(7).fill(0);
    for (let i = 0; i < N; i++) counts[r.int(7)]!++;
    const p = 1 / 7;
    for (const c of counts) expect(Math.abs(c / N - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / N));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(N);
  });

  it('permutation is a permutation; shuffle keeps the elements', () => {
    const r = createRng(11);
    for (const n of [0, 1, 2, 10, 1000]) {
      const p = r.permutation(n);
      expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
    const a = ['a', 'b', 'c', 'd', 'e'];
    expect([...r.shuffle([...a])].sort()).toEqual(a);
  });

  it('choice without replacement gives distinct indices; with replacement may repeat', () => {
    const r = createRng(3);
    for (let t = 0; t < 50; t++) {
      const c = r.choice(20, 20);
      expect(new Set(c).size).toBe(20);
      expect(Array.from(c).every((i) => i >= 0 && i < 20)).toBe(true);
    }
    const w = r.choice(5, 4, { weights: [1, 0, 2, 3, 4] });
    expect(new Set(w).size).toBe(4);
    expect(Array.from(w)).not.toContain(1); // weight 0 is never drawn
    const rep = r.choice(3, 100, { replace: true });
    expect(new Set(rep).size).toBe(3);
  });

  it('weighted choice frequencies follow the weights within 5σ', () => {
    const r = createRng(8);
    const weights = [1, 2, 3, 4];
    const c = r.choice(4, N, { replace: true, weights });
    const counts = [0, 0, 0, 0];
    for (const i of c) counts[i]!++;
    weights.forEach((wt, i) => {
      const p = wt / 10;
      expect(Math.abs(counts[i]! / N - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / N));
    });
  });

  it('rejects bad arguments with INVALID_ARGUMENT', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return isDiscernError(e) ? e.code : 'other';
      }
      return 'none';
    };
    const r = createRng(1);
    expect(code(() => createRng(1.5))).toBe('INVALID_ARGUMENT');
    expect(code(() => r.int(0))).toBe('INVALID_ARGUMENT');
    expect(code(() => r.choice(3, 4))).toBe('INVALID_ARGUMENT');
    expect(code(() => r.choice(3, 1, { weights: [1, 2] }))).toBe('INVALID_ARGUMENT');
    expect(code(() => r.choice(2, 1, { weights: [1, -1] }))).toBe('INVALID_ARGUMENT');
    expect(code(() => r.choice(2, 2, { weights: [1, 0] }))).toBe('INVALID_ARGUMENT'); // the second draw has nothing left
  });
});

describe('stratifiedFoldOf', () => {
  it("deals each class's rows round-robin from where the last class stopped (classes by first row), shuffled within the class", () => {
    // class 1 appears first (row 0): its 3 rows take folds {0, 1, 2}; class 0 continues from 3 % 3 = 0: {0, 1, 2, 0}
    const byClass = [[1, 3, 5, 6], [0, 2, 4]];
    for (let seed = 0; seed < 20; seed++) {
      const fold = stratifiedFoldOf(byClass, 7, 3, createRng(seed));
      expect(byClass[1]!.map((i) => fold[i]!).sort()).toEqual([0, 1, 2]);
      expect(byClass[0]!.map((i) => fold[i]!).sort()).toEqual([0, 0, 1, 2]);
    }
    // seeded: the same stream, the same deal; an empty class takes no fold
    const a = stratifiedFoldOf([[], [0, 1, 2, 3, 4, 5]], 6, 2, createRng(5));
    expect(Array.from(a)).toEqual(Array.from(stratifiedFoldOf([[], [0, 1, 2, 3, 4, 5]], 6, 2, createRng(5))));
    expect(Array.from(a).sort()).toEqual([0, 0, 0, 1, 1, 1]);
  });
});

describe('shuffle', () => {
  it('is Fisher–Yates with int(i + 1) from the end, draw for draw, across its blocks of draws; the stream goes on as after those draws', () => {
    for (const n of [0, 1, 2, 3, 1023, 1024, 1025, 2049, 5000]) {
      for (const seed of [0, 7]) {
        const r = createRng(seed);
        const a = Int32Array.from({ length: n }, (_, i) => i);
        r.shuffle(a);
        const ref = createRng(seed);
        const b = Int32Array.from({ length: n }, (_, i) => i);
        for (let i = n - 1; i > 0; i--) {
          const j = ref.int(i + 1);
          const t = b[i]!;
          b[i] = b[j]!;
          b[j] = t;
        }
        expect(Array.from(a), `n=${n} seed=${seed}`).toEqual(Array.from(b));
        expect(r.uniform()).toBe(ref.uniform());
      }
    }
    // a plain array too
    expect(createRng(3).shuffle(['a', 'b', 'c', 'd']).slice().sort()).toEqual(['a', 'b', 'c', 'd']);
  });
});
