/**
 * A calibrated classifier: the family's graph with its posteriors passed through the calibration maps of
 * @discern/models (Platt's sigmoid, or the isotonic piecewise-linear map), before the decision rule — so that the
 * exported model outputs calibrated probabilities and decides on them, as the run did.
 *
 * The isotonic map is evaluated as applyMap does, not as a sum of segments: the segment k of each value is counted
 * (the thresholds x₀…x_{m−2} at or below it), and slope_k·(v − x_k) + y_k is computed from Gathered constants: the
 * same arithmetic, so that float64 parity is exact to rounding, however many thresholds the map has. The graph
 * computes in float64 (Family.compute): a map of hundreds of thresholds fitted on probabilities needs it at float32
 * inputs too.
 */
import { type Calibration, type CalibrationMap, applyCalibration } from '@discern/models';
import { DataType } from './proto.js';
import { column } from './blocks.js';
import { type Family, type Heads } from './family.js';
import { type GraphBuilder } from './graph.js';

/** One map applied to a [N] vector of probabilities; returns the [N] calibrated values. */
function mapGraph(b: GraphBuilder, v: string, m: CalibrationMap): string {
  if (m.method === 'platt') {
    // 1 / (1 + exp(a·p + b)) = sigmoid(−(a·p + b))
    const z = b.op('Add', [b.op('Mul', [v, b.scalar(m.a, 'plattA')]), b.scalar(m.b, 'plattB')]);
    return b.op('Sigmoid', [b.op('Neg', [z])]);
  }
  const { x, y } = m;
  const n = x.length;
  if (n === 1) return b.op('Add', [b.op('Mul', [v, b.scalar(0, 'zero')]), b.scalar(y[0]!, 'isoConstant')]);
  const clipped = b.op('Max', [b.op('Min', [v, b.scalar(x[n - 1]!, 'isoXmax')]), b.scalar(x[0]!, 'isoXmin')]);
  const starts = x.slice(0, n - 1);
  const slopes = starts.map((x0, k) => (y[k + 1]! - y[k]!) / (x[k + 1]! - x0));
  // the segment of each value: how many of x₀…x_{m−2} are ≤ it, minus one (a value ≥ x₀ always counts x₀)
  const col = b.op('Unsqueeze', [clipped, b.ints([1])]);
  const ge = b.op('Cast', [b.op('GreaterOrEqual', [col, b.floats(starts, [1, n - 1], 'isoX')])], { to: DataType.INT64 });
  const k = b.op('Sub', [b.op('ReduceSum', [ge, b.ints([1])], { keepdims: 0 }), b.ints([1], [], 'one')]);
  const at = (values: ArrayLike<number>, hint: string) => b.op('Gather', [b.floats(values, [values.length], hint), k], { axis: 0 });
  // slope_k·(v − x_k) + y_k, as applyMap computes it
  return b.op('Add', [b.op('Mul', [at(slopes, 'isoSlope'), b.op('Sub', [clipped, at(starts, 'isoStart')])]), at(y.slice(0, n - 1), 'isoY')]);
}

/** The posteriors [N,K] calibrated: one map of P(class 1) for two classes; one per class, normalised, for K. */
function calibrationGraph(b: GraphBuilder, proba: string, c: Calibration): string {
  const K = c.classes;
  if (K === 2) {
    const p1 = b.op('Unsqueeze', [mapGraph(b, column(b, proba, 1), c.maps[0]!), b.ints([1])]);
    return b.op('Concat', [b.op('Sub', [b.scalar(1, 'one'), p1]), p1], { axis: 1 });
  }
  const cols = c.maps.map((m, k) => b.op('Unsqueeze', [mapGraph(b, column(b, proba, k), m), b.ints([1])]));
  const raw = b.op('Concat', cols, { axis: 1 });
  const sum = b.op('ReduceSum', [raw, b.ints([1])], { keepdims: 1 });
  // scikit-learn: uniform where every map gives 0
  const zero = b.op('Equal', [sum, b.scalar(0, 'zero')]);
  const safe = b.op('Where', [zero, b.scalar(1, 'one'), sum]);
  const uniform = b.op('Mul', [raw, b.scalar(0, 'zero')]);
  return b.op('Where', [zero, b.op('Add', [uniform, b.scalar(1 / K, 'uniform')]), b.op('Div', [raw, safe])]);
}

/**
 * The family of a calibrated classifier: the inner family's graph and reference, with the posteriors calibrated,
 * the two-class score the calibrated P(positive) (a calibrated generative model's score is a probability, no longer
 * its log-likelihood ratio), and the own label their argmax.
 */
export function calibratedFamily(inner: Family, c: Calibration): Family {
  return {
    ...inner,
    ...(inner.K === 2 ? { scoreKind: 'probability' as const } : {}),
    compute: 'float64',
    // a family that takes the raw input (trees: the standardisation folded into their thresholds) gets the
    // standardizer passed on, as export gives it
    build(b, x, positive, negative, standardizer): Heads {
      const heads = inner.build(b, x, positive, negative, standardizer);
      const proba = calibrationGraph(b, heads.proba!, c);
      return {
        proba,
        ...(inner.K === 2 ? { score: column(b, proba, positive) } : {}),
        label: b.op('ArgMax', [proba], { axis: 1, keepdims: 0 }),
      };
    },
    reference(X, positive, negative) {
      const ref = inner.reference(X, positive, negative);
      const proba = applyCalibration(c, ref.proba!);
      const K = proba.cols;
      const label = new Int32Array(proba.rows);
      for (let i = 0; i < proba.rows; i++) {
        let best = 0;
        for (let k = 1; k < K; k++) if (proba.data[i * K + k]! > proba.data[i * K + best]!) best = k;
        label[i] = best;
      }
      const score = K === 2 ? Float64Array.from({ length: proba.rows }, (_, i) => proba.data[i * 2 + positive]!) : undefined;
      return { proba, ...(score ? { score } : {}), label };
    },
  };
}
