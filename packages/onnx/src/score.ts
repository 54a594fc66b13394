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
 */
import { performance } from 'node:perf_hooks';
import {
  type CsvRange,
  type DataFormat,
  type EncodedRowGroup,
  type ParquetColumnValues,
  ParquetStreamWriter,
  encodeRowGroup,
  type Table,
  applyDefines,
  columnsByName,
  csvRow,
  cutRows,
  formatOf,
  locate,
  parquetInfo,
  parseCsv,
  parseExpression,
  planCsvRanges,
  readCsvBatches,
  readTableBatches,
  readTextHead,
  rootTreeInfo,
  strictNumber,
  subsetTable,
} from '@discern/data';
import { type DenseMatrix } from '@discern/linalg';
import { DiscernError, type ErrorContext, type MessageTemplate, ioError, isDiscernError, quote, writeFileAtomicAsync } from '@discern/core';
import { type ClassificationSummary, summarizeClassification } from '@discern/metrics';
import { takesMissing } from '@discern/models';
import { type Device, type Provider } from './devices.js';
import { META, metaJSON } from './metadata.js';
import { formatFloat32Cached } from './float32-text.js';
import { aboutOption, checkOutputPath } from './output-path.js';
import { type ModelSession, type OutputValue, type TensorInfo, createSession, describeTensor, runBatch } from './session.js';
import { type ScoreTask, scoreInThreads } from './score-threads.js';

export interface ScoreOptions {
  /** The ONNX model: a path, or bytes. */
  readonly model: string | Uint8Array;
  /**
   * The file to score — CSV (gzip-compressed too; header row required), Parquet or a ROOT tree — or several with the
   * same columns, scored one after another into one output.
   */
  readonly data: string | readonly string[];
  /** The format of the data files when their extension says nothing (csv, parquet, root). */
  readonly format?: DataFormat;
  /** ROOT: the tree (default: the only tree of the file). */
  readonly tree?: string;
  readonly features?: readonly string[];
  /** A column of true classes: enables the metrics. */
  readonly label?: string;
  /**
   * Two classes: the label value (as written in `data`) of the signal class, the model's class 1 — for a model that
   * names no classes (one from another tool); with class names, which of them the binary metrics take as positive.
   */
  readonly positive?: string;
  /** The label values of the model's classes in the order of its outputs' columns (for a model that names none). */
  readonly classes?: readonly string[];
  /** Where to write the scores: Parquet when it ends in .parquet or .pq, else CSV; nothing is written without it. */
  readonly out?: string;
  readonly device?: Device;
  /** Rows per batch (default 65 536). */
  readonly batch?: number;
  /** Columns per model input, for models with several inputs (or to override a single input's columns). */
  readonly inputMap?: Readonly<Record<string, readonly string[]>>;
  /** FPRs at which the metrics report the TPR, as strings (e.g. ['0.01', '0.1']); each in (0, 1); needs `label`. */
  readonly fprs?: readonly string[];
  /**
   * Worker threads (default 1): with more, the row groups of Parquet files (and whole files, when several are given)
   * are read, scored and written out on worker threads, each with its own onnxruntime session, and joined in input
   * order — the same bytes as one thread writes.
   */
  readonly threads?: number;
  /** With threads: the least bytes of a CSV file read by one thread (default 4 MiB; smaller only to test the split). */
  readonly splitBytes?: number;
  /**
   * Derived columns, computed in order on every batch from the file's columns and the ones before (a config's
   * data.define, in the same expression language): the model's inputs and the label may name them.
   */
  readonly define?: readonly ScoreDefinition[];
  /** A preselection (a config's data.cut): only the rows where it holds are scored, written and evaluated. */
  readonly cut?: string;
  /** A row whose cut reads a missing value: an error (default), dropped, or kept. */
  readonly cutMissing?: 'error' | 'drop' | 'keep';
}

/** A derived column: its name, its expression, and how messages name it (default `define NAME`). */
export interface ScoreDefinition {
  readonly name: string;
  readonly expression: string;
  readonly what?: string;
}

/** The option names messages use (n.option(name)), for a caller that renames them. */
export const SCORE_OPTION_NAMES = ['model', 'data', 'format', 'tree', 'features', 'label', 'positive', 'classes', 'out', 'device', 'batch', 'inputMap', 'fprs', 'define', 'cut', 'cutMissing'] as const;
export type ScoreOptionName = (typeof SCORE_OPTION_NAMES)[number];

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

/** An error about option `option`, its message written against a Naming (the caller may rename the option). */
function optionError(code: DiscernError['code'], option: ScoreOptionName, message: MessageTemplate, context: ErrorContext = {}): DiscernError {
  return new DiscernError(code, message, { option, ...context });
}

function list(names: readonly string[]): string {
  return names.length <= 12 ? names.join(', ') : `${names.slice(0, 12).join(', ')}, … (${names.length} in all)`;
}

/** The values of the options alone, before anything is opened. */
function checkValues(o: ScoreOptions): void {
  const bad = (option: ScoreOptionName, message: MessageTemplate, context: ErrorContext = {}) => optionError('INVALID_ARGUMENT', option, message, context);
  if (!(o.model instanceof Uint8Array) && !(typeof o.model === 'string' && o.model !== '')) throw bad('model', (n) => `${n.option('model')} must be an ONNX file path or its bytes`);
  const files = typeof o.data === 'string' ? [o.data] : o.data;
  if (!Array.isArray(files) || files.length === 0 || files.some((f) => typeof f !== 'string' || f === ''))
    throw bad('data', (n) => `${n.option('data')} must be a data file path (CSV, Parquet or ROOT), or a list of them`);
  if (o.out !== undefined && (typeof o.out !== 'string' || o.out === '')) throw bad('out', (n) => `${n.option('out')} must be a file path`);
  const device = o.device ?? 'cpu';
  if (device !== 'cpu' && device !== 'gpu' && device !== 'auto')
    throw bad('device', (n) => `${n.option('device')} must be cpu, gpu or auto, got ${quote(String(device))}`, { value: device });
  const batch = o.batch ?? 65536;
  if (!(Number.isInteger(batch) && batch >= 1 && batch <= 2 ** 31 - 1))
    throw bad('batch', (n) => `${n.option('batch')} must be a positive integer (rows per batch), got ${String(batch)}`, { value: batch });
  const names = (option: 'features' | 'classes', v: readonly string[] | undefined, least: number) => {
    if (v === undefined) return;
    if (!Array.isArray(v) || v.length < least || v.some((c) => typeof c !== 'string' || c === ''))
      throw bad(option, (n) => `${n.option(option)} must be ${least > 1 ? `at least ${least}` : 'one or more'} non-empty names, got ${quote(JSON.stringify(v))}`, { value: v });
    const seen = new Set<string>();
    for (const c of v) {
      if (seen.has(c)) throw bad(option, (n) => `${n.option(option)} names ${quote(c)} twice`, { value: c });
      seen.add(c);
    }
  };
  names('features', o.features, 1);
  names('classes', o.classes, 2);
  if (o.label !== undefined && (typeof o.label !== 'string' || o.label === '')) throw bad('label', (n) => `${n.option('label')} must be a column name`);
  if (o.positive !== undefined) {
    if (typeof o.positive !== 'string' || o.positive === '') throw bad('positive', (n) => `${n.option('positive')} must be a label value`);
    if (o.label === undefined) throw bad('positive', (n) => `${n.option('positive')} names the signal among the true classes, which come from ${n.option('label')}: give ${n.option('label')} too`);
    if (o.classes && !o.classes.includes(o.positive))
      throw bad('positive', (n) => `${n.option('positive')} ${quote(o.positive!)} is not one of ${n.option('classes')} (${list(o.classes!)})`, { value: o.positive });
  }
  if (o.inputMap !== undefined) {
    if (typeof o.inputMap !== 'object' || o.inputMap === null) throw bad('inputMap', (n) => `${n.option('inputMap')} must map input names to column lists`);
    for (const [input, cols] of Object.entries(o.inputMap))
      if (!Array.isArray(cols) || cols.length === 0 || cols.some((c) => typeof c !== 'string' || c === ''))
        throw bad('inputMap', (n) => `${n.option('inputMap')} gives input ${quote(input)} ${quote(JSON.stringify(cols))}; expected one or more column names`, { input });
  }
  if (o.fprs !== undefined) {
    if (!Array.isArray(o.fprs)) throw bad('fprs', (n) => `${n.option('fprs')} must be a list of rates`);
    o.fprs.forEach((s, i) => {
      const v = typeof s === 'string' ? strictNumber(s.trim()) : NaN;
      if (!(v > 0 && v < 1))
        throw bad('fprs', (n) => `${n.option('fprs')}${o.fprs!.length > 1 ? ` (value ${i + 1})` : ''} is ${quote(String(s))}; expected a false-positive rate strictly between 0 and 1, such as 0.01`, { index: i, value: s });
    });
    if (o.fprs.length > 0 && o.label === undefined) throw bad('fprs', (n) => `${n.option('fprs')} asks for the TPR at given FPRs, which needs the true classes: give ${n.option('label')} too`);
  }
}

/** The output path, before any work: see checkOutputPath; the data and the model are the inputs it must not be. */
function checkOut(o: ScoreOptions & { out: string }): void {
  if (/\.gz$/i.test(o.out))
    throw optionError('INVALID_ARGUMENT', 'out', (n) => `${n.option('out')} ${o.out} ends in .gz, but scores are written as plain CSV, or as Parquet (compressed): name it .csv, or .parquet for a compressed file`, { file: o.out });
  const inputs = [...dataFiles(o).map((path) => ({ path, what: '--data' })), ...(typeof o.model === 'string' ? [{ path: o.model, what: '--model' }] : [])];
  checkOutputPath(o.out, { what: '--out', option: 'out', inputs });
}

const HEAD_BYTES = 1 << 20;

/** The data files, as a list. */
function dataFiles(o: Pick<ScoreOptions, 'data'>): string[] {
  return typeof o.data === 'string' ? [o.data] : [...o.data];
}

/** The column names of a data file and which are numeric (CSV: from its first MiB; Parquet: its schema; ROOT: its branches). */
async function headOf(path: string, format: DataFormat, tree: string | undefined): Promise<{ names: string[]; numeric: string[] }> {
  if (format === 'parquet') {
    try {
      const info = await parquetInfo(path);
      return { names: info.columns.map((c) => c.name), numeric: info.columns.filter((c) => c.numeric).map((c) => c.name) };
    } catch (e) {
      throw isDiscernError(e) && (e.code === 'FILE_NOT_FOUND' || e.code === 'IO_ERROR') ? aboutOption(e, 'data') : e;
    }
  }
  if (format === 'root') {
    try {
      const info = await rootTreeInfo(path, tree);
      return { names: info.branches.map((b) => b.name), numeric: info.branches.filter((b) => b.kind === 'numeric').map((b) => b.name) };
    } catch (e) {
      throw isDiscernError(e) && (e.code === 'FILE_NOT_FOUND' || e.code === 'IO_ERROR') ? aboutOption(e, 'data') : e;
    }
  }
  const head = await readHead(path);
  return { names: head.columns.map((c) => c.name), numeric: head.columns.filter((c) => c.kind === 'numeric').map((c) => c.name) };
}

/** The header and first rows of the CSV (up to 1 MiB, whole lines) as a Table, for names and column kinds. */
async function readHead(path: string): Promise<ReturnType<typeof parseCsv>> {
  let text: string;
  try {
    text = await readTextHead(path, HEAD_BYTES);
  } catch (e) {
    throw isDiscernError(e) && (e.code === 'FILE_NOT_FOUND' || e.code === 'IO_ERROR') ? aboutOption(e, 'data') : e;
  }
  return parseCsv(text, { source: path });
}

/**
 * The names `define` adds and the file's columns its expressions and the cut read (parsed here, so a syntax error is
 * told before any row is read); a derived name that is a column of the file already is refused.
 */
function derivedColumns(o: ScoreOptions, fileColumns: readonly string[]): { names: string[]; sources: string[]; prepared: boolean } {
  const names: string[] = [];
  const sources = new Set<string>();
  for (const d of o.define ?? []) {
    const what = d.what ?? `define ${d.name}`;
    if (fileColumns.includes(d.name) || names.includes(d.name))
      throw optionError('DATA_INVALID', 'define', () => `${what} would replace the column ${quote(d.name)} of ${dataFiles(o).join(', ')}; give the derived column another name`, { column: d.name });
    for (const c of parseExpression(d.expression, what).columns) if (!names.includes(c)) sources.add(c);
    names.push(d.name);
  }
  if (o.cut !== undefined) for (const c of parseExpression(o.cut, 'the cut').columns) if (!names.includes(c)) sources.add(c);
  return { names, sources: [...sources], prepared: names.length > 0 || o.cut !== undefined };
}

/** The columns the options name, against the file's header. */
function checkColumns(o: ScoreOptions & { data: string }, header: readonly string[]): void {
  const absent = (option: ScoreOptionName, cols: readonly string[], code: DiscernError['code'], extra: ErrorContext = {}) => {
    const missing = cols.filter((c) => !header.includes(c));
    if (missing.length > 0)
      throw optionError(
        code,
        option,
        (n) => `${n.option(option)} names ${missing.length > 1 ? 'columns' : 'column'} ${list(missing.map((c) => quote(c)))} that ${o.data} does not have; its columns are ${list(header)}`,
        { file: o.data, missing, available: [...header], ...extra },
      );
  };
  if (o.label !== undefined) absent('label', [o.label], 'LABEL_INVALID', { column: o.label });
  if (o.features) absent('features', o.features, 'DATA_INVALID');
  for (const [input, cols] of Object.entries(o.inputMap ?? {})) absent('inputMap', cols, 'DATA_INVALID', { input });
}

function expectedInput(ms: ModelSession, info: TensorInfo, features: readonly string[] | undefined): string {
  return `model ${ms.source} expects input ${describeTensor(info)}${features ? ` with features ${list(features)}` : ''}`;
}

function shapeMismatch(message: string, context: Record<string, unknown>): DiscernError {
  return new DiscernError('ONNX_SHAPE_MISMATCH', message, context);
}

/** Decides the columns of every input; checks names against the header and counts against the input shapes. */
function planInputs(ms: ModelSession, header: readonly string[], numeric: readonly string[], o: ScoreOptions & { data: string }): Record<string, string[]> {
  const metaFeatures = metaJSON(ms.metadata, META.features);
  const modelFeatures = Array.isArray(metaFeatures) && metaFeatures.every((f) => typeof f === 'string') ? (metaFeatures as string[]) : undefined;
  if (ms.inputs.length !== 1 && !o.inputMap)
    throw optionError(
      'ONNX_SHAPE_MISMATCH',
      'inputMap',
      (n) => `model ${ms.source} has ${ms.inputs.length} inputs (${ms.inputs.map(describeTensor).join('; ')}); map each to data columns by name with ${n.option('inputMap')}`,
      { inputs: ms.inputs.map((i) => i.name) },
    );
  const unknown = Object.keys(o.inputMap ?? {}).filter((k) => !ms.inputs.some((i) => i.name === k));
  if (unknown.length > 0)
    throw optionError('ONNX_SHAPE_MISMATCH', 'inputMap', (n) => `${n.option('inputMap')} names input${unknown.length > 1 ? 's' : ''} ${list(unknown)}, but model ${ms.source} has inputs ${ms.inputs.map(describeTensor).join(', ')}`, {
      unknown,
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
      throw optionError(
        'ONNX_SHAPE_MISMATCH',
        'inputMap',
        (n) => `no columns given for input ${describeTensor(info)}; ${n.option('inputMap')} names ${list(Object.keys(o.inputMap ?? {}))}, the model's inputs are ${ms.inputs.map((i) => i.name).join(', ')}`,
        { input: info.name },
      );
    } else if (modelFeatures) {
      if (o.features && (o.features.length !== modelFeatures.length || o.features.some((f, j) => f !== modelFeatures[j])))
        throw shapeMismatch(`${expectedInput(ms, info, modelFeatures)} (from its metadata), but the features given are ${list(o.features)}`, { expected: modelFeatures, offered: o.features, option: 'features' });
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

/**
 * Rows per onnxruntime run: the batch, or 1 for a model whose inputs fix the batch dimension at 1 (converters often
 * export with a dummy input of one row). A fixed batch of more rows cannot take a file of any length.
 */
function runRows(ms: ModelSession, batch: number): number {
  const fixed = ms.inputs.map((i) => i.shape[0]).filter((d): d is number => typeof d === 'number' && d > 0);
  if (fixed.length === 0) return batch;
  if (fixed.every((d) => d === 1)) return 1;
  throw shapeMismatch(
    `model ${ms.source} takes a fixed number of rows per run (inputs ${ms.inputs.map(describeTensor).join(', ')}); discern scores files of any length: export the model with a symbolic batch dimension (e.g. 'N')`,
    { inputs: ms.inputs.map((i) => i.name), fixed },
  );
}

export interface OutputColumns {
  readonly name: string;
  readonly width: number;
  readonly headers: string[];
  /** Cell k of row i. */
  readonly cell: (v: OutputValue, at: number) => string | number;
}

export function outputColumns(name: string, v: OutputValue, rows: number, classes: readonly string[] | undefined): OutputColumns {
  const width = rows > 0 ? v.data.length / rows : v.dims.slice(1).reduce((a, d) => a * d, 1);
  if (!Number.isInteger(width) || v.dims[0] !== rows)
    throw shapeMismatch(`output '${name}' has dims [${v.dims.join(', ')}] for a batch of ${rows} rows; discern writes outputs with one leading row dimension`, { output: name, dims: v.dims });
  const suffix = (k: number) => (classes && classes.length === width ? classes[k]! : String(k));
  const headers = v.dims.length === 1 || (width === 1 && v.dims.length === 2) ? [name] : Array.from({ length: width }, (_, k) => `${name}_${suffix(k)}`);
  // float32 as the shortest decimal of the float32 (what the model computed, no more digits); float64 and integers
  // as numbers (String(x): exact); strings as text
  const cell: OutputColumns['cell'] =
    v.text !== undefined
      ? (o, at) => o.text![at]!
      : v.type === 'float32'
        ? (o, at) => formatFloat32Cached(o.data[at]!)
        : v.type === 'float64'
          ? (o, at) => o.data[at]!
          : (o, at) => Math.round(o.data[at]!);
  return { name, width, headers, cell };
}

const PROBA_NAMES = ['probabilities', 'output_probability', 'probability', 'proba'];
const SCORE_NAMES = ['score', 'probability', 'output', 'scores'];

/** The output the metrics read, and how: [N,K] posteriors, or an [N]/[N,1] P(class 1). See the module comment. */
export function probaOutputOf(ms: ModelSession, got: Record<string, OutputValue>, rows: number): { name: string; binary: boolean } | undefined {
  const isFloat = (n: string) => got[n]!.type.startsWith('float');
  const declared = ms.metadata[META.probaOutput];
  if (declared && got[declared] && isFloat(declared)) return { name: declared, binary: got[declared].data.length === rows };
  for (const n of PROBA_NAMES) if (got[n] && got[n].data.length >= 2 * rows && isFloat(n)) return { name: n, binary: false };
  const floats = Object.keys(got).filter((n) => isFloat(n) && got[n]!.data.length === rows);
  const cand = SCORE_NAMES.find((n) => floats.includes(n)) ?? (floats.length === 1 ? floats[0] : undefined);
  if (cand && got[cand]!.data.every((v) => v >= 0 && v <= 1)) return { name: cand, binary: true };
  return undefined;
}

/**
 * Label text → class index, by the rules of the module comment. Built once K is known (after the first batch);
 * with `positive` and no class names it learns the other class's value from the file.
 */
class LabelMap {
  private readonly names: readonly string[] | undefined;
  /** Index fallback ('0'..'K−1') for a discern model's metadata names only, as before names existed. */
  private readonly indexFallback: boolean;
  private other: string | undefined;
  readonly positiveIndex: number;

  constructor(
    private readonly o: ScoreOptions & { data: string },
    private readonly K: number,
    modelClasses: readonly string[] | undefined,
    modelPositive: string | undefined,
    source: string,
    probaOutput: string,
  ) {
    if (o.classes) {
      if (o.classes.length !== K)
        throw optionError('INVALID_ARGUMENT', 'classes', (n) => `${n.option('classes')} names ${o.classes!.length} classes (${list(o.classes!)}), but output '${probaOutput}' of ${source} has ${K}`, {
          value: [...o.classes],
          expected: K,
        });
      if (modelClasses && (modelClasses.length !== K || modelClasses.some((c, k) => c !== o.classes![k])))
        throw optionError('INVALID_ARGUMENT', 'classes', (n) => `${n.option('classes')} (${list(o.classes!)}) differ from the classes ${source} names itself (${list(modelClasses)}); leave ${n.option('classes')} out`, {
          value: [...o.classes],
          model: [...modelClasses],
        });
    }
    this.names = o.classes ?? (modelClasses && modelClasses.length === K ? modelClasses : undefined);
    this.indexFallback = o.classes === undefined;
    const positive = o.positive ?? (this.names ? modelPositive : undefined);
    if (o.positive !== undefined && !this.names && K !== 2)
      throw optionError(
        'INVALID_ARGUMENT',
        'positive',
        (n) => `${n.option('positive')} alone maps the labels of a two-class model, but ${source} has ${K} classes (output '${probaOutput}'); give ${n.option('classes')}: the label of each output column, in order`,
        { classes: K },
      );
    if (this.names) {
      const k = positive === undefined ? -1 : this.names.indexOf(positive);
      if (o.positive !== undefined && k < 0)
        throw optionError('LABEL_INVALID', 'positive', (n) => `${n.option('positive')} ${quote(o.positive!)} is not one of the model's classes ${list(this.names!)}`, { value: o.positive });
      this.positiveIndex = k >= 0 ? k : 1;
    } else this.positiveIndex = 1;
  }

  /** The class of a label; `at` says where the row is (`scores.csv line 3`), `line` its line or row for the context. */
  index(text: string | null, at: () => string, line: number, file: string): number {
    const o = this.o;
    if (this.names) {
      const k = text === null ? -1 : this.names.indexOf(text);
      if (k >= 0) return k;
    }
    const where = `${at()}, column '${o.label}'`;
    const context = { file, line, column: o.label, value: text };
    if (this.names) {
      const v = text === null ? NaN : Number(text);
      if (this.indexFallback && Number.isInteger(v) && v >= 0 && v < this.K) return v;
      throw new DiscernError(
        'DATA_INVALID',
        (n) =>
          `${where}: label ${text === null ? 'missing' : quote(text)} is not one of the model's classes ${list(this.names!)}${this.indexFallback ? ` (or an index 0..${this.K - 1})` : ` (given as ${n.option('classes')})`}`,
        { ...context, option: o.classes ? 'classes' : 'label' },
      );
    }
    if (o.positive !== undefined) {
      if (text === o.positive) return 1;
      if (text !== null && (this.other === undefined || this.other === text)) {
        this.other = text;
        return 0;
      }
      throw new DiscernError(
        'DATA_INVALID',
        (n) =>
          text === null
            ? `${where}: the label is missing`
            : `${where}: label ${quote(text)} is a third class beside ${quote(o.positive!)} (${n.option('positive')}) and ${quote(this.other!)}, but the model has two; give ${n.option('classes')} for a model of more classes`,
        { ...context, option: 'positive' },
      );
    }
    const v = text === null ? NaN : Number(text);
    if (text !== null && text.trim() !== '' && Number.isInteger(v) && v >= 0 && v < this.K) return v;
    throw new DiscernError(
      'DATA_INVALID',
      (n) =>
        `${where}: label ${text === null ? 'missing' : quote(text)} is not a class index 0..${this.K - 1}, and the model names no classes: give ${n.option('positive')} (the signal's label, for two classes) or ${n.option('classes')} (the label of each output column, in order)`,
      { ...context, option: 'label' },
    );
  }

  /** Class names for the metrics. */
  classNames(): string[] {
    if (this.names) return [...this.names];
    if (this.o.positive !== undefined) return [this.other ?? `not ${this.o.positive}`, this.o.positive];
    return Array.from({ length: this.K }, (_, k) => String(k));
  }
}

/** Adds the model's expected input to a DATA_INVALID from the CSV reader (empty file, non-numeric cell...). */
async function withInput<T>(ms: ModelSession, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (isDiscernError(e) && e.code === 'DATA_INVALID' && e.context.option === undefined) {
      const want = ms.inputs.map((i) => describeTensor(i)).join(', ');
      throw new DiscernError('DATA_INVALID', `${e.message} (model ${ms.source} expects input ${want})`, { ...e.context, inputs: ms.inputs.map((i) => i.name) }, { cause: e });
    }
    throw e;
  }
}

/** A batch of rows to score: the feature columns, the labels (with `label`), and where each row is in its file. */
export interface ScoreBatch {
  readonly X: DenseMatrix;
  readonly labels?: readonly (string | null)[];
  /** What `line` counts: CSV lines, rows (1-based) or ROOT entries (entry = line − 1). */
  readonly noun: 'line' | 'row' | 'entry';
  /** `file line 17`, `file, row 3`, `file entry 5`. */
  where(i: number): string;
  /** The line (CSV) or 1-based row of row i, for error contexts. */
  line(i: number): number;
}

interface BatchOptions {
  readonly columns: readonly string[];
  readonly batch: number;
  readonly missing: 'error' | 'keep';
  readonly label?: string | undefined;
  readonly tree?: string | undefined;
  readonly define?: readonly ScoreDefinition[] | undefined;
  readonly cut?: string | undefined;
  readonly cutMissing?: 'error' | 'drop' | 'keep' | undefined;
  /** With define or cut: the file's columns to read (the sources of the derived ones instead of them). */
  readonly read?: readonly string[] | undefined;
}

/**
 * What turns a batch's table into the one scored: the derived columns, then the cut (as the run's data.define and
 * data.cut), their expressions parsed once for every batch of the file; undefined without define or cut.
 */
function batchPreparer(o: BatchOptions): ((table: Table) => Table) | undefined {
  const defines = (o.define ?? []).map((d) => {
    const what = d.what ?? `define ${d.name}`;
    return { name: d.name, expression: parseExpression(d.expression, what), what };
  });
  const cut = o.cut !== undefined ? parseExpression(o.cut, 'the cut') : undefined;
  if (defines.length === 0 && cut === undefined) return undefined;
  return (table) => {
    let t = table;
    if (defines.length > 0) t = applyDefines(t, defines).table;
    if (cut !== undefined) t = subsetTable(t, cutRows(t, cut, { what: 'the cut', missing: o.cutMissing ?? 'error' }).rows);
    return t;
  };
}

/** The rows of one data file in batches of `batch` rows (CSV streamed; Parquet one row group at a time; ROOT whole). */
export async function* fileBatches(path: string, format: DataFormat, o: BatchOptions, rowGroups?: readonly number[], range?: CsvRange): AsyncGenerator<ScoreBatch, void, undefined> {
  const prepare = batchPreparer(o);
  // derived columns and cuts are computed on tables: a CSV file then goes through the table reader (never split in ranges)
  if (format === 'csv' && !prepare) {
    for await (const b of readCsvBatches(path, { columns: o.columns, batchSize: o.batch, missing: o.missing, ...(o.label !== undefined ? { extra: [o.label] } : {}), ...(range ? { range } : {}) }))
      yield { X: b.X, ...(o.label !== undefined ? { labels: b.extra![o.label]! } : {}), noun: 'line', where: (i) => `${path} line ${b.lines[i]}`, line: (i) => b.lines[i]! };
    return;
  }
  const wanted = o.read ? [...o.read] : o.label !== undefined && !o.columns.includes(o.label) ? [...o.columns, o.label] : [...o.columns];
  let any = false;
  for await (const { table: read } of readTableBatches(path, { format, columns: wanted, ...(o.tree !== undefined ? { tree: o.tree } : {}), ...(rowGroups ? { rowGroups } : {}) })) {
    any = true;
    const table = prepare ? prepare(read) : read;
    const cols = numericInputs(table, o.columns, o.missing);
    const labelCol = o.label !== undefined ? columnsByName(table).get(o.label) : undefined;
    const p = cols.length;
    for (let start = 0; start < table.nRows; start += o.batch) {
      const n = Math.min(o.batch, table.nRows - start);
      const data = new Float64Array(n * p);
      for (let j = 0; j < p; j++) {
        const v = cols[j]!;
        for (let i = 0; i < n; i++) data[i * p + j] = v[start + i]!;
      }
      const labels = labelCol ? Array.from({ length: n }, (_, i) => labelCol.text(start + i)) : undefined;
      yield {
        X: { rows: n, cols: p, data },
        ...(labels ? { labels } : {}),
        noun: table.rowNoun === 'entry' ? 'entry' : 'row',
        where: (i) => locate(table, start + i),
        line: (i) => (table.fileRows ? table.fileRows[start + i]! : start + i) + 1,
      };
    }
  }
  if (!any && !rowGroups) throw new DiscernError('DATA_INVALID', `${path}: the file has no rows`, { file: path });
}

/** The columns fed to the model, as numbers: a text column, a missing value (unless the model takes them) or a non-finite one is DATA_INVALID naming the row. */
function numericInputs(table: Table, names: readonly string[], missing: 'error' | 'keep'): Float64Array[] {
  const byName = columnsByName(table);
  return names.map((name) => {
    const c = byName.get(name);
    if (!c) throw new DiscernError('DATA_INVALID', `${table.source} has no column '${name}'`, { file: table.source, column: name });
    if (c.kind !== 'numeric') {
      const first = c.firstText;
      throw new DiscernError(
        'DATA_INVALID',
        `${first ? `${locate(table, first.row)}, ` : `${table.source}, `}column '${name}': ${first ? `${quote(first.value)} is not a number` : 'it holds text'}; the model's inputs are numbers`,
        { file: table.source, column: name, ...(first ? { value: first.value } : {}) },
      );
    }
    if (c.nonFinite > 0 || (c.missing > 0 && missing === 'error')) {
      for (let r = 0; r < table.nRows; r++) {
        const isMissing = c.isMissing(r);
        if (isMissing && missing === 'error')
          throw new DiscernError(
            'DATA_INVALID',
            (n) => `${locate(table, r)}, column '${name}': missing value; a number is required (or read with ${n.option('missing')}: 'keep' to pass NaN to a model that handles missing values)`,
            { file: table.source, column: name, row: r, option: 'missing' },
          );
        if (!isMissing && Number.isNaN(c.numeric![r]!))
          throw new DiscernError('DATA_INVALID', `${locate(table, r)}, column '${name}': non-finite value ${quote(c.text(r) ?? '')}; every feature value must be a finite number`, {
            file: table.source,
            column: name,
            row: r,
          });
      }
    }
    return c.numeric!;
  });
}

/** One batch of outputs as Parquet columns: float32 as FLOAT, float64 as DOUBLE, integers as INT32, strings as text. */
function parquetColumns(layout: readonly OutputColumns[], got: Record<string, OutputValue>, n: number): Record<string, ParquetColumnValues> {
  const out: Record<string, ParquetColumnValues> = {};
  for (const l of layout) {
    const v = got[l.name]!;
    for (let k = 0; k < l.width; k++) {
      const header = l.headers[k]!;
      if (v.text !== undefined) out[header] = Array.from({ length: n }, (_, i) => v.text![i * l.width + k]!);
      else if (v.type === 'float32') {
        // the model's float32 values as FLOAT: what it computed, no more digits (as the CSV's shortest float32 decimals)
        const a = new Float32Array(n);
        for (let i = 0; i < n; i++) a[i] = v.data[i * l.width + k]!;
        out[header] = a;
      } else if (v.type.startsWith('float')) {
        const a = new Float64Array(n);
        for (let i = 0; i < n; i++) a[i] = v.data[i * l.width + k]!;
        out[header] = a;
      } else {
        const a = new Int32Array(n);
        for (let i = 0; i < n; i++) {
          const x = Math.round(v.data[i * l.width + k]!);
          if (x !== (x | 0)) throw shapeMismatch(`output '${l.name}' holds the integer ${x}, beyond what a Parquet INT32 column holds; write the scores as CSV`, { output: l.name });
          a[i] = x;
        }
        out[header] = a;
      }
    }
  }
  return out;
}

/** How score files are encoded as Parquet: snappy, no page statistics (a score file is written to be read whole). */
const SCORE_ENCODING = { codec: 'SNAPPY', statistics: false } as const;

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
