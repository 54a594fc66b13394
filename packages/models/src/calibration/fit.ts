import { DiscernError } from '@discern/core';
import { type DenseMatrix, softplus } from '@discern/linalg';
import { type Calibration, type CalibrationMap, type IsotonicMap, type PlattMap } from './calibration.js';

/**
 * Fitting the calibration maps of calibration.ts on a labelled sample the classifier did not train on.
 *
 * Platt (2000): minimises the weighted cross-entropy of p = 1/(1 + exp(a·f + b)) against Platt's smoothed targets
 * t₊ = (N₊ + 1)/(N₊ + 2) for positives, t₋ = 1/(N₋ + 2) for negatives (N: weighted counts), from scikit-learn's start
 * (0, ln((N₋ + 1)/(N₊ + 1))). scikit-learn stops its BFGS at a gradient of 1e-5; this is Newton's method on the two
 * parameters with a backtracking line search (Lin, Lin & Weng 2007), run to the optimum.
 *
 * Isotonic: the weighted least-squares non-decreasing fit of the labels against the scores — equal scores first
 * merged (weighted mean label, summed weight), then pool-adjacent-violators in scikit-learn's single-pass form
 * (sklearn/_isotonic.pyx, with its order of operations), then the interior points equal to both neighbours dropped.
 */

/** Why calibration refuses the weights it is given (negative weights make the losses unbounded below). */
function checkWeights(w: ArrayLike<number> | undefined, n: number): void {
  if (!w) return;
  if (w.length !== n) throw new DiscernError('INVALID_ARGUMENT', `calibration: ${w.length} weights for ${n} events`, {});
  for (let i = 0; i < n; i++)
    if (!(w[i]! >= 0 && Number.isFinite(w[i]!)))
      throw new DiscernError('DATA_INVALID', (nm) => `calibration: the event weight of ${nm.row(i)} is ${w[i]}; calibration needs finite, non-negative weights`, { row: i, value: w[i] });
}

/** Platt's sigmoid of one class's scores `f` against its 0/1 labels `t` (1: the class). */
export function fitPlatt(f: ArrayLike<number>, t: ArrayLike<number>, weights?: ArrayLike<number>): PlattMap {
  const n = f.length;
  checkWeights(weights, n);
  let prior0 = 0, prior1 = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i]! : 1;
    if (t[i]! > 0) prior1 += w;
    else prior0 += w;
  }
  const hi = (prior1 + 1) / (prior1 + 2), lo = 1 / (prior0 + 2);
  // loss(a, b) = Σ w [T·softplus(z) + (1 − T)·softplus(−z)], z = a·f + b (−ln p = softplus(z), −ln(1 − p) = softplus(−z));
  // ∂loss/∂z = T − p and ∂²loss/∂z² = p(1 − p), p = 1/(1 + e^z)
  const state = (a: number, b: number) => {
    let L = 0, ga = 0, gb = 0, haa = 0, hab = 0, hbb = 0;
    for (let i = 0; i < n; i++) {
      const w = weights ? weights[i]! : 1, x = f[i]!;
      const z = a * x + b, T = t[i]! > 0 ? hi : lo;
      const p = z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
      L += w * (T * softplus(z) + (1 - T) * softplus(-z));
      const d = w * (T - p), h = w * p * (1 - p);
      ga += d * x;
      gb += d;
      haa += h * x * x;
      hab += h * x;
      hbb += h;
    }
    return { a, b, L, ga, gb, haa, hab, hbb, g: Math.hypot(ga, gb) };
  };
  let s = state(0, Math.log((prior0 + 1) / (prior1 + 1)));
  for (let iter = 0; iter < 100 && s.g > 0; iter++) {
    // Newton direction (a tiny ridge where the Hessian is degenerate: all scores equal)
    const ridge = 1e-12 * (s.haa + s.hbb + 1);
    const A = s.haa + ridge, C = s.hbb + ridge, det = A * C - s.hab * s.hab;
    const da = -(C * s.ga - s.hab * s.gb) / det, db = -(A * s.gb - s.hab * s.ga) / det;
    let next: typeof s | undefined;
    for (let step = 1; step > 1e-10; step /= 2) {
      const c = state(s.a + step * da, s.b + step * db);
      // Armijo's decrease; near the optimum the loss is flat to rounding, and a step that shrinks the gradient is taken
      if (c.L <= s.L + 1e-4 * step * (s.ga * da + s.gb * db) || (c.L <= s.L * (1 + 1e-15) && c.g < s.g)) {
        next = c;
        break;
      }
    }
    if (!next || (next.a === s.a && next.b === s.b)) break;
    s = next;
  }
  const { a, b } = s;
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new DiscernError('FIT_DIVERGED', `Platt calibration did not converge (a = ${a}, b = ${b})`, {});
  return { method: 'platt', a, b };
}

/** Isotonic regression of one class's 0/1 labels on its scores, as a piecewise-linear map. */
export function fitIsotonic(f: ArrayLike<number>, t: ArrayLike<number>, weights?: ArrayLike<number>): IsotonicMap {
  const n0 = f.length;
  checkWeights(weights, n0);
  // events of zero weight are left out (as scikit-learn does), then sorted by score, ties by label
  const idx: number[] = [];
  for (let i = 0; i < n0; i++) if (!weights || weights[i]! > 0) idx.push(i);
  if (idx.length === 0) throw new DiscernError('TOO_FEW_SAMPLES', 'isotonic calibration needs at least one event of positive weight', {});
  idx.sort((i, j) => f[i]! - f[j]! || t[i]! - t[j]!);
  // equal scores merged: weighted mean label, summed weight (scikit-learn's _make_unique)
  const xs: number[] = [], ys: number[] = [], ws: number[] = [];
  for (let r = 0; r < idx.length; ) {
    const x = f[idx[r]!]!;
    let sw = 0, swy = 0;
    let q = r;
    for (; q < idx.length && f[idx[q]!]! === x; q++) {
      const w = weights ? weights[idx[q]!]! : 1;
      sw += w;
      swy += w * (t[idx[q]!]! > 0 ? 1 : 0);
    }
    xs.push(x);
    ys.push(swy / sw);
    ws.push(sw);
    r = q;
  }
  const y = Float64Array.from(ys), w = Float64Array.from(ws);
  const n = y.length;
  // pool-adjacent-violators, single pass with backtracking (target[i] = j and target[j] = i for a block [i..j])
  const target = new Int32Array(n);
  for (let i = 0; i < n; i++) target[i] = i;
  for (let i = 0; i < n; ) {
    let k = target[i]! + 1;
    if (k === n) break;
    if (y[i]! < y[k]!) {
      i = k;
      continue;
    }
    let sumWy = w[i]! * y[i]!;
    let sumW = w[i]!;
    for (;;) {
      const prevY = y[k]!;
      sumWy += w[k]! * y[k]!;
      sumW += w[k]!;
      k = target[k]! + 1;
      if (k === n || prevY < y[k]!) {
        y[i] = sumWy / sumW;
        w[i] = sumW;
        target[i] = k - 1;
        target[k - 1] = i;
        if (i > 0) i = target[i - 1]!;
        break;
      }
    }
  }
  for (let i = 0; i < n; ) {
    const k = target[i]! + 1;
    for (let j = i + 1; j < k; j++) y[j] = y[i]!;
    i = k;
  }
  // interior points equal to both neighbours add nothing to the interpolation
  const keepX: number[] = [], keepY: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0 && i < n - 1 && y[i] === y[i - 1] && y[i] === y[i + 1]) continue;
    keepX.push(xs[i]!);
    keepY.push(y[i]!);
  }
  return { method: 'isotonic', x: keepX, y: keepY };
}

/**
 * Fits the calibration of a classifier's probabilities P (n×K) against the true classes `y` (0..K−1): one map of
 * P(class 1) for two classes, one per class otherwise (scikit-learn's CalibratedClassifierCV).
 */
export function fitCalibration(P: DenseMatrix, y: ArrayLike<number>, method: 'platt' | 'isotonic', weights?: ArrayLike<number>): Calibration {
  const K = P.cols, n = P.rows;
  if (y.length !== n) throw new DiscernError('INVALID_ARGUMENT', `calibration: ${n} rows of probabilities but ${y.length} labels`, {});
  if (n < 2) throw new DiscernError('TOO_FEW_SAMPLES', `calibration needs at least 2 events, got ${n}`, {});
  const classes = K === 2 ? [1] : Array.from({ length: K }, (_, k) => k);
  const maps: CalibrationMap[] = classes.map((k) => {
    const f = new Float64Array(n), t = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      f[i] = P.data[i * K + k]!;
      t[i] = y[i] === k ? 1 : 0;
    }
    return method === 'platt' ? fitPlatt(f, t, weights) : fitIsotonic(f, t, weights);
  });
  return { method, classes: K, maps };
}
