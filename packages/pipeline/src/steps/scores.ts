import { type ParquetColumnValues, csvRow, writeParquet } from '@discern/data';
import { descendingOrder } from '@discern/metrics';
import { type RunContext, type ScoreSet } from '../context.js';

const positives = new WeakMap<ScoreSet, Map<number, Float64Array>>();

/**
 * The score of the positive class (binary) — the quantity ROC curves and thresholds act on. Made once per score
 * set and class, and shared: callers must not write into it.
 */
export function positiveScore(set: ScoreSet, positive: number): Float64Array {
  let byClass = positives.get(set);
  if (!byClass) positives.set(set, (byClass = new Map()));
  const known = byClass.get(positive);
  if (known) return known;
  const n = set.proba.length / set.nClasses;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = set.proba[i * set.nClasses + positive]!;
  byClass.set(positive, out);
  return out;
}

const orders = new WeakMap<Float64Array, Uint32Array>();

/**
 * descendingOrder of a positive score (from positiveScore), made once and shared by every figure of it (summary,
 * AUC interval, average precision, efficiencies, overtraining check, ROC plot): one sort of a large sample.
 */
export function scoreOrder(score: Float64Array): Uint32Array {
  let o = orders.get(score);
  if (!o) orders.set(score, (o = descendingOrder(score)));
  return o;
}

/** The class of largest probability of each row (the first of equal ones), as `predict` and the score files give it. */
export function argmaxRows(proba: Float64Array, K: number): Int32Array {
  const n = proba.length / K;
  const pred = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (proba[i * K + k]! > proba[i * K + best]!) best = k;
    pred[i] = best;
  }
  return pred;
}

/** What a score file holds: each row's true class (when the dataset has labels), its probabilities, its predicted class. */
export interface ScoreTable {
  /** The label column's name and each row's true class, named by the dataset's classes. */
  readonly label?: { readonly name: string; readonly y: Int32Array; readonly classNames: readonly string[] };
  /** The model's classes: one column p_<class> each, and the names of the predicted classes. */
  readonly classNames: readonly string[];
  /** Row-major probabilities, rows × classNames.length. */
  readonly proba: Float64Array;
  /** Columns of whole numbers after `predicted` (crossvalidate's fold). */
  readonly extra?: Readonly<Record<string, Int32Array>>;
}

/**
 * Writes a score file of the run folder — `<label>, p_<class>…, predicted[, extra…]` — as CSV (in chunks of rows: a
 * file of millions of rows is never one string) or Parquet (the label and the predicted class as text, each
 * probability as a double). Returns the predicted classes.
 */
export async function writeScoreFile(ctx: Pick<RunContext, 'artifacts'>, file: string, format: 'csv' | 'parquet', t: ScoreTable): Promise<Int32Array> {
  const K = t.classNames.length;
  const pred = argmaxRows(t.proba, K);
  const n = pred.length;
  const extra = Object.entries(t.extra ?? {});
  const className = (names: readonly string[], k: number) => names[k] ?? String(k);
  if (format === 'parquet') {
    const columns: Record<string, ParquetColumnValues> = {};
    if (t.label) columns[t.label.name] = Array.from(t.label.y, (y) => t.label!.classNames[y] ?? null);
    t.classNames.forEach((c, k) => {
      const col = new Float64Array(n);
      for (let i = 0; i < n; i++) col[i] = t.proba[i * K + k]!;
      columns[`p_${c}`] = col;
    });
    columns.predicted = Array.from(pred, (k) => className(t.classNames, k));
    for (const [name, values] of extra) columns[name] = Float64Array.from(values);
    const parts: Uint8Array[] = [];
    await writeParquet(async (b) => void parts.push(b), columns);
    ctx.artifacts.writeChunks(file, (write) => parts.forEach((b) => write(b)));
    return pred;
  }
  const header = [...(t.label ? [t.label.name] : []), ...t.classNames.map((c) => `p_${c}`), 'predicted', ...extra.map(([name]) => name)];
  ctx.artifacts.writeChunks(file, (write) => {
    write(csvRow(header));
    const CHUNK = 8192;
    for (let start = 0; start < n; start += CHUNK) {
      let chunk = '';
      for (let i = start; i < Math.min(n, start + CHUNK); i++) {
        const cells: (string | number)[] = [];
        if (t.label) cells.push(t.label.classNames[t.label.y[i]!] ?? '');
        for (let k = 0; k < K; k++) cells.push(t.proba[i * K + k]!);
        cells.push(className(t.classNames, pred[i]!));
        for (const [, values] of extra) cells.push(values[i]!);
        chunk += csvRow(cells);
      }
      write(chunk);
    }
  });
  return pred;
}
