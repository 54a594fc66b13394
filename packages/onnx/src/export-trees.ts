/**
 * The boosted decision trees (@discern/models' HistGradientBoostingClassifier, kind 'bdt', and AdaBoostClassifier,
 * kind 'adaboost') as ONNX-ML's TreeEnsembleRegressor (domain ai.onnx.ml, opset 3, which onnxruntime runs on the CPU
 * and ONNX 1.12's checker knows), followed by the link in standard operators: σ for two classes (probabilities
 * [1 − σ(F), σ(F)]), softmax for K; then the decision rule, as for every family.
 *
 * Split thresholds. A tree sends a row left when x ≤ threshold (BRANCH_LEQ; a missing value, NaN, by
 * nodes_missing_value_tracks_true, the side the fit chose). The graph takes the raw features: the standardisation a
 * model was fitted after is folded into the thresholds, never computed in the graph, and each threshold is written
 * as the largest number r of the graph's input type such that the TypeScript model sends r left:
 *
 *   r = max { x of the input type : (x − mean)/scale ≤ t in double arithmetic }   (x ≤ t without a standardiser),
 *
 * found by bisection over the type's values. For a float32 graph that is t rounded down (towards −∞) to a float32,
 * not to the nearest one: a float32 input x then goes left exactly when the TypeScript model sends the double x left,
 * so no row crosses a split by rounding, however close to a threshold it lies. And the fit itself puts every
 * threshold at a float32 rounding boundary (the largest double that rounds to a given float32, chosen inside the gap
 * between the training values it separates: models' binning.ts), so r = fround(t) and, without a standardiser, a
 * double input rounded to float32 on its way into the graph takes the branch the model takes on the double: the
 * float32 graph scores a CSV file as the model does. (With a standardiser folded in, a double input within float32
 * rounding of a threshold may still cross: the boundary is in standardised units. The export counts such rows of its
 * parity sample and says so in a note, pointing to float64, which is exact.) Missing values are routed as
 * trained; infinite inputs are refused by the TypeScript model and go right in the graph (x ≤ r is false for +∞,
 * and a −∞ goes left).
 *
 * Leaf values. float32 graphs: the op sums the leaves (float32 weights) into F per output, `base_values` the
 * starting scores; onnxruntime accumulates in float32, which keeps the probabilities within 1e-6 of the double model
 * for hundreds of trees. float64 graphs: TreeEnsembleRegressor's output is float32 by the operator's definition, which
 * cannot carry a double sum, so each tree's output is the index of the node its row reaches (a small integer, exact
 * in float32): T outputs, cast to int64, offset per tree, and the leaf values gathered from a float64 table and summed
 * in float64 (ReduceSum). Thresholds are a float64 tensor (nodes_values_as_tensor), exact. This keeps the 1e-12
 * parity, at the price of T numbers per row in the float64 graph (use float32 graphs to score very large batches).
 */
import { type AdaBoostClassifier, type HistGradientBoostingClassifier, type Tree, type TreeEnsemble, type TreeEnsembleClassifier } from '@discern/models';
import { column } from './blocks.js';
import { type Family, columnOf } from './family.js';
import { type GraphBuilder } from './graph.js';
import { DataType } from './proto.js';

export interface TreeStandardizer {
  readonly mean: ArrayLike<number>;
  readonly scale: ArrayLike<number>;
}

const F32_MAX = 3.4028234663852886e38;

/** A float32 value's order-preserving integer key (−0 and +0 both 0), and back. */
const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);
function key32(x: number): number {
  f32[0] = x;
  const b = i32[0]!;
  return b < 0 ? -(b & 0x7fffffff) : b;
}
function value32(k: number): number {
  i32[0] = k < 0 ? -k | 0x80000000 : k;
  return f32[0]!;
}

const f64 = new Float64Array(1);
const b64 = new BigInt64Array(f64.buffer);
const MASK63 = (1n << 63n) - 1n;
function key64(x: number): bigint {
  f64[0] = x;
  const b = b64[0]!;
  return b < 0n ? -(b & MASK63) : b;
}
function value64(k: bigint): number {
  b64[0] = k < 0n ? -k | (1n << 63n) : k;
  return f64[0]!;
}

/**
 * The graph threshold of a split `x_std ≤ t` where x_std = (x − mean)/scale (or x): the largest finite value r of
 * the type with x_std(r) ≤ t, −∞ when there is none (every finite value goes right). See the module comment.
 */
export function graphThreshold(t: number, float32: boolean, mean?: number, scale?: number): number {
  const std = mean === undefined || scale === undefined ? (x: number) => x : (x: number) => (x - mean) / scale;
  if (mean === undefined && !float32) return t;
  if (float32) {
    let lo = key32(-F32_MAX), hi = key32(F32_MAX);
    if (!(std(value32(lo)) <= t)) return -Infinity;
    if (std(value32(hi)) <= t) return value32(hi);
    // invariant: std(value(lo)) ≤ t < std(value(hi))
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (std(value32(mid)) <= t) lo = mid;
      else hi = mid;
    }
    return value32(lo);
  }
  let lo = key64(-Number.MAX_VALUE), hi = key64(Number.MAX_VALUE);
  if (!(std(value64(lo)) <= t)) return -Infinity;
  if (std(value64(hi)) <= t) return value64(hi);
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    if (std(value64(mid)) <= t) lo = mid;
    else hi = mid;
  }
  return value64(lo);
}

/** The nodes_* attributes of the ensemble's trees (thresholds for the graph's input type). */
function nodeAttributes(e: TreeEnsemble, float32: boolean, s: TreeStandardizer | undefined) {
  const treeids: number[] = [], nodeids: number[] = [], featureids: number[] = [], modes: string[] = [], values: number[] = [], truenode: number[] = [], falsenode: number[] = [], missing: number[] = [];
  e.trees.forEach((t, ti) => {
    for (let i = 0; i < t.feature.length; i++) {
      const f = t.feature[i]!;
      treeids.push(ti);
      nodeids.push(i);
      if (f < 0) {
        featureids.push(0);
        modes.push('LEAF');
        values.push(0);
        truenode.push(0);
        falsenode.push(0);
        missing.push(0);
      } else {
        featureids.push(f);
        modes.push('BRANCH_LEQ');
        values.push(graphThreshold(t.threshold[i]!, float32, s?.mean[f], s?.scale[f]));
        truenode.push(t.left[i]!);
        falsenode.push(t.right[i]!);
        missing.push(t.missingLeft[i]!);
      }
    }
  });
  return {
    nodes_treeids: treeids,
    nodes_nodeids: nodeids,
    nodes_featureids: featureids,
    nodes_modes: { strings: modes },
    ...(float32 ? { nodes_values: { floats: values } } : { nodes_values_as_tensor: { doubles: values } }),
    nodes_truenodeids: truenode,
    nodes_falsenodeids: falsenode,
    nodes_missing_value_tracks_true: missing,
    aggregate_function: 'SUM',
    post_transform: 'NONE',
  };
}

/** float32: F [N, outputs] summed by the op from the leaves' values, plus the starting scores. */
function rawScores32(b: GraphBuilder, x: string, e: TreeEnsemble, s: TreeStandardizer | undefined): string {
  const D = e.outputs;
  const tids: number[] = [], nids: number[] = [], ids: number[] = [], weights: number[] = [];
  e.trees.forEach((t: Tree, ti) => {
    for (let i = 0; i < t.feature.length; i++) {
      if (t.feature[i]! >= 0) continue;
      for (let k = 0; k < e.width; k++) {
        const v = t.value[i * e.width + k]!;
        // a zero adds nothing; a leaf with no entry is allowed (it contributes nothing)
        if (v === 0) continue;
        tids.push(ti);
        nids.push(i);
        ids.push(e.width === 1 ? ti % D : k);
        weights.push(v);
      }
    }
  });
  return b.mlOp('TreeEnsembleRegressor', [x], {
    n_targets: D,
    ...nodeAttributes(e, true, s),
    target_treeids: tids,
    target_nodeids: nids,
    target_ids: ids,
    target_weights: { floats: weights },
    base_values: { floats: Array.from(e.baseline) },
  });
}

/** float64: the node each row reaches in each tree, then the leaf values gathered and summed in float64. */
function rawScores64(b: GraphBuilder, x: string, e: TreeEnsemble, s: TreeStandardizer | undefined): string {
  const T = e.trees.length, D = e.outputs, W = e.width;
  const tids: number[] = [], nids: number[] = [], ids: number[] = [], weights: number[] = [];
  const offsets: number[] = [];
  let total = 0;
  e.trees.forEach((t, ti) => {
    offsets.push(total);
    for (let i = 0; i < t.feature.length; i++) {
      if (t.feature[i]! >= 0) continue;
      tids.push(ti);
      nids.push(i);
      ids.push(ti);
      weights.push(i);
    }
    total += t.feature.length;
  });
  // the leaf values by (tree offset + node), W per node (internal nodes hold zeros and are never gathered)
  const table = new Float64Array(total * W);
  e.trees.forEach((t, ti) => table.set(t.value, offsets[ti]! * W));
  const nodes = b.mlOp('TreeEnsembleRegressor', [x], { n_targets: T, ...nodeAttributes(e, false, s), target_treeids: tids, target_nodeids: nids, target_ids: ids, target_weights: { floats: weights } });
  const index = b.op('Add', [b.op('Cast', [nodes], { to: DataType.INT64 }), b.ints(offsets, [1, T], 'tree_offsets')]); // [N, T]
  let F: string;
  if (W === 1) {
    const v = b.op('Gather', [b.floats(table, [total], 'leaf_values'), index], { axis: 0 }); // [N, T]
    // trees go iteration by iteration, output by output: [N, T/D, D] summed over the iterations
    F = D === 1 ? b.op('ReduceSum', [v, b.ints([1])], { keepdims: 1 }) : b.op('ReduceSum', [b.op('Reshape', [v, b.ints([0, T / D, D])]), b.ints([1])], { keepdims: 0 });
  } else {
    const v = b.op('Gather', [b.floats(table, [total, W], 'leaf_values'), index], { axis: 0 }); // [N, T, W]
    F = b.op('ReduceSum', [v, b.ints([1])], { keepdims: 0 });
  }
  return b.op('Add', [F, b.floats(e.baseline, [1, D], 'baseline')]);
}

/** Both boosted models predict through the same TreeEnsemble, so one graph serves them. */
function treesFamily(m: TreeEnsembleClassifier): Family {
  const e = m.ensemble;
  const K = e.nClasses;
  return {
    role: 'classifier',
    kind: m.kind,
    nFeatures: e.nFeatures,
    K,
    rawInput: true,
    ...(K === 2 ? { scoreKind: 'probability' as const } : {}),
    build(b, x, positive, _negative, standardizer) {
      const F = b.dtype === 'float32' ? rawScores32(b, x, e, standardizer) : rawScores64(b, x, e, standardizer);
      let proba: string;
      if (K === 2) {
        const p1 = b.op('Sigmoid', [F]);
        proba = b.op('Concat', [b.op('Sub', [b.scalar(1, 'one'), p1]), p1], { axis: 1 });
      } else proba = b.op('Softmax', [F], { axis: 1 });
      return { proba, ...(K === 2 ? { score: column(b, proba, positive) } : {}), label: b.op('ArgMax', [proba], { axis: 1, keepdims: 0 }) };
    },
    reference(X, positive) {
      const proba = m.predictProba(X);
      return { proba, ...(K === 2 ? { score: columnOf(proba, positive) } : {}), label: m.predict(X) };
    },
  };
}

export function bdtFamily(m: HistGradientBoostingClassifier): Family {
  return treesFamily(m);
}

export function adaboostFamily(m: AdaBoostClassifier): Family {
  return treesFamily(m);
}
