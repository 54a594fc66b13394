/** Shapes of the JSON written by tools/fixtures/make_metrics_fixtures.py. */
export interface LabelMetrics {
  confusion: Record<'None' | 'true' | 'pred' | 'all', number[][]>;
  accuracy: number;
  balanced_accuracy: number;
  mcc: number;
  rates: Record<string, { precision: number; recall: number; f1: number; specificity: number }>;
}

export interface BinaryCase {
  name: string;
  y_true: number[];
  y_pred: number[];
  score: number[];
  prob: number[];
  weights: number[] | null;
  labels: LabelMetrics;
  roc: { fpr: number[]; tpr: number[]; thresholds_from1: number[] };
  roc_auc: number;
  fprs: number[];
  tpr_at_fpr: number[];
  log_loss: number;
  log_loss_matrix: number;
  brier: number;
  pr: { precision: number[]; recall: number[]; thresholds: number[] };
  average_precision: number;
  tprs: number[];
  fpr_at_tpr: number[];
  physics: {
    at_signal: { effS: number; effB: number; effB_interval: [number, number] }[];
    at_background: { effB: number; effS: number; effS_interval: [number, number] }[];
    at_threshold: {
      threshold: number;
      effS: number;
      nEffS: number;
      effS_interval: [number, number];
      effB: number;
      nEffB: number;
      effB_interval: [number, number];
    }[];
  };
  delong?: { auc: number; variance: number; lower: number; upper: number };
}

export interface MultiCase {
  name: string;
  K: number;
  y_true: number[];
  y_pred: number[];
  proba: number[][];
  weights: number[] | null;
  labels: LabelMetrics;
  roc_auc_ovr: number;
  log_loss: number;
}

export interface SummaryCase {
  name: string;
  K: number;
  positive: number;
  threshold: number;
  fprs: string[];
  y_true: number[];
  proba: number[][];
  weights: number[] | null;
  expected: Record<string, number> & { confusion: number[][]; tpr_at_fpr?: number[] };
}

export interface ClassificationFixture {
  binary: BinaryCase[];
  multiclass: MultiCase[];
  summary: SummaryCase[];
}

/** `{ weights }` when the case is weighted, `{}` otherwise (exactOptionalPropertyTypes-friendly). */
export function weightOpt(w: number[] | null): { weights?: number[] } {
  return w ? { weights: w } : {};
}

export interface SignificanceFixture {
  cases: {
    name: string;
    y_true: number[];
    score: number[];
    weights: number[] | null;
    signalScale: number;
    backgroundScale: number;
    rows: { threshold: number; s: number; b: number; effS: number; effB: number; s_sqrt_b: number | null; s_sqrt_sb: number | null; asimov: number | null }[];
  }[];
}

export interface KsFixture {
  cases: {
    name: string;
    a: number[];
    b: number[];
    weightsA?: number[];
    weightsB?: number[];
    statistic: number;
    n_eff: number;
    pvalue_kolmogorov: number;
    pvalue_scipy_asymp?: number;
  }[];
}
