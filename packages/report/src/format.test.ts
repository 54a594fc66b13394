import { describe, expect, it } from 'vitest';
import { formatInterval, formatNumber } from './format.js';
import { expectDiscernError } from './__tests__/helpers.js';

describe('formatNumber', () => {
  it('prints integers (event counts) exactly', () => {
    expect(formatNumber(12332)).toBe('12332');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(-7)).toBe('-7');
  });
  it('rounds to 3 significant digits and drops trailing zeros', () => {
    expect(formatNumber(0.91234)).toBe('0.912');
    expect(formatNumber(0.05)).toBe('0.05');
    expect(formatNumber(1234.56)).toBe('1235');
    expect(formatNumber(2.5)).toBe('2.5');
    expect(formatNumber(0.123456, { digits: 5 })).toBe('0.12346');
  });
  it('uses exponent notation for very small and very large values', () => {
    expect(formatNumber(0.000123)).toBe('1.23e-4');
    expect(formatNumber(2.5e7 + 0.5)).toBe('2.5e+7');
  });
  it('spells out non-finite values', () => {
    expect(formatNumber(NaN)).toBe('NaN');
    expect(formatNumber(Infinity)).toBe('∞');
    expect(formatNumber(-Infinity)).toBe('-∞');
  });
  it('rejects a bad digits option', () => {
    expectDiscernError(() => formatNumber(1.5, { digits: 0 }), /digits/);
  });
});

describe('formatInterval', () => {
  it('formats value and bounds with the same decimals', () => {
    expect(formatInterval(0.91234, [0.9051, 0.9189])).toBe('0.912 [0.905, 0.919]');
  });
  it('adds decimals for a tight interval so the bounds differ', () => {
    expect(formatInterval(0.99123, [0.99011, 0.99234])).toBe('0.9912 [0.9901, 0.9923]');
  });
  it('uses no decimals for wide intervals of large values', () => {
    expect(formatInterval(153.2, [140.1, 170.3])).toBe('153 [140, 170]');
  });
  it('falls back to formatNumber for a degenerate interval', () => {
    expect(formatInterval(0.5, [0.5, 0.5])).toBe('0.5 [0.5, 0.5]');
  });
});
