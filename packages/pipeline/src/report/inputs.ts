/**
 * What steps hand the report to draw: plain data, one kind per plot family. The report draws most inputs as they
 * come; those of several steps about one dataset are drawn together (report/plots.ts): every `roc` curve judged on a
 * dataset goes into one ROC plot and its two rejection plots, with the `operating-point`s that decisions reached on
 * it, and a `scores` plot shows the last `cut` a decision chose for its model.
 */

/** A binary classifier's ROC curve on a dataset (already thinned to what a plot needs). */
export interface RocInput {
  readonly kind: 'roc';
  readonly dataset: string;
  /** The curve's name in the legend (the evaluation's key). */
  readonly name: string;
  readonly model: string;
  readonly fpr: readonly number[];
  readonly tpr: readonly number[];
  readonly auc?: number;
  readonly aucInterval?: readonly [number, number];
}

/** Where a decision lands on a model's ROC curve, on one dataset. */
export interface OperatingPointInput {
  readonly kind: 'operating-point';
  readonly model: string;
  readonly dataset: string;
  readonly label: string;
  readonly fpr: number;
  readonly tpr: number;
}

/** The cut on a model's P(signal) that a decision chose. */
export interface CutInput {
  readonly kind: 'cut';
  readonly model: string;
  readonly threshold: number;
  readonly label: string;
}

/** Scores of one class split by true class (weights alongside when the data are weighted). */
export interface ClassScores {
  readonly signal: Float64Array;
  readonly background: Float64Array;
  readonly signalWeights?: Float64Array;
  readonly backgroundWeights?: Float64Array;
}

/** The classifier output for signal and background on a dataset, the training sample overlaid when there is one. */
export interface ScoresInput {
  readonly kind: 'scores';
  readonly file: string;
  readonly name: string;
  readonly model: string;
  readonly dataset: string;
  readonly test: ClassScores;
  readonly train?: ClassScores;
  /** [background, signal] */
  readonly classNames: readonly [string, string];
  readonly ksPValues?: { readonly signal: number; readonly background: number };
  readonly xTitle: string;
  readonly title: string;
  readonly caption: string;
}

/**
 * A plot a step builds itself with @discern/report's builders. `spec` makes its Vega-Lite spec when the report draws
 * it: a plot that cannot be drawn (NaN coordinates, negative weighted counts in a heat map) is noted in the report,
 * never fatal to the run.
 */
export interface SpecInput {
  readonly kind: 'spec';
  /** File name under plots/ (without extension). */
  readonly file: string;
  readonly caption: string;
  spec(): unknown;
}

export type PlotInput = RocInput | OperatingPointInput | CutInput | ScoresInput | SpecInput;

/** A file name from a label: letters, digits, '.', '_' and '-'. */
export function fileSafe(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[._-]+/, '') || 'plot';
}
