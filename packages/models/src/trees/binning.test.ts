import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binColumn, binOf, sortValues } from './binning.js';

/**
 * binColumn's bucket index against binOf's plain binary search, the reference: the same bin for every value, with
 * thresholds that repeat, crowd into a few buckets or span a tiny range, and values below, between, on and above
 * them, missing ones included.
 */
describe('binColumn', () => {
  const missingBin = 255;
  const threshold = fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: -3, max: 3 }), fc.double({ min: 1, max: 1 + 1e-12, noNaN: true }));

  it('bins as binOf does', () => {
    fc.assert(
      fc.property(fc.array(threshold, { minLength: 0, maxLength: 254 }), fc.array(fc.oneof(threshold, fc.constant(NaN), fc.double({ noNaN: true, noDefaultInfinity: true })), { minLength: 1, maxLength: 60 }), (ts, extra) => {
        const t = Float64Array.from(ts).sort();
        // the thresholds themselves, their neighbours, and other values
        const values = [...t, ...Array.from(t, (v) => v * (1 + 1e-15) + 1e-300), ...extra];
        const X = Float64Array.from(values);
        const rows = Int32Array.from(values, (_, i) => i);
        const out = new Uint8Array(values.length);
        binColumn(X, 1, 0, rows, t, missingBin, out);
        for (let i = 0; i < values.length; i++) expect(out[i]).toBe(binOf(values[i]!, t, missingBin));
      }),
      { numRuns: 300 },
    );
  });
});

describe('sortValues', () => {
  it('sorts as Float64Array.prototype.sort does, −0 before +0', () => {
    const value = fc.oneof(fc.double({ noNaN: true }), fc.integer({ min: -5, max: 5 }), fc.constantFrom(0, -0, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE));
    fc.assert(
      fc.property(fc.array(value, { minLength: 1000, maxLength: 3000 }), (vs) => {
        const expected = Float64Array.from(vs).sort();
        const got = sortValues(Float64Array.from(vs));
        expect(got.length).toBe(expected.length);
        for (let i = 0; i < got.length; i++) expect(Object.is(got[i], expected[i])).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
