/**
 * The metadata_props keys discern writes into every exported model, and reads back when scoring. Values are strings;
 * lists and objects are JSON. A model from another tool has none of them, and scoring then falls back to options
 * and heuristics (see score.ts).
 */
export const META = {
  /** discern's version (@discern/core's discernVersion: the packages are released together). */
  version: 'discern_version',
  /** The model family (a kind of EXPORTABLE_KINDS: 'logistic', 'mlp', 'gmm', 'kmeans', 'qda', 'latent-class'...). */
  model: 'model',
  /** JSON array: the input's columns, in order. */
  features: 'features',
  /** JSON array: class names in index order (classifiers). */
  classes: 'classes',
  /** The positive (signal) class name (two-class models). */
  positive: 'positive',
  /** The output holding class probabilities, n×K (what `score --label` evaluates). */
  probaOutput: 'proba_output',
  /** JSON { output, kind: 'probability' | 'llr' }: the output `score` and what it measures. */
  score: 'score',
  /** JSON: the decision rule producing `label` ({"kind":"argmax"} when the model's own prediction). */
  decision: 'decision',
  /** JSON { mean, scale } folded into the graph's first nodes. */
  standardizer: 'standardizer',
  /** 'float32' or 'float64': the type of the input and the float outputs. */
  dtype: 'dtype',
  /** 'float64' where a float32 graph computes in float64 inside (the family needs it); absent: computes in dtype. */
  compute: 'compute',
  /** JSON: the calibration of the posteriors (@discern/models' Calibration), applied before the decision; absent: none. */
  calibration: 'calibration',
  /**
   * 'keep' where the model takes missing values (NaN) although its family (`model`) does not say so by itself: a fold
   * ensemble of boosted trees. Absent: the family decides (@discern/models' takesMissing).
   */
  missing: 'missing',
} as const;

/** Parses a JSON metadata value, undefined when absent or not JSON. */
export function metaJSON(meta: Readonly<Record<string, string>>, key: string): unknown {
  const v = meta[key];
  if (v === undefined) return undefined;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return undefined;
  }
}
