import { isDiscernError } from '@discern/core';
import { readFileSync } from 'node:fs';

/** Reads a JSON fixture written by tools/fixtures/make_decision_fixtures.py (scipy reference values). */
export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** Whether |actual − expected| ≤ rel·|expected| + abs; callers name the case in the assertion message. */
export function close(actual: number, expected: number, rel: number, abs = 0): boolean {
  if (actual === expected) return true;
  return Math.abs(actual - expected) <= rel * Math.abs(expected) + abs;
}

/** The code and message of the DiscernError that `f` throws (any other error, or none, fails the test). */
export function errorOf(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    if (isDiscernError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a DiscernError');
}
