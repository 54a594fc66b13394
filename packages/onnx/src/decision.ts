/**
 * Decision rules inside the graph, so that the model's `label` output is the decision itself: a threshold (on
 * P(positive), on the score, or on the log-likelihood ratio) with the rule's tie convention (≥ when inclusive,
 * > otherwise), a Neyman–Pearson cut (score ≥ threshold), the K-class minimum-risk rule (MatMul of the posteriors
 * by the transposed cost matrix, ArgMin, optional Chow reject = −1), MAP (ArgMax) and ML (ArgMax of the posteriors
 * re-weighted to equal priors). Rules are @discern/decision's serialisable DecisionRule objects.
 */
import { type DecisionRule, applyRule, validateRule } from '@discern/decision';
import { DiscernError } from '@discern/core';
import { column } from './blocks.js';
import { type Family, type Heads, type Reference } from './family.js';
import { type GraphBuilder } from './graph.js';

/** A DecisionRule, except that a threshold rule may leave `positive` to the export's positive class. */
export type DecisionInput = DecisionRule | (Omit<Extract<DecisionRule, { kind: 'threshold' }>, 'positive'> & { positive?: number });

/** Fills defaults from the export (positive class) and validates with @discern/decision's validateRule. */
export function resolveRule(input: DecisionInput, family: Family, positive: number): DecisionRule {
  const rule = input.kind === 'threshold' && input.positive === undefined ? { ...input, positive } : input;
  const r = validateRule(rule);
  const fail = (msg: string): never => {
    throw new DiscernError('INVALID_ARGUMENT', `ONNX export: the ${r.kind} decision rule ${msg}`, { rule: r, model: family.kind });
  };
  if (family.role !== 'classifier') fail(`needs class posteriors, but a '${family.kind}' model has none (decision rules apply to classifiers)`);
  if (r.kind === 'threshold' || r.kind === 'neyman-pearson') {
    const on = r.on ?? 'score';
    if (on !== 'proba' && family.K !== 2) fail(`thresholds the ${on}, which only a two-class model has (this one has ${family.K} classes); use on: 'proba' or a bayes-risk rule`);
    if (on === 'llr' && family.scoreKind !== 'llr') fail(`thresholds the log-likelihood ratio, but a '${family.kind}' model's score is ${family.scoreKind === 'probability' ? 'P(positive)' : 'absent'}; use on: 'score' or 'proba'`);
    const pos = r.positive ?? 1;
    if (pos >= family.K) fail(`names positive class ${pos}, but the model has classes 0..${family.K - 1}`);
  }
  if (r.kind === 'bayes-risk' && r.cost.length !== family.K) fail(`has a ${r.cost.length}×${r.cost.length} cost matrix for a model with ${family.K} classes`);
  if (r.kind === 'ml' && r.trainPriors.length !== family.K) fail(`has ${r.trainPriors.length} trainPriors for a model with ${family.K} classes`);
  return r;
}

/** P·ratio normalised per row (prior shift, Saerens et al. 2002), as @discern/decision's re-weighting. */
function reweight(b: GraphBuilder, P: string, ratio: number[]): string {
  const w = b.op('Mul', [P, b.floats(ratio, [1, ratio.length], 'priorRatio')]);
  return b.op('Div', [w, b.op('ReduceSum', [w, b.ints([1])], { keepdims: 1 })]);
}

/** The int64 [N] label of `rule` on the heads. */
export function decisionGraph(b: GraphBuilder, rule: DecisionRule, heads: Heads): string {
  const proba = heads.proba!;
  switch (rule.kind) {
    case 'threshold':
    case 'neyman-pearson': {
      const positive = rule.positive ?? 1;
      const negative = (rule.kind === 'threshold' ? rule.negative : undefined) ?? (positive === 0 ? 1 : 0);
      const inclusive = rule.kind === 'threshold' ? (rule.inclusive ?? true) : true;
      const on = rule.on ?? 'score';
      const values = on === 'proba' ? column(b, proba, positive) : heads.score!;
      const cond = b.op(inclusive ? 'GreaterOrEqual' : 'Greater', [values, b.scalar(rule.threshold, 'threshold')]);
      return b.op('Where', [cond, b.ints([positive], [], 'positive'), b.ints([negative], [], 'negative')]);
    }
    case 'bayes-risk': {
      const K = rule.cost.length;
      const P = rule.priors && rule.trainPriors ? reweight(b, proba, rule.priors.map((v, j) => v / rule.trainPriors![j]!)) : proba;
      const costT = new Float64Array(K * K);
      for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) costT[j * K + i] = rule.cost[i]![j]!;
      const risks = b.op('MatMul', [P, b.floats(costT, [K, K], 'costT')]);
      const best = b.op('ArgMin', [risks], { axis: 1, keepdims: 0 });
      if (rule.rejectCost === undefined) return best;
      const minRisk = b.op('ReduceMin', [risks], { axes: [1], keepdims: 0 });
      const reject = b.op('Greater', [minRisk, b.scalar(rule.rejectCost, 'rejectCost')]);
      return b.op('Where', [reject, b.ints([-1], [], 'reject'), best]);
    }
    case 'map':
      return b.op('ArgMax', [proba], { axis: 1, keepdims: 0 });
    case 'ml': {
      const K = rule.trainPriors.length;
      return b.op('ArgMax', [reweight(b, proba, rule.trainPriors.map((t) => 1 / K / t))], { axis: 1, keepdims: 0 });
    }
  }
}

/** The TypeScript decision, by @discern/decision's applyRule on the TypeScript posteriors and score. */
export function decisionReference(rule: DecisionRule, ref: Reference): Int32Array {
  return applyRule(rule, { ...(ref.proba ? { proba: ref.proba } : {}), ...(ref.score ? { score: ref.score } : {}) });
}

/**
 * How close row i is to a decision boundary in the quantity the rule compares (the TypeScript values): the distance
 * to the threshold, or the gap between the best and second-best class. Labels may differ only where this is tiny.
 */
export function boundaryGap(rule: DecisionRule | undefined, ref: Reference, i: number): number {
  if (rule && (rule.kind === 'threshold' || rule.kind === 'neyman-pearson')) {
    const on = rule.on ?? 'score';
    const v = on === 'proba' ? ref.proba!.data[i * ref.proba!.cols + (rule.positive ?? 1)]! : ref.score![i]!;
    return Math.abs(v - rule.threshold) / Math.max(1, Math.abs(rule.threshold));
  }
  // argmax/argmin rules: the gap between the two best entries of the compared row (posteriors, risks, distances)
  let row: ArrayLike<number>;
  if (ref.proba) {
    const K = ref.proba.cols;
    const P = Array.from(ref.proba.data.subarray(i * K, (i + 1) * K));
    if (rule?.kind === 'bayes-risk') {
      const ratio = rule.priors && rule.trainPriors ? rule.priors.map((v, j) => v / rule.trainPriors![j]!) : undefined;
      const Q = ratio ? P.map((v, j) => v * ratio[j]!) : P;
      const s = Q.reduce((a, v) => a + v, 0);
      row = rule.cost.map((c) => c.reduce((a, cij, j) => a + (cij * Q[j]!) / (ratio ? s : 1), 0));
    } else if (rule?.kind === 'ml') row = P.map((v, j) => v / rule.trainPriors[j]!);
    else row = P;
  } else if (ref.responsibilities) row = ref.responsibilities.data.subarray(i * ref.responsibilities.cols, (i + 1) * ref.responsibilities.cols);
  else row = ref.distances!.data.subarray(i * ref.distances!.cols, (i + 1) * ref.distances!.cols);
  const sorted = Array.from(row).sort((a, c) => c - a);
  const risk = rule?.kind === 'bayes-risk' || !ref.proba && !ref.responsibilities;
  const [a, c] = risk ? [sorted[sorted.length - 1]!, sorted[sorted.length - 2]!] : [sorted[0]!, sorted[1]!];
  let gap = c === undefined ? Infinity : Math.abs(a - c) / Math.max(1, Math.abs(a));
  if (rule?.kind === 'bayes-risk' && rule.rejectCost !== undefined) gap = Math.min(gap, Math.abs(sorted[sorted.length - 1]! - rule.rejectCost));
  return gap;
}
