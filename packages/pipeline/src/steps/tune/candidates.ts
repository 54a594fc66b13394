import { CancelFlag, type CancelSignal, SyncWorkerPool, isDiscernError, sharedCopy } from '@discern/core';
import { type Dataset } from '@discern/data';
import { type FoldFigures, fitFolds, foldFigures } from '../crossvalidate/cv.js';
import { type Folds, foldRows } from '../crossvalidate/folds.js';
import { findModel } from '../fit/models/index.js';
import { configKeyOf } from '../fit/models/spec.js';
import { datasetNaming } from '../naming.js';

/**
 * Scoring the candidates of a search: each candidate's k fold models fitted and applied to their held-out folds
 * (crossvalidate's fitFolds), and each fold's figures written into one shared array — a few numbers per fold, so a
 * search of many candidates on many events holds one candidate's out-of-fold scores per thread at a time. The
 * candidates are dealt to the threads in turn (candidate c to thread c mod T) and each runs whole on one thread,
 * its fits with one thread each: every candidate's numbers are those of its seeds alone, so one thread and eight
 * give the same bits.
 */

/** What a thread is given: the data (in shared memory), the folds and seeds, and its candidates. */
export interface CandidateTask {
  readonly model: string;
  readonly path: string;
  /** Where the event weights come from (weightsSource), for messages. */
  readonly weightsFrom?: string | undefined;
  /** `where`: the config path of each searched key's value in this candidate (`steps[0].tune.grid.max_depth[1]`). */
  readonly candidates: readonly { readonly index: number; readonly options: Record<string, unknown>; readonly where?: Readonly<Record<string, string>> }[];
  readonly data: {
    readonly X: Float64Array;
    readonly rows: number;
    readonly cols: number;
    readonly y: Int32Array;
    readonly weights?: Float64Array;
    readonly lines?: Int32Array;
    readonly rowIndex?: Int32Array;
    readonly classNames: string[];
    readonly featureNames: string[];
    readonly positive?: number;
    readonly label?: string;
    readonly source: string;
  };
  readonly fold: Int32Array;
  readonly k: number;
  readonly seeds: readonly number[];
  /** Signal efficiencies of the background rejection per fold (binary). */
  readonly effs: readonly number[];
  /** candidates × folds × FIGURES(effs) figures of each fold (shared; NaN for an undefined figure). */
  readonly out: Float64Array;
  /** Seconds of fitting per candidate (shared). */
  readonly seconds: Float64Array;
  /** The run's cancellation flag, when it is one in shared memory. */
  readonly signal?: SharedArrayBuffer;
}

/** Numbers per fold in the shared array: AUC, log loss, accuracy, then 1 − εB at each signal efficiency. */
const figureCount = (effs: readonly number[]) => 3 + effs.length;

/** Runs a thread's candidates (on a worker or on the calling thread: the same code). */
export function runCandidates(task: CandidateTask, signal?: CancelSignal): void {
  const d = task.data;
  const ds: Dataset = {
    X: { rows: d.rows, cols: d.cols, data: d.X },
    y: d.y,
    classNames: d.classNames,
    featureNames: d.featureNames,
    source: d.source,
    ...(d.weights ? { weights: d.weights } : {}),
    ...(d.lines ? { lines: d.lines } : {}),
    ...(d.rowIndex ? { rowIndex: d.rowIndex } : {}),
    ...(d.positive !== undefined ? { positive: d.positive } : {}),
    ...(d.label !== undefined ? { label: d.label } : {}),
  };
  const folds: Folds = { fold: task.fold, k: task.k };
  const sig = signal ?? (task.signal ? CancelFlag.from(task.signal) : undefined);
  const rows = foldRows(folds);
  const F = figureCount(task.effs);
  for (const c of task.candidates) {
    let fit: ReturnType<typeof fitFolds>;
    try {
      fit = fitFolds({ execution: { threads: 1, ...(sig ? { signal: sig } : {}) } }, ds, folds, { model: task.model, options: c.options, seeds: task.seeds, path: task.path, weightsFrom: task.weightsFrom, standardize: false });
    } catch (e) {
      throw atSearchedKey(e, ds, task.model, task.path, c.where);
    }
    rows.forEach((r, f) => {
      const x = foldFigures(ds, fit.oof, r, task.effs);
      const at = (c.index * task.k + f) * F;
      task.out[at] = x.auc ?? NaN;
      task.out[at + 1] = x.log_loss;
      task.out[at + 2] = x.accuracy;
      task.effs.forEach((e, j) => (task.out[at + 3 + j] = x.background_rejection?.[String(e)] ?? NaN));
    });
    task.seconds[c.index] = fit.seconds.reduce((a, b) => a + b, 0);
  }
}

/**
 * A candidate's fit error with its searched options named where the search writes their values
 * (`steps[0].tune.grid.validation_fraction[0]`, not `steps[0].tune.validation_fraction`), the others as the step's keys.
 */
export function atSearchedKey(e: unknown, ds: Dataset, model: string, path: string, where: Readonly<Record<string, string>> | undefined): unknown {
  const spec = findModel(model);
  if (!isDiscernError(e) || !e.renamable || !where || !spec) return e;
  return e.renamed(
    {
      ...datasetNaming(ds),
      option: (o) => {
        const key = configKeyOf(spec, o);
        return key === undefined ? o : (where[key] ?? `${path}.${key}`);
      },
    },
    { configPath: path },
  );
}

/** The worker module of the candidates (exported for tests that check it ran). */
export const TUNE_WORKER = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);

export interface ScoredCandidates {
  /** Per candidate, each fold's figures on its held-out rows (background_rejection keyed by String(εS)). */
  readonly folds: FoldFigures[][];
  readonly seconds: number[];
}

/**
 * Fits every candidate's folds on `threads` threads (the calling thread one of them). The worker threads are waited
 * for before the candidates are dealt: a pool hands a task to a worker only once it is up, and one search is one
 * hand-out, so without the wait a fresh pool would leave every candidate to the calling thread.
 */
export async function scoreCandidates(
  ds: Dataset,
  folds: Folds,
  req: { model: string; path: string; weightsFrom?: string | undefined; seeds: readonly number[]; effs: readonly number[]; candidates: CandidateTask['candidates'] },
  threads: number,
  signal: CancelSignal | undefined,
): Promise<ScoredCandidates> {
  const n = ds.X.rows;
  const C = req.candidates.length;
  const F = figureCount(req.effs);
  const T = Math.max(1, Math.min(threads, C));
  const pool = T > 1 ? SyncWorkerPool.shared(TUNE_WORKER, T - 1) : undefined;
  if (pool) await pool.started();
  const share = <A extends Float64Array | Int32Array>(a: A): A => (pool ? sharedCopy(a) : a);
  const size = C * folds.k * F;
  const out = pool ? new Float64Array(new SharedArrayBuffer(size * 8)) : new Float64Array(size);
  const seconds = pool ? new Float64Array(new SharedArrayBuffer(C * 8)) : new Float64Array(C);
  const data: CandidateTask['data'] = {
    X: share(ds.X.data),
    rows: n,
    cols: ds.X.cols,
    y: share(ds.y),
    ...(ds.weights ? { weights: share(ds.weights) } : {}),
    ...(ds.lines ? { lines: share(ds.lines) } : {}),
    ...(ds.rowIndex ? { rowIndex: share(ds.rowIndex) } : {}),
    classNames: ds.classNames,
    featureNames: ds.featureNames,
    ...(ds.positive !== undefined ? { positive: ds.positive } : {}),
    ...(ds.label !== undefined ? { label: ds.label } : {}),
    source: ds.source,
  };
  const flag = signal instanceof CancelFlag ? signal.buffer : undefined;
  const fold = share(folds.fold);
  const tasks: CandidateTask[] = Array.from({ length: T }, (_, t) => ({
    model: req.model,
    path: req.path,
    ...(req.weightsFrom !== undefined ? { weightsFrom: req.weightsFrom } : {}),
    candidates: req.candidates.filter((_, c) => c % T === t),
    data,
    fold,
    k: folds.k,
    seeds: req.seeds,
    effs: req.effs,
    out,
    seconds,
    ...(flag ? { signal: flag } : {}),
  }));
  if (pool) pool.run(tasks, (task) => runCandidates(task, signal));
  else for (const task of tasks) runCandidates(task, signal);
  const sizes = foldRows(folds).map((r) => r.length);
  const value = (v: number) => (Number.isNaN(v) ? null : v);
  const figures = req.candidates.map((_, c) =>
    sizes.map((rows, f): FoldFigures => {
      const at = (c * folds.k + f) * F;
      return {
        rows,
        auc: value(out[at]!),
        log_loss: out[at + 1]!,
        accuracy: out[at + 2]!,
        ...(req.effs.length > 0 ? { background_rejection: Object.fromEntries(req.effs.map((e, j) => [String(e), out[at + 3 + j]!])) } : {}),
      };
    }),
  );
  return { folds: figures, seconds: Array.from(seconds) };
}
