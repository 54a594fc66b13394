import { describe, expect, it } from 'vitest';
import { expectAllClose, expectClose, loadFixture } from './fixture.test-helpers.js';
import { type SignificanceFixture } from './fixture-types.test-helpers.js';
import { asimovSignificance, significanceScan } from './significance.js';

const fx = loadFixture<SignificanceFixture>('significance.json');

describe('significance scan against a numpy/mpmath reference', () => {
  for (const c of fx.cases) {
    it(c.name, () => {
      const r = significanceScan(c.y_true, c.score, {
        signalScale: c.signalScale,
        backgroundScale: c.backgroundScale,
        ...(c.weights ? { weights: c.weights } : {}),
      });
      const rows = c.rows;
      expectAllClose(r.threshold, rows.map((x) => x.threshold), 0, 'threshold');
      expectAllClose(r.s, rows.map((x) => x.s), 1e-12, 's');
      expectAllClose(r.b, rows.map((x) => x.b), 1e-12, 'b');
      expectAllClose(r.effS, rows.map((x) => x.effS), 1e-12, 'εS');
      expectAllClose(r.effB, rows.map((x) => x.effB), 1e-12, 'εB');
      rows.forEach((x, k) => {
        for (const [got, ref, what] of [
          [r.sOverSqrtB[k]!, x.s_sqrt_b, 's/√b'],
          [r.sOverSqrtSB[k]!, x.s_sqrt_sb, 's/√(s+b)'],
          [r.asimov[k]!, x.asimov, 'Z_A'],
        ] as const) {
          if (ref === null) expect(got, `${what} at ${k}`).toBeNaN();
          else expectClose(got, ref, 1e-12, `${what} at ${k}`);
        }
      });
      // best thresholds: the arg-max of the reference column
      const argmax = (col: (number | null)[]): number => col.reduce<number>((bi, v, k) => (v !== null && (bi < 0 || v > col[bi]!) ? k : bi), -1);
      expect(r.best.asimov?.index).toBe(argmax(rows.map((x) => x.asimov)));
      expect(r.best.sOverSqrtB?.index).toBe(argmax(rows.map((x) => x.s_sqrt_b)));
      expect(r.best.sOverSqrtSB?.index).toBe(argmax(rows.map((x) => x.s_sqrt_sb)));
    });
  }
});

describe('Asimov significance', () => {
  it('hand-worked and limits', () => {
    // s = 10, b = 10: √(2(20 ln 2 − 10))
    expectClose(asimovSignificance(10, 10), Math.sqrt(2 * (20 * Math.LN2 - 10)), 1e-14);
    // s ≪ b: Z_A → s/√b (series branch)
    expectClose(asimovSignificance(1e-3, 1e4), 1e-3 / 100, 1e-6);
    expect(asimovSignificance(0, 5)).toBe(0);
    expect(asimovSignificance(1, 0)).toBeNaN();
  });
  it('is continuous across the series/closed-form switch at s/b = 0.01', () => {
    const below = asimovSignificance(0.01 * (1 - 1e-9) * 1000, 1000);
    const above = asimovSignificance(0.01 * (1 + 1e-9) * 1000, 1000);
    expectClose(below, above, 1e-8);
  });
  it('rejects a non-positive scale', () => {
    expect(() => significanceScan([0, 1], [0, 1], { signalScale: 0 })).toThrow(/signalScale is 0/);
  });
});
