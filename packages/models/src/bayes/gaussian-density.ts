import { type CholeskyResult, type DenseMatrix, logDetFromCholesky, mvnLogPdfRows, weightedCovariance, weightedMean } from '@discern/linalg';
import { checkNotCancelled } from '../cancel.js';
import { type DensityModel, type FitOptions, type FitReport, type ModelJSON } from '../estimator.js';
import { checkMemory, doubles } from '../resources.js';
import { checkPredictX, checkWeights, checkX, notFitted } from '../validate.js';
import { checkOption, closedFormReport } from './common.js';
import { type ModelSource } from '../model-json.js';
import { BayesReader, squareToRows } from './json.js';
import { factorClassCovariance } from './qda.js';

export interface GaussianDensityOptions {
  /** Added to the covariance diagonal (as GaussianMixture's reg_covar). Default 0. */
  readonly regCovar?: number;
}

/**
 * One multivariate normal fitted by maximum likelihood (weighted mean and ddof-0 covariance, plus regCovar·I):
 * the simplest class density for GenerativeClassifier, which with it is QDA with ML covariances.
 */
export class GaussianDensity implements DensityModel {
  readonly kind = 'gaussian';
  readonly regCovar: number;
  private mean_: Float64Array = new Float64Array(0);
  private cov_: Float64Array = new Float64Array(0);
  private chol: CholeskyResult | undefined;
  private logDet = 0;
  private report: FitReport | undefined;

  constructor(options: GaussianDensityOptions = {}) {
    this.regCovar = checkOption(options.regCovar ?? 0, 'regCovar', 'GaussianDensity', 0, Infinity, { hiOpen: true });
  }

  get nFeatures(): number {
    return this.mean_.length;
  }
  get fitReport(): FitReport | undefined {
    return this.report;
  }
  get mean(): Float64Array {
    return this.mean_;
  }
  /** p×p covariance (regCovar included), row-major. */
  get covariance(): Float64Array {
    return this.cov_;
  }

  fit(X: DenseMatrix, options: FitOptions = {}): this {
    checkNotCancelled(options, this.kind);
    const est = 'GaussianDensity';
    checkX(X, est, 1);
    checkWeights(options.weights, X.rows, est);
    checkMemory(est, [['the covariance matrix and its factor', doubles(2 * X.cols * X.cols + 2 * X.cols)]], () => `use fewer features (now ${X.cols})`);
    const mean = weightedMean(X, options.weights);
    const cov = weightedCovariance(X, options.weights, mean, 0);
    for (let j = 0; j < X.cols; j++) cov[j * X.cols + j]! += this.regCovar;
    this.set(mean, cov);
    this.report = closedFormReport({ regCovar: this.regCovar });
    return this;
  }

  private set(mean: Float64Array, cov: Float64Array): void {
    const chol = factorClassCovariance(cov, mean.length, 'the Gaussian density', (n) => `set ${n.option('regCovar')} (e.g. 1e-6), or remove the feature`, 'GaussianDensity', 'regCovar');
    this.mean_ = mean;
    this.cov_ = cov;
    this.chol = chol;
    this.logDet = logDetFromCholesky(chol);
  }

  scoreSamples(X: DenseMatrix): Float64Array {
    if (!this.chol) throw notFitted('GaussianDensity');
    checkPredictX(X, this.nFeatures, 'GaussianDensity');
    return mvnLogPdfRows(X, this.mean_, this.chol, new Float64Array(X.rows), 0, 1, 0, this.logDet);
  }

  toJSON(): ModelJSON {
    const p = this.nFeatures;
    return { kind: this.kind, fitted: this.chol !== undefined, regCovar: this.regCovar, nFeatures: p, ...(this.chol ? { mean: Array.from(this.mean_), covariance: squareToRows(this.cov_, p) } : {}) };
  }

  /** Rebuilds a density from toJSON's output, checked as loadEstimator does (MODEL_INVALID naming the field). */
  static fromJSON(json: unknown, source?: ModelSource): GaussianDensity {
    const b = BayesReader.open(json, 'gaussian', source);
    const m = b.construct(() => new GaussianDensity({ regCovar: b.get('regCovar').number({ min: 0 }) }));
    if (!b.fitted) return m;
    const p = b.get('nFeatures').int(1);
    m.set(b.get('mean').numbers([p]), b.get('covariance').covariance(p));
    return m;
  }

}
