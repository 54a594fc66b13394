import { type DenseMatrix, zeros } from '@discern/linalg';
import { DiscernError } from '@discern/core';

export interface StandardizerJSON {
  readonly type: 'standardizer';
  readonly version: 1;
  readonly mean: number[];
  readonly scale: number[];
  /** Rows (or total weight) the statistics were computed from. */
  readonly nSamples: number;
}

/**
 * Centres and scales each column: (x − mean) / scale, as scikit-learn's StandardScaler. The scale is the population
 * standard deviation (ddof 0); a column that is constant to working precision gets scale 1 (sklearn's rule, from
 * Chan, Golub & LeVeque's error bound for the two-pass variance). NaN cells are ignored when fitting and stay NaN.
 * Weights (which may be negative, but must sum to a positive total per column) give weighted mean and variance.
 */
export class Standardizer {
  mean: Float64Array = new Float64Array(0);
  scale: Float64Array = new Float64Array(0);
  nSamples = 0;
  private fitted = false;

  fit(X: DenseMatrix, weights?: ArrayLike<number>): this {
    const { rows: n, cols: p, data } = X;
    if (weights && weights.length !== n)
      throw new DiscernError('INVALID_ARGUMENT', `Standardizer.fit: ${weights.length} weights for ${n} rows`, { rows: n, weights: weights.length });
    if (n === 0) throw new DiscernError('TOO_FEW_SAMPLES', 'Standardizer.fit: no rows', {});
    if (weights)
      for (let i = 0; i < n; i++)
        if (!Number.isFinite(weights[i]!)) {
          const w = weights[i]!;
          throw new DiscernError('DATA_INVALID', (nm) => `Standardizer.fit: the weight of ${nm.row(i)} is ${w}; weights must be finite numbers`, { row: i, value: w });
        }
    const mean = new Float64Array(p);
    const scale = new Float64Array(p);
    let nSamples = 0;
    for (let j = 0; j < p; j++) {
      // Pass 1: weighted mean with Neumaier compensation (sklearn sums pairwise; both are accurate to ~1e-16·n^0).
      let s = 0, c = 0, wsum = 0;
      for (let i = 0; i < n; i++) {
        const x = data[i * p + j]!;
        if (x !== x) continue;
        if (!Number.isFinite(x))
          throw new DiscernError('DATA_INVALID', (nm) => `Standardizer.fit: non-finite value ${x} at ${nm.row(i)}, ${nm.feature(j)}; values must be finite (NaN is ignored as missing)`, {
            row: i,
            feature: j,
            value: x,
          });
        const w = weights ? weights[i]! : 1;
        const t = w * x;
        const u = s + t;
        c += Math.abs(s) >= Math.abs(t) ? s - u + t : t - u + s;
        s = u;
        wsum += w;
      }
      if (!(wsum > 0) || wsum === Infinity) {
        const what =
          wsum === 0
            ? 'no values (every cell missing, or weights summing to 0)'
            : wsum === Infinity
              ? 'weights that sum past the largest double (1.8e308): they overflow'
              : `a negative total weight ${wsum}`;
        throw new DiscernError('DATA_INVALID', (nm) => `Standardizer.fit: ${nm.feature(j)} has ${what}; cannot compute its mean`, { feature: j, totalWeight: wsum });
      }
      const mu = (s + c) / wsum;
      if (!Number.isFinite(mu))
        throw new DiscernError('DATA_INVALID', (nm) => `Standardizer.fit: the weighted sum of ${nm.feature(j)} overflows a double (values times weights past 1.8e308); cannot compute its mean`, {
          feature: j,
        });
      // Pass 2: Σw(x−μ)² − (Σw(x−μ))²/Σw, the corrected two-pass algorithm (Chan, Golub & LeVeque 1983).
      let sq = 0, lin = 0;
      for (let i = 0; i < n; i++) {
        const x = data[i * p + j]!;
        if (x !== x) continue;
        const w = weights ? weights[i]! : 1;
        const d = x - mu;
        sq += w * d * d;
        lin += w * d;
      }
      let variance = (sq - (lin * lin) / wsum) / wsum;
      if (variance < 0) {
        if (weights && variance < -1e-12 * Math.max(1, mu * mu))
          throw new DiscernError('DATA_INVALID', (nm) => `Standardizer.fit: ${nm.feature(j)} has a negative weighted variance ${variance} (negative weights dominate); cannot scale it`, {
            feature: j,
          });
        variance = 0;
      }
      mean[j] = mu;
      const eps = Number.EPSILON;
      const bound = wsum * eps * variance + (wsum * mu * eps) ** 2;
      scale[j] = variance <= bound ? 1 : Math.sqrt(variance);
      nSamples = Math.max(nSamples, wsum);
    }
    this.mean = mean;
    this.scale = scale;
    this.nSamples = nSamples;
    this.fitted = true;
    return this;
  }

  private check(X: DenseMatrix, what: string): void {
    if (!this.fitted) throw new DiscernError('MODEL_NOT_FITTED', `Standardizer.${what}: call fit() first`, {});
    if (X.cols !== this.mean.length)
      throw new DiscernError('INVALID_ARGUMENT', `Standardizer.${what}: X has ${X.cols} columns, the standardizer was fitted on ${this.mean.length}`, {
        expected: this.mean.length,
        got: X.cols,
      });
  }

  transform(X: DenseMatrix): DenseMatrix {
    this.check(X, 'transform');
    const { rows: n, cols: p, data } = X;
    const out = zeros(n, p);
    const o = out.data;
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) o[i * p + j] = (data[i * p + j]! - this.mean[j]!) / this.scale[j]!;
    return out;
  }

  inverseTransform(X: DenseMatrix): DenseMatrix {
    this.check(X, 'inverseTransform');
    const { rows: n, cols: p, data } = X;
    const out = zeros(n, p);
    const o = out.data;
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) o[i * p + j] = data[i * p + j]! * this.scale[j]! + this.mean[j]!;
    return out;
  }

  fitTransform(X: DenseMatrix, weights?: ArrayLike<number>): DenseMatrix {
    return this.fit(X, weights).transform(X);
  }

  /** Plain data; finite doubles survive JSON exactly, so fromJSON(JSON.parse(JSON.stringify(s.toJSON()))) is bit-identical. */
  toJSON(): StandardizerJSON {
    if (!this.fitted) throw new DiscernError('MODEL_NOT_FITTED', 'Standardizer.toJSON: call fit() first', {});
    return { type: 'standardizer', version: 1, mean: Array.from(this.mean), scale: Array.from(this.scale), nSamples: this.nSamples };
  }

  static fromJSON(json: unknown): Standardizer {
    const j = json as Partial<StandardizerJSON> | null;
    const bad = (why: string) => new DiscernError('INVALID_ARGUMENT', `Standardizer.fromJSON: ${why}`, {});
    if (!j || typeof j !== 'object' || j.type !== 'standardizer') throw bad(`expected an object with type 'standardizer'`);
    if (j.version !== 1) throw bad(`unsupported version ${String(j.version)}, expected 1`);
    const isNums = (a: unknown): a is number[] => Array.isArray(a) && a.every((v) => typeof v === 'number' && Number.isFinite(v));
    if (!isNums(j.mean) || !isNums(j.scale)) throw bad('mean and scale must be arrays of finite numbers');
    if (j.mean.length !== j.scale.length) throw bad(`mean has ${j.mean.length} values, scale ${j.scale.length}`);
    if (j.scale.some((s) => !(s > 0))) throw bad('every scale must be positive');
    const s = new Standardizer();
    s.mean = Float64Array.from(j.mean);
    s.scale = Float64Array.from(j.scale);
    s.nSamples = typeof j.nSamples === 'number' ? j.nSamples : 0;
    s.fitted = true;
    return s;
  }
}
