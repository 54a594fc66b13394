import { type ObjectiveFn } from './lbfgs.js';

export interface LineSearchOptions {
  /** Sufficient-decrease (Armijo) constant c1 of the Wolfe conditions. Default 1e-4. */
  readonly c1?: number;
  /** Curvature constant c2 (strong form, |φ'(α)| ≤ c2·|φ'(0)|). Default 0.9, the usual value for quasi-Newton. */
  readonly c2?: number;
  /** Objective evaluations allowed per line search. Default 25. */
  readonly maxEvaluations?: number;
  /** Largest step tried. Default 1e20. */
  readonly maxStep?: number;
}

export interface LineSearchResult {
  /** false when no step with sufficient decrease was found. */
  readonly ok: boolean;
  readonly alpha: number;
  /** f at the accepted step (xOut, gOut hold that point and its gradient). */
  readonly f: number;
  readonly evaluations: number;
}

/**
 * Minimiser of the cubic through (a, fa, da) and (b, fb, db) (Nocedal & Wright eq. 3.59); NaN when it has none.
 */
function cubicMin(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
}

/**
 * Strong-Wolfe line search along d from x (Nocedal & Wright Alg. 3.5, bracketing with extrapolation, and
 * Alg. 3.6, zoom with safeguarded cubic interpolation). Writes the accepted point into xOut and its gradient
 * into gOut. A non-finite f or φ' at a trial step (overflow far along d) is treated as "too far": the step is
 * used as the upper end of the bracket, so the search backs off rather than failing.
 * If the evaluations run out inside zoom, the best step found with sufficient decrease is accepted (the
 * curvature condition then may not hold; L-BFGS skips such a pair when sᵀy ≤ 0).
 */
export function strongWolfe(
  fg: ObjectiveFn,
  x: Float64Array,
  f0: number,
  d: Float64Array,
  dg0: number,
  alpha0: number,
  xOut: Float64Array,
  gOut: Float64Array,
  options: LineSearchOptions = {},
): LineSearchResult {
  const c1 = options.c1 ?? 1e-4;
  const c2 = options.c2 ?? 0.9;
  const maxEval = Math.max(1, options.maxEvaluations ?? 25);
  const maxStep = options.maxStep ?? 1e20;
  const n = x.length;
  let evaluations = 0;
  let lastD = 0;
  const evalAt = (a: number): number => {
    for (let i = 0; i < n; i++) xOut[i] = x[i]! + a * d[i]!;
    const f = fg(xOut, gOut);
    evaluations++;
    let s = 0;
    for (let i = 0; i < n; i++) s += gOut[i]! * d[i]!;
    lastD = s;
    return f;
  };
  const armijo = (a: number, fa: number): boolean => fa <= f0 + c1 * a * dg0;
  const curvature = (da: number): boolean => Math.abs(da) <= -c2 * dg0;

  const zoom = (lo: number, flo: number, dlo: number, hi: number, fhi: number, dhi: number): LineSearchResult => {
    while (evaluations < maxEval) {
      const lower = Math.min(lo, hi);
      const width = Math.abs(hi - lo);
      if (width <= 1e-16 * Math.max(1, Math.abs(lo))) break; // bracket collapsed at working precision
      let a = Number.isFinite(fhi) && Number.isFinite(dhi) ? cubicMin(lo, flo, dlo, hi, fhi, dhi) : NaN;
      // Safeguard: stay inside the middle 80 % of the bracket, else bisect.
      if (!(a >= lower + 0.1 * width && a <= lower + 0.9 * width)) a = lo + 0.5 * (hi - lo);
      const fa = evalAt(a);
      const da = lastD;
      if (!Number.isFinite(fa) || !Number.isFinite(da) || !armijo(a, fa) || fa >= flo) {
        hi = a;
        fhi = fa;
        dhi = da;
      } else {
        if (curvature(da)) return { ok: true, alpha: a, f: fa, evaluations };
        if (da * (hi - lo) >= 0) {
          hi = lo;
          fhi = flo;
          dhi = dlo;
        }
        lo = a;
        flo = fa;
        dlo = da;
      }
    }
    // Out of evaluations: accept lo if it decreased f (it satisfies the Armijo condition by construction).
    if (lo > 0 && flo < f0) {
      const f = evalAt(lo);
      return { ok: true, alpha: lo, f, evaluations };
    }
    return { ok: false, alpha: 0, f: f0, evaluations };
  };

  let aPrev = 0;
  let fPrev = f0;
  let dPrev = dg0;
  let a = Math.min(alpha0, maxStep);
  for (let i = 0; evaluations < maxEval; i++) {
    const fa = evalAt(a);
    const da = lastD;
    if (!Number.isFinite(fa) || !Number.isFinite(da) || !armijo(a, fa) || (i > 0 && fa >= fPrev)) return zoom(aPrev, fPrev, dPrev, a, fa, da);
    if (curvature(da)) return { ok: true, alpha: a, f: fa, evaluations };
    if (da >= 0) return zoom(a, fa, da, aPrev, fPrev, dPrev);
    if (a >= maxStep) return { ok: true, alpha: a, f: fa, evaluations };
    // Still descending: extrapolate with the cubic, kept within [1.1a, 4a].
    const c = cubicMin(aPrev, fPrev, dPrev, a, fa, da);
    const next = Number.isFinite(c) && c > a ? Math.min(Math.max(c, 1.1 * a), 4 * a) : 2 * a;
    aPrev = a;
    fPrev = fa;
    dPrev = da;
    a = Math.min(next, maxStep);
  }
  // Evaluations ran out while still extrapolating: the last point has sufficient decrease and is in xOut.
  return { ok: true, alpha: aPrev, f: fPrev, evaluations };
}
