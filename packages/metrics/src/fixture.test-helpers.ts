import { isDiscernError } from '@discern/core';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

/** Reads a fixture written by tools/fixtures/make_metrics_fixtures.py. */
export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8')) as T;
}

/** |a − e| ≤ tol·max(1, |e|): absolute near zero, relative for large values. */
export function expectClose(actual: number, expected: number, tol: number, what = ''): void {
  const err = Math.abs(actual - expected);
  const bound = tol * Math.max(1, Math.abs(expected));
  if (!(err <= bound)) expect.fail(`${what}: got ${actual}, expected ${expected} (|diff| ${err} > ${bound})`);
}

export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what = ''): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expectClose(actual[i]!, expected[i]!, tol, `${what}[${i}]`);
}

/** `CODE: message` of the DiscernError that `f` throws, or 'no error' (any other error fails the test). */
export function errorText(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isDiscernError(e)) return `${e.code}: ${e.message}`;
    throw e;
  }
  return 'no error';
}
