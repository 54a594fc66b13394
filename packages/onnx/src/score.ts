/**
 * scoreFile: the library core of `discern score`. Feeds a model's float inputs from CSV columns, streams the file in
 * batches (bounded memory: one batch plus csv-parse's buffers, and, with `label`, n×K probabilities for the
 * metrics), writes one CSV column per output element atomically, and with `label` evaluates the scores.
 *
 * Feature columns of a single 2-D input, first that applies: `inputMap[name]`; the model's metadata `features`
 * (discern writes them); `features`; every numeric column but `label`, in file order. A model with several inputs
 * needs `inputMap` for each. Output columns: `name` for [N] outputs, `name_<class>` for [N,K] outputs when the
 * metadata names K classes, `name_<k>` otherwise; int64 outputs (labels) are written as integers.
 *
 * Which output the metrics evaluate (the class probabilities): metadata `proba_output`; else an [N,K] output named
 * `probabilities`, `output_probability`, `probability` or `proba`; else an [N] or [N,1] output named `score`,
 * `probability` or `output` (or the only float output) whose values lie in [0,1], read as P(class 1) of two classes.
 */
import { open } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { parseCsv, readCsvBatches } from '@discern/data';
import { type DenseMatrix } from '@discern/linalg';
import { DiscernError, isDiscernError } from '@discern/core';
import { type ClassificationSummary, summarizeClassification } from '@discern/metrics';
import { writeAtomic } from './atomic.js';
import { type Device, type Provider } from './devices.js';
import { META, metaJSON } from './metadata.js';
import { type ModelSession, type OutputValue, type TensorInfo, createSession, describeTensor, runBatch } from './session.js';

export interface ScoreOptions {
  /** The ONNX model: a path, or bytes. */
  readonly model: string | Uint8Array;
  /** The CSV file to score (header row required). */
  readonly data: string;
  readonly features?: readonly string[];
  /** A column of true classes: enables the metrics. */
  readonly label?: string;
  /** Where to write the scores (CSV); nothing is written without it. */
  readonly out?: string;
  readonly device?: Device;
  /** Rows per batch (default 65 536). */
  readonly batch?: number;
  /** Columns per model input, for models with several inputs (or to override a single input's columns). */
  readonly inputMap?: Readonly<Record<string, readonly string[]>>;
  /** FPRs at which the metrics report the TPR, as strings (e.g. ['0.01', '0.1']). */
  readonly fprs?: readonly string[];
}

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

const HEAD_BYTES = 1 << 20;

/** The header and first rows of the CSV (up to 1 MiB, whole lines) as a Table, for names and column kinds. */
async function readHead(path: string): Promise<ReturnType<typeof parseCsv>> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') throw new DiscernError('FILE_NOT_FOUND', `data file not found: ${path}`, { file: path }, { cause: e });
    throw new DiscernError('IO_ERROR', `cannot read ${path}: ${(e as Error).message}`, { file: path }, { cause: e });
  }
  let text: string;
  let full: boolean;
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    text = buf.subarray(0, bytesRead).toString('utf8');
    full = bytesRead === HEAD_BYTES;
  } finally {
    await fh.close();
  }
  if (full) {
    // the head ends mid-file: keep whole lines only (the stream reads the rest)
    const cut = text.lastIndexOf('\n');
    if (cut > 0) text = text.slice(0, cut + 1);
  }
  return parseCsv(text, { source: path });
}

function list(names: readonly string[]): string {
  return names.length <= 12 ? names.join(', ') : `${names.slice(0, 12).join(', ')}, … (${names.length} in all)`;
}

function expectedInput(ms: ModelSession, info: TensorInfo, features: readonly string[] | undefined): string {
  return `model ${ms.source} expects input ${describeTensor(info)}${features ? ` with features ${list(features)}` : ''}`;
}

function shapeMismatch(message: string, context: Record<string, unknown>): DiscernError {
  return new DiscernError('ONNX_SHAPE_MISMATCH', message, context);
}

/** Decides the columns of every input; checks names against the header and counts against the input shapes. */
function planInputs(ms: ModelSession, header: readonly string[], numeric: readonly string[], o: ScoreOptions): Record<string, string[]> {
  const metaFeatures = metaJSON(ms.metadata, META.features);
  const modelFeatures = Array.isArray(metaFeatures) && metaFeatures.every((f) => typeof f === 'string') ? (metaFeatures as string[]) : undefined;
  if (ms.inputs.length !== 1 && !o.inputMap)
    throw shapeMismatch(`model ${ms.source} has ${ms.inputs.length} inputs (${ms.inputs.map(describeTensor).join('; ')}); map each to data columns by name (--input name=col1,col2,…)`, {
      inputs: ms.inputs.map((i) => i.name),
    });
  const plan: Record<string, string[]> = {};
  for (const info of ms.inputs) {
    if (info.type !== 'float32' && info.type !== 'float64')
      throw shapeMismatch(`${expectedInput(ms, info, undefined)}: discern feeds float32 or float64 matrices from CSV columns, not ${info.type}`, { input: info.name, type: info.type });
    if (info.shape.length !== 2) throw shapeMismatch(`${expectedInput(ms, info, undefined)}: discern feeds 2-D inputs [rows, features], this one has rank ${info.shape.length}`, { input: info.name });
    let cols: readonly string[];
    let from: string;
    const mapped = o.inputMap?.[info.name];
    if (mapped) {
      cols = mapped;
      from = 'the input map';
    } else if (ms.inputs.length > 1) {
      throw shapeMismatch(`no columns given for input ${describeTensor(info)}; the input map names ${list(Object.keys(o.inputMap ?? {}))}, the model's inputs are ${ms.inputs.map((i) => i.name).join(', ')}`, { input: info.name });
    } else if (modelFeatures) {
      if (o.features && (o.features.length !== modelFeatures.length || o.features.some((f, j) => f !== modelFeatures[j])))
        throw shapeMismatch(`${expectedInput(ms, info, modelFeatures)} (from its metadata), but the features given are ${list(o.features)}`, { expected: modelFeatures, offered: o.features });
      cols = modelFeatures;
      from = "the model's metadata";
    } else if (o.features) {
      cols = o.features;
      from = 'the features given';
    } else {
      cols = numeric.filter((c) => c !== o.label);
      from = `the numeric columns of ${o.data}${o.label ? ` except '${o.label}'` : ''}`;
    }
    const missing = cols.filter((c) => !header.includes(c));
    if (missing.length > 0)
      throw shapeMismatch(`${expectedInput(ms, info, cols)} (from ${from}), but ${o.data} has no column${missing.length > 1 ? 's' : ''} ${list(missing)}; its columns are ${list(header)}`, {
        input: info.name,
        expected: cols,
        missing,
        offered: header,
      });
    const width = info.shape[1];
    if (typeof width === 'number' && width >= 0 && width !== cols.length)
      throw shapeMismatch(`${expectedInput(ms, info, modelFeatures)}: ${width} features per row, but ${from} give${from.startsWith('the') ? '' : 's'} ${cols.length} columns (${list(cols)})`, {
        input: info.name,
        expected: width,
        offered: cols.length,
        columns: cols,
      });
    plan[info.name] = [...cols];
  }
  return plan;
}

/** Shortest decimal that reads back as the same float32 (9 significant digits always suffice). */
function formatFloat32(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  for (let p = 6; p < 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(Number(v.toPrecision(9)));
}

function csvCell(name: string): string {
  return /[",\n\r]/.test(name) ? `"${name.replace(/"/g, '""')}"` : name;
}

interface OutputColumns {
  readonly name: string;
  readonly width: number;
  readonly headers: string[];
  readonly format: (v: number) => string;
}

function outputColumns(name: string, v: OutputValue, rows: number, classes: readonly string[] | undefined): OutputColumns {
  const width = rows > 0 ? v.data.length / rows : v.dims.slice(1).reduce((a, d) => a * d, 1);
  if (!Number.isInteger(width) || v.dims[0] !== rows)
    throw shapeMismatch(`output '${name}' has dims [${v.dims.join(', ')}] for a batch of ${rows} rows; discern writes outputs with one leading row dimension`, { output: name, dims: v.dims });
  const suffix = (k: number) => (classes && classes.length === width ? classes[k]! : String(k));
  const headers = v.dims.length === 1 || (width === 1 && v.dims.length === 2) ? [name] : Array.from({ length: width }, (_, k) => `${name}_${suffix(k)}`);
  const format = v.type === 'float32' ? formatFloat32 : v.type === 'float64' ? (x: number) => String(x) : (x: number) => String(Math.round(x));
  return { name, width, headers, format };
}

const PROBA_NAMES = ['probabilities', 'output_probability', 'probability', 'proba'];
const SCORE_NAMES = ['score', 'probability', 'output', 'scores'];

/** The output the metrics read, and how: [N,K] posteriors, or an [N]/[N,1] P(class 1). See the module comment. */
function probaOutputOf(ms: ModelSession, got: Record<string, OutputValue>, rows: number): { name: string; binary: boolean } | undefined {
  const declared = ms.metadata[META.probaOutput];
  if (declared && got[declared]) return { name: declared, binary: got[declared].data.length === rows };
  for (const n of PROBA_NAMES) if (got[n] && got[n].data.length >= 2 * rows && got[n].type.startsWith('float')) return { name: n, binary: false };
  const floats = Object.keys(got).filter((n) => got[n]!.type.startsWith('float') && got[n]!.data.length === rows);
  const cand = SCORE_NAMES.find((n) => floats.includes(n)) ?? (floats.length === 1 ? floats[0] : undefined);
  if (cand && got[cand]!.data.every((v) => v >= 0 && v <= 1)) return { name: cand, binary: true };
  return undefined;
}

function classIndex(text: string | null, classes: readonly string[] | undefined, K: number, line: number, o: ScoreOptions): number {
  if (text !== null && classes) {
    const k = classes.indexOf(text);
    if (k >= 0) return k;
  }
  const v = text === null ? NaN : Number(text);
  if (Number.isInteger(v) && v >= 0 && v < K) return v;
  throw new DiscernError(
    'DATA_INVALID',
    `${o.data} line ${line}, column '${o.label}': label ${JSON.stringify(text)} is not ${classes ? `one of the model's classes ${list(classes)} (or an index 0..${K - 1})` : `a class index 0..${K - 1}`}`,
    { file: o.data, line, column: o.label, value: text },
  );
}

/** Adds the model's expected input to a DATA_INVALID from the CSV reader (empty file, non-numeric cell...). */
async function withInput<T>(ms: ModelSession, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (isDiscernError(e) && e.code === 'DATA_INVALID') {
      const want = ms.inputs.map((i) => describeTensor(i)).join(', ');
      throw new DiscernError('DATA_INVALID', `${e.message} (model ${ms.source} expects input ${want})`, { ...e.context, inputs: ms.inputs.map((i) => i.name) }, { cause: e });
    }
    throw e;
  }
}

/** Scores a CSV file with an ONNX model; see the module comment for the rules. */
export async function scoreFile(o: ScoreOptions): Promise<ScoreResult> {
  const t0 = performance.now();
  const batch = o.batch ?? 65536;
  if (!Number.isInteger(batch) || batch < 1) throw new DiscernError('INVALID_ARGUMENT', `batch must be a positive integer, got ${batch}`, { batch });
  const ms = await createSession(o.model, o.device ?? 'cpu');
  const tLoad = performance.now();
  try {
    const head = await withInput(ms, () => readHead(o.data));
    const header = head.columns.map((c) => c.name);
    if (o.label !== undefined && !header.includes(o.label))
      throw new DiscernError('DATA_INVALID', `${o.data} has no label column '${o.label}'; its columns are ${list(header)}`, { file: o.data, column: o.label, available: header });
    const plan = planInputs(ms, header, head.columns.filter((c) => c.kind === 'numeric').map((c) => c.name), o);
    const columns = [...new Set(Object.values(plan).flat())];
    const where = Object.fromEntries(Object.entries(plan).map(([k, cols]) => [k, cols.map((c) => columns.indexOf(c))]));
    const classesMeta = metaJSON(ms.metadata, META.classes);
    const classes = Array.isArray(classesMeta) && classesMeta.every((c) => typeof c === 'string') ? (classesMeta as string[]) : undefined;

    let rows = 0;
    let runMs = 0;
    let layout: OutputColumns[] | undefined;
    let probaOut: { name: string; binary: boolean } | undefined;
    // Labels and probabilities of each batch, joined at the end for the metrics (typed: ~8·K + 4 bytes per row).
    const yChunks: Int32Array[] = [];
    const probaChunks: (Float64Array | undefined)[] = [];
    let K = 0;

    const stream = async (write?: (chunk: string) => Promise<void>) => {
      for await (const b of readCsvBatches(o.data, { columns, batchSize: batch, ...(o.label !== undefined ? { extra: [o.label] } : {}) })) {
        const n = b.X.rows, w = columns.length;
        const feeds: Record<string, DenseMatrix> = {};
        for (const [input, idx] of Object.entries(where)) {
          const p = idx.length;
          const data = new Float64Array(n * p);
          for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) data[i * p + j] = b.X.data[i * w + idx[j]!]!;
          feeds[input] = { rows: n, cols: p, data };
        }
        const tr = performance.now();
        const got = await runBatch(ms, feeds);
        runMs += performance.now() - tr;
        if (!layout) {
          layout = ms.outputs.filter((info) => got[info.name]).map((info) => outputColumns(info.name, got[info.name]!, n, classes));
          if (write) await write(layout.flatMap((l) => l.headers).map(csvCell).join(',') + '\n');
          if (o.label !== undefined) {
            probaOut = probaOutputOf(ms, got, n);
            if (!probaOut)
              throw shapeMismatch(`cannot evaluate against '${o.label}': model ${ms.source} has no class-probability output (outputs: ${ms.outputs.map(describeTensor).join(', ')}); see scoreFile's rules for the output it reads`, {
                outputs: ms.outputs.map((x) => x.name),
              });
            K = probaOut.binary ? 2 : got[probaOut.name]!.data.length / n;
          }
        }
        if (write) {
          const parts: string[] = [];
          for (let i = 0; i < n; i++) {
            const cells: string[] = [];
            for (const l of layout) {
              const d = got[l.name]!.data;
              for (let k = 0; k < l.width; k++) cells.push(l.format(d[i * l.width + k]!));
            }
            parts.push(cells.join(','));
          }
          await write(parts.join('\n') + '\n');
        }
        if (probaOut) {
          const d = got[probaOut.name]!.data;
          if (probaOut.binary) {
            const pair = new Float64Array(2 * n);
            for (let i = 0; i < n; i++) {
              pair[2 * i] = 1 - d[i]!;
              pair[2 * i + 1] = d[i]!;
            }
            probaChunks.push(pair);
          } else probaChunks.push(d);
          const text = b.extra![o.label!]!;
          const y = new Int32Array(n);
          for (let i = 0; i < n; i++) y[i] = classIndex(text[i]!, classes, K, b.lines[i]!, o);
          yChunks.push(y);
        }
        rows += n;
      }
    };
    await withInput(ms, () => (o.out ? writeAtomic(o.out, (write) => stream(write)) : stream()));
    const tScore = performance.now();

    let metrics: ClassificationSummary | undefined;
    if (probaOut) {
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
      const posName = ms.metadata[META.positive];
      const positive = posName !== undefined && classes ? Math.max(0, classes.indexOf(posName)) : 1;
      metrics = summarizeClassification({
        yTrue,
        proba: { rows, cols: K, data: proba },
        classNames: classes && classes.length === K ? classes : Array.from({ length: K }, (_, k) => String(k)),
        ...(K === 2 ? { positive } : {}),
        ...(o.fprs ? { fprs: o.fprs } : {}),
      });
    }
    const end = performance.now();
    return {
      rows,
      outputs: layout ? layout.map((l) => l.name) : ms.outputs.map((x) => x.name),
      columns: layout ? layout.flatMap((l) => l.headers) : [],
      device: ms.provider,
      ...(ms.notice ? { notice: ms.notice } : {}),
      inputs: plan,
      ...(probaOut ? { probaOutput: probaOut.name } : {}),
      ...(metrics ? { metrics } : {}),
      timings: { loadMs: tLoad - t0, scoreMs: tScore - tLoad, runMs, totalMs: end - t0, rowsPerSecond: rows / Math.max(1e-9, (tScore - tLoad) / 1000) },
    };
  } finally {
    await ms.session.release();
  }
}
