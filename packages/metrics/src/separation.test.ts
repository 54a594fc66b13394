import { describe, expect, it } from 'vitest';
import { errorText, expectAllClose, expectClose, loadFixture } from './fixture.test-helpers.js';
import { type ProtocolFixture } from './protocol-fixture.test-helpers.js';
import { classHistograms, histogramEdges, separation, separationOfHistograms } from './separation.js';

const fx = loadFixture<ProtocolFixture>('protocol.json');

describe("TMVA's separation against numpy (tools/fixtures/make_protocol_fixtures.py), on the same binning", () => {
  it('has the reference cases', () => expect(fx.separation.length).toBeGreaterThanOrEqual(5));
  for (const c of fx.separation) {
    it(c.name, () => {
      const r = separation(c.values, c.y, { bins: c.bins, ...(c.weights ? { weights: c.weights } : {}), ...(c.range ? { range: c.range } : {}) });
      expectAllClose(r.edges, c.edges, 1e-15, 'edges');
      expectAllClose(r.signal, c.signal, 1e-12, 'signal Σw');
      expectAllClose(r.background, c.background, 1e-12, 'background Σw');
      expectClose(r.separation, c.separation, 1e-12, 'separation');
      expect(classHistograms(c.values, c.y, 2, { bins: c.bins, ...(c.range ? { range: c.range } : {}) }).outside).toBe(c.outside);
    });
  }
});

describe('separation, worked by hand', () => {
  it('contents [1, 3] against [3, 1]: densities ¼, ¾ and ¾, ¼; ½·2·(½)²/1 = ¼, whatever the bin width', () => {
    expect(separationOfHistograms([1, 3], [3, 1])).toBeCloseTo(0.25, 15);
    expect(separationOfHistograms([1, 3], [3, 1], 0.5)).toBeCloseTo(0.25, 15);
    // scaling a histogram's total changes nothing: the shapes are compared
    expect(separationOfHistograms([10, 30], [3, 1])).toBeCloseTo(0.25, 15);
  });
  it('is 0 for identical shapes and 1 for disjoint ones', () => {
    expect(separationOfHistograms([2, 5, 1], [4, 10, 2])).toBe(0);
    expect(separationOfHistograms([0, 5, 1], [3, 0, 0])).toBeCloseTo(1, 15);
    expect(separation([0, 0.1, 0.9, 1], [0, 0, 1, 1], { bins: 4 }).separation).toBeCloseTo(1, 15);
  });
  it('a bin where negative weights leave s + b ≤ 0 adds nothing; a histogram without positive total gives NaN', () => {
    // bins: s = [2, −1, 3], b = [1, 0.5, 1.5]; totals 4 and 3: ŝ = [½, −¼, ¾], b̂ = [⅓, ⅙, ½]; bin 2 has ŝ + b̂ < 0
    const s = [2, -1, 3], b = [1, 0.5, 1.5];
    const expected = 0.5 * ((0.5 - 1 / 3) ** 2 / (0.5 + 1 / 3) + (0.75 - 0.5) ** 2 / (0.75 + 0.5));
    expect(separationOfHistograms(s, b)).toBeCloseTo(expected, 15);
    expect(separationOfHistograms([1, -1], [1, 1])).toBeNaN();
  });
  it('a constant variable gets one widened range and separation 0', () => {
    const r = separation([2, 2, 2, 2], [0, 1, 0, 1], { bins: 2 });
    expect([...r.edges]).toEqual([1.9, 2, 2.1]);
    expect(r.separation).toBe(0);
    expect([...histogramEdges(0, 0, 2)]).toEqual([-0.5, 0, 0.5]);
  });
  it('K classes: one histogram per class; posLabel makes one class signal and the rest background', () => {
    const h = classHistograms([0, 1, 2, 3], [0, 1, 2, 2], 3, { bins: 2, weights: [1, 2, 3, 4] });
    expect(h.sumW.map((x) => [...x])).toEqual([[1, 0], [2, 0], [0, 7]]);
    expect(h.sumW2.map((x) => [...x])).toEqual([[1, 0], [4, 0], [0, 25]]);
    expect([...h.total]).toEqual([1, 2, 7]);
    const r = separation([0, 1, 2, 3], [0, 1, 2, 2], { bins: 2, posLabel: 2 });
    expect([...r.signal, ...r.background]).toEqual([0, 2, 2, 0]);
    expect(r.separation).toBeCloseTo(1, 15);
  });
  it('says what is wrong with its arguments', () => {
    expect(errorText(() => separation([1, 2], [0, 1], { bins: 0 }))).toBe('INVALID_ARGUMENT: bins is 0; expected an integer in [1, 100000]');
    expect(errorText(() => separation([1, 2], [0, 1], { range: [2, 1] }))).toBe('INVALID_ARGUMENT: range is [2, 1]; expected two finite numbers lo ≤ hi');
    expect(errorText(() => separation([1, NaN], [0, 1]))).toBe('DATA_INVALID: values[1] is NaN; every score must be a finite number');
    expect(errorText(() => separation([1, 2], [0, 2]))).toBe('LABEL_INVALID: yTrue[1] is 2; expected an integer class index in 0..1');
  });
});
