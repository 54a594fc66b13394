import { type DecisionRule } from '@discern/decision';
import type * as Report from '@discern/report';

/**
 * What steps record while they run so that the report (report/index.ts) can draw and tabulate them after the last
 * step. Records hold names, not data: the report reads datasets, cached scores and metrics from the run context.
 */

/** An `evaluate` step: which model, under which metrics key, on which datasets. */
export interface EvaluationRecord {
  readonly key: string;
  readonly model: string;
  readonly on: readonly string[];
}

/** A binary operating point: background efficiency (false-positive rate) and signal efficiency on one dataset. */
export interface OperatingPoint {
  readonly dataset: string;
  readonly fpr: number;
  readonly tpr: number;
}

/** A `decide` step: the rule, where it came from, and the operating points it reached. */
export interface DecisionRecord {
  /** Key under metrics.json → decisions. */
  readonly name: string;
  /** The fitted model whose scores it decides on, or undefined for a raw feature. */
  readonly model: string | undefined;
  /** Short label for plots, e.g. "NP α = 0.05". */
  readonly label: string;
  readonly rule: DecisionRule;
  /** Cut on the positive score (P(signal) or the feature) equivalent to the rule, when there is one. */
  readonly scoreThreshold: number | undefined;
  readonly points: readonly OperatingPoint[];
}

/** The plotting library, loaded by the report only when it draws (vega is heavy; steps never load it). */
export type ReportModule = typeof Report;

/** A figure a step builds itself (the Gaussian worked example): a Vega-Lite spec with its caption. */
export interface FigureRecord {
  /** File name under plots/ (without extension). */
  readonly name: string;
  /** Report section it belongs in. */
  readonly section: string;
  readonly caption: string;
  /** Builds the Vega-Lite spec with the plotting library. */
  build(report: ReportModule): unknown;
}

export interface ReportRecords {
  readonly evaluations: EvaluationRecord[];
  readonly decisions: DecisionRecord[];
  readonly figures: FigureRecord[];
}

export function emptyRecords(): ReportRecords {
  return { evaluations: [], decisions: [], figures: [] };
}
