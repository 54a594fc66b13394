/**
 * What an exporter of one model family provides: the graph heads it builds on the (standardised) input, and the
 * same quantities from the TypeScript model, for the parity check. export.ts names the outputs and adds the rule.
 */
import { type DenseMatrix } from '@discern/linalg';
import { type GraphBuilder } from './graph.js';

/** 'classifier': K class posteriors; 'density': a mixture's log density and responsibilities; 'clusters': k-means. */
export type FamilyRole = 'classifier' | 'density' | 'clusters';

/** What `score` means in a binary classifier's graph: P(positive) or a log-likelihood ratio. */
export type ScoreKind = 'probability' | 'llr';

/** Value names in the graph (shapes: [N,K] matrices, [N] vectors, label int64 [N]). */
export interface Heads {
  readonly proba?: string;
  readonly score?: string;
  readonly logDensities?: string;
  readonly logDensity?: string;
  readonly responsibilities?: string;
  readonly distances?: string;
  /** The model's own prediction (argmax / nearest centre), used when no decision rule is given. */
  readonly label: string;
}

/** The same quantities computed by the TypeScript model. */
export interface Reference {
  proba?: DenseMatrix;
  score?: Float64Array;
  logDensities?: DenseMatrix;
  logDensity?: Float64Array;
  responsibilities?: DenseMatrix;
  distances?: DenseMatrix;
  label: Int32Array;
}

export interface Family {
  readonly role: FamilyRole;
  readonly kind: string;
  readonly nFeatures: number;
  /** Classes, components or clusters. */
  readonly K: number;
  /** Set for binary classifiers. */
  readonly scoreKind?: ScoreKind;
  /**
   * 'float64': the graph computes in float64 even when its inputs and outputs are float32 (Cast after the input and
   * before each float output), because float32 arithmetic cannot reach the parity tolerance for this family; each
   * exporter says why where it sets this. Absent: the graph computes in its input type.
   */
  readonly compute?: 'float64';
  /**
   * The family takes the raw input and folds the model's standardisation in itself (the trees: into their split
   * thresholds, so that no row crosses a split by the graph's rounding), so export.ts gives `build` the input as it
   * comes and the standardiser as its fifth argument. Absent: `build` gets the standardised input.
   */
  readonly rawInput?: boolean;
  build(b: GraphBuilder, x: string, positive: number, negative: number, standardizer?: { readonly mean: ArrayLike<number>; readonly scale: ArrayLike<number> }): Heads;
  reference(X: DenseMatrix, positive: number, negative: number): Reference;
}

/** Column j of a row-major matrix. */
export function columnOf(m: DenseMatrix, j: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + j]!;
  return out;
}
