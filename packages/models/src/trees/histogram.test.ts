import { describe, expect, it } from 'vitest';
import { type HistInput, accumulate, accumulateSums, countBins } from './histogram.js';

/**
 * The histogram kernels against each other: a node's histogram from its sums alone plus the fit's counts
 * (accumulateSums, for a root without row subsampling) equals the full one bit for bit, over every feature or a range
 * of them; and the counts are those of the rows.
 */
describe('histogram kernels', () => {
  const n = 203, p = 5, NB = 17;
  let seed = 3;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const bins = Uint8Array.from({ length: n * p }, () => Math.floor(rnd() * NB));
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  // two gradient blocks (K-class layout), the second one read
  const g = Float64Array.from({ length: 2 * n }, () => rnd() - 0.5);
  const h = Float64Array.from({ length: 2 * n }, () => rnd() * 0.25);
  const inp: HistInput = { bins, p, NB, rows, g, h };
  const feats = Int32Array.from({ length: p }, (_, j) => j);
  const counts = new Float64Array(p * NB);
  countBins(bins, p, NB, rows, n, counts);

  it('counts the rows of each bin', () => {
    for (let j = 0; j < p; j++) {
      let total = 0;
      for (let b = 0; b < NB; b++) {
        let c = 0;
        for (let i = 0; i < n; i++) if (bins[i * p + j] === b) c++;
        expect(counts[j * NB + b]).toBe(c);
        total += c;
      }
      expect(total).toBe(n);
    }
  });

  for (const [f0, f1] of [
    [0, p],
    [1, 4],
  ] as const)
    it(`the sums with the stored counts are the full histogram, bit for bit (features ${f0}..${f1 - 1})`, () => {
      const full = new Float64Array(p * NB * 3), sums = new Float64Array(p * NB * 3);
      accumulate(inp, feats, true, f0, f1, n, 0, n, full, 0);
      accumulateSums(inp, counts, f0, f1, n, 0, n, sums, 0);
      expect(sums).toEqual(full);
      // the features outside the range are left alone
      expect(full.subarray(0, f0 * NB * 3).every((v) => v === 0)).toBe(true);
    });
});
