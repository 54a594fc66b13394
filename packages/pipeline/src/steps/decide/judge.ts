import { type DenseMatrix } from '@discern/linalg';
import { type DatasetLabels } from '../streamed.js';
import { efficiency, type IntervalSettings } from './physics.js';

/** The scores a `decide` step works on. */
export interface ScoreSource {
  /** The fitted model, or undefined for a raw feature. */
  readonly model: string | undefined;
  /** e.g. "P(g)" or the feature name. */
  readonly label: string;
  readonly classNames: readonly string[];
  readonly positive: number;
  inputs(dataset: string): Promise<{ proba?: DenseMatrix; score?: Float64Array }>;
}

/**
 * Decisions judged against the labels of a dataset: the confusion matrix (rejected events counted apart), accuracy
 * with its interval and, for two classes, the rates at this operating point: signal efficiency εS (true-positive
 * rate) and background efficiency εB (false-positive rate) with binomial intervals (effective counts with weights).
 */
export function evaluateDecisions(ds: Pick<DatasetLabels, 'y' | 'weights'>, d: Int32Array, src: ScoreSource, s: IntervalSettings): Record<string, unknown> {
  const K = src.classNames.length;
  const counts = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  const rejected = new Array<number>(K).fill(0);
  const w = ds.weights;
  let right = 0, all = 0, all2 = 0;
  // Per true class: Σw, Σw², and Σw of events decided positive.
  const tot = new Float64Array(K), tot2 = new Float64Array(K), pass = new Float64Array(K);
  for (let i = 0; i < d.length; i++) {
    const y = ds.y[i]!;
    const wi = w ? w[i]! : 1;
    tot[y]! += wi;
    tot2[y]! += wi * wi;
    all += wi;
    all2 += wi * wi;
    if (d[i]! < 0) {
      rejected[y]!++;
      continue;
    }
    counts[y]![d[i]!]! += wi;
    if (d[i] === y) right += wi;
    if (d[i] === src.positive) pass[y]! += wi;
  }
  const out: Record<string, unknown> = {
    n: d.length,
    confusion_matrix: { labels: [...src.classNames], counts, weighted: w !== undefined },
    accuracy: efficiency(right, all, all2, s),
  };
  if (rejected.some((r) => r > 0)) out.rejected = Object.fromEntries(src.classNames.map((c, i) => [c, rejected[i]]));
  if (K === 2) {
    const pos = src.positive, neg = pos === 0 ? 1 : 0;
    out.signal_efficiency = efficiency(pass[pos]!, tot[pos]!, tot2[pos]!, s);
    out.background_efficiency = efficiency(pass[neg]!, tot[neg]!, tot2[neg]!, s);
    const eb = out.background_efficiency as { value: number; interval: [number, number] };
    out.background_rejection = { value: 1 - eb.value, interval: [1 - eb.interval[1], 1 - eb.interval[0]] };
  }
  return out;
}
