import { describe, expect, it } from 'vitest';
import { isDiscernError } from './errors.js';
import { loadFixture } from './fixture.test-helpers.js';
import { erf, erfc, normCdf, normIsf, normPdf, normPpf, normSf } from './normal.js';

/** Whether |actual − expected| ≤ rel·|expected| + abs; callers name the case in the assertion message. */
function close(actual: number, expected: number, rel: number, abs = 0): boolean {
  if (actual === expected) return true;
  return Math.abs(actual - expected) <= rel * Math.abs(expected) + abs;
}

interface NormalFixture {
  cdf_sf: Array<{ x: number; cdf: number; sf: number; erfc: number }>;
  quantiles: Array<{ p: number; ppf: number; isf: number }>;
  erf: Array<{ y: number; erf: number; erfc: number }>;
}
const fx = loadFixture<NormalFixture>('normal.json');

describe('Φ and Q against mpmath (50 digits)', () => {
  it('Q(x) and Φ(x) to 2e-15 relative, far into both tails', () => {
    // 2e-15: a few ulps; the tails go down to Q(37.5) ≈ 5e-309 (subnormal territory is excluded from the relative check)
    for (const c of fx.cdf_sf) {
      const tolFloor = 1e-300; // below this the result is subnormal and carries fewer bits
      expect(close(normSf(c.x), c.sf, 2e-15, tolFloor), `sf(${c.x}) = ${normSf(c.x)} vs ${c.sf}`).toBe(true);
      expect(close(normCdf(c.x), c.cdf, 2e-15, tolFloor), `cdf(${c.x}) = ${normCdf(c.x)} vs ${c.cdf}`).toBe(true);
    }
  });

  it('hand values: Φ(1) = 0.841344746068543, Q(0.5) = 0.308537538725987, Φ(0) = 1/2', () => {
    expect(normCdf(1)).toBeCloseTo(0.841344746068543, 14);
    expect(normSf(0.5)).toBeCloseTo(0.308537538725987, 14);
    expect(normCdf(0)).toBe(0.5);
    expect(normSf(0)).toBe(0.5);
    expect(normSf(Infinity)).toBe(0);
    expect(normCdf(-Infinity)).toBe(0);
    expect(normCdf(Infinity)).toBe(1);
    expect(Number.isNaN(normSf(NaN))).toBe(true);
  });

  it('normPdf(0) = 1/√(2π), normPdf(1) = e^{-1/2}/√(2π)', () => {
    expect(normPdf(0)).toBeCloseTo(0.3989422804014327, 15);
    expect(normPdf(1)).toBeCloseTo(0.24197072451914337, 15);
  });
});

describe('erf and erfc against mpmath', () => {
  it('agree to 2e-15 relative (erfc) and 1e-16 absolute (erf)', () => {
    for (const c of fx.erf) {
      expect(close(erfc(c.y), c.erfc, 2e-15), `erfc(${c.y}) = ${erfc(c.y)} vs ${c.erfc}`).toBe(true);
      expect(close(erf(c.y), c.erf, 2e-15, 1e-16), `erf(${c.y}) = ${erf(c.y)} vs ${c.erf}`).toBe(true);
    }
  });
});

describe('Φ⁻¹ and Q⁻¹ against mpmath root-finding', () => {
  it('agree to 1e-14 relative (plus 1e-16 absolute near 0)', () => {
    for (const c of fx.quantiles) {
      expect(close(normPpf(c.p), c.ppf, 1e-14, 1e-16), `ppf(${c.p}) = ${normPpf(c.p)} vs ${c.ppf}`).toBe(true);
      expect(close(normIsf(c.p), c.isf, 1e-14, 1e-16), `isf(${c.p}) = ${normIsf(c.p)} vs ${c.isf}`).toBe(true);
    }
  });

  it('round-trips Φ(Φ⁻¹(p)) = p over 1e-300 … 1 − 1e-12 to within its conditioning', () => {
    // Rounding x to a double moves Φ(x) by a relative |x|·ulp(x) ≈ x²·ε, so the achievable round trip is
    // 2e-15 + 4x²ε (1.2e-12 at x = −37), not a flat 1e-14.
    for (let e = -300; e <= -1; e += 7) {
      const p = 10 ** e;
      const x = normPpf(p);
      const tol = 2e-15 + 4 * x * x * Number.EPSILON;
      expect(close(normCdf(x), p, tol), `p = ${p}`).toBe(true);
      expect(close(normSf(normIsf(p)), p, tol), `q = ${p}`).toBe(true);
    }
    for (const p of [0.5, 0.7, 0.9, 0.999, 1 - 1e-12]) expect(close(normCdf(normPpf(p)), p, 1e-14)).toBe(true);
  });

  it('hand values: Q⁻¹(0.025) = 1.959963984540054, Φ⁻¹(0.5) = 0, ends at ±∞', () => {
    expect(normIsf(0.025)).toBeCloseTo(1.959963984540054, 14);
    expect(normPpf(0.5)).toBe(0);
    expect(normPpf(0)).toBe(-Infinity);
    expect(normPpf(1)).toBe(Infinity);
    expect(normIsf(0)).toBe(Infinity);
    expect(normIsf(1)).toBe(-Infinity);
  });

  it('rejects probabilities outside [0, 1] with INVALID_ARGUMENT', () => {
    for (const p of [-0.1, 1.5, NaN]) {
      try {
        normPpf(p);
        expect.unreachable();
      } catch (e) {
        expect(isDiscernError(e) && e.code).toBe('INVALID_ARGUMENT');
        expect((e as Error).message).toMatch(/normPpf: the probability must be a number in \[0, 1\]/);
      }
    }
    expect(() => normIsf(2)).toThrow(/normIsf/);
  });
});
