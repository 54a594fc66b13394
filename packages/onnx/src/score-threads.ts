/**
 * Scoring on worker threads: the row groups of Parquet files, byte ranges of whole lines of CSV files that hold no
 * quoted value, and other files whole, are read,
 * run through the model and written out (CSV text, or an encoded Parquet row group) on worker threads, each with its
 * own onnxruntime session (one intra-op thread each), while the calling thread only writes the results in input
 * order. This is how a user with 10⁸–10⁹ events scores them on one machine with every core; the bytes written are
 * those one thread writes (the same batches, the same encoding, joined in order).
 *
 * Memory is bounded per worker: a worker holds one row group (or one batch of a CSV or ROOT file) at a time, and at
 * most `threads` results wait to be written (a worker gets its next task only when the results before it are out).
 *
 * This module is both sides: the calling thread's `scoreInThreads`, and, when loaded as a worker, the loop that
 * serves tasks (at the bottom). In development (TypeScript sources, as tests run them) a worker registers tsx first.
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { type CsvRange, type DataFormat } from '@discern/data';
import { DiscernError, isDiscernError } from '@discern/core';
import type { BatchResult, ScorerSetup } from './score.js';

/** One piece of work: a file, or some of the row groups of a Parquet file. */
export interface ScoreTask {
  readonly file: string;
  readonly format: DataFormat;
  readonly rowGroups?: readonly number[];
  /** A CSV file's share: a byte range of whole lines. */
  readonly range?: CsvRange;
}

interface WorkerInit {
  readonly discernScore: { readonly model: Uint8Array; readonly device: 'cpu' | 'gpu' | 'auto'; readonly setup: ScorerSetup };
}

type ToWorker = { readonly seq: number; readonly task: ScoreTask } | { readonly close: true };
type FromWorker =
  | { readonly seq: number; readonly result: BatchResult }
  | { readonly seq: number; readonly done: true }
  | { readonly seq: number; readonly error: ReturnType<DiscernError['toJSON']> | { readonly message: string; readonly stack?: string } }
  | { readonly ready: true };

/** How to start a worker on this module: itself when built (JavaScript), through tsx's loader when it is TypeScript. */
function bootstrap(): { code: string | URL; eval: boolean } {
  const self = new URL(import.meta.url);
  if (!self.pathname.endsWith('.ts')) return { code: self, eval: false };
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const tsconfig = fileURLToPath(new URL('../../../tsconfig.dev.json', import.meta.url));
  return {
    eval: true,
    code: `import(${JSON.stringify(api)}).then((m) => { m.register({ tsconfig: ${JSON.stringify(tsconfig)} }); return import(${JSON.stringify(self.href)}); });`,
  };
}

function transferables(r: BatchResult): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  if (r.encoded) out.push(r.encoded.bytes.buffer as ArrayBuffer);
  if (r.proba) out.push(r.proba.buffer as ArrayBuffer);
  if (r.labels) out.push(r.labels.codes.buffer as ArrayBuffer, r.labels.lines.buffer as ArrayBuffer);
  return [...new Set(out)];
}

export interface ThreadedScore {
  /**
   * The calling thread scores tasks too, with this function (its own session): `threads` counts it, so `threads: 2`
   * is the calling thread and one worker (one isolate, one session and one row group fewer in memory than two workers).
   */
  readonly local?: (task: ScoreTask) => AsyncIterable<BatchResult>;
  readonly model: Uint8Array;
  readonly device: 'cpu' | 'gpu' | 'auto';
  readonly setup: ScorerSetup;
  readonly tasks: readonly ScoreTask[];
  readonly threads: number;
  /** Called with every batch result, in input order, one at a time (it may write). */
  readonly consume: (r: BatchResult, file: string) => Promise<void>;
}

/**
 * Scores the tasks on min(threads, tasks) workers and hands every batch result to `consume` in input order. The
 * first error (a worker's, or `consume`'s) stops every worker and is thrown.
 */
export async function scoreInThreads(o: ThreadedScore): Promise<void> {
  const n = Math.min(o.threads, o.tasks.length);
  const nWorkers = o.local ? n - 1 : n;
  const boot = bootstrap();
  const workers: Worker[] = [];
  const LOCAL = Symbol('the calling thread');
  type Slot = Worker | typeof LOCAL;
  // results per task, in the order they arrive within a task; a task's results are consumed once all before it are
  const results = new Map<number, BatchResult[]>();
  const finished = new Set<number>();
  let nextTask = 0;
  let writing = 0; // the task whose results are being written
  let failure: unknown;
  let chain: Promise<void> = Promise.resolve();
  const idle: Slot[] = [];

  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const stop = (e?: unknown) => {
      if (settled) return;
      settled = true;
      for (const w of workers) void w.terminate();
      if (e !== undefined) reject(e);
      else resolve();
    };
    const assign = (w: Slot) => {
      // at most `n` tasks from the one being written on: bounded memory
      if (failure !== undefined || settled || nextTask >= o.tasks.length || nextTask - writing >= n) {
        idle.push(w);
        return;
      }
      const seq = nextTask++;
      results.set(seq, []);
      if (w !== LOCAL) {
        w.postMessage({ seq, task: o.tasks[seq]! } satisfies ToWorker);
        return;
      }
      void (async () => {
        try {
          for await (const r of o.local!(o.tasks[seq]!)) {
            results.get(seq)!.push(r);
            drain();
          }
          finished.add(seq);
          drain();
          // the next task after the writes so far have had their turn
          setImmediate(() => assign(LOCAL));
        } catch (e) {
          failure ??= e;
          stop(e);
        }
      })();
    };
    const drain = () => {
      chain = chain.then(async () => {
        while (failure === undefined && writing < o.tasks.length) {
          const list = results.get(writing);
          if (!list) break;
          while (list.length > 0) await o.consume(list.shift()!, o.tasks[writing]!.file);
          if (!finished.has(writing)) break;
          results.delete(writing);
          writing++;
          while (idle.length > 0 && nextTask < o.tasks.length && nextTask - writing < n) assign(idle.pop()!);
        }
        if (writing === o.tasks.length) stop();
      });
      chain.catch((e: unknown) => {
        failure ??= e;
        stop(e);
      });
    };
    if (o.local) assign(LOCAL);
    for (let k = 0; k < nWorkers; k++) {
      const w = new Worker(boot.code, { eval: boot.eval, workerData: { discernScore: { model: o.model, device: o.device, setup: o.setup } } satisfies WorkerInit, stdout: false, stderr: false });
      w.unref();
      workers.push(w);
      w.on('message', (m: FromWorker) => {
        if ('ready' in m) return assign(w);
        if ('error' in m) {
          const err = 'code' in m.error ? DiscernError.fromJSON(m.error) : Object.assign(new Error(m.error.message), { stack: m.error.stack });
          failure ??= err;
          return stop(err);
        }
        if ('done' in m) {
          finished.add(m.seq);
          assign(w);
        } else results.get(m.seq)!.push(m.result);
        drain();
      });
      w.on('error', (e) => {
        failure ??= e;
        stop(e);
      });
      w.on('exit', (code) => {
        if (!settled && code !== 0) stop(new DiscernError('STEP_FAILED', `a scoring worker thread stopped (exit code ${code})`, {}));
      });
    }
  });
}

/** The worker side: opens the model, then scores each task it is given, batch by batch, posting every result. */
async function serve(init: WorkerInit['discernScore']): Promise<void> {
  const [{ createSession }, { BatchScorer }, { fileBatches }] = await Promise.all([import('./session.js'), import('./score.js'), import('./score-batches.js')]);
  // one intra-op thread per session: the workers are the parallelism
  const ms = await createSession(init.model, init.device, { intraOpNumThreads: 1 });
  const scorer = new BatchScorer(ms, init.setup);
  const port = parentPort!;
  port.on('message', (m: ToWorker) => {
    if ('close' in m) {
      port.close();
      return;
    }
    void (async () => {
      try {
        for await (const b of fileBatches(m.task.file, m.task.format, init.setup, m.task.rowGroups, m.task.range)) {
          const result = await scorer.score(b);
          port.postMessage({ seq: m.seq, result } satisfies FromWorker, transferables(result));
        }
        port.postMessage({ seq: m.seq, done: true } satisfies FromWorker);
      } catch (e) {
        const error = isDiscernError(e) ? e.toJSON() : { message: e instanceof Error ? e.message : String(e), ...(e instanceof Error && e.stack ? { stack: e.stack } : {}) };
        port.postMessage({ seq: m.seq, error } satisfies FromWorker);
      }
    })();
  });
  port.postMessage({ ready: true } satisfies FromWorker);
}

if (!isMainThread && (workerData as Partial<WorkerInit> | undefined)?.discernScore) {
  serve((workerData as WorkerInit).discernScore).catch((e: unknown) => {
    const error = isDiscernError(e) ? e.toJSON() : { message: e instanceof Error ? e.message : String(e) };
    parentPort!.postMessage({ seq: -1, error });
  });
}
