import { describe, expect, it } from 'vitest';
import { gemvInto, gemvTInto } from './kernels.js';
import { createRng } from './rng.js';

describe('gemvInto / gemvTInto', () => {
  it('match a hand-worked 2×3 product', () => {
    const X = Float64Array.from([1, 2, 3, 4, 5, 6]);
    // [1 2 3; 4 5 6]·[1, 0, −1] + 0.5 = [−2 + 0.5, −2 + 0.5]
    expect(Array.from(gemvInto(X, 2, 3, [1, 0, -1], 0, 0.5, new Float64Array(2)))).toEqual([-1.5, -1.5]);
    // [1 2 3; 4 5 6]ᵀ·[1, 2] = [9, 12, 15], written from offset 1
    expect(Array.from(gemvTInto(X, 2, 3, [1, 2], new Float64Array(4), 1))).toEqual([0, 9, 12, 15]);
  });

  // Small integers: every product and partial sum is exact in double precision, so any summation order gives the
  // same result and the kernels must equal the plain loops exactly, for every remainder of p modulo 4.
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 13])('equal plain loops exactly on integer data, p = %i', (p) => {
    const rng = createRng(p);
    const n = 37;
    const X = Float64Array.from({ length: n * p }, () => Math.floor(rng.uniform() * 21) - 10);
    const v = Float64Array.from({ length: p + 2 }, () => Math.floor(rng.uniform() * 9) - 4);
    const d = Float64Array.from({ length: n }, () => Math.floor(rng.uniform() * 9) - 4);
    const z = gemvInto(X, n, p, v, 2, 3, new Float64Array(n + 1).fill(99));
    const g = gemvTInto(X, n, p, d, new Float64Array(p).fill(99));
    for (let i = 0; i < n; i++) {
      let s = 3;
      for (let j = 0; j < p; j++) s += X[i * p + j]! * v[2 + j]!;
      expect(z[i]).toBe(s);
    }
    expect(z[n]).toBe(99); // nothing written past n
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += X[i * p + j]! * d[i]!;
      expect(g[j]).toBe(s);
    }
  });

  it('agree with plain loops to rounding on real-valued data (relative 1e-13)', () => {
    const rng = createRng(7);
    const n = 1000, p = 11;
    const X = Float64Array.from({ length: n * p }, () => rng.normal());
    const v = Float64Array.from({ length: p }, () => rng.normal());
    const z = gemvInto(X, n, p, v, 0, 0, new Float64Array(n));
    const g = gemvTInto(X, n, p, z, new Float64Array(p));
    for (let j = 0; j < p; j++) {
      let s = 0, abs = 0;
      for (let i = 0; i < n; i++) {
        let zi = 0;
        for (let k = 0; k < p; k++) zi += X[i * p + k]! * v[k]!;
        s += X[i * p + j]! * zi;
        abs += Math.abs(X[i * p + j]! * zi);
      }
      expect(Math.abs(g[j]! - s)).toBeLessThan(1e-13 * abs);
    }
  });
});
