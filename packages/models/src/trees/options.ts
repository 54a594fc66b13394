import { DiscernError } from '@discern/core';

/** How negative event weights are used in training (see weights.ts). */
export type NegativeWeights = 'keep' | 'ignore' | 'pair';

/**
 * Options of HistGradientBoostingClassifier (kind 'bdt'), with scikit-learn's HistGradientBoostingClassifier names
 * and defaults where the meaning is the same (camelCase here; the config writes them in snake_case).
 */
export interface HistGradientBoostingOptions {
  /** Shrinkage of every leaf value. Default 0.1. */
  readonly learningRate?: number;
  /** Boosting iterations (one tree per class and iteration; one tree for two classes). Default 100. */
  readonly maxIter?: number;
  /** Leaves per tree (best-first growth); null: no limit (then maxDepth bounds the trees). Default 31. */
  readonly maxLeafNodes?: number | null;
  /** Depth limit (edges from the root to the deepest leaf); null: none. Default null. */
  readonly maxDepth?: number | null;
  /** Fewest training rows in a leaf. Default 20. */
  readonly minSamplesLeaf?: number;
  /** Smallest sum of (weighted) hessians in a leaf. Default 1e-3. */
  readonly minSumHessianInLeaf?: number;
  /** L2 penalty λ on the leaf values (in the denominators H + λ). Default 0. */
  readonly l2Regularization?: number;
  /** Bins per feature for the values that are there, 2..255 (missing values get one more). Default 255. */
  readonly maxBins?: number;
  /** Fraction of the training rows each iteration's trees are grown on (drawn without replacement). Default 1. */
  readonly subsample?: number;
  /** Fraction of the features each tree may split on (drawn per tree). Default 1. */
  readonly colsampleBytree?: number;
  /**
   * 'auto' (default): on when there are more than 10,000 rows, as scikit-learn. With early stopping, a stratified
   * validationFraction of the rows (or the validation set given to fit) is held out and boosting stops when its loss
   * has not improved by more than tol for nIterNoChange iterations.
   */
  readonly earlyStopping?: 'auto' | boolean;
  /** Default 0.1. */
  readonly validationFraction?: number;
  /** Default 10. */
  readonly nIterNoChange?: number;
  /** Default 1e-7. */
  readonly tol?: number;
  /** 'keep' (default), 'ignore' or 'pair' (see weights.ts). */
  readonly negativeWeights?: NegativeWeights;
  /** Seed of the validation split, binning subsample and row/feature subsampling. Default 0. */
  readonly seed?: number;
  /**
   * Threads for the histograms of large nodes, the calling thread included (default: DISCERN_THREADS, or the cores
   * Node reports, at most 8). Fixed row chunks added in order: every number of threads gives the same trees. Not
   * stored by toJSON.
   */
  readonly threads?: number;
}

export interface ResolvedHistGradientBoostingOptions {
  readonly learningRate: number;
  readonly maxIter: number;
  readonly maxLeafNodes: number | null;
  readonly maxDepth: number | null;
  readonly minSamplesLeaf: number;
  readonly minSumHessianInLeaf: number;
  readonly l2Regularization: number;
  readonly maxBins: number;
  readonly subsample: number;
  readonly colsampleBytree: number;
  readonly earlyStopping: 'auto' | boolean;
  readonly validationFraction: number;
  readonly nIterNoChange: number;
  readonly tol: number;
  readonly negativeWeights: NegativeWeights;
  readonly seed: number;
}

/** 'discrete': TMVA's AdaBoost (SAMME for K classes); 'real': TMVA's RealAdaBoost (SAMME.R). */
export type AdaBoostAlgorithm = 'discrete' | 'real';

/** Options of AdaBoostClassifier (kind 'adaboost'), with TMVA's BDT defaults. */
export interface AdaBoostOptions {
  /** Trees (TMVA NTrees). Default 800. */
  readonly nEstimators?: number;
  /** Depth of each tree (TMVA MaxDepth). Default 3. */
  readonly maxDepth?: number;
  /** Smallest leaf, as a fraction of the (boosted) training weight (TMVA MinNodeSize 2.5 % = 0.025). Default 0.025. */
  readonly minNodeSize?: number;
  /** Cut values tried per feature and node: a grid of this many points between the node's minimum and maximum (TMVA nCuts). Default 20. */
  readonly nCuts?: number;
  /** Learning rate: the exponent of the boost factor (TMVA AdaBoostBeta). Default 0.5. */
  readonly beta?: number;
  /** 'discrete' (default) or 'real'. */
  readonly algorithm?: AdaBoostAlgorithm;
  /** 'keep' (default), 'ignore' or 'pair' (see weights.ts). */
  readonly negativeWeights?: NegativeWeights;
}

export interface ResolvedAdaBoostOptions {
  readonly nEstimators: number;
  readonly maxDepth: number;
  readonly minNodeSize: number;
  readonly nCuts: number;
  readonly beta: number;
  readonly algorithm: AdaBoostAlgorithm;
  readonly negativeWeights: NegativeWeights;
}

function bad(estimator: string, option: string, value: unknown, accepted: string): DiscernError {
  const shown = typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value));
  return new DiscernError('INVALID_ARGUMENT', (n) => `${estimator}: ${n.option(option)} is ${shown}; expected ${accepted}`, { estimator, option, value });
}

class Checker {
  constructor(
    readonly estimator: string,
    readonly o: Readonly<Record<string, unknown>>,
    keys: readonly string[],
  ) {
    if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new DiscernError('INVALID_ARGUMENT', `${estimator}: options must be an object, got ${String(o)}`, { estimator });
    for (const key of Object.keys(o))
      if (!keys.includes(key)) throw new DiscernError('INVALID_ARGUMENT', (n) => `${estimator}: unknown option '${key}'; accepted: ${keys.map((k) => n.option(k)).join(', ')}`, { estimator, option: key });
  }

  num(name: string, dflt: number, ok: (v: number) => boolean, accepted: string): number {
    const v = this.o[name];
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) throw bad(this.estimator, name, v, accepted);
    return v;
  }

  int(name: string, dflt: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    return this.num(name, dflt, (v) => Number.isInteger(v) && v >= min && v <= max, max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`);
  }

  intOrNull(name: string, dflt: number | null, min: number): number | null {
    if (this.o[name] === null) return null;
    const v = this.o[name];
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw bad(this.estimator, name, v, `an integer ≥ ${min}, or null (no limit)`);
    return v;
  }

  oneOf<T extends string>(name: string, dflt: T, allowed: readonly T[]): T {
    const v = this.o[name];
    if (v === undefined) return dflt;
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw bad(this.estimator, name, v, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
    return v as T;
  }
}

export const HGB_NAME = 'HistGradientBoostingClassifier';
const HGB_KEYS = [
  'learningRate',
  'maxIter',
  'maxLeafNodes',
  'maxDepth',
  'minSamplesLeaf',
  'minSumHessianInLeaf',
  'l2Regularization',
  'maxBins',
  'subsample',
  'colsampleBytree',
  'earlyStopping',
  'validationFraction',
  'nIterNoChange',
  'tol',
  'negativeWeights',
  'seed',
  'threads',
];

const NEGATIVE: readonly NegativeWeights[] = ['keep', 'ignore', 'pair'];

export function resolveHgbOptions(o: HistGradientBoostingOptions = {}): ResolvedHistGradientBoostingOptions {
  const c = new Checker(HGB_NAME, o as Record<string, unknown>, HGB_KEYS);
  const es = o.earlyStopping ?? 'auto';
  if (es !== 'auto' && es !== true && es !== false) throw bad(HGB_NAME, 'earlyStopping', es, "'auto', true or false");
  const maxLeafNodes = c.intOrNull('maxLeafNodes', 31, 2);
  const maxDepth = c.intOrNull('maxDepth', null, 1);
  return {
    learningRate: c.num('learningRate', 0.1, (v) => v > 0, 'a number > 0'),
    maxIter: c.int('maxIter', 100, 1),
    maxLeafNodes,
    maxDepth,
    minSamplesLeaf: c.int('minSamplesLeaf', 20, 1),
    minSumHessianInLeaf: c.num('minSumHessianInLeaf', 1e-3, (v) => v >= 0, 'a number ≥ 0'),
    l2Regularization: c.num('l2Regularization', 0, (v) => v >= 0, 'a number ≥ 0'),
    maxBins: c.int('maxBins', 255, 2, 255),
    subsample: c.num('subsample', 1, (v) => v > 0 && v <= 1, 'a number in (0, 1]'),
    colsampleBytree: c.num('colsampleBytree', 1, (v) => v > 0 && v <= 1, 'a number in (0, 1]'),
    earlyStopping: es,
    validationFraction: c.num('validationFraction', 0.1, (v) => v > 0 && v < 1, 'a number strictly between 0 and 1'),
    nIterNoChange: c.int('nIterNoChange', 10, 1),
    tol: c.num('tol', 1e-7, (v) => v >= 0, 'a number ≥ 0'),
    negativeWeights: c.oneOf('negativeWeights', 'keep', NEGATIVE),
    seed: c.int('seed', 0, -(2 ** 53 - 1)),
  };
}

export function resolveThreadsOption(estimator: string, o: { threads?: unknown }): number | undefined {
  const t = o.threads;
  if (t === undefined) return undefined;
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 1) throw bad(estimator, 'threads', t, 'an integer ≥ 1');
  return t;
}

export const ADA_NAME = 'AdaBoostClassifier';
const ADA_KEYS = ['nEstimators', 'maxDepth', 'minNodeSize', 'nCuts', 'beta', 'algorithm', 'negativeWeights'];

export function resolveAdaOptions(o: AdaBoostOptions = {}): ResolvedAdaBoostOptions {
  const c = new Checker(ADA_NAME, o as Record<string, unknown>, ADA_KEYS);
  return {
    nEstimators: c.int('nEstimators', 800, 1),
    maxDepth: c.int('maxDepth', 3, 1, 20),
    minNodeSize: c.num('minNodeSize', 0.025, (v) => v > 0 && v < 0.5, 'a fraction of the training weight, in (0, 0.5)'),
    nCuts: c.int('nCuts', 20, 1, 10_000),
    beta: c.num('beta', 0.5, (v) => v > 0, 'a number > 0'),
    algorithm: c.oneOf('algorithm', 'discrete', ['discrete', 'real'] as const),
    negativeWeights: c.oneOf('negativeWeights', 'keep', NEGATIVE),
  };
}
