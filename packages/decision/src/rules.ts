/**
 * Decision rules as plain, serialisable data: a pipeline step stores one next to its model, the ONNX exporter turns
 * it into graph nodes (Greater/GreaterOrEqual on a column, MatMul with the cost matrix and ArgMin), and applyRule
 * evaluates it here. Validation is by hand (this package does not depend on zod): validateRule checks every key and
 * rejects unknown ones, naming the path (`rule.cost[1][2]`) and what is accepted.
 *
 * Decisions are class indices (Int32Array, one per row); REJECT = −1 for the reject option of a bayes-risk rule.
 * JSON cannot hold ±Infinity (a Neyman–Pearson threshold at α < 1/n is +Infinity): ruleToJSON writes them as the
 * strings "Infinity" / "-Infinity" and parseRule reads them back.
 */
import { type DenseMatrix } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { bayesLlrThreshold, mapDecide, minRiskDecide, mlDecide, reweightChecked } from './bayes-risk.js';
import { type NeymanPearsonThreshold } from './neyman-pearson.js';
import { checkCostMatrix, checkFiniteVector, checkPosteriors, checkPriors } from './validate.js';

/** What a threshold is applied to: a classifier score, the posterior column `positive`, or a log-likelihood ratio. */
export type ThresholdOn = 'score' | 'proba' | 'llr';

/** value ≥ threshold (inclusive, default) or value > threshold decides `positive`, otherwise `negative`. */
export interface ThresholdRule {
  readonly kind: 'threshold';
  readonly on: ThresholdOn;
  readonly threshold: number;
  /** The class decided when the value passes; with on = 'proba' also the posterior column compared. */
  readonly positive: number;
  /** The class decided otherwise; default 0, or 1 when positive is 0. */
  readonly negative?: number;
  /** true (default): ≥ passes, as for roc_curve thresholds and Neyman–Pearson cuts; false: > passes, as lrtDecide. */
  readonly inclusive?: boolean;
}

/** A cut at the Neyman–Pearson threshold (score ≥ threshold decides `positive`), with its calibration figures. */
export interface NeymanPearsonRule {
  readonly kind: 'neyman-pearson';
  readonly alpha: number;
  readonly threshold: number;
  /** Default 'score'. */
  readonly on?: ThresholdOn;
  /** Default 1 (C2, signal); the other class of a two-class problem is decided otherwise. */
  readonly positive?: number;
  readonly achievedFpr?: number;
  readonly fprInterval?: [number, number];
  readonly power?: number;
  readonly powerInterval?: [number, number];
  readonly confidence?: number;
}

/** Minimum Bayes risk on posteriors: cost[i][j] = cost of deciding i when j is true; optional prior shift and reject. */
export interface BayesRiskRule {
  readonly kind: 'bayes-risk';
  readonly cost: number[][];
  /** Deployment priors; given together with trainPriors, the posteriors are re-weighted first (Saerens et al.). */
  readonly priors?: number[];
  /** The priors the posteriors were computed with. */
  readonly trainPriors?: number[];
  /** Chow's reject option: decide −1 when the smallest conditional risk exceeds it. */
  readonly rejectCost?: number;
}

export interface MapRule {
  readonly kind: 'map';
}

export interface MlRule {
  readonly kind: 'ml';
  readonly trainPriors: number[];
}

export type DecisionRule = ThresholdRule | NeymanPearsonRule | BayesRiskRule | MapRule | MlRule;

export interface RuleInputs {
  /** Posteriors, n×K, rows summing to 1. */
  proba?: DenseMatrix;
  /** One score (or log-likelihood ratio) per row. */
  score?: ArrayLike<number>;
}

const KEYS: Record<DecisionRule['kind'], readonly string[]> = {
  threshold: ['kind', 'on', 'threshold', 'positive', 'negative', 'inclusive'],
  'neyman-pearson': ['kind', 'alpha', 'threshold', 'on', 'positive', 'achievedFpr', 'fprInterval', 'power', 'powerInterval', 'confidence'],
  'bayes-risk': ['kind', 'cost', 'priors', 'trainPriors', 'rejectCost'],
  map: ['kind'],
  ml: ['kind', 'trainPriors'],
};

function fail(path: string, message: string, value?: unknown): never {
  throw new DiscernError('INVALID_ARGUMENT', `invalid decision rule: ${path} ${message}`, { path, value });
}

function describe(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v);
}

function num(r: Record<string, unknown>, key: string, opts: { optional?: boolean; infinite?: boolean } = {}): void {
  const v = r[key];
  if (v === undefined) {
    if (!opts.optional) fail(`rule.${key}`, 'is required (a number)');
    return;
  }
  if (typeof v !== 'number' || Number.isNaN(v) || (!opts.infinite && !Number.isFinite(v))) {
    fail(`rule.${key}`, `must be a ${opts.infinite ? 'number (±Infinity allowed)' : 'finite number'}, got ${describe(v)}`, v);
  }
}

function classIndex(r: Record<string, unknown>, key: string, optional: boolean): void {
  const v = r[key];
  if (v === undefined && optional) return;
  if (!(typeof v === 'number' && Number.isInteger(v) && v >= 0)) fail(`rule.${key}`, `must be a class index (an integer ≥ 0), got ${describe(v)}`, v);
}

function pair(r: Record<string, unknown>, key: string): void {
  const v = r[key];
  if (v === undefined) return;
  if (!(Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && x >= 0 && x <= 1) && v[0] <= v[1])) {
    fail(`rule.${key}`, `must be an interval [lo, hi] with 0 ≤ lo ≤ hi ≤ 1, got ${describe(v)}`, v);
  }
}

function on(r: Record<string, unknown>, optional: boolean): void {
  const v = r.on;
  if (v === undefined && optional) return;
  if (v !== 'score' && v !== 'proba' && v !== 'llr') fail('rule.on', `must be 'score', 'proba' or 'llr', got ${describe(v)}`, v);
}

function priorsAt(r: Record<string, unknown>, key: string, K: number, strictlyPositive: boolean): void {
  const v = r[key];
  if (v === undefined) return;
  try {
    checkPriors(v, K, key, 'rule', strictlyPositive);
  } catch (e) {
    fail(`rule.${key}`, `is not a valid prior vector: ${(e as Error).message.replace(/^rule: /, '')}`, v);
  }
}

/** Checks that `rule` is a well-formed DecisionRule (unknown keys are errors) and returns it typed. */
export function validateRule(rule: unknown): DecisionRule {
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) fail('rule', `must be an object with a 'kind', got ${describe(rule)}`, rule);
  const r = rule as Record<string, unknown>;
  const kind = r.kind;
  if (typeof kind !== 'string' || !(kind in KEYS)) {
    fail('rule.kind', `must be one of ${Object.keys(KEYS).map((k) => `'${k}'`).join(', ')}, got ${describe(kind)}`, kind);
  }
  const allowed = KEYS[kind as DecisionRule['kind']];
  for (const key of Object.keys(r)) {
    if (!allowed.includes(key)) fail(`rule.${key}`, `is not a key of a '${kind}' rule (accepted: ${allowed.join(', ')})`, r[key]);
  }
  switch (kind) {
    case 'threshold':
      on(r, false);
      num(r, 'threshold', { infinite: true });
      classIndex(r, 'positive', false);
      classIndex(r, 'negative', true);
      if (r.negative !== undefined && r.negative === r.positive) fail('rule.negative', `must differ from rule.positive (${String(r.positive)})`, r.negative);
      if (r.inclusive !== undefined && typeof r.inclusive !== 'boolean') fail('rule.inclusive', `must be true or false, got ${describe(r.inclusive)}`, r.inclusive);
      break;
    case 'neyman-pearson':
      num(r, 'alpha');
      if (!((r.alpha as number) > 0 && (r.alpha as number) <= 1)) fail('rule.alpha', `must be in (0, 1], got ${String(r.alpha)}`, r.alpha);
      num(r, 'threshold', { infinite: true });
      on(r, true);
      classIndex(r, 'positive', true);
      num(r, 'achievedFpr', { optional: true });
      num(r, 'power', { optional: true });
      num(r, 'confidence', { optional: true });
      pair(r, 'fprInterval');
      pair(r, 'powerInterval');
      break;
    case 'bayes-risk': {
      let K: number;
      try {
        K = checkCostMatrix(r.cost, 'rule');
      } catch (e) {
        fail('rule.cost', (e as Error).message.replace(/^rule: /, ''), r.cost);
      }
      if ((r.priors === undefined) !== (r.trainPriors === undefined)) {
        fail(r.priors === undefined ? 'rule.trainPriors' : 'rule.priors', 'needs its partner: give both priors (deployment) and trainPriors (those the posteriors were computed with), or neither');
      }
      priorsAt(r, 'priors', K, false);
      priorsAt(r, 'trainPriors', K, true);
      num(r, 'rejectCost', { optional: true });
      break;
    }
    case 'ml':
      if (!Array.isArray(r.trainPriors)) fail('rule.trainPriors', `is required: the class priors the posteriors were computed with, got ${describe(r.trainPriors)}`, r.trainPriors);
      priorsAt(r, 'trainPriors', r.trainPriors.length, true);
      if (r.trainPriors.length < 2) fail('rule.trainPriors', 'must have one entry per class (at least 2)', r.trainPriors);
      break;
    default:
      break;
  }
  return rule as DecisionRule;
}

function needScore(inputs: RuleInputs, kind: string): ArrayLike<number> {
  if (!inputs.score) throw new DiscernError('INVALID_ARGUMENT', `applyRule: a '${kind}' rule on a score needs inputs.score`, { kind });
  checkFiniteVector(inputs.score, 'score', 'applyRule', true);
  return inputs.score;
}

function needProba(inputs: RuleInputs, kind: string): DenseMatrix {
  if (!inputs.proba) throw new DiscernError('INVALID_ARGUMENT', `applyRule: a '${kind}' rule needs inputs.proba (the n×K posteriors)`, { kind });
  return inputs.proba;
}

function cut(values: ArrayLike<number>, threshold: number, inclusive: boolean, positive: number, negative: number): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < out.length; i++) {
    const v = values[i]!;
    out[i] = (inclusive ? v >= threshold : v > threshold) ? positive : negative;
  }
  return out;
}

function column(P: DenseMatrix, j: number): Float64Array {
  if (j >= P.cols) throw new DiscernError('INVALID_ARGUMENT', `applyRule: the rule thresholds posterior column ${j}, but proba has ${P.cols} columns`, { column: j, cols: P.cols });
  checkPosteriors(P, 'applyRule');
  const out = new Float64Array(P.rows);
  for (let i = 0; i < P.rows; i++) out[i] = P.data[i * P.cols + j]!;
  return out;
}

/** Applies a rule row by row: a class index per row, or −1 (reject) for a bayes-risk rule with rejectCost. */
export function applyRule(rule: DecisionRule, inputs: RuleInputs): Int32Array {
  const r = validateRule(rule);
  switch (r.kind) {
    case 'threshold':
    case 'neyman-pearson': {
      const onWhat = r.on ?? 'score';
      const positive = r.positive ?? 1;
      const negative = (r.kind === 'threshold' ? r.negative : undefined) ?? (positive === 0 ? 1 : 0);
      const inclusive = r.kind === 'threshold' ? (r.inclusive ?? true) : true;
      const values = onWhat === 'proba' ? column(needProba(inputs, r.kind), positive) : needScore(inputs, r.kind);
      return cut(values, r.threshold, inclusive, positive, negative);
    }
    case 'bayes-risk': {
      let P = needProba(inputs, r.kind);
      checkPosteriors(P, 'applyRule', r.cost.length);
      if (r.priors && r.trainPriors) P = reweightChecked(P, r.trainPriors, r.priors, 'applyRule');
      return minRiskDecide(P, r.cost, r.rejectCost === undefined ? {} : { rejectCost: r.rejectCost });
    }
    case 'map':
      return mapDecide(needProba(inputs, r.kind));
    case 'ml':
      return mlDecide(needProba(inputs, r.kind), r.trainPriors);
  }
}

/** A Neyman–Pearson rule from a calibration result (NaN power, from a sample without signal, is left out). */
export function neymanPearsonRule(result: NeymanPearsonThreshold, options: { on?: ThresholdOn; positive?: number } = {}): NeymanPearsonRule {
  const rule: NeymanPearsonRule = {
    kind: 'neyman-pearson',
    alpha: result.alpha,
    threshold: result.threshold,
    on: options.on ?? 'score',
    positive: options.positive ?? 1,
    achievedFpr: result.achievedFpr,
    fprInterval: [result.fprInterval[0], result.fprInterval[1]],
    confidence: result.confidence,
    ...(Number.isNaN(result.power) ? {} : { power: result.power, powerInterval: [result.powerInterval[0], result.powerInterval[1]] as [number, number] }),
  };
  return validateRule(rule) as NeymanPearsonRule;
}

/** The two-class minimum-risk rule as a cut on the log-likelihood ratio: llr > ln ξ decides 1 (see bayesLlrThreshold). */
export function bayesThresholdRule(cost: number[][], priors: ArrayLike<number>): ThresholdRule {
  return { kind: 'threshold', on: 'llr', threshold: bayesLlrThreshold(cost, priors), positive: 1, negative: 0, inclusive: false };
}

/** A JSON-safe copy of a rule: ±Infinity become the strings "Infinity" / "-Infinity". */
export function ruleToJSON(rule: DecisionRule): Record<string, unknown> {
  const r = validateRule(rule);
  return JSON.parse(JSON.stringify(r, (_key, v: unknown) => (v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v))) as Record<string, unknown>;
}

/** Reads a rule from parsed JSON (the form ruleToJSON writes) and validates it. */
export function parseRule(json: unknown): DecisionRule {
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const copy: Record<string, unknown> = { ...(json as Record<string, unknown>) };
    if (copy.threshold === 'Infinity') copy.threshold = Infinity;
    else if (copy.threshold === '-Infinity') copy.threshold = -Infinity;
    return validateRule(copy);
  }
  return validateRule(json);
}
