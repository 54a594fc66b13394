/**
 * The input side of scoreFile: the data files' column names (a CSV file's first MiB, a Parquet schema, ROOT branches),
 * the derived columns, and the plan of which columns feed each model input, checked against the header and the
 * input shapes before any row is read.
 */
import { type DataFormat, parseCsv, parquetInfo, parseExpression, readTextHead, rootTreeInfo } from '@discern/data';
import { DiscernError, type ErrorContext, isDiscernError, quote } from '@discern/core';
import { META, metaJSON } from './metadata.js';
import { aboutOption } from './output-path.js';
import { type ModelSession, type TensorInfo, describeTensor } from './session.js';
import { type ScoreOptionName, type ScoreOptions, dataFiles, list, optionError } from './score-options.js';

const HEAD_BYTES = 1 << 20;

/** The column names of a data file and which are numeric (CSV: from its first MiB; Parquet: its schema; ROOT: its branches). */
export async function headOf(path: string, format: DataFormat, tree: string | undefined): Promise<{ names: string[]; numeric: string[] }> {
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
export function derivedColumns(o: ScoreOptions, fileColumns: readonly string[]): { names: string[]; sources: string[]; prepared: boolean } {
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
export function checkColumns(o: ScoreOptions & { data: string }, header: readonly string[]): void {
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

export function shapeMismatch(message: string, context: Record<string, unknown>): DiscernError {
  return new DiscernError('ONNX_SHAPE_MISMATCH', message, context);
}

/** Decides the columns of every input; checks names against the header and counts against the input shapes. */
export function planInputs(ms: ModelSession, header: readonly string[], numeric: readonly string[], o: ScoreOptions & { data: string }): Record<string, string[]> {
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
export function runRows(ms: ModelSession, batch: number): number {
  const fixed = ms.inputs.map((i) => i.shape[0]).filter((d): d is number => typeof d === 'number' && d > 0);
  if (fixed.length === 0) return batch;
  if (fixed.every((d) => d === 1)) return 1;
  throw shapeMismatch(
    `model ${ms.source} takes a fixed number of rows per run (inputs ${ms.inputs.map(describeTensor).join(', ')}); discern scores files of any length: export the model with a symbolic batch dimension (e.g. 'N')`,
    { inputs: ms.inputs.map((i) => i.name), fixed },
  );
}

/** Adds the model's expected input to a DATA_INVALID from the CSV reader (empty file, non-numeric cell...). */
export async function withInput<T>(ms: ModelSession, run: () => Promise<T>): Promise<T> {
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
