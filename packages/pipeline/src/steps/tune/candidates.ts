import { CancelFlag, type CancelSignal, SyncWorkerPool, sharedCopy } from '@discern/core';
import { type Dataset } from '@discern/data';
import { fitFolds } from '../crossvalidate/cv.js';
import { type Folds } from '../crossvalidate/folds.js';

/**
 * Scoring the candidates of a search: each candidate's k fold models fitted and applied to their held-out folds
 * (crossvalidate's fitFolds), the out-of-fold probabilities written into one shared array. The candidates are dealt
 * to the threads in turn (candidate c to thread c mod T) and each runs whole on one thread, its fits with one thread
 * each: every candidate's numbers are those of its seeds alone, so one thread and eight give the same bits.
 */

/** What a thread is given: the data (in shared memory), the folds and seeds, and its candidates. */
export interface CandidateTask {
  readonly model: string;
  readonly path: string;
  readonly candidates: readonly { readonly index: number; readonly options: Record<string, unknown> }[];
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
  /** candidates × rows × classes out-of-fold probabilities (shared). */
  readonly out: Float64Array;
  /** Seconds of fitting per candidate (shared). */
  readonly seconds: Float64Array;
  /** The run's cancellation flag, when it is one in shared memory. */
  readonly signal?: SharedArrayBuffer;
}

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
  const K = d.classNames.length;
  for (const c of task.candidates) {
    const fit = fitFolds({ execution: { threads: 1, ...(sig ? { signal: sig } : {}) } }, ds, folds, { model: task.model, options: c.options, seeds: task.seeds, path: task.path, standardize: false });
    task.out.set(fit.oof, c.index * d.rows * K);
    task.seconds[c.index] = fit.seconds.reduce((a, b) => a + b, 0);
  }
}

/** The worker module of the candidates (exported for tests that check it ran). */
export const TUNE_WORKER = new URL(import.meta.url.endsWith('.ts') ? './worker.ts' : './worker.js', import.meta.url);

export interface ScoredCandidates {
  /** Per candidate, its n×K out-of-fold probabilities. */
  readonly oof: Float64Array[];
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
  req: { model: string; path: string; seeds: readonly number[]; candidates: readonly { index: number; options: Record<string, unknown> }[] },
  threads: number,
  signal: CancelSignal | undefined,
): Promise<ScoredCandidates> {
  const n = ds.X.rows;
  const K = ds.classNames.length;
  const C = req.candidates.length;
  const T = Math.max(1, Math.min(threads, C));
  const pool = T > 1 ? SyncWorkerPool.shared(TUNE_WORKER, T - 1) : undefined;
  if (pool) await pool.started();
  const share = <A extends Float64Array | Int32Array>(a: A): A => (pool ? sharedCopy(a) : a);
  const out = pool ? new Float64Array(new SharedArrayBuffer(C * n * K * 8)) : new Float64Array(C * n * K);
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
    candidates: req.candidates.filter((_, c) => c % T === t),
    data,
    fold,
    k: folds.k,
    seeds: req.seeds,
    out,
    seconds,
    ...(flag ? { signal: flag } : {}),
  }));
  if (pool) pool.run(tasks, (task) => runCandidates(task, signal));
  else for (const task of tasks) runCandidates(task, signal);
  return { oof: req.candidates.map((_, c) => out.subarray(c * n * K, (c + 1) * n * K)), seconds: Array.from(seconds) };
}
