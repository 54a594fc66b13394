import { type DenseMatrix, zeros } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { checkNotCancelled } from '../cancel.js';
import { type FitOptions, type ModelJSON } from '../estimator.js';
import { checkMemory, doubles } from '../resources.js';
import { BayesClassifierBase, checkFitInput, checkOption, classWeights, closedFormReport, resolvePriors, smoothedLogRows } from './common.js';
import { type ModelSource } from '../model-json.js';
import { BayesReader, matrixToRows } from './json.js';

/** Codes above this are almost certainly raw values, not category indices (and would allocate huge tables). */
const MAX_CODE = 1 << 20;

export interface CategoricalNBOptions {
  /** Additive smoothing of the category counts; must be > 0. Default 1. */
  readonly alpha?: number;
  /**
   * Least number of categories per feature (one number for all, or one per feature), for categories that exist
   * but are absent from the training data; the table size is max(largest code seen + 1, minCategories).
   */
  readonly minCategories?: number | readonly number[];
  /** Class priors (K positive numbers summing to 1); default: the weighted class fractions. */
  readonly priors?: readonly number[];
}

/**
 * Categorical naive Bayes on integer category codes 0..C_j−1 per column, as scikit-learn's CategoricalNB, with one
 * addition: NaN marks a missing value, which is skipped for that feature only — it adds no count in fit and its
 * factor P(x_j | k) is left out of the product at predict time (the rest of the row still counts). The class
 * priors count every row.
 */
export class CategoricalNB extends BayesClassifierBase {
  readonly kind = 'categorical-nb';
  protected readonly label = 'CategoricalNB';
  readonly alpha: number;
  readonly minCategories: number | readonly number[];
  readonly givenPriors: readonly number[] | undefined;
  private tables: DenseMatrix[] = [];
  private priors_: Float64Array = new Float64Array(0);

  constructor(options: CategoricalNBOptions = {}) {
    super();
    this.alpha = checkOption(options.alpha ?? 1, 'alpha', 'CategoricalNB', 0, Infinity, { loOpen: true, hiOpen: true });
    const mc = options.minCategories ?? 0;
    for (const v of typeof mc === 'number' ? [mc] : mc)
      if (!(Number.isInteger(v) && v >= 0)) throw new DiscernError('INVALID_ARGUMENT', (n) => `CategoricalNB: ${n.option('minCategories')} contains ${v}; it must be non-negative integers`, { option: 'minCategories', value: v });
    this.minCategories = typeof mc === 'number' ? mc : [...mc];
    this.givenPriors = options.priors ? [...options.priors] : undefined;
  }

  /** Per feature j, a K×C_j table of log P(x_j = c | class k). */
  get featureLogProb(): readonly DenseMatrix[] {
    return this.tables;
  }
  /** Number of categories per feature. */
  get nCategories(): number[] {
    return this.tables.map((t) => t.cols);
  }
  get priors(): Float64Array {
    return this.priors_;
  }

  protected override get allowMissing(): boolean {
    return true;
  }

  /** Checks every present value is a category code; NaN (missing) passes. */
  private checkCodes(X: DenseMatrix, nCategories?: readonly number[]): void {
    const p = X.cols;
    for (let k = 0; k < X.data.length; k++) {
      const v = X.data[k]!;
      if (Number.isNaN(v)) continue;
      const row = Math.floor(k / p), col = k % p;
      if (!(Number.isInteger(v) && v >= 0 && v < MAX_CODE))
        throw new DiscernError('DATA_INVALID', (n) => `CategoricalNB: the value ${v} at ${n.row(row)}, ${n.feature(col)} is not a category code; expected an integer in 0..${MAX_CODE - 1} or NaN for missing`, { row, feature: col, value: v });
      const C = nCategories?.[col];
      if (C !== undefined && v >= C)
        throw new DiscernError(
          'DATA_INVALID',
          (n) => `CategoricalNB: category ${v} at ${n.row(row)}, ${n.feature(col)} was not seen in fit (codes 0..${C - 1}); refit with ${n.option('minCategories')} ≥ ${v + 1} for that feature, or encode it as missing (NaN)`,
          { row, feature: col, value: v, nCategories: C, option: 'minCategories' },
        );
    }
  }

  private minCategoriesOf(j: number, p: number): number {
    const mc = this.minCategories;
    if (typeof mc === 'number') return mc;
    if (mc.length !== p) throw new DiscernError('INVALID_ARGUMENT', (n) => `CategoricalNB: ${n.option('minCategories')} has ${mc.length} entries for ${p} features`, { option: 'minCategories' });
    return mc[j]!;
  }

  fit(X: DenseMatrix, y: Int32Array, options: FitOptions = {}): this {
    checkNotCancelled(options, this.kind);
    const est = 'CategoricalNB';
    const K = checkFitInput(X, y, options, est, 2, true);
    this.checkCodes(X);
    const w = options.weights;
    const n = X.rows, p = X.cols;
    const totals = classWeights(y, K, w, est);
    const missing: number[] = [];
    const sizes: number[] = [];
    for (let j = 0; j < p; j++) {
      let maxCode = -1, miss = 0;
      for (let i = 0; i < n; i++) {
        const v = X.data[i * p + j]!;
        if (Number.isNaN(v)) miss++;
        else if (v > maxCode) maxCode = v;
      }
      missing.push(miss);
      // at least one category, so that an all-missing column still has a (uniform, never used) table
      sizes.push(Math.max(maxCode + 1, this.minCategoriesOf(j, p), 1));
    }
    // one K×C_j table per feature: codes that are raw values (in the hundreds of thousands) make them huge
    let cells = 0, widest = 0;
    for (let j = 0; j < p; j++) {
      cells += K * sizes[j]!;
      if (sizes[j]! > sizes[widest]!) widest = j;
    }
    checkMemory(est, [['tables of category log-probabilities', doubles(cells)]], (nm) => `${nm.feature(widest)} has ${sizes[widest]!.toLocaleString('en-US')} categories; recode the features to small category codes`, { feature: widest });
    const tables: DenseMatrix[] = [];
    for (let j = 0; j < p; j++) {
      const C = sizes[j]!;
      const t = zeros(K, C);
      for (let i = 0; i < n; i++) {
        const v = X.data[i * p + j]!;
        if (!Number.isNaN(v)) t.data[y[i]! * C + v]! += w ? w[i]! : 1;
      }
      // the denominator sums this feature's counts only, so rows missing it do not dilute its probabilities
      smoothedLogRows(t.data, K, C, this.alpha);
      tables.push(t);
    }
    this.tables = tables;
    this.priors_ = resolvePriors(this.givenPriors, totals, est);
    this.setFitted(K, p);
    this.report = closedFormReport({ classWeights: Array.from(totals), nCategories: tables.map((t) => t.cols), missingPerFeature: missing });
    return this;
  }

  protected override checkPredict(X: DenseMatrix): void {
    super.checkPredict(X);
    this.checkCodes(X, this.nCategories);
  }

  protected jointLogLikelihood(X: DenseMatrix): DenseMatrix {
    const K = this.nClasses_, p = this.nFeatures_, n = X.rows;
    const out = zeros(n, K);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < K; k++) {
        let s = Math.log(this.priors_[k]!);
        for (let j = 0; j < p; j++) {
          const v = X.data[i * p + j]!;
          if (Number.isNaN(v)) continue;
          const t = this.tables[j]!;
          s += t.data[k * t.cols + v]!;
        }
        out.data[i * K + k] = s;
      }
    return out;
  }

  toJSON(): ModelJSON {
    return this.modelJSON(
      { alpha: this.alpha, minCategories: typeof this.minCategories === 'number' ? this.minCategories : [...this.minCategories] },
      () => ({ priors: Array.from(this.priors_), featureLogProb: this.tables.map(matrixToRows) }),
    );
  }

  /** Rebuilds a model from toJSON's output, checked as loadEstimator does (MODEL_INVALID naming the field). */
  static fromJSON(json: unknown, source?: ModelSource): CategoricalNB {
    const b = BayesReader.open(json, 'categorical-nb', source);
    const shape = b.fitted ? b.shape() : undefined;
    const mc = b.get('minCategories');
    const minCategories = Array.isArray(mc.value) ? Array.from(mc.numbers([shape ? shape.p : mc.value.length])) : mc.int(0);
    const m = b.construct(() => new CategoricalNB({ alpha: b.get('alpha').number(), minCategories, ...b.priorsOption(shape?.K) }));
    if (!shape) return m;
    const { K, p } = shape;
    m.priors_ = b.priors(K);
    m.tables = b
      .get('featureLogProb')
      .items(p)
      .map((t) => {
        const first = t.items(K)[0]!.value;
        const C = Array.isArray(first) ? first.length : 0;
        if (C < 1) t.at(0).fail('an array of category log-probabilities (at least one category)');
        return { rows: K, cols: C, data: t.logDistributions(K, C) };
      });
    m.setFitted(K, p);
    return m;
  }

}
