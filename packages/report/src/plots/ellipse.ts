import { invalid } from '../validate.js';

export type Vec2 = readonly [number, number];
export type Cov2 = readonly [readonly [number, number], readonly [number, number]];

export interface Eigen2 {
  /** Eigenvalues, largest first. */
  values: [number, number];
  /** Angle of the first eigenvector from the x axis, radians. */
  angle: number;
}

/** Closed-form eigen-decomposition of a symmetric 2×2 matrix [[a, b], [b, c]]. */
export function eigenSymmetric2(cov: Cov2, what = 'covariance'): Eigen2 {
  const [[a, b], [b2, c]] = cov;
  if (![a, b, b2, c].every(Number.isFinite)) throw invalid(`${what} must contain finite numbers; got ${JSON.stringify(cov)}`, { cov });
  const scale = Math.max(Math.abs(a), Math.abs(c), Math.abs(b), Math.abs(b2));
  if (Math.abs(b - b2) > 1e-9 * scale) throw invalid(`${what} must be symmetric; got off-diagonal ${b} and ${b2}`, { cov });
  const mid = (a + c) / 2;
  const r = Math.hypot((a - c) / 2, b);
  const l1 = mid + r;
  let l2 = mid - r;
  // Round-off can leave a singular covariance slightly negative; anything beyond that is an error.
  if (l2 < 0 && l2 > -1e-12 * Math.max(1, scale)) l2 = 0;
  if (l2 < 0) throw invalid(`${what} must be positive semi-definite; its eigenvalues are ${l1} and ${l2}`, { cov, eigenvalues: [l1, l2] });
  return { values: [l1, l2], angle: 0.5 * Math.atan2(2 * b, a - c) };
}

/**
 * The ellipse of Mahalanobis radius k around `mean`: points mean + k(√λ₁ cos t v₁ + √λ₂ sin t v₂).
 * In two dimensions the k = 1 ellipse of a Gaussian holds 39 % of its mass and k = 2 holds 86 %, not 68 % and 95 %.
 * The polyline is closed (first point repeated).
 */
export function ellipsePolyline(mean: Vec2, cov: Cov2, k: number, segments = 72, what?: string): [number, number][] {
  if (!Number.isFinite(k) || k <= 0) throw invalid(`ellipse level must be a positive number of σ; got ${k}`, { k });
  const [mx, my] = mean;
  if (!Number.isFinite(mx) || !Number.isFinite(my)) throw invalid(`ellipse mean must be finite; got [${mx}, ${my}]`, { mean });
  const {
    values: [l1, l2],
    angle,
  } = eigenSymmetric2(cov, what);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const r1 = k * Math.sqrt(l1);
  const r2 = k * Math.sqrt(l2);
  const out: [number, number][] = [];
  for (let i = 0; i <= segments; i++) {
    const t = (2 * Math.PI * (i % segments)) / segments;
    const u = r1 * Math.cos(t);
    const v = r2 * Math.sin(t);
    out.push([mx + u * cos - v * sin, my + u * sin + v * cos]);
  }
  return out;
}
