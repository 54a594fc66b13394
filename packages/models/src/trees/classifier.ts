import { type DenseMatrix } from '@discern/linalg';
import { type Classifier, type FitOptions, type FitReport, type ModelJSON, argmaxRows } from '../estimator.js';
import { type ModelReader } from '../model-json.js';
import { readFitReport } from '../mlp/serialize.js';
import { checkPredictX, notFitted } from '../validate.js';
import { type FeatureImportance, type TreeEnsemble, checkNoInfinity, featureImportance, probaFromRaw, rawScores } from './ensemble.js';
import { type TreeJSON, treeToJSON } from './tree.js';

/**
 * What the boosted-tree classifiers (gradient boosting `bdt`, AdaBoost `adaboost`) share once fitted: the ensemble
 * they predict and export with, its fit report, prediction through the ensemble's link, feature importance, and the
 * fields of their saved form that do not depend on how the trees were grown. Each subclass fits, and reads and
 * writes its own options.
 */
export abstract class TreeEnsembleClassifier implements Classifier {
  abstract readonly kind: 'bdt' | 'adaboost';
  /** The class name used in error messages. */
  protected abstract readonly label: string;
  protected ens: TreeEnsemble | undefined;
  protected report_: FitReport | undefined;

  get nClasses(): number {
    return this.ens?.nClasses ?? 0;
  }

  get nFeatures(): number {
    return this.ens?.nFeatures ?? 0;
  }

  get fitReport(): FitReport | undefined {
    return this.report_;
  }

  /** The fitted ensemble (trees, baseline, link) as the ONNX exporter reads it. */
  get ensemble(): TreeEnsemble {
    if (!this.ens) throw notFitted(this.label);
    return this.ens;
  }

  /** Total split gain and number of splits per feature, each normalised to sum to 1. */
  get featureImportance(): FeatureImportance {
    return featureImportance(this.ensemble);
  }

  abstract fit(X: DenseMatrix, y: Int32Array, options?: FitOptions): this;
  abstract toJSON(): ModelJSON;

  /**
   * The ensemble's raw output before the link: n × 1 for two classes, n × K otherwise (gradient boosting: the
   * logit of class 1, or the K logits; AdaBoost: TMVA's response d, in [−1, 1] for the discrete algorithm).
   */
  decisionFunction(X: DenseMatrix): DenseMatrix {
    const e = this.ensemble;
    checkPredictX(X, e.nFeatures, this.label, { allowMissing: true });
    checkNoInfinity(X, this.label);
    return { rows: X.rows, cols: e.outputs, data: rawScores(e, X.data, X.rows) };
  }

  predictProba(X: DenseMatrix): DenseMatrix {
    return probaFromRaw(this.decisionFunction(X).data, X.rows, this.ensemble.nClasses);
  }

  predict(X: DenseMatrix): Int32Array {
    return argmaxRows(this.predictProba(X));
  }

  /** Makes a fit's result the model; called last in fit, so a fit that throws leaves the previous model as it was. */
  protected commit(ensemble: TreeEnsemble, report: FitReport | undefined): void {
    this.ens = ensemble;
    this.report_ = report === undefined ? undefined : Object.freeze(report);
  }

  /** The saved form's trees. */
  protected treesJSON(): TreeJSON[] {
    return this.ensemble.trees.map(treeToJSON);
  }

  /** The saved form's fit report: a plain-JSON copy, or null. */
  protected fitReportJSON(): FitReport | null {
    return this.report_ ? (JSON.parse(JSON.stringify(this.report_)) as FitReport) : null;
  }

  /** Reads a saved `fitReport` (null or absent: none). */
  protected static readFitReport(r: ModelReader): FitReport | undefined {
    const fr = r.get('fitReport');
    return fr.value === null || fr.value === undefined ? undefined : structuredClone(readFitReport(fr));
  }
}
