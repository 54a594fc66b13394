/** Shapes of the JSON written by tools/fixtures/make_protocol_fixtures.py (protocol.json). */
export interface PairedDelongCase {
  name: string;
  y: number[];
  a: number[];
  b: number[];
  pos_label: number;
  auc_a: number;
  auc_b: number;
  variance_a: number;
  variance_b: number;
  covariance: number;
  z: number;
  p_value: number;
  lower: number;
  upper: number;
}

export interface SeparationCase {
  name: string;
  values: number[];
  y: number[];
  weights?: number[];
  bins: number;
  range?: [number, number];
  edges: number[];
  signal: number[];
  background: number[];
  separation: number;
  outside: number;
}

export interface CorrelationBlock {
  matrix: number[][];
  mean: number[];
  std: number[];
}

export interface CorrelationCase {
  name: string;
  X: number[][];
  y: number[];
  weights?: number[];
  n_classes: number;
  all: CorrelationBlock;
  per_class: CorrelationBlock[];
}

export interface ImportanceFeature {
  drops: number[];
  mean: number;
  sd: number;
  lower: number;
  upper: number;
}

export interface ImportanceCase {
  name: string;
  X: number[][];
  y: number[];
  weights?: number[];
  n_repeats: number;
  positive: number;
  /** [bound, value]: each Fisher–Yates draw rng.int(bound) = value, in order. */
  draws: [number, number][];
  model: { kind: 'logistic'; coef: number[]; intercept: number } | { kind: 'softmax'; W: number[][]; c: number[] };
  results: Record<'auc' | 'log_loss' | 'accuracy', { baseline: number; features: ImportanceFeature[] }>;
}

export interface ProtocolFixture {
  paired_delong: PairedDelongCase[];
  separation: SeparationCase[];
  correlation: CorrelationCase[];
  permutation_importance: ImportanceCase[];
}
