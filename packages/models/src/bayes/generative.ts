import { type DenseMatrix, takeRows, zeros } from '@discern/linalg';
import { DiscernError, interruptedError } from '@discern/core';
import { checkNotCancelled, checkpoint, fitCancellation } from '../cancel.js';
import { type DensityModel, type FitOptions, type ModelJSON } from '../estimator.js';
import { BayesClassifierBase, checkFitInput, classWeights, resolvePriors } from './common.js';
import { DEFAULT_DENSITY, type DensitySpec, checkDensitySpec, densityFromSpec, knownDensityFromJSON } from './densities.js';
import { type ModelSource } from '../model-json.js';
import { BayesReader } from './json.js';

/** Makes the (unfitted) density model of class k. */
export type DensityFactory = (classIndex: number) => DensityModel;

export interface GenerativeClassifierOptions {
  /** The class densities: a serialisable spec, or a factory for any DensityModel. Default: DEFAULT_DENSITY. */
  readonly density?: DensitySpec | DensityFactory;
  /** Class priors (K positive numbers summing to 1); default: the weighted class fractions. */
  readonly priors?: readonly number[];
  /** Rebuilds densities of kinds this module does not know (those a factory made), for fromJSON. */
  readonly densityFromJSON?: (json: ModelJSON) => DensityModel;
}

/**
 * The generative route to a classifier: one density p(x | k) per class, fitted on that class's rows (with their
 * weights), and the posterior P(k | x) ∝ π_k p(x | k) by Bayes' rule in log space. `scoreLLR` gives the
 * log-likelihood ratio log p(x|pos) − log p(x|neg), the optimal test statistic of Neyman–Pearson and the input of
 * @discern/decision's likelihood-ratio rules.
 */
export class GenerativeClassifier extends BayesClassifierBase {
  readonly kind = 'generative';
  protected readonly label = 'GenerativeClassifier';
  readonly density: DensitySpec | DensityFactory;
  readonly givenPriors: readonly number[] | undefined;
  private readonly densityFromJSON: ((json: ModelJSON) => DensityModel) | undefined;
  private densities_: DensityModel[] = [];
  private priors_: Float64Array = new Float64Array(0);

  constructor(options: GenerativeClassifierOptions = {}) {
    super();
    const d = options.density ?? DEFAULT_DENSITY;
    this.density = typeof d === 'function' ? d : checkDensitySpec(d, 'GenerativeClassifier');
    // build one density now so that a bad option in the spec fails here, not after the first classes are fitted;
    // the error names the density option it sits in (the pipeline maps `density` to its config key)
    if (typeof d !== 'function')
      try {
        densityFromSpec(this.density as DensitySpec);
      } catch (e) {
        if (e instanceof DiscernError && e.code === 'INVALID_ARGUMENT') {
          const inner = typeof e.context.option === 'string' ? e.context.option : undefined;
          const err = e;
          throw new DiscernError('INVALID_ARGUMENT', (n) => `GenerativeClassifier: ${n.option('density')}${inner ? `.${inner}` : ''} is refused: ${err.renamed(n).message}`, { ...e.context, option: 'density', densityOption: inner }, { cause: e });
        }
        throw e;
      }
    this.givenPriors = options.priors ? [...options.priors] : undefined;
    this.densityFromJSON = options.densityFromJSON;
  }

  /** The fitted class densities, in class order. */
  get densities(): readonly DensityModel[] {
    return this.densities_;
  }
  get priors(): Float64Array {
    return this.priors_;
  }

  fit(X: DenseMatrix, y: Int32Array, options: FitOptions = {}): this {
    const est = 'GenerativeClassifier';
    checkNotCancelled(options, this.kind);
    const cancel = fitCancellation(options, this.kind);
    // negative event weights are passed on: the class density decides whether it accepts them
    const K = checkFitInput(X, y, options, est, 2, false, true);
    const w = options.weights;
    const totals = classWeights(y, K, w, est);
    const priors = resolvePriors(this.givenPriors, totals, est);
    const rows: number[][] = Array.from({ length: K }, () => []);
    for (let i = 0; i < y.length; i++) rows[y[i]!]!.push(i);
    const densities: DensityModel[] = [];
    // the signal and threads go to every class density, which checks the signal in its own loops
    const inner = { ...(options.signal ? { signal: options.signal } : {}), ...(options.threads !== undefined ? { threads: options.threads } : {}) };
    for (let k = 0; k < K; k++) {
      checkpoint(cancel, () => `the density of class ${k} of ${K}`);
      const model = typeof this.density === 'function' ? this.density(k) : densityFromSpec(this.density);
      if (!model || typeof model.fit !== 'function' || typeof model.scoreSamples !== 'function')
        throw new DiscernError('INVALID_ARGUMENT', `${est}: the density factory returned ${String(model)} for class ${k}; it must return a DensityModel (fit, scoreSamples, toJSON)`, { estimator: est, class: k });
      const idx = rows[k]!;
      const Xk = takeRows(X, idx);
      const wk = w ? Float64Array.from(idx, (i) => w[i]!) : undefined;
      try {
        model.fit(Xk, wk ? { ...inner, weights: wk } : inner);
      } catch (e) {
        if (e instanceof DiscernError && e.code === 'INTERRUPTED') throw interruptedError(`${this.kind}, density of class ${k} of ${K}: ${String(e.context.what ?? e.message)}`, e.context.reason);
        // say which class failed: a density error alone does not tell the user where to look
        // (its rows are the class's rows: row i of the density is row idx[i] of X, and named so)
        if (e instanceof DiscernError) {
          const inner = e;
          const row = typeof e.context.row === 'number' ? { row: idx[e.context.row] } : {};
          throw new DiscernError(
            e.code,
            (n) => `${est}: fitting the density of ${n.class(k)} (${idx.length} rows) failed: ${inner.renamed({ ...n, row: (i) => n.row(idx[i] ?? i) }).message}`,
            { ...e.context, estimator: est, class: k, ...row },
            { cause: e },
          );
        }
        throw e;
      }
      densities.push(model);
      options.onProgress?.({ phase: 'class', step: k + 1, total: K });
    }
    this.densities_ = densities;
    this.priors_ = priors;
    this.setFitted(K, X.cols);
    const reports = densities.map((m) => m.fitReport);
    this.report = {
      iterations: reports.reduce((a, r) => a + (r?.iterations ?? 0), 0),
      converged: reports.every((r) => r?.converged ?? true),
      reason: 'per_class',
      history: [],
      historyLabel: 'none',
      details: { classWeights: Array.from(totals), classes: reports },
    };
    return this;
  }

  /** n×K matrix of log p(x | k). */
  classLogDensities(X: DenseMatrix): DenseMatrix {
    this.checkPredict(X);
    return this.logDensities(X);
  }

  private logDensities(X: DenseMatrix): DenseMatrix {
    const K = this.nClasses_, n = X.rows;
    const out = zeros(n, K);
    for (let k = 0; k < K; k++) {
      const s = this.densities_[k]!.scoreSamples(X);
      for (let i = 0; i < n; i++) out.data[i * K + k] = s[i]!;
    }
    return out;
  }

  /** log p(x | positive) − log p(x | negative) per row; by default class 1 against class 0. */
  scoreLLR(X: DenseMatrix, positive = 1, negative = 0): Float64Array {
    this.checkPredict(X);
    for (const [name, c] of [['positive', positive], ['negative', negative]] as const)
      if (!(Number.isInteger(c) && c >= 0 && c < this.nClasses_))
        throw new DiscernError('INVALID_ARGUMENT', `GenerativeClassifier.scoreLLR: ${name} class ${c} is not one of 0..${this.nClasses_ - 1}`, { [name]: c });
    if (positive === negative) throw new DiscernError('INVALID_ARGUMENT', `GenerativeClassifier.scoreLLR: positive and negative are the same class (${positive})`, { positive });
    const pos = this.densities_[positive]!.scoreSamples(X);
    const neg = this.densities_[negative]!.scoreSamples(X);
    return pos.map((v, i) => v - neg[i]!);
  }

  protected jointLogLikelihood(X: DenseMatrix): DenseMatrix {
    const J = this.logDensities(X);
    const K = this.nClasses_;
    for (let i = 0; i < J.rows; i++) for (let k = 0; k < K; k++) J.data[i * K + k]! += Math.log(this.priors_[k]!);
    return J;
  }

  toJSON(): ModelJSON {
    return this.modelJSON(
      // a factory cannot be serialised: the fitted densities can, and fromJSON rebuilds them by kind
      { density: typeof this.density === 'function' ? 'custom' : { ...this.density } },
      () => ({ priors: Array.from(this.priors_), densities: this.densities_.map((d) => d.toJSON()) }),
    );
  }

  /**
   * Rebuilds a classifier from toJSON's output, checked as loadEstimator does (MODEL_INVALID naming the field, the
   * class densities' fields included: `estimator.densities[1].means[0][2]`). Densities of kinds known here
   * ('gaussian', the Gaussian mixture) are rebuilt directly; others need `options.densityFromJSON`. A model saved
   * with a factory refits only when `options.density` supplies one again.
   */
  static fromJSON(json: unknown, options: Pick<GenerativeClassifierOptions, 'density' | 'densityFromJSON'> = {}, source?: ModelSource): GenerativeClassifier {
    const b = BayesReader.open(json, 'generative', source);
    const shape = b.fitted ? b.shape() : undefined;
    const spec = b.get('density');
    const density = options.density ?? (spec.value === 'custom' ? undefined : (spec.object() as unknown as DensitySpec));
    const m = b.construct(
      () =>
        new GenerativeClassifier({
          ...(density !== undefined ? { density } : {}),
          ...b.priorsOption(shape?.K),
          ...(options.densityFromJSON ? { densityFromJSON: options.densityFromJSON } : {}),
        }),
    );
    if (!shape) return m;
    const { K, p } = shape;
    m.priors_ = b.priors(K);
    m.densities_ = b
      .get('densities')
      .items(K)
      .map((d) => {
        const kind = d.get('kind');
        const at = { ...source, path: d.path };
        const model = knownDensityFromJSON(d.value, at) ?? (typeof kind.value === 'string' ? m.densityFromJSON?.(d.value as ModelJSON) : undefined);
        if (!model) return kind.fail(`"gaussian" or "gmm" (a density this module rebuilds; pass options.densityFromJSON to rebuild others)`);
        if (model.nFeatures !== p) return d.get('nFeatures').fail(`${p} (the classifier's features)`, model.nFeatures);
        return model;
      });
    m.setFitted(K, p);
    return m;
  }

}
