/**
 * scoreFile: the library core of `discern score`. Feeds a model's float inputs from CSV columns, streams the file in
 * batches (bounded memory: one batch plus the reader's chunk of the file, and, with `label`, n×K probabilities for the
 * metrics), writes one CSV column per output element atomically, and with `label` evaluates the scores.
 *
 * Every option is checked before any work (before the model is run or a byte written): values, the columns they
 * name against the file's header, the output path (not a folder, its folder exists, not the data or the model).
 * Messages name options by their API names through a Naming (`fprs`, `batch`, ...), so that a caller can say them
 * as its user typed them (`--fpr`): see `DiscernError.renamed`.
 *
 * Feature columns of a single 2-D input, first that applies: `inputMap[name]`; the model's metadata `features`
 * (discern writes them); `features`; every numeric column but `label`, in file order. A model with several inputs
 * needs `inputMap` for each. Output columns: `name` for [N] outputs, `name_<class>` for [N,K] outputs when the
 * classes are known (`classes`, or the metadata's), `name_<k>` otherwise; int64 outputs (labels) are written as
 * integers, string outputs as text.
 *
 * Which output the metrics evaluate (the class probabilities): metadata `proba_output`; else an [N,K] output named
 * `probabilities`, `output_probability`, `probability` or `proba`; else an [N] or [N,1] output named `score`,
 * `probability` or `output` (or the only float output) whose values lie in [0,1], read as P(class 1) of two classes.
 *
 * Derived columns and a preselection (`define`, `cut`: a config's data.define and data.cut) are computed on each
 * batch as it is read, before the model sees it: the model's inputs and the label may name a derived column, and only
 * the rows that pass the cut are scored, written and evaluated.
 *
 * Which label value is which class: the model's class names (`classes`, else its metadata `classes`), the value of
 * class k being the k-th name; for a model that names none, `positive` (two classes: that value is class 1, the
 * one other value in the file class 0); else the labels must be class indices 0..K−1.
 *
 * Here: scoreFile, and BatchScorer (one session's batches run, formatted or encoded). The parts live beside it:
 * score-options.ts (the options and their checks), score-inputs.ts (the files' headers, the derived columns, the plan
 * of each input's columns), score-batches.ts (reading a file in batches), score-outputs.ts (output columns, the
 * class-probability output, the label map), score-threads.ts (scoring on worker threads).
 */
import { performance } from 'node:perf_hooks';
import { type DataFormat, type EncodedRowGroup, ParquetStreamWriter, encodeRowGroup, csvRow, formatOf, parquetInfo, planCsvRanges } from '@discern/data';
import { type DenseMatrix } from '@discern/linalg';
import { ioError, isDiscernError, writeFileAtomicAsync } from '@discern/core';
import { type ClassificationSummary, summarizeClassification } from '@discern/metrics';
import { takesMissing } from '@discern/models';
import { type Provider } from './devices.js';
import { META, metaJSON } from './metadata.js';
import { aboutOption } from './output-path.js';
import { type ModelSession, type OutputValue, createSession, describeTensor, runBatch } from './session.js';
import { type ScoreTask, scoreInThreads } from './score-threads.js';
import { type ScoreDefinition, type ScoreOptions, checkOut, checkValues, dataFiles, optionError } from './score-options.js';
import { checkColumns, derivedColumns, headOf, planInputs, runRows, shapeMismatch, withInput } from './score-inputs.js';
import { type OutputColumns, LabelMap, SCORE_ENCODING, outputColumns, parquetColumns, probaOutputOf } from './score-outputs.js';
import { type ScoreBatch, fileBatches } from './score-batches.js';

export interface ScoreTimings {
  /** Milliseconds: opening the model, streaming + running + writing, in all. */
  readonly loadMs: number;
  readonly scoreMs: number;
  /** Of scoreMs, inside onnxruntime's run. */
  readonly runMs: number;
  readonly totalMs: number;
  readonly rowsPerSecond: number;
}

export interface ScoreResult {
  readonly rows: number;
  /** The model's output names, and the CSV columns written for them. */
  readonly outputs: readonly string[];
  readonly columns: readonly string[];
  /** The provider that ran the model, and the fallback notice of device 'auto'. */
  readonly device: Provider;
  readonly notice?: string;
  /** The columns fed to each input. */
  readonly inputs: Readonly<Record<string, readonly string[]>>;
  /** The output the metrics evaluated. */
  readonly probaOutput?: string;
  readonly metrics?: ClassificationSummary;
  readonly timings: ScoreTimings;
}

/** What a BatchScorer needs: the columns fed to each input, how to write, the label column. */
export interface ScorerSetup {
  /** The data columns read, in order; `where` maps each model input to its columns' positions in them. */
  readonly columns: readonly string[];
  readonly where: Readonly<Record<string, readonly number[]>>;
  /** Rows per onnxruntime run (1 for a model fixed at one row). */
  readonly perRun: number;
  readonly headerClasses?: readonly string[];
  readonly label?: string;
  readonly out: 'csv' | 'parquet' | 'none';
  readonly batch: number;
  readonly missing: 'error' | 'keep';
  readonly tree?: string;
  /** Derived columns and the cut, applied to each batch as read (see ScoreOptions); then `read` names the file's columns to read. */
  readonly define?: readonly ScoreDefinition[];
  readonly cut?: string;
  readonly cutMissing?: 'error' | 'drop' | 'keep';
  readonly read?: readonly string[];
}

/** One batch scored: its rows written out (CSV text or a Parquet row group), its probabilities and labels for the metrics. */
export interface BatchResult {
  readonly rows: number;
  readonly runMs: number;
  /** The first batch a scorer scores: the output names and the columns written for them, the class-probability output. */
  readonly outputs?: string[];
  readonly headers?: string[];
  readonly probaName?: string;
  readonly K?: number;
  readonly text?: string;
  readonly encoded?: EncodedRowGroup;
  /** n × K class probabilities (with a label). */
  readonly proba?: Float64Array;
  /** The labels as distinct values and a code per row, with each row's line (or 1-based row) in its file. */
  readonly labels?: { readonly values: (string | null)[]; readonly codes: Int32Array; readonly lines: Int32Array; readonly noun: 'line' | 'row' | 'entry' };
}

/** Scores batches with one onnxruntime session: runs the model, formats or encodes the outputs, keeps what the metrics need. */
export class BatchScorer {
  private layout: OutputColumns[] | undefined;
  private probaOut: { name: string; binary: boolean } | undefined;

  constructor(
    private readonly ms: ModelSession,
    private readonly setup: ScorerSetup,
  ) {}

  private async run(feeds: Record<string, DenseMatrix>, n: number): Promise<Record<string, OutputValue>> {
    const ms = this.ms;
    if (this.setup.perRun >= n) return runBatch(ms, feeds);
    // a model fixed at one row per run: run row by row and stack the outputs
    const parts: Record<string, OutputValue>[] = [];
    for (let i = 0; i < n; i++) {
      const one: Record<string, DenseMatrix> = {};
      for (const [name, X] of Object.entries(feeds)) one[name] = { rows: 1, cols: X.cols, data: X.data.subarray(i * X.cols, (i + 1) * X.cols) };
      parts.push(await runBatch(ms, one));
    }
    const out: Record<string, OutputValue> = {};
    for (const name of Object.keys(parts[0] ?? {})) {
      const first = parts[0]![name]!;
      const w = first.data.length;
      const data = new Float64Array(n * w);
      parts.forEach((p, i) => data.set(p[name]!.data, i * w));
      const text = first.text ? parts.flatMap((p) => p[name]!.text!) : undefined;
      out[name] = { dims: [n, ...first.dims.slice(1)], type: first.type, data, ...(text ? { text } : {}) };
    }
    return out;
  }

  async score(b: ScoreBatch): Promise<BatchResult> {
    const { ms, setup } = this;
    const n = b.X.rows, w = setup.columns.length;
    const feeds: Record<string, DenseMatrix> = {};
    for (const [input, idx] of Object.entries(setup.where)) {
      const p = idx.length;
      if (p === w && idx.every((j, k) => j === k)) {
        feeds[input] = b.X; // the columns read are this input's, in order: no copy
        continue;
      }
      const data = new Float64Array(n * p);
      for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) data[i * p + j] = b.X.data[i * w + idx[j]!]!;
      feeds[input] = { rows: n, cols: p, data };
    }
    const t0 = performance.now();
    const got = await this.run(feeds, n);
    const runMs = performance.now() - t0;
    let first: Pick<BatchResult, 'outputs' | 'headers' | 'probaName' | 'K'> = {};
    if (!this.layout) {
      const layout = ms.outputs.filter((info) => got[info.name]).map((info) => outputColumns(info.name, got[info.name]!, n, setup.headerClasses));
      this.layout = layout;
      first = { outputs: layout.map((l) => l.name), headers: layout.flatMap((l) => l.headers) };
      if (setup.label !== undefined) {
        const probaOut = probaOutputOf(ms, got, n);
        if (!probaOut)
          throw shapeMismatch(`cannot evaluate against '${setup.label}': model ${ms.source} has no class-probability output (outputs: ${ms.outputs.map(describeTensor).join(', ')}); see scoreFile's rules for the output it reads`, {
            outputs: ms.outputs.map((x) => x.name),
          });
        this.probaOut = probaOut;
        first = { ...first, probaName: probaOut.name, K: probaOut.binary ? 2 : got[probaOut.name]!.data.length / n };
      }
    }
    const layout = this.layout;
    let text: string | undefined;
    let encoded: EncodedRowGroup | undefined;
    if (setup.out === 'parquet') encoded = await encodeRowGroup(parquetColumns(layout, got, n), SCORE_ENCODING);
    else if (setup.out === 'csv') {
      // in slices of rows, each one flat string: a batch's rows concatenated one by one into a single string (a rope
      // of 65,536 pieces) let V8's heap grow to ~130 MB over a 2,000,000-row file
      const SLICE = 4096;
      const cells: (string | number)[] = [];
      const slices: string[] = [];
      // numbers only (no text output): each row built by hand as csvRow would write it (a number never needs quotes,
      // −0 keeps its sign), without a cell array and csvRow's checks per cell
      const numeric = layout.every((l) => got[l.name]!.text === undefined);
      for (let start = 0; start < n; start += SLICE) {
        const lines: string[] = [];
        for (let i = start; i < Math.min(n, start + SLICE); i++) {
          if (numeric) {
            let line = '';
            for (let li = 0; li < layout.length; li++) {
              const l = layout[li]!;
              const v = got[l.name]!;
              for (let k = 0; k < l.width; k++) {
                const c = l.cell(v, i * l.width + k);
                const t = typeof c === 'number' ? (c === 0 && 1 / c < 0 ? '-0' : String(c)) : c;
                line = li === 0 && k === 0 ? t : `${line},${t}`;
              }
            }
            lines.push(`${line}\n`);
            continue;
          }
          cells.length = 0;
          for (const l of layout) {
            const v = got[l.name]!;
            for (let k = 0; k < l.width; k++) cells.push(l.cell(v, i * l.width + k));
          }
          lines.push(csvRow(cells));
        }
        slices.push(lines.join(''));
      }
      text = slices.join('');
    }
    let proba: Float64Array | undefined;
    let labels: BatchResult['labels'];
    if (this.probaOut) {
      const d = got[this.probaOut.name]!.data;
      if (this.probaOut.binary) {
        proba = new Float64Array(2 * n);
        for (let i = 0; i < n; i++) {
          proba[2 * i] = 1 - d[i]!;
          proba[2 * i + 1] = d[i]!;
        }
      } else proba = d;
      const values: (string | null)[] = [];
      const index = new Map<string | null, number>();
      const codes = new Int32Array(n);
      const lines = new Int32Array(n);
      const text = b.labels!;
      for (let i = 0; i < n; i++) {
        const v = text[i]!;
        let c = index.get(v);
        if (c === undefined) {
          c = values.length;
          values.push(v);
          index.set(v, c);
        }
        codes[i] = c;
        lines[i] = b.line(i);
      }
      labels = { values, codes, lines, noun: b.noun };
    }
    return { rows: n, runMs, ...first, ...(text !== undefined ? { text } : {}), ...(encoded ? { encoded } : {}), ...(proba ? { proba } : {}), ...(labels ? { labels } : {}) };
  }
}

/** The model file's bytes, for worker threads that open their own sessions. */
async function readModelBytes(path: string): Promise<Uint8Array> {
  const { readFile } = await import('node:fs/promises');
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw aboutOption(ioError(e, path, 'read'), 'model');
  }
}

/**
 * The pieces of work for worker threads, in input order: each row group of a Parquet file; ranges of whole lines of
 * a CSV file that can be cut at any line break (planCsvRanges: about four per thread); each other file whole. (Only a
 * Parquet file's footer is read here; a CSV file is scanned once for its line breaks.)
 */
async function scoreTasks(files: readonly string[], formats: readonly DataFormat[], threads: number, splitBytes: number | undefined, batch: number): Promise<ScoreTask[]> {
  const tasks: ScoreTask[] = [];
  for (let f = 0; f < files.length; f++) {
    if (formats[f] === 'parquet') {
      const info = await parquetInfo(files[f]!);
      for (let g = 0; g < info.rowGroups.length; g++) tasks.push({ file: files[f]!, format: 'parquet', rowGroups: [g] });
    } else if (formats[f] === 'csv') {
      // whole batches per range: the batches (and so the model's runs and the Parquet row groups) are one thread's
      const ranges = planCsvRanges(files[f]!, { parts: 4 * threads, rowMultiple: batch, ...(splitBytes !== undefined ? { minBytes: splitBytes } : {}) });
      if (ranges) for (const range of ranges) tasks.push({ file: files[f]!, format: 'csv', range });
      else tasks.push({ file: files[f]!, format: 'csv' });
    } else tasks.push({ file: files[f]!, format: formats[f]! });
  }
  return tasks;
}

/** Scores a data file (CSV, Parquet, ROOT) with an ONNX model; see the module comment for the rules. */
export async function scoreFile(o: ScoreOptions): Promise<ScoreResult> {
  const t0 = performance.now();
  checkValues(o);
  if (o.out !== undefined) checkOut(o as ScoreOptions & { out: string });
  const batch = o.batch ?? 65536;
  let ms: ModelSession;
  try {
    // threads asked for: onnxruntime keeps to one per thread (README, "Threads": 1 keeps everything on one thread)
    ms = await createSession(o.model, o.device ?? 'cpu', o.threads !== undefined ? { intraOpNumThreads: 1 } : {});
  } catch (e) {
    throw isDiscernError(e) && (e.code === 'FILE_NOT_FOUND' || e.code === 'IO_ERROR') ? aboutOption(e, 'model') : e;
  }
  const tLoad = performance.now();
  try {
    const files = dataFiles(o);
    const formats = files.map((f) => formatOf(f, o.format));
    const csv = files.find((_, i) => formats[i] === 'csv');
    if (o.tree !== undefined && csv !== undefined)
      throw optionError('INVALID_ARGUMENT', 'tree', (n) => `${n.option('tree')} names a ROOT tree, but ${csv} is read as CSV; leave ${n.option('tree')} out for CSV files`, { file: csv });
    // messages name the files as one (`a.parquet, b.parquet`)
    const on: ScoreOptions & { data: string } = { ...o, data: files.join(', ') };
    // the model first, so that a data file without rows is told what the model expects
    const head = await withInput(ms, () => headOf(files[0]!, formats[0]!, o.tree));
    // the derived columns are columns like the file's (numbers), after them
    const derived = derivedColumns(o, head.names);
    const header = [...head.names, ...derived.names];
    checkColumns(on, header);
    const plan = planInputs(ms, header, [...head.numeric, ...derived.names], on);
    const perRun = runRows(ms, batch);
    const columns = [...new Set(Object.values(plan).flat())];
    const where = Object.fromEntries(Object.entries(plan).map(([k, cols]) => [k, cols.map((c) => columns.indexOf(c))]));
    const classesMeta = metaJSON(ms.metadata, META.classes);
    const modelClasses = Array.isArray(classesMeta) && classesMeta.every((c) => typeof c === 'string') ? (classesMeta as string[]) : undefined;
    const headerClasses = o.classes ?? modelClasses;
    // models that marginalise a missing cell (NaN) or route it as trained take it as it is; every other model gets a
    // coded error for it
    const missing = takesMissing(ms.metadata[META.model] ?? '') || ms.metadata[META.missing] === 'keep' ? 'keep' : 'error';

    const toParquet = o.out !== undefined && /\.(parquet|pq)$/i.test(o.out);
    const setup: ScorerSetup = {
      columns,
      where,
      perRun,
      ...(headerClasses ? { headerClasses } : {}),
      ...(o.label !== undefined ? { label: o.label } : {}),
      out: o.out === undefined ? 'none' : toParquet ? 'parquet' : 'csv',
      batch,
      missing,
      ...(o.tree !== undefined ? { tree: o.tree } : {}),
      ...(derived.prepared
        ? {
            ...(o.define ? { define: o.define } : {}),
            ...(o.cut !== undefined ? { cut: o.cut, cutMissing: o.cutMissing ?? 'error' } : {}),
            read: [...new Set([...columns, ...(o.label !== undefined ? [o.label] : []), ...derived.sources].filter((c) => !derived.names.includes(c)))],
          }
        : {}),
    };
    let rows = 0;
    let runMs = 0;
    let outputs: string[] | undefined;
    let headers: string[] | undefined;
    let probaName: string | undefined;
    let labels: LabelMap | undefined;
    // Labels and probabilities of each batch, joined at the end for the metrics (typed: ~8·K + 4 bytes per row).
    const yChunks: Int32Array[] = [];
    const probaChunks: (Float64Array | undefined)[] = [];
    let K = 0;
    let parquet: ParquetStreamWriter | undefined;

    /** Takes one batch's result, in input order: writes its rows, keeps its labels and probabilities. */
    const consume = async (r: BatchResult, file: string, write?: (chunk: string | Uint8Array) => Promise<void>) => {
      runMs += r.runMs;
      if (r.headers && !headers) {
        headers = r.headers;
        outputs = r.outputs!;
        if (write && setup.out === 'csv') await write(csvRow(headers));
        if (r.K !== undefined) {
          K = r.K;
          probaName = r.probaName!;
          labels = new LabelMap(on, K, modelClasses, ms.metadata[META.positive], ms.source, probaName);
        }
      }
      if (write && r.text !== undefined) await write(r.text);
      if (write && r.encoded) {
        parquet ??= await ParquetStreamWriter.open(write, SCORE_ENCODING);
        await parquet.appendEncoded(r.encoded);
      }
      if (r.proba && labels) {
        probaChunks.push(r.proba);
        const { values, codes, lines, noun } = r.labels!;
        const classOf = values.map((): number | undefined => undefined);
        const y = new Int32Array(r.rows);
        for (let i = 0; i < r.rows; i++) {
          const c = codes[i]!;
          let k = classOf[c];
          if (k === undefined) {
            // each distinct label once, at the first row it is on (which an error names)
            const line = lines[i]!;
            k = labels.index(values[c]!, () => (noun === 'line' ? `${file} line ${line}` : noun === 'entry' ? `${file} entry ${line - 1}` : `${file}, row ${line}`), line, file);
            classOf[c] = k;
          }
          y[i] = k;
        }
        yChunks.push(y);
      }
      rows += r.rows;
    };

    const threads = Math.max(1, Math.floor(o.threads ?? 1));
    // a CSV file read through derived columns or a cut is not split into ranges (each task reads whole tables)
    const tasks = threads > 1 ? await scoreTasks(files, formats, threads, derived.prepared ? Number.MAX_SAFE_INTEGER : o.splitBytes, batch) : [];
    const stream = async (write?: (chunk: string | Uint8Array) => Promise<void>) => {
      const scorer = new BatchScorer(ms, setup);
      if (tasks.length > 1) {
        const model = typeof o.model === 'string' ? await readModelBytes(o.model) : o.model;
        // this thread scores tasks too: threads counts it
        const local = (task: ScoreTask) => (async function* () {
          for await (const b of fileBatches(task.file, task.format, setup, task.rowGroups, task.range)) yield await scorer.score(b);
        })();
        await scoreInThreads({ model, device: o.device ?? 'cpu', setup, tasks, threads, local, consume: (r, file) => consume(r, file, write) });
      } else {
        for (let f = 0; f < files.length; f++)
          for await (const b of fileBatches(files[f]!, formats[f]!, setup)) await consume(await scorer.score(b), files[f]!, write);
      }
      if (write && setup.out === 'parquet') {
        parquet ??= await ParquetStreamWriter.open(write, SCORE_ENCODING);
        await parquet.close();
      }
    };
    await withInput(ms, async () => {
      if (o.out) await writeFileAtomicAsync(o.out, (write) => stream(write));
      else await stream();
    });
    const tScore = performance.now();

    let metrics: ClassificationSummary | undefined;
    if (probaName !== undefined && labels) {
      const proba = new Float64Array(rows * K);
      const yTrue = new Int32Array(rows);
      let off = 0;
      for (let k = 0; k < probaChunks.length; k++) {
        const c = probaChunks[k]!;
        proba.set(c, off);
        off += c.length;
        probaChunks[k] = undefined; // joined: let the collector have it
      }
      off = 0;
      for (const c of yChunks) {
        yTrue.set(c, off);
        off += c.length;
      }
      yChunks.length = 0;
      metrics = summarizeClassification({
        yTrue,
        proba: { rows, cols: K, data: proba },
        classNames: labels.classNames(),
        ...(K === 2 ? { positive: labels.positiveIndex } : {}),
        ...(o.fprs ? { fprs: o.fprs.map((s) => s.trim()) } : {}),
      });
    }
    const end = performance.now();
    return {
      rows,
      outputs: outputs ?? ms.outputs.map((x) => x.name),
      columns: headers ?? [],
      device: ms.provider,
      ...(ms.notice ? { notice: ms.notice } : {}),
      inputs: plan,
      ...(probaName !== undefined ? { probaOutput: probaName } : {}),
      ...(metrics ? { metrics } : {}),
      timings: { loadMs: tLoad - t0, scoreMs: tScore - tLoad, runMs, totalMs: end - t0, rowsPerSecond: rows / Math.max(1e-9, (tScore - tLoad) / 1000) },
    };
  } finally {
    await ms.session.release();
  }
}
