import { DiscernError } from '@discern/core';

/** Every check here throws INVALID_ARGUMENT: the plot builders are an API, their inputs come from code. */
export function invalid(message: string, context: Record<string, unknown> = {}): DiscernError {
  return new DiscernError('INVALID_ARGUMENT', message, context);
}

export type NumberArray = ArrayLike<number>;

/** Copies `values` to a plain array, rejecting non-finite entries with the first offending index. */
/** finiteArray without the copy: checks every value and returns the array itself (for large read-only samples). */
export function checkFinite<T extends NumberArray>(values: T, what: string): T {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw invalid(`${what} must be finite numbers; got ${String(v)} at index ${i}`, { what, index: i, value: v });
    }
  }
  return values;
}

export function finiteArray(values: NumberArray, what: string): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw invalid(`${what} must be finite numbers; got ${String(v)} at index ${i}`, { what, index: i, value: v });
    }
    out[i] = v;
  }
  return out;
}

export function sameLength(a: { length: number }, b: { length: number }, whatA: string, whatB: string): void {
  if (a.length !== b.length) {
    throw invalid(`${whatA} and ${whatB} must have the same length; got ${a.length} and ${b.length}`, {
      [whatA]: a.length,
      [whatB]: b.length,
    });
  }
}

export function nonEmpty(a: { length: number }, what: string): void {
  if (a.length === 0) throw invalid(`${what} is empty; at least one point is needed`, { what });
}

/** Series names become legend entries and scale domain values, so they must be unique and non-empty. */
export function uniqueNames(names: readonly string[], what: string): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (typeof n !== 'string' || n.length === 0) throw invalid(`${what} names must be non-empty strings; got ${JSON.stringify(n)}`, { what });
    if (seen.has(n)) throw invalid(`${what} names must be unique; "${n}" appears twice`, { what, name: n });
    seen.add(n);
  }
}

export function inUnitInterval(values: readonly number[], what: string): void {
  values.forEach((v, i) => {
    if (v < 0 || v > 1) throw invalid(`${what} must lie in [0, 1]; got ${v} at index ${i}`, { what, index: i, value: v });
  });
}
