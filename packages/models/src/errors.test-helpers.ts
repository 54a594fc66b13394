import { DiscernError } from '@discern/core';

/** The coded error that `f` throws; any other exception is rethrown, and not throwing fails the test. */
export function errorOf(f: () => unknown): DiscernError {
  try {
    f();
  } catch (e) {
    if (e instanceof DiscernError) return e;
    throw e;
  }
  throw new Error('expected a DiscernError, and nothing was thrown');
}
