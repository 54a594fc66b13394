import { DiscernError, isDiscernError } from '@discern/core';
import { type Dataset, Standardizer, subsetDataset } from '@discern/data';
import { type DenseMatrix, takeColumns } from '@discern/linalg';
import { backgroundAtSignalEfficiency, studentT, summarizeClassification } from '@discern/metrics';
import { type Classifier, type FitOptions, type FoldMember } from '@discern/models';
import { fitEstimator } from '../fit/fitting.js';
import { type Folds } from './folds.js';

/**
 * k-fold cross-validation of one model configuration: the model of fold f fitted (through fitEstimator, as a fit
 * step fits) on every row outside fold f, then applied to fold f's rows — the out-of-fold probabilities of every
 * row. Shared by the crossvalidate step and by tune's candidates (on the calling thread or a worker).
 */
export interface FoldFitRequest {
  /** The family (`model:`) and its options as the config gives them (snake_case). */
  readonly model: string;
  readonly options: Record<string, unknown>;
  /** One seed per fold (the seed of fold f's estimator). */
  readonly seeds: readonly number[];
  /** The config path of the options, for messages (`steps[2].crossvalidate`). */
  readonly path: string;
  /** Standardise each fold's rows by the mean and standard deviation of its own training rows. */
  readonly standardize: boolean;
  /** The columns the fold models read (every column but the fold expression's); undefined: all. */
  readonly columns?: Int32Array | undefined;
  /** Options of each fit (progress; weights come from the dataset). */
  readonly fit?: (fold: number) => Omit<FitOptions, 'weights'> | undefined;
  /** Where the event weights come from (weightsSource), for messages. */
  readonly weightsFrom?: string | undefined;
}

export interface FoldFit {
  readonly members: FoldMember[];
  /** n×K out-of-fold probabilities, row-major, in the dataset's row order. */
  readonly oof: Float64Array;
  readonly nClasses: number;
  /** Seconds each fold's fit took (for reports only: never in metrics.json). */
  readonly seconds: number[];
}

/** The dataset restricted to some of its feature columns (the fold models' inputs). */
function withColumns(ds: Dataset, cols: Int32Array | undefined): Dataset {
  if (!cols) return ds;
  return { ...ds, X: takeColumns(ds.X, cols), featureNames: Array.from(cols, (j) => ds.featureNames[j]!) };
}

export function fitFolds(exec: Parameters<typeof fitEstimator>[0], ds: Dataset, folds: Folds, req: FoldFitRequest): FoldFit {
  const n = ds.X.rows;
  const K = ds.classNames.length;
  const oof = new Float64Array(n * K);
  const members: FoldMember[] = [];
  const seconds: number[] = [];
  const inputs = withColumns(ds, req.columns);
  for (let f = 0; f < folds.k; f++) {
    const train: number[] = [];
    const held: number[] = [];
    for (let i = 0; i < n; i++) (folds.fold[i] === f ? held : train).push(i);
    let trainDs = subsetDataset(inputs, train);
    let heldX: DenseMatrix = subsetDataset(inputs, held).X;
    let standardizer: Standardizer | undefined;
    if (req.standardize) {
      // fitted on the fold's own training rows (as the standardize step, unweighted): the held-out rows play no part
      standardizer = new Standardizer().fit(trainDs.X);
      trainDs = { ...trainDs, X: standardizer.transform(trainDs.X) };
      heldX = standardizer.transform(heldX);
    }
    const fit = req.fit?.(f);
    const t0 = performance.now();
    let estimator;
    try {
      ({ estimator } = fitEstimator(exec, trainDs, { model: req.model, options: req.options, seed: req.seeds[f]!, path: req.path, weightsFrom: req.weightsFrom, ...(fit ? { fit } : {}) }));
    } catch (e) {
      // a fold's fit fails on the fold's training rows, not on the rows the user gave: say how many of them it had
      if (isDiscernError(e) && e.code !== 'INTERRUPTED') throw e.prefixed(`fold ${f} trains on ${train.length} of the ${n} rows: `, { fold: f });
      throw e;
    }
    seconds.push((performance.now() - t0) / 1000);
    const est = estimator as Classifier;
    if (est.nClasses !== K) {
      const missing = ds.classNames.filter((_, c) => !train.some((i) => ds.y[i] === c));
      throw new DiscernError(
        'TOO_FEW_SAMPLES',
        `${req.path}: the training rows of fold ${f} (every fold but fold ${f}) hold no event of class ${missing.map((c) => JSON.stringify(c)).join(', ')}, so its model cannot score that class; use fewer folds${req.columns ? ' or a fold expression that spreads every class' : ''}`,
        { fold: f, classes: missing },
      );
    }
    if (held.length > 0) {
      const P = est.predictProba(heldX).data;
      held.forEach((i, r) => oof.set(P.subarray(r * K, (r + 1) * K), i * K));
    }
    members.push({ estimator: est, ...(standardizer ? { standardizer: { mean: standardizer.mean, scale: standardizer.scale } } : {}) });
  }
  return { members, oof, nClasses: K, seconds };
}

/** The figures of one fold (or of all rows): what crossvalidate reports per fold and tune scores candidates by. */
export interface FoldFigures {
  readonly rows: number;
  readonly auc: number | null;
  readonly log_loss: number;
  readonly accuracy: number;
  /** Binary: 1 − εB at each signal efficiency asked for (keys as String(εS)). */
  readonly background_rejection?: Record<string, number>;
}

/** The figures of the rows `rows` (all rows when undefined) of out-of-fold probabilities. */
export function foldFigures(ds: Pick<Dataset, 'y' | 'weights' | 'classNames' | 'positive'>, P: Float64Array, rows: Int32Array | undefined, signalEfficiency: readonly number[], threshold = 0.5): FoldFigures {
  const K = ds.classNames.length;
  const take = (i: number) => (rows ? rows[i]! : i);
  const n = rows ? rows.length : ds.y.length;
  const y = new Int32Array(n);
  const proba = new Float64Array(n * K);
  const w = ds.weights ? new Float64Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    const r = take(i);
    y[i] = ds.y[r]!;
    proba.set(P.subarray(r * K, (r + 1) * K), i * K);
    if (w) w[i] = ds.weights![r]!;
  }
  const s = summarizeClassification({
    yTrue: y,
    proba: { rows: n, cols: K, data: proba },
    classNames: ds.classNames,
    ...(ds.positive !== undefined ? { positive: ds.positive } : {}),
    ...(w ? { weights: w } : {}),
    threshold,
  });
  const out: { -readonly [k in keyof FoldFigures]: FoldFigures[k] } = { rows: n, auc: s.auc, log_loss: s.log_loss, accuracy: s.accuracy };
  if (K === 2 && signalEfficiency.length > 0) {
    const pos = ds.positive ?? 1;
    const score = new Float64Array(n);
    for (let i = 0; i < n; i++) score[i] = proba[i * 2 + pos]!;
    const rej = backgroundAtSignalEfficiency(y, score, signalEfficiency, { ...(w ? { weights: w } : {}), posLabel: pos });
    out.background_rejection = Object.fromEntries(rej.map((r) => [String(r.effS), r.rejection]));
  }
  return out;
}

/** Mean, standard deviation (n − 1) and Student's t interval of the mean over folds, at confidence `cl`. */
export interface FoldStat {
  readonly mean: number | null;
  readonly sd: number | null;
  readonly interval: [number | null, number | null];
}

/**
 * `bounds`: the range of the figure (a rate lies in [0, 1], a log loss in [0, ∞)): the interval mean ± t·sd/√n is
 * clipped to it — with few folds it can reach past what the figure can be (an AUC interval up to 1.03).
 */
export function foldStat(values: readonly (number | null)[], cl: number, bounds: readonly [number, number] = [-Infinity, Infinity]): FoldStat {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x));
  if (v.length === 0) return { mean: null, sd: null, interval: [null, null] };
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  if (v.length < 2) return { mean, sd: null, interval: [null, null] };
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
  const half = (studentT(cl, v.length - 1) * sd) / Math.sqrt(v.length);
  return { mean, sd, interval: [Math.max(bounds[0], mean - half), Math.min(bounds[1], mean + half)] };
}
