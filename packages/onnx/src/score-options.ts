/**
 * The options of `discern score` (scoreFile): their types, the names messages use for them, and the checks of their
 * values and of the output path, made before any work (before the model is opened or a byte written).
 */
import { DiscernError, type ErrorContext, type MessageTemplate, quote } from '@discern/core';
import { type DataFormat, strictNumber } from '@discern/data';
import { type Device } from './devices.js';
import { checkOutputPath } from './output-path.js';

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

/** An error about option `option`, its message written against a Naming (the caller may rename the option). */
export function optionError(code: DiscernError['code'], option: ScoreOptionName, message: MessageTemplate, context: ErrorContext = {}): DiscernError {
  return new DiscernError(code, message, { option, ...context });
}

export function list(names: readonly string[]): string {
  return names.length <= 12 ? names.join(', ') : `${names.slice(0, 12).join(', ')}, … (${names.length} in all)`;
}

/** The values of the options alone, before anything is opened. */
export function checkValues(o: ScoreOptions): void {
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
export function checkOut(o: ScoreOptions & { out: string }): void {
  if (/\.gz$/i.test(o.out))
    throw optionError('INVALID_ARGUMENT', 'out', (n) => `${n.option('out')} ${o.out} ends in .gz, but scores are written as plain CSV, or as Parquet (compressed): name it .csv, or .parquet for a compressed file`, { file: o.out });
  const inputs = [...dataFiles(o).map((path) => ({ path, what: '--data' })), ...(typeof o.model === 'string' ? [{ path: o.model, what: '--model' }] : [])];
  checkOutputPath(o.out, { what: '--out', option: 'out', inputs });
}

/** The data files, as a list. */
export function dataFiles(o: Pick<ScoreOptions, 'data'>): string[] {
  return typeof o.data === 'string' ? [o.data] : [...o.data];
}
