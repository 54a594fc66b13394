import { type Naming } from '@discern/core';

/**
 * Which features make a covariance (or scatter) matrix singular, for messages that say what to remove instead of
 * "a constant or duplicated feature": the features whose variance is at most `constantBelow` (constant, in that class
 * or component), then pairs of the others that are perfectly correlated (one a multiple of the other, to 1e-9).
 * When neither explains it, the dependence involves three or more features, or there are fewer rows than features.
 */
export interface Degeneracy {
  /** Features with (near) zero variance. */
  readonly constant: number[];
  /** Pairs [a, b] (a < b) with |correlation| ≥ 1 − 1e-9, neither constant. */
  readonly collinear: [number, number][];
}

/** Finds constant features and collinear pairs of a symmetric p×p matrix (row-major; the lower triangle is read). */
export function findDegeneracy(S: ArrayLike<number>, p: number, constantBelow: number): Degeneracy {
  const constant: number[] = [];
  for (let j = 0; j < p; j++) if (!(S[j * p + j]! > constantBelow)) constant.push(j);
  const collinear: [number, number][] = [];
  for (let a = 0; a < p && collinear.length < 3; a++) {
    if (constant.includes(a)) continue;
    for (let b = a + 1; b < p && collinear.length < 3; b++) {
      if (constant.includes(b)) continue;
      const r = S[b * p + a]! / Math.sqrt(S[a * p + a]! * S[b * p + b]!);
      if (Math.abs(r) >= 1 - 1e-9) collinear.push([a, b]);
    }
  }
  return { constant, collinear };
}

/** Up to three features, named: "feature 3", "feature 1, feature 2 and feature 5", "… (7 in all)". */
function list(n: Naming, js: readonly number[]): string {
  const shown = js.slice(0, 3).map((j) => n.feature(j));
  const more = js.length > 3 ? ` (${js.length} in all)` : '';
  return shown.length === 1 ? shown[0]! : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}${more}`;
}

/**
 * What makes the matrix singular, in words: "feature 3 is constant in class 1", "feature 0 and feature 2 are
 * perfectly correlated in class 1", or the general case. `where` says where ("in class 1", "within every class").
 */
export function describeDegeneracy(d: Degeneracy, n: Naming, where: string, rows?: number, p?: number): string {
  const parts: string[] = [];
  if (d.constant.length > 0) parts.push(`${list(n, d.constant)} ${d.constant.length === 1 ? 'is' : 'are'} constant ${where}`);
  for (const [a, b] of d.collinear) parts.push(`${n.feature(a)} and ${n.feature(b)} are perfectly correlated ${where} (one is a multiple of the other)`);
  if (parts.length > 0) return parts.join('; ');
  if (rows !== undefined && p !== undefined && rows <= p) return `there are ${rows} rows ${where} for ${p} features (a covariance needs more rows than features)`;
  return `some feature is a linear combination of others ${where}`;
}

/** The features to name in the error's context: the constant ones, else the first collinear pair. */
export function degenerateFeatures(d: Degeneracy): number[] {
  return d.constant.length > 0 ? d.constant.slice(0, 8) : d.collinear.length > 0 ? [...d.collinear[0]!] : [];
}
