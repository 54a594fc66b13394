import { DiscernError } from '@discern/core';
import { ACTIVATIONS, type Activation } from './activations.js';
import { LOSSES, type Loss } from './losses.js';
import { SCHEDULES, type LearningRateSchedule } from './schedules.js';

export type Solver = 'adam' | 'sgd';

/** Explicit starting weights of one layer: W (inputs × outputs, row-major) and b (outputs). */
export interface LayerInit {
  readonly weights: ArrayLike<number>;
  readonly biases: ArrayLike<number>;
}

/** Options of MLPClassifier; defaults follow scikit-learn's MLPClassifier unless noted. */
export interface MLPOptions {
  /** Units of each hidden layer. Default [32]. An empty list gives a (multinomial) logistic regression. */
  readonly hiddenLayers?: readonly number[];
  /** Hidden-layer activation. Default 'relu'. */
  readonly activation?: Activation;
  /** 'log' (cross-entropy, default) or 'mse' (½‖p − t‖² on the output probabilities). */
  readonly loss?: Loss;
  /** Default 'adam'. */
  readonly solver?: Solver;
  /** Default 0.001. */
  readonly learningRateInit?: number;
  /** Default 'constant'. */
  readonly learningRate?: LearningRateSchedule;
  /** Exponent of 'invscaling'. Default 0.5. */
  readonly powerT?: number;
  /** SGD momentum, in [0, 1). Default 0.9. */
  readonly momentum?: number;
  /** SGD with Nesterov's momentum. Default true. */
  readonly nesterov?: boolean;
  /** Adam's decay rates and ε. Defaults 0.9, 0.999, 1e-8. */
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  /** Rows per mini-batch, clipped to the training size; 'auto' (default) is min(200, n) as scikit-learn. */
  readonly batchSize?: number | 'auto';
  /**
   * L2 penalty α (scikit-learn's alpha): each batch minimises (1/m)[Σ w_i ℓ_i + (α/2)Σ‖W‖²] over its m rows,
   * biases unpenalised. Default 1e-4.
   */
  readonly l2?: number;
  /** Maximum number of epochs. Default 200. */
  readonly maxIter?: number;
  /** Alias of maxIter. */
  readonly epochs?: number;
  /** Improvement of the monitored loss that counts. Default 1e-4. */
  readonly tol?: number;
  /** Epochs without improvement tolerated: training stops (or 'plateau' reduces lr) on the next one. Default 10. */
  readonly nIterNoChange?: number;
  /** Hold out a stratified validation set and stop when its loss stalls, keeping the best weights. Default false. */
  readonly earlyStopping?: boolean;
  /** Default 0.1. */
  readonly validationFraction?: number;
  /** Epochs without validation improvement tolerated with earlyStopping (same rule as nIterNoChange). Default nIterNoChange. */
  readonly patience?: number;
  /** Reshuffle the training rows each epoch. Default true. */
  readonly shuffle?: boolean;
  /** Seed of initialisation, shuffling and the validation split. Default 0. */
  readonly seed?: number;
  /** Explicit starting weights, one entry per layer (hidden layers then output); replaces random initialisation. */
  readonly initialLayers?: readonly LayerInit[];
  /**
   * Threads for the mini-batches (default: DISCERN_THREADS, or the cores Node reports): each batch is computed as
   * two fixed halves, the second on a worker thread when threads ≥ 2 and the batch is large enough, so every
   * number of threads gives the same bits. Not part of the model's JSON.
   */
  readonly threads?: number;
}

export interface ResolvedOptions {
  readonly hiddenLayers: readonly number[];
  readonly activation: Activation;
  readonly loss: Loss;
  readonly solver: Solver;
  readonly learningRateInit: number;
  readonly learningRate: LearningRateSchedule;
  readonly powerT: number;
  readonly momentum: number;
  readonly nesterov: boolean;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly batchSize: number | 'auto';
  readonly l2: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly nIterNoChange: number;
  readonly earlyStopping: boolean;
  readonly validationFraction: number;
  readonly patience: number;
  readonly shuffle: boolean;
  readonly seed: number;
}

function bad(name: string, value: unknown, accepted: string): DiscernError {
  return new DiscernError('INVALID_ARGUMENT', (n) => `MLPClassifier: ${n.option(name)} is ${JSON.stringify(value) ?? String(value)}; expected ${accepted}`, {
    estimator: 'MLPClassifier',
    option: name,
    value,
  });
}

function num(o: Readonly<Record<string, unknown>>, name: string, dflt: number, ok: (v: number) => boolean, accepted: string): number {
  const v = o[name];
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !ok(v)) throw bad(name, v, accepted);
  return v;
}

function oneOf<T extends string>(o: Readonly<Record<string, unknown>>, name: string, dflt: T, allowed: readonly T[]): T {
  const v = o[name];
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw bad(name, v, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  return v as T;
}

function bool(o: Readonly<Record<string, unknown>>, name: string, dflt: boolean): boolean {
  const v = o[name];
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw bad(name, v, 'true or false');
  return v;
}

const posInt = (v: number): boolean => Number.isInteger(v) && v >= 1;
const positive = (v: number): boolean => Number.isFinite(v) && v > 0;
const nonNegative = (v: number): boolean => Number.isFinite(v) && v >= 0;
const unit = (v: number): boolean => Number.isFinite(v) && v >= 0 && v < 1;

/** The threads option checked; undefined means defaultThreads(), read when fitting. */
export function resolveThreads(options: MLPOptions): number | undefined {
  const o = options as Readonly<Record<string, unknown>>;
  return o.threads === undefined ? undefined : num(o, 'threads', 1, posInt, 'a positive integer');
}

/** Checks every option (INVALID_ARGUMENT naming the option, the value and what is accepted) and fills defaults. */
export function resolveOptions(options: MLPOptions): ResolvedOptions {
  const o = options as Readonly<Record<string, unknown>>;
  const hidden = o.hiddenLayers ?? [32];
  if (!Array.isArray(hidden) || !hidden.every((h) => typeof h === 'number' && posInt(h)))
    throw bad('hiddenLayers', hidden, 'an array of positive integers, e.g. [32, 16]');
  if (o.maxIter !== undefined && o.epochs !== undefined && o.maxIter !== o.epochs)
    throw bad('epochs', o.epochs, `the same value as maxIter (${String(o.maxIter)}), or only one of the two`);
  const maxIter = o.maxIter !== undefined ? num(o, 'maxIter', 200, posInt, 'a positive integer') : num(o, 'epochs', 200, posInt, 'a positive integer');
  const nIterNoChange = num(o, 'nIterNoChange', 10, posInt, 'a positive integer');
  const seed = num(o, 'seed', 0, (v) => Number.isInteger(v), 'an integer');
  return {
    hiddenLayers: [...(hidden as number[])],
    activation: oneOf(o, 'activation', 'relu', ACTIVATIONS),
    loss: oneOf(o, 'loss', 'log', LOSSES),
    solver: oneOf<Solver>(o, 'solver', 'adam', ['adam', 'sgd']),
    learningRateInit: num(o, 'learningRateInit', 0.001, positive, 'a positive finite number'),
    learningRate: oneOf(o, 'learningRate', 'constant', SCHEDULES),
    powerT: num(o, 'powerT', 0.5, nonNegative, 'a non-negative number'),
    momentum: num(o, 'momentum', 0.9, unit, 'a number in [0, 1)'),
    nesterov: bool(o, 'nesterov', true),
    beta1: num(o, 'beta1', 0.9, unit, 'a number in [0, 1)'),
    beta2: num(o, 'beta2', 0.999, unit, 'a number in [0, 1)'),
    epsilon: num(o, 'epsilon', 1e-8, positive, 'a positive number'),
    batchSize: o.batchSize === undefined || o.batchSize === 'auto' ? 'auto' : num(o, 'batchSize', 0, posInt, "a positive integer or 'auto'"),
    l2: num(o, 'l2', 1e-4, nonNegative, 'a non-negative number'),
    maxIter,
    tol: num(o, 'tol', 1e-4, nonNegative, 'a non-negative number'),
    nIterNoChange,
    earlyStopping: bool(o, 'earlyStopping', false),
    validationFraction: num(o, 'validationFraction', 0.1, (v) => Number.isFinite(v) && v > 0 && v < 1, 'a number strictly between 0 and 1'),
    patience: num(o, 'patience', nIterNoChange, posInt, 'a positive integer'),
    shuffle: bool(o, 'shuffle', true),
    seed,
  };
}

/** Checks explicit starting weights against the layer sizes and copies them into the flat parameter vector. */
export function loadInitialLayers(init: readonly LayerInit[], sizes: readonly number[], wOffsets: readonly number[], params: Float64Array): void {
  const L = sizes.length - 1;
  if (!Array.isArray(init) || init.length !== L)
    throw new DiscernError('INVALID_ARGUMENT', (n) => `MLPClassifier: ${n.option('initialLayers')} has ${Array.isArray(init) ? init.length : 'no'} layers; the network [${sizes.join(', ')}] has ${L} (hidden layers, then the output layer)`, {
      estimator: 'MLPClassifier',
      option: 'initialLayers',
    });
  for (let l = 0; l < L; l++) {
    const p = sizes[l]!;
    const q = sizes[l + 1]!;
    const layer = init[l]!;
    const W = layer?.weights;
    const b = layer?.biases;
    if (!W || !b || W.length !== p * q || b.length !== q)
      throw new DiscernError(
        'INVALID_ARGUMENT',
        (n) =>
          `MLPClassifier: ${n.option('initialLayers')}[${l}] must have weights of length ${p}×${q} = ${p * q} (row-major, inputs × outputs) and biases of length ${q}; got ${W?.length ?? 'none'} and ${b?.length ?? 'none'}`,
        { estimator: 'MLPClassifier', option: 'initialLayers', layer: l },
      );
    const off = wOffsets[l]!;
    for (let t = 0; t < p * q; t++) params[off + t] = W[t]!;
    for (let j = 0; j < q; j++) params[off + p * q + j] = b[j]!;
  }
  for (let t = 0; t < params.length; t++)
    if (!Number.isFinite(params[t]!))
      throw new DiscernError('INVALID_ARGUMENT', (n) => `MLPClassifier: ${n.option('initialLayers')} contains a non-finite value (${params[t]}); starting weights must be finite`, {
        estimator: 'MLPClassifier',
        option: 'initialLayers',
      });
}
