import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

/** Reads a reference fixture (scipy, mpmath) written by the scripts in tools/fixtures/. */
export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8')) as T;
}

/** |a − e| ≤ tol·max(1, |e|): absolute near zero, relative for large values. */
export function expectClose(actual: number, expected: number, tol: number, what = ''): void {
  const err = Math.abs(actual - expected);
  const bound = tol * Math.max(1, Math.abs(expected));
  if (!(err <= bound)) expect.fail(`${what}: got ${actual}, expected ${expected} (|diff| ${err} > ${bound})`);
}

/** Whether |actual − expected| ≤ rel·|expected| + abs; callers name the case in the assertion message. */
export function close(actual: number, expected: number, rel: number, abs = 0): boolean {
  if (actual === expected) return true;
  return Math.abs(actual - expected) <= rel * Math.abs(expected) + abs;
}

/** The special-function reference values of tools/fixtures/make_metrics_fixtures.py (scipy). */
export interface SpecialFixture {
  betainc: [number, number, number, number][];
  beta_ppf: [number, number, number, number][];
  norm_cdf: [number, number][];
  norm_ppf: [number, number][];
  kolmogorov_sf: [number, number][];
  binom: { k: number; n: number; cl: number; exact: [number, number]; wilson: [number, number] }[];
  cp_real: { k: number; n: number; interval: [number, number] }[];
}
