import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { formatFloat32, formatFloat32Reference } from './float32-text.js';

// The fast formatting of float32 scores against its definition (formatFloat32Reference: the fewest digits from 6 to
// 9, by toPrecision, that read back as the float32): the same text for every value, ties and carries included.
describe('formatFloat32', () => {
  test('equals its definition on random float32 values of every magnitude', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true }), (x) => {
        const v = Math.fround(x);
        expect(formatFloat32(v)).toBe(formatFloat32Reference(v));
      }),
      { seed: 20261202, numRuns: 200_000 },
    );
  });

  test('equals its definition on probabilities, powers of two, carries and decimal ties', () => {
    const values: number[] = [0, -0, 1, -1, 0.5, 0.25, 0.1, 0.3, 0.999999, 0.9999999, 99999.99, 9.9999999e-7, 1e-45, 3.4028234663852886e38, 1.25, 2.5e-5, 0.0009765625, 123456.5, 1.5];
    for (let e = -40; e < 40; e++) values.push(2 ** e, 3 * 2 ** e, 2 ** e * (1 + 2 ** -23));
    for (let i = 0; i < 100_000; i++) values.push(i / 100_000, 1 - i / 3_000_007, i * 0.001953125);
    for (const x of values) {
      const v = Math.fround(x);
      expect(formatFloat32(v), String(v)).toBe(formatFloat32Reference(v));
    }
    expect([formatFloat32(NaN), formatFloat32(Infinity)]).toEqual([NaN, Infinity]);
  });

  test('equals its definition on every float32 of runs of consecutive bit patterns: near 0.5, 1, 1e-6 (where String switches to exponents), 1e21, 1e-38', () => {
    const f = new Float32Array(1);
    const bits = new Uint32Array(f.buffer);
    for (const start of [0.5, 1, 1e-6, 9.9999e-7, 1e21, 1e-38, 123.456, 0.1]) {
      f[0] = start;
      const b0 = bits[0]! - 20_000;
      for (let i = 0; i < 40_000; i++) {
        bits[0] = b0 + i;
        const v = f[0]!;
        expect(formatFloat32(v), String(v)).toBe(formatFloat32Reference(v));
        expect(formatFloat32(-v), String(-v)).toBe(formatFloat32Reference(-v));
      }
    }
  });
});
