/**
 * The generic kernels of kernels.wat against plain JavaScript written in the order each kernel's contract states
 * (every output a sum from 0 over its inner index in increasing order, then the epilogue), on random shapes: sizes
 * that are not multiples of the vector width (2) or the tile (4), one row, one column, one inner index. The
 * contract is bit-identity, so the comparison is Object.is on every number (stronger than any relative tolerance).
 * The model kernels (the GMM's E/M pass, back-propagation) are held to their JavaScript references in
 * @discern/models (mixture/gmm-simd.test.ts, mlp/kernels-simd.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { gemvInto, gemvTInto, logLossPassInto } from '../kernels.js';
import { createRng } from '../rng.js';
import { SimdHeap, loglossScratch, measureVectorPeak, measureVectorPeakOn, relaxedSimdAvailable, setSimdEnabled, simdEnabled } from './simd.js';

const rng = createRng(15);
const randInt = (lo: number, hi: number): number => lo + Math.floor(rng.uniform() * (hi - lo + 1));
const randomArray = (n: number): Float64Array => Float64Array.from({ length: n }, () => (rng.uniform() < 0.1 ? 0 : rng.normal() * 3));

function sameBits(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) expect.fail(`${what}[${i}]: ${got[i]} ≠ ${want[i]}`);
}

describe('SIMD kernels', () => {
  afterEach(() => setSimdEnabled(true));

  it('are available in this runtime (Node ≥ 16 has WebAssembly SIMD), and can be switched off', () => {
    expect(simdEnabled()).toBe(true);
    expect(SimdHeap.create([10])).toBeDefined();
    expect(setSimdEnabled(false)).toBe(true);
    expect(simdEnabled()).toBe(false);
    expect(SimdHeap.create([10])).toBeUndefined();
  });

  it('SimdHeap: aligned allocations with slack, refusing one that does not fit', () => {
    const h = SimdHeap.create([3, 5, 1])!;
    const a = h.alloc(3), b = h.alloc(5), c = h.alloc(1);
    for (const x of [a, b, c]) expect(x % 2).toBe(0); // 16-byte aligned
    expect(b - a).toBeGreaterThanOrEqual(3 + 4);
    expect(c - b).toBeGreaterThanOrEqual(5 + 4);
    h.view(b, 5).fill(7);
    expect(Array.from(h.view(a, 3))).toEqual([0, 0, 0]);
    expect(() => h.alloc(1e9)).toThrow(/do not fit/);
  });

  it('mm: C = epilogue(Σ_k A·B) for every use (plain, bias, relu, + decay·E), strided A, on random shapes', () => {
    for (let t = 0; t < 300; t++) {
      const M = randInt(1, 13), N = randInt(1, 11), Kr = randInt(1, 9);
      const transposedA = rng.uniform() < 0.5;
      // A is M×Kr read as A[i·sai + k·sak]: row-major (sai = Kr) or column-major (sak = M)
      const sai = transposedA ? 1 : Kr, sak = transposedA ? M : 1;
      const ldb = N + randInt(0, 2), ldc = N + randInt(0, 2);
      const A = randomArray(M * Kr), B = randomArray(Kr * ldb), E = randomArray(M * ldc), bias = randomArray(N);
      const mode = t % 4; // 0 plain, 1 bias, 2 bias + relu, 3 + decay·E
      const decay = mode === 3 ? rng.uniform() : 0;
      const want = new Float64Array(M * ldc).fill(-1);
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let k = 0; k < Kr; k++) s += A[i * sai + k * sak]! * B[k * ldb + j]!;
          if (mode === 1 || mode === 2) s += bias[j]!;
          if (mode === 2) s = s * +(s > 0);
          if (mode === 3) s = s + decay * E[i * ldc + j]!;
          want[i * ldc + j] = s;
        }
      const h = SimdHeap.create([A.length, B.length, E.length, N, want.length])!;
      const [a, b, e, bi, c] = [A, B, E, bias, want].map((x) => h.alloc(x.length)) as [number, number, number, number, number];
      h.f64.set(A, a);
      h.f64.set(B, b);
      h.f64.set(E, e);
      h.f64.set(bias, bi);
      h.view(c, want.length).fill(-1);
      h.k.mm(c * 8, ldc, a * 8, sai, sak, b * 8, ldb, M, N, Kr, mode === 1 || mode === 2 ? bi * 8 : -1, mode === 2 ? 1 : 0, mode === 3 ? e * 8 : -1, decay);
      sameBits(h.view(c, want.length), want, `mm ${M}×${N}×${Kr} mode ${mode}`);
    }
  });

  it('colsum, sumsq, transpose and relu_mask, on random shapes', () => {
    for (let t = 0; t < 200; t++) {
      const m = randInt(1, 9), n = randInt(1, 9);
      const D = randomArray(m * n);
      const mask = Float64Array.from({ length: m * n }, () => (rng.uniform() < 0.5 ? 0 : rng.uniform()));
      const h = SimdHeap.create([m * n, n, m * n, m * n])!;
      const d = h.alloc(m * n), out = h.alloc(n), tr = h.alloc(m * n), mk = h.alloc(m * n);
      h.f64.set(D, d);
      h.f64.set(mask, mk);
      h.k.colsum(d * 8, m, n, out * 8);
      const sums = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let i = 0; i < m; i++) s += D[i * n + j]!;
        sums[j] = s;
      }
      sameBits(h.view(out, n), sums, 'colsum');
      let sq = 0;
      for (const v of D) sq += v * v;
      expect(Object.is(h.k.sumsq(d * 8, m * n), sq)).toBe(true);
      h.k.transpose(d * 8, m, n, tr * 8, m);
      sameBits(h.view(tr, m * n), Float64Array.from({ length: m * n }, (_, q) => D[(q % m) * n + Math.floor(q / m)]!), 'transpose');
      // denseBackward's mask: products inside its 2-row × 4-column tiles, a choice outside them
      const want = D.map((v, q) => {
        const i = Math.floor(q / n), k = q % n;
        const inTile = i < (m & ~1) && k < (n & ~3);
        return inTile ? v * +(mask[q]! > 0) : mask[q]! > 0 ? v : 0;
      });
      h.k.relu_mask(d * 8, m, n, mk * 8);
      sameBits(h.view(d, m * n), want, 'relu_mask');
    }
  });

  it('transpose says whether every value is finite: 0 for one ±∞ or NaN anywhere (paired rows and columns, the odd last column, the odd last row), 1 for the largest, the subnormal and −0 values', () => {
    const special = [Infinity, -Infinity, NaN, new Float64Array(new BigUint64Array([0x7ff0000000000001n]).buffer)[0]!, new Float64Array(new BigUint64Array([0xfff8000000000000n]).buffer)[0]!];
    const finiteEdges = [Number.MAX_VALUE, -Number.MAX_VALUE, 5e-324, -5e-324, -0, 2.2250738585072014e-308];
    for (let t = 0; t < 300; t++) {
      const m = randInt(1, 9), n = randInt(1, 9);
      const D = randomArray(m * n);
      // a few edge values that are finite, then (in two tries out of three) one value that is not, anywhere
      for (let e = 0; e < 3; e++) D[randInt(0, m * n - 1)] = finiteEdges[randInt(0, finiteEdges.length - 1)]!;
      const bad = t % 3 !== 0 ? randInt(0, m * n - 1) : -1;
      if (bad >= 0) D[bad] = special[randInt(0, special.length - 1)]!;
      const h = SimdHeap.create([m * n, m * n])!;
      const d = h.alloc(m * n), tr = h.alloc(m * n);
      h.f64.set(D, d);
      const ok = h.k.transpose(d * 8, m, n, tr * 8, m);
      expect(ok, `${m}×${n}, non-finite at ${bad}`).toBe(bad >= 0 ? 0 : 1);
      // the copy keeps every bit, NaN payloads included
      const got = new BigUint64Array(h.f64.buffer, tr * 8, m * n);
      const src = new BigUint64Array(D.buffer);
      for (let q = 0; q < m * n; q++) expect(got[q], `transpose[${q}]`).toBe(src[(q % m) * n + Math.floor(q / m)]);
    }
  });

  it('gather_rows copies the first p numbers of the rows an index picks, every bit, NaN payloads and −0 included, on random shapes', () => {
    const odd = new Float64Array(new BigUint64Array([0x7ff4000000000001n, 0xfff8000000000abcn]).buffer);
    for (let t = 0; t < 300; t++) {
      // p from 1 (one feature: only the odd last double) to 13; source rows lds ≥ p apart; m from 1; a source row
      // picked any number of times
      const p = t < 13 ? t + 1 : randInt(1, 13), lds = p + (t % 3 === 0 ? 0 : randInt(1, 3)), n = randInt(1, 30), m = t % 50 === 0 ? 1 : randInt(1, 40);
      const src = randomArray(n * lds);
      src[randInt(0, n * lds - 1)] = -0;
      src[randInt(0, n * lds - 1)] = odd[t % 2]!;
      const idx = Int32Array.from({ length: m }, () => randInt(0, n - 1));
      const h = SimdHeap.create([n * lds, m * p + 1, Math.ceil(m / 2)])!;
      const s = h.alloc(n * lds), d = h.alloc(m * p + 1), ix = h.alloc(Math.ceil(m / 2));
      h.f64.set(src, s);
      new Int32Array(h.f64.buffer).set(idx, ix * 2);
      // a sentinel after the last row: the kernel writes m·p numbers and not one more
      h.f64[d + m * p] = 12345.5;
      h.k.gather_rows(d * 8, s * 8, lds, ix * 8, m, p);
      const want = new Float64Array(m * p);
      for (let k = 0; k < m; k++) want.set(src.subarray(idx[k]! * lds, idx[k]! * lds + p), k * p);
      const bits = (a: Float64Array): bigint[] => Array.from(new BigUint64Array(a.slice().buffer));
      expect(bits(h.view(d, m * p))).toEqual(bits(want));
      expect(h.f64[d + m * p]).toBe(12345.5);
    }
  });

  it('gemv and gemvt against gemvInto and gemvTInto (their JavaScript references), on random shapes', () => {
    for (let t = 0; t < 300; t++) {
      const m = t < 8 ? t + 1 : randInt(1, 40), p = t < 8 ? 1 + (t % 3) : randInt(1, 13);
      const X = randomArray(m * p), v = randomArray(p + 2), d = randomArray(m);
      const bias = t % 3 ? rng.normal() : 0;
      const vo = randInt(0, 2);
      const ld = Math.ceil(m / 4) * 4 + 4 * randInt(0, 1);
      const h = SimdHeap.create([m * p, ld * p, p + 2, m, m, p])!;
      const x = h.alloc(m * p), xt = h.alloc(ld * p), vv = h.alloc(p + 2), dd = h.alloc(m), z = h.alloc(m), g = h.alloc(p);
      h.f64.set(X, x);
      h.f64.set(v, vv);
      h.f64.set(d, dd);
      h.k.transpose(x * 8, m, p, xt * 8, ld);
      h.view(z, m + 2).fill(-1);
      h.k.gemv(xt * 8, ld, m, p, (vv + vo) * 8, bias, z * 8);
      sameBits(h.view(z, m), gemvInto(X, m, p, v, vo, bias, new Float64Array(m)), `gemv ${m}×${p}`);
      expect(h.f64[z + m]).toBe(-1); // nothing stored past m rows
      h.k.gemvt(x * 8, m, p, dd * 8, g * 8);
      sameBits(h.view(g, p), gemvTInto(X, m, p, d, new Float64Array(p)), `gemvt ${m}×${p}`);
    }
  });

  it('logloss_pass against logLossPassInto (its JavaScript reference), on random shapes, offsets, weights and scores', () => {
    for (let t = 0; t < 400; t++) {
      // n rows in the copy, the pass over [i0, i0 + m); p features; scores from tiny to past exp's cut-off
      const n = t < 8 ? t + 1 : randInt(1, 45), p = t < 8 ? 1 + (t % 3) : randInt(1, 13);
      const i0 = randInt(0, n - 1), m = randInt(1, n - i0);
      const scale = [0.01, 1, 30, 1000][t % 4]!;
      const X = Float64Array.from({ length: n * p }, () => rng.normal() * scale);
      const theta = randomArray(p);
      const bias = t % 3 ? rng.normal() * scale : 0;
      const y = Float64Array.from({ length: n }, () => (rng.uniform() < 0.5 ? 1 : 0));
      const w = Float64Array.from({ length: n }, () => (rng.uniform() < 0.15 ? 0 : rng.uniform() / n));
      if (t % 5 === 0) X[randInt(0, n * p - 1)] = 0;
      const ld = Math.ceil(n / 4) * 4;
      const h = SimdHeap.create([n * p, ld * p, p, n, n, loglossScratch(p), p + 2])!;
      const x = h.alloc(n * p), xt = h.alloc(ld * p), th = h.alloc(p), yy = h.alloc(n), ww = h.alloc(n), acc = h.alloc(loglossScratch(p)), out = h.alloc(p + 2);
      h.f64.set(X, x);
      h.view(xt, ld * p).fill(NaN); // the transposed copy's slack is never added in
      h.k.transpose(x * 8, n, p, xt * 8, ld);
      h.f64.set(theta, th);
      h.f64.set(y, yy);
      h.f64.set(w, ww);
      h.view(acc, loglossScratch(p)).fill(NaN); // the kernel clears its scratch
      h.k.logloss_pass(xt * 8, ld, i0, m, p, th * 8, bias, yy * 8, ww * 8, acc * 8, out * 8, 1);
      const want = new Float64Array(p + 2);
      logLossPassInto(X, p, i0, m, theta, 0, bias, y, w, new Float64Array(m), want, 0, true);
      sameBits(h.view(out, p + 2), want, `logloss_pass rows ${i0}…${i0 + m} of ${n}, p ${p}, scale ${scale}`);
      // the same rows brought in pieces of even lengths (the last any), the sums going on from call to call: the same bits
      const whole = Float64Array.from(h.view(out, p + 2));
      h.view(out, p + 2).fill(NaN);
      for (let a = i0, first = 1; a < i0 + m; first = 0) {
        const len = Math.min(2 * randInt(1, 40), i0 + m - a);
        h.k.logloss_pass(xt * 8, ld, a, len, p, th * 8, bias, yy * 8, ww * 8, acc * 8, out * 8, first);
        a += len;
      }
      sameBits(h.view(out, p + 2), whole, `logloss_pass in pieces, rows ${i0}…${i0 + m} of ${n}, p ${p}`);
      // and the reference is the loss: against a plain pass with Math.exp / Math.log1p, to 1e-12 of the sum of |terms|
      const plain = new Float64Array(p + 2), mag = new Float64Array(p + 2);
      for (let i = i0; i < i0 + m; i++) {
        if (w[i] === 0) continue;
        let z = bias;
        for (let j = 0; j < p; j++) z += theta[j]! * X[i * p + j]!;
        const l = w[i]! * (Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - y[i]! * z);
        const d = w[i]! * (1 / (1 + Math.exp(-z)) - y[i]!);
        plain[0]! += l;
        mag[0]! += Math.abs(l);
        for (let j = 0; j < p; j++) {
          plain[1 + j]! += d * X[i * p + j]!;
          mag[1 + j]! += Math.abs(d * X[i * p + j]!);
        }
        plain[1 + p]! += d;
        mag[1 + p]! += Math.abs(d);
      }
      for (let j = 0; j < p + 2; j++) expect(Math.abs(want[j]! - plain[j]!)).toBeLessThanOrEqual(1e-12 * mag[j]! + 1e-300);
    }
  });

  it('measures a vector peak on this thread and on two at once, and tells whether relaxed SIMD (fused multiply-add) validates', async () => {
    const peak = measureVectorPeak(20)!;
    expect(peak).toBeGreaterThan(0.1); // GFLOP/s; any machine that runs the tests does more than this
    expect(await measureVectorPeakOn(2)).toBeGreaterThan(0.1);
    expect(typeof relaxedSimdAvailable()).toBe('boolean');
  });
});
