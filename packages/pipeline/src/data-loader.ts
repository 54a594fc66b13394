import { existsSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import {
  type BuildDatasetOptions,
  type DataFormat,
  type Dataset,
  type Definition,
  type ParsedExpression,
  type Table,
  applyDefines,
  buildDataset,
  closestName,
  compileExpression,
  cutRows,
  expandPaths,
  expandPathsSync,
  formatOf,
  hashFile,
  numericColumn,
  parseExpression,
  readTables,
  rowValues,
  splitIndices,
  stratifiedSplit,
  subsetDataset,
  subsetTable,
  tableColumns,
  tableFromRecords,
  textColumn,
  withColumns,
} from '@discern/data';
import { DiscernError, type NamedPath, isDiscernError } from '@discern/core';
import { denseMatrix } from '@discern/linalg';
import { type PipelineConfig } from './config/load.js';
import { InMemoryDataset, type RunDataset, StreamedDataset } from './datasets.js';

export interface DataFileRecord {
  readonly role: 'source' | 'train' | 'test' | 'sample';
  /** The sample a file belongs to (samples only). */
  readonly sample?: string;
  readonly path: string;
  readonly sha256: string;
  readonly rows: number;
}

/**
 * One line of the cut flow: a sample (or, without samples, the data of one role), its events and weighted events as
 * read, after the cuts, and in the training and test sets.
 */
export interface CutFlow {
  readonly name: string;
  /** The class of a sample's events (samples only). */
  readonly class?: string;
  readonly role: 'source' | 'train' | 'test' | 'sample';
  readonly files: readonly string[];
  /** Events (rows) read from the files. */
  readonly read: number;
  /** Events that pass data.cut and the sample's cut. */
  readonly passed: number;
  /** Events dropped because a cut could not be decided on them (it reads a missing value; missing: drop). */
  readonly undecided: number;
  /** Sums of event weights (the weight where one is computed; else the counts). */
  readonly weightedRead: number;
  readonly weightedPassed: number;
  readonly train: number;
  readonly test: number;
  readonly weightedTrain: number;
  readonly weightedTest: number;
  /** Per derived column: the events where its expression is not a finite number (a missing value). */
  readonly nonFinite: Readonly<Record<string, number>>;
}

export interface LoadedData {
  readonly train: RunDataset;
  /** Streamed from its file when the config gives train and test files (see LoadOptions.stream). */
  readonly test: RunDataset;
  /** True when train and test are the same rows (`split: none`). */
  readonly sameRows: boolean;
  readonly files: DataFileRecord[];
  readonly description: string;
  /** Events per sample (or role): read, after the cuts, train, test; weighted too. */
  readonly cutflow: readonly CutFlow[];
}

/** Paths in a config resolve relative to the config file's folder. */
export function resolveConfigPath(config: Pick<PipelineConfig, 'dir'>, p: string): string {
  return isAbsolute(p) ? p : resolve(config.dir, p);
}

/** A config's file key as a list (one file, or a list of files and globs). */
export function pathList(p: string | readonly string[] | undefined): string[] {
  return p === undefined ? [] : typeof p === 'string' ? [p] : [...p];
}

/** Each data-file key of a config (data.source, data.train, data.test, data.samples[i].path) that is given, with its patterns. */
function dataFileKeys(config: PipelineConfig): [key: string, patterns: string[]][] {
  const d = config.data;
  const keyed: [string, string | readonly string[] | undefined][] = [
    ...(['source', 'train', 'test'] as const).map((k): [string, string | readonly string[] | undefined] => [`data.${k}`, d[k]]),
    ...(d.samples ?? []).map((s, i): [string, string | readonly string[]] => [`data.samples[${i}].path`, s.path]),
  ];
  return keyed.filter((k): k is [string, string | readonly string[]] => k[1] !== undefined).map(([key, value]) => [key, pathList(value)]);
}

/**
 * Every data file a config reads, globs expanded as they stand now: for the checks made before a run (no output may
 * overwrite one of them). A glob that matches nothing here names no file (the run reports it).
 */
export function dataInputs(config: PipelineConfig): NamedPath[] {
  const name = basename(config.file);
  return dataFileKeys(config).flatMap(([key, patterns]) => expandPathsSync(patterns, config.dir).map((f) => ({ path: f, what: `${key} of ${name}` })));
}

/**
 * What `discern validate` checks of the data files without reading them: each pattern matches a file, each file
 * exists (a config error at its key, with where it is written, as a run would say).
 */
export async function checkDataFiles(config: PipelineConfig): Promise<void> {
  for (const [key, patterns] of dataFileKeys(config)) {
    const files = await inConfigTerms(config, () => expandPaths(patterns, config.dir, key));
    for (const f of files)
      if (!existsSync(f)) {
        const loc = config.where(key);
        throw new DiscernError('FILE_NOT_FOUND', `${f} does not exist (${key}${loc ? ` (${loc})` : ''}; a relative path is read from the config's folder ${config.dir})`, { file: f, configPath: key });
      }
  }
}

function datasetOptions(config: PipelineConfig): BuildDatasetOptions {
  const d = config.data;
  return {
    ...(d.label !== undefined ? { label: d.label } : {}),
    ...(d.positive !== undefined ? { positive: d.positive } : {}),
    ...(d.features !== undefined ? { features: d.features } : {}),
    ...(d.weight !== undefined ? { weight: d.weight } : {}),
    missing: d.missing,
    categorical: d.categorical,
  };
}

/** How data files are read: delimiter, missing-value texts, encoding, the longest line. */
export function readOptions(config: Pick<PipelineConfig, 'data'>): { delimiter?: string; missingValues?: readonly string[]; encoding: 'utf8' | 'latin1'; maxLineBytes: number } {
  const d = config.data;
  return {
    ...(d.delimiter !== undefined ? { delimiter: d.delimiter } : {}),
    ...(d.missing_values !== undefined ? { missingValues: d.missing_values } : {}),
    encoding: d.encoding,
    maxLineBytes: d.max_line_bytes,
  };
}

export interface LoadOptions {
  /**
   * Stream the test file of a two-file config (default true): it is read once here, checking every cell and keeping
   * labels and weights, and read again in batches when scored, so its feature matrix is never held whole. With
   * false it is read whole, as the training file is.
   */
  readonly stream?: boolean;
  /** Rows per batch of a streamed file (default STREAM_BATCH). */
  readonly batchSize?: number;
}

/**
 * The config key of an option of @discern/data's readers, for messages in the user's terms (`missingValues` →
 * `data.missing`). An option not listed keeps its API name.
 */
const DATA_OPTION_KEYS: Readonly<Record<string, string>> = {
  label: 'data.label',
  positive: 'data.positive',
  features: 'data.features',
  weight: 'data.weight',
  missing: 'data.missing',
  missingValues: 'data.missing_values',
  categorical: 'data.categorical',
  delimiter: 'data.delimiter',
  columns: 'data.columns',
  test: 'data.split.test',
  stratify: 'data.split.stratify',
  encoding: 'data.encoding',
  maxLineBytes: 'data.max_line_bytes',
  format: 'data.format',
  tree: 'data.tree',
};

/**
 * Runs a data step, saying its errors' options as config keys (with where they are written). `keys` overrides the
 * key of an option where the config gives it elsewhere (a sample's own tree: data.samples[1].tree).
 */
async function inConfigTerms<T>(config: PipelineConfig, f: () => Promise<T> | T, keys: Readonly<Record<string, string>> = {}): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (!isDiscernError(e)) throw e;
    const said = e.renamed({
      option: (o) => {
        // an option the data package names by its API name, or a config key already (data.samples[1].path)
        const key = keys[o] ?? DATA_OPTION_KEYS[o] ?? (o.startsWith('data.') ? o : undefined);
        if (!key) return o;
        const loc = config.where(key);
        return loc ? `${key} (${loc})` : key;
      },
    });
    // with keys of its own, the message is final: an outer inConfigTerms would say the option at its default key again
    return Promise.reject(Object.keys(keys).length > 0 ? new DiscernError(said.code, said.message, said.context, { cause: e }) : said);
  }
}

/**
 * Builds the train and test datasets a config describes: `train` + `test` files (which take precedence, so that
 * `--set data.train=a.csv --set data.test=b.csv` turns a split config into a two-file one), or one `source` file
 * or inline `rows` split by `split`, or `samples` per process. Derived columns (`data.define`) and the cuts
 * (`data.cut`, each sample's) are applied to every file as it is read.
 */
export async function loadData(config: PipelineConfig, options: LoadOptions = {}): Promise<LoadedData> {
  await checkDataFiles(config);
  return inConfigTerms(config, () => (config.data.samples ? loadSamples(config) : load(config, options)));
}

// ---------------------------------------------------------------------------------------------------------------
// Derived columns and cuts, the same for every file

/** An expression of the config, parsed (the schema parsed it once already, so this cannot fail), with its config path. */
interface ConfigExpression {
  readonly path: string;
  readonly parsed: ParsedExpression;
}

/**
 * The derived columns of a config: data.define in order, then features that are expressions (`Muon_Px[0]`), unless
 * the table at hand has a column of that very name (`handicapped-infants` is a column, not a subtraction).
 */
function definitions(config: PipelineConfig, table?: Table): (Definition & { readonly path: string })[] {
  const out: (Definition & { readonly path: string })[] = [];
  for (const [name, text] of Object.entries(config.data.define ?? {})) out.push({ name, expression: parseExpression(text, `data.define.${name}`), what: `data.define.${name}`, path: `data.define.${name}` });
  const has = table ? new Set([...table.columns.map((c) => c.name), ...(table.arrays ?? []).map((a) => a.name)]) : undefined;
  (config.data.features ?? []).forEach((f, i) => {
    if (config.data.define && Object.hasOwn(config.data.define, f)) return;
    if (has?.has(f)) return;
    const e = featureExpression(f);
    if (e) out.push({ name: f, expression: e, what: `data.features[${i}]`, path: `data.features[${i}]` });
  });
  return out;
}

/** A feature written as an expression (an array element, a reduction, a formula): computed as a derived column. */
function featureExpression(f: string): ParsedExpression | undefined {
  let parsed: ParsedExpression;
  try {
    parsed = parseExpression(f);
  } catch {
    return undefined; // a column name that is no expression (`fLength:`): looked up as it is
  }
  const r = parsed.root;
  if (r.type === 'column' && r.index === undefined) return undefined;
  return parsed;
}

/** The columns a config's expressions, features, label and weight read from the files (undefined: every column). */
function neededColumns(config: PipelineConfig, extra: readonly (ParsedExpression | undefined)[]): string[] | undefined {
  const d = config.data;
  if (d.features === undefined) return undefined;
  // a feature that reads as an expression may also be a column's name: both are asked for, and the readers leave
  // out what a file lacks (lenient), so that a name the data lacks is reported where it is used, in the user's terms
  const defs = definitions(config);
  const defined = new Set(Object.keys(d.define ?? {}));
  const need = new Set<string>();
  for (const f of d.features) if (!defined.has(f)) need.add(f);
  if (d.label !== undefined && !d.samples) need.add(d.label);
  if (d.weight !== undefined) need.add(d.weight);
  const exprs = [...defs.map((x) => x.expression as ParsedExpression), ...(d.cut !== undefined ? [parseExpression(d.cut)] : []), ...extra.filter((x): x is ParsedExpression => x !== undefined)];
  for (const e of exprs) for (const c of e.columns) need.add(c);
  return [...need].filter((c) => !defined.has(c));
}

/**
 * An expression's error that concerns the data as a whole (a column the file lacks, an array read as one value or the
 * reverse; not a row's value): a config error at the expression's key with where it is written; any other error as
 * it is.
 */
function atExpressionKey(config: PipelineConfig, path: string, e: unknown): unknown {
  if (!isDiscernError(e) || (e.code !== 'DATA_INVALID' && e.code !== 'INVALID_ARGUMENT') || typeof e.context.expression !== 'string' || e.context.row !== undefined) return e;
  // the message starts with what the expression is (its key) when the expression was compiled under that name
  return config.error(path, e.message.startsWith(`${path} `) ? e.message.slice(path.length + 1) : e.message);
}

/** Runs `f`, an expression's work, its errors said at the expression's key (atExpressionKey). */
function atKey<T>(config: PipelineConfig, path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw atExpressionKey(config, path, e);
  }
}

interface Prepared {
  readonly table: Table;
  readonly passed: number;
  readonly undecided: number;
  readonly nonFinite: Record<string, number>;
  /** Weights of the rows read (NaN where not computable), for the weighted counts; absent without weights. */
  readonly weightsRead?: Float64Array;
}

/** An expression's values over a table; a column error is a config error at the expression's key. */
function valuesAt(config: PipelineConfig, path: string, parsed: ParsedExpression, table: Table): Float64Array {
  const cols = tableColumns(table);
  return atKey(config, path, () => compileExpression(parsed, cols, { what: path }).evaluate(cols));
}

/**
 * The derived columns, then data.cut and `cut` (a sample's), on a table as read. A sample's `weight` (a number or an
 * expression) becomes the column `weightColumn`, times data.weight's column when both are given.
 */
function prepare(config: PipelineConfig, table: Table, sample?: { cut?: ConfigExpression; weight?: number | ConfigExpression; weightColumn?: string; what: string }): Prepared {
  const nonFinite: Record<string, number> = {};
  let t = table;
  for (const d of definitions(config, table))
    t = atKey(config, d.path, () => {
      const r = applyDefines(t, [d]);
      nonFinite[d.name] = r.nonFinite[0]!;
      return r.table;
    });
  // the weight of every row read, for the weighted counts before the cuts
  let weightsRead: Float64Array | undefined;
  const dataWeight = config.data.weight;
  const w = sample?.weight;
  if (w !== undefined || dataWeight !== undefined) {
    const n = t.nRows;
    const v = w === undefined ? new Float64Array(n).fill(1) : typeof w === 'number' ? new Float64Array(n).fill(w) : valuesAt(config, w.path, w.parsed, t);
    const col = dataWeight !== undefined ? t.columns.find((c) => c.name === dataWeight) : undefined;
    // a weight column that is missing or not numeric is reported by buildDataset, with its own words
    if (col?.numeric) for (let i = 0; i < n; i++) v[i] = v[i]! * col.numeric[i]!;
    weightsRead = v;
  }
  let rows: Int32Array | undefined;
  let undecided = 0;
  const cuts: ConfigExpression[] = [...(config.data.cut !== undefined ? [{ path: 'data.cut', parsed: parseExpression(config.data.cut) }] : []), ...(sample?.cut ? [sample.cut] : [])];
  for (const cut of cuts) {
    const before = t;
    const r = atKey(config, cut.path, () => cutRows(before, cut.parsed, { what: cut.path, missing: config.data.missing }));
    undecided += r.undecided;
    // a sample that loses every event is reported by loadSamples, naming the sample and both cuts
    if (!sample && r.rows.length === 0 && before.nRows > 0)
      throw config.error(
        cut.path,
        `the cut ${JSON.stringify(cut.parsed.text)} passes on none of the ${before.nRows.toLocaleString('en-US')} rows${cut === cuts[0] ? '' : ' left by the cuts before it'} of ${before.source}${r.undecided > 0 ? ` (${r.undecided.toLocaleString('en-US')} could not be decided: missing values)` : ''}; loosen the cut or check the data`,
      );
    t = subsetTable(before, r.rows);
    rows = rows === undefined ? r.rows : composeRows(rows, r.rows);
  }
  if (sample && w !== undefined) {
    // the sample's weight on the rows kept: every one must be a finite number (rowValues names the first that is not)
    const kept = rows ? pickValues(weightsRead!, rows) : weightsRead!;
    if (!kept.every((x) => Number.isFinite(x))) rowValues(t, typeof w === 'number' ? String(w) : w.parsed, `${sample.what}'s weight`);
    t = withColumns(t, [numericColumn(sample.weightColumn!, t.columns.length, kept)]);
  }
  return { table: t, passed: t.nRows, undecided, nonFinite, ...(weightsRead ? { weightsRead } : {}) };
}

/** rows[kept[k]]: the original rows of the rows a second cut kept. */
function composeRows(rows: Int32Array, kept: Int32Array): Int32Array {
  const out = new Int32Array(kept.length);
  for (let k = 0; k < kept.length; k++) out[k] = rows[kept[k]!]!;
  return out;
}

function pickValues(v: Float64Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = v[rows[k]!]!;
  return out;
}

function sum(v: Float64Array | undefined, n: number): number {
  if (!v) return n;
  let s = 0;
  for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i]!)) s += v[i]!;
  return s;
}

/** A DATA_INVALID about a missing value in a derived column says which expression made it. */
function explainDerived(config: PipelineConfig, e: unknown): unknown {
  if (!isDiscernError(e) || e.code !== 'DATA_INVALID' || typeof e.context.column !== 'string') return e;
  // data.define's columns, and features written as expressions with an index or a function call (a feature named
  // like a subtraction, `handicapped-infants`, is a column of the file)
  const d = definitions(config).find((x) => x.name === e.context.column && (x.path.startsWith('data.define') || /[[(]/.test(x.name)));
  if (!d || !/missing/.test(e.message)) return e;
  const loc = config.where(d.path);
  return new DiscernError(
    e.code,
    // a template still: the options it names are said in the config's terms by inConfigTerms later
    (n) => `${e.renamed(n).message} (the column is ${d.path}${loc ? ` (${loc})` : ''}: its expression gives no finite number there, e.g. the square root of a negative number, a division by zero, or a missing input)`,
    { ...e.context, configPath: d.path },
    { cause: e },
  );
}

/**
 * A column the config names as it is (a feature, the label, the weight) that the file lacks, when only some of the
 * file's columns were read (Parquet, ROOT): named with a "did you mean" among all of the file's columns.
 */
function checkNamed(config: PipelineConfig, table: Table, options: BuildDatasetOptions): void {
  const all = table.available;
  if (!all) return;
  const has = new Set([...table.columns.map((c) => c.name), ...(table.arrays ?? []).map((a) => a.name)]);
  for (const [name, key, role] of namedColumns(options)) {
    if (has.has(name)) continue;
    const near = closestName(name, all);
    const loc = config.where(key);
    throw new DiscernError(
      'DATA_INVALID',
      `${role} column '${name}' (${key}${loc ? ` (${loc})` : ''}) is not in ${table.source}${near ? ` (did you mean '${near}'?)` : ''}; its columns are ${all.slice(0, 40).map((c) => `'${c}'`).join(', ')}${all.length > 40 ? `, ... (${all.length - 40} more)` : ''}`,
      { file: table.source, column: name, configPath: key, ...(near ? { suggestion: near } : {}) },
    );
  }
}

/**
 * The columns a dataset's options name as they are: each feature, the label and the weight, with its config key and
 * its role. The options' features are data.features (every caller builds its options from datasetOptions).
 */
function namedColumns(options: BuildDatasetOptions): [name: string, key: string, role: 'feature' | 'label' | 'weight'][] {
  return [
    ...(options.features ?? []).map((f, i): [string, string, 'feature'] => [f, `data.features[${i}]`, 'feature']),
    ...(options.label !== undefined ? [[options.label, 'data.label', 'label'] as [string, string, 'label']] : []),
    ...(options.weight !== undefined ? [[options.weight, 'data.weight', 'weight'] as [string, string, 'weight']] : []),
  ];
}

function build(config: PipelineConfig, table: Table, options: BuildDatasetOptions): Dataset {
  try {
    checkNamed(config, table, options);
  } catch (e) {
    throw notAnExpression(config, e);
  }
  // a feature, the label or the weight that names an array column (a ROOT branch of several values per event) as it is
  for (const [f, key, role] of namedColumns(options)) {
    const a = table.arrays?.find((x) => x.name === f);
    if (a) {
      const loc = config.where(key);
      const use = role === 'feature' ? `use one element, ${f}[0], or a reduction: length(${f}), sum(${f}), max(${f}), min(${f})` : `derive one number per event with data.define (e.g. ${f}_0: "${f}[0]" or ${f}_sum: "sum(${f})") and name that`;
      throw new DiscernError(
        'DATA_INVALID',
        `${role} ${JSON.stringify(f)} (${key}${loc ? ` (${loc})` : ''}): column '${f}' holds an array per row (a variable number of values${a.description ? `: ${a.description}` : ''}); ${use}`,
        { file: table.source, column: f, configPath: key },
      );
    }
  }
  try {
    return buildDataset(table, options);
  } catch (e) {
    throw explainDerived(config, notAnExpression(config, e));
  }
}

/**
 * A feature the file lacks that was meant as an expression (`sqrt(x`, `Jet_Px[1.5]`): a name that does not parse is
 * looked up as a column (a file may name one `fLength:`), so the "not in the file" error also says why it was not
 * read as an expression.
 */
function notAnExpression(config: PipelineConfig, e: unknown): unknown {
  if (!isDiscernError(e) || typeof e.context.column !== 'string') return e;
  const f = e.context.column;
  if (!(config.data.features ?? []).includes(f) || !/[()[\]+*/^<>=!&|%?,]/.test(f)) return e;
  try {
    parseExpression(f);
    return e;
  } catch (p) {
    if (!isDiscernError(p)) return e;
    const problem = typeof p.context.problem === 'string' ? p.context.problem : p.message;
    const at = typeof p.context.position === 'number' ? `, at character ${p.context.position}` : '';
    return new DiscernError(e.code, (n) => `${e.renamed(n).message}; read as an expression, it does not parse: ${problem}${at}`, e.context, { cause: e });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// source, train and test

interface Role {
  readonly table: Table;
  readonly files: DataFileRecord[];
  readonly flow: Omit<CutFlow, 'train' | 'test' | 'weightedTrain' | 'weightedTest'>;
}

/**
 * A column a reader did not find (a ROOT branch, a Parquet column) that an expression of the config names: said as a
 * config error at that expression's key, with the reader's message (and its did-you-mean).
 */
function expressionColumnError(config: PipelineConfig, e: unknown, extra: readonly ConfigExpression[] = []): unknown {
  if (!isDiscernError(e) || e.code !== 'DATA_INVALID' || typeof e.context.column !== 'string' || e.context.row !== undefined) return e;
  const column = e.context.column;
  const exprs: ConfigExpression[] = [
    ...definitions(config).map((x) => ({ path: x.path, parsed: x.expression as ParsedExpression })),
    ...(config.data.cut !== undefined ? [{ path: 'data.cut', parsed: parseExpression(config.data.cut) }] : []),
    ...extra,
  ];
  const by = exprs.find((x) => x.parsed.columns.includes(column));
  return by ? config.error(by.path, e.message) : e;
}

async function readRole(config: PipelineConfig, role: 'source' | 'train' | 'test', patterns: string[]): Promise<Role> {
  const paths = await expandPaths(patterns, config.dir, `data.${role}`);
  const d = config.data;
  const table = await readTables(paths, {
    ...readOptions(config),
    ...(d.format !== undefined ? { format: d.format as DataFormat } : {}),
    ...(d.tree !== undefined ? { tree: d.tree } : {}),
    ...columnsOption(config, []),
  }).catch((e: unknown) => Promise.reject(expressionColumnError(config, e)));
  const files = await fileRecords(role, undefined, paths, table);
  const p = prepare(config, table);
  const weights = d.weight !== undefined ? (p.table.columns.find((c) => c.name === d.weight)?.numeric ?? undefined) : undefined;
  return {
    table: p.table,
    files,
    flow: {
      name: role,
      role,
      files: paths,
      read: table.nRows,
      passed: p.passed,
      undecided: p.undecided,
      weightedRead: sum(p.weightsRead, table.nRows),
      weightedPassed: sum(weights, p.passed),
      nonFinite: p.nonFinite,
    },
  };
}

/** Parquet and ROOT files are read for the columns the config uses (when its features are listed), CSV whole. */
function columnsOption(config: PipelineConfig, extra: readonly (ParsedExpression | undefined)[]): { columns?: readonly string[]; lenient?: boolean } {
  const cols = neededColumns(config, extra);
  return cols ? { columns: cols, lenient: true } : {};
}

async function fileRecords(role: DataFileRecord['role'], sample: string | undefined, paths: readonly string[], table: Table): Promise<DataFileRecord[]> {
  const out: DataFileRecord[] = [];
  for (let k = 0; k < paths.length; k++) {
    const path = paths[k]!;
    const start = table.parts?.[k]?.start ?? 0;
    const end = table.parts?.[k + 1]?.start ?? table.nRows;
    out.push({ role, ...(sample !== undefined ? { sample } : {}), path, sha256: await hashFile(path), rows: paths.length === 1 ? table.nRows : end - start });
  }
  return out;
}

/** A cut-flow line with its training and test counts (a dataset, or none: `{ rows: 0 }`). */
function withSplit(flow: Role['flow'], train: Dataset | { rows: number; weights?: Float64Array }, test: Dataset | { rows: number; weights?: Float64Array }): CutFlow {
  const rows = (d: Dataset | { rows: number }) => ('X' in d ? d.X.rows : d.rows);
  return { ...flow, train: rows(train), test: rows(test), weightedTrain: sum(train.weights, rows(train)), weightedTest: sum(test.weights, rows(test)) };
}

function describeFiles(patterns: readonly string[]): string {
  return patterns.length === 1 ? patterns[0]! : `[${patterns.join(', ')}]`;
}

async function load(config: PipelineConfig, options: LoadOptions): Promise<LoadedData> {
  const d = config.data;
  const opts = datasetOptions(config);
  if (d.train !== undefined && d.test !== undefined) {
    const trainPatterns = pathList(d.train), testPatterns = pathList(d.test);
    const tr = await readRole(config, 'train', trainPatterns);
    const train = build(config, tr.table, opts);
    // The test file is encoded exactly like the training file: same features, categories and class order.
    const testOptions: BuildDatasetOptions = { ...opts, classes: train.classNames, ...(train.encodings ? { encodings: train.encodings } : {}) };
    let test: RunDataset;
    let testFlow: CutFlow;
    const files = [...tr.files];
    const testPaths = await expandPaths(testPatterns, config.dir, 'data.test');
    // ROOT trees are not streamed: jsroot hands a tree's entries over only at the end of reading it
    const rootTest = testPaths.some((p) => formatOf(p, d.format as DataFormat | undefined) === 'root');
    if ((options.stream ?? true) && !rootTest) {
      const paths = testPaths;
      const streamed = await StreamedDataset.open(paths, {
        build: testOptions,
        read: { ...readOptions(config), ...(d.format !== undefined ? { format: d.format as DataFormat } : {}), ...(d.tree !== undefined ? { tree: d.tree } : {}), ...columnsOption(config, []) },
        prepare: (t) => prepare(config, t),
        explain: (e) => explainDerived(config, e),
        // nothing derived and nothing cut: the test file may be scored through the typed CSV path
        plain: definitions(config).length === 0 && d.cut === undefined,
        ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
      });
      for (let k = 0; k < paths.length; k++) files.push({ role: 'test', path: paths[k]!, sha256: await hashFile(paths[k]!), rows: streamed.fileRowsPerFile[k]! });
      test = streamed;
      const c = streamed.counts;
      testFlow = {
        name: 'test',
        role: 'test',
        files: paths,
        read: streamed.fileRows,
        passed: c.passed,
        undecided: c.undecided,
        weightedRead: c.weightedRead,
        weightedPassed: c.weightedPassed,
        nonFinite: c.nonFinite,
        train: 0,
        test: streamed.rows,
        weightedTrain: 0,
        weightedTest: sum(streamed.weights, streamed.rows),
      };
    } else {
      const te = await readRole(config, 'test', testPatterns);
      const ds = build(config, te.table, testOptions);
      files.push(...te.files);
      test = new InMemoryDataset(ds);
      testFlow = { ...te.flow, train: 0, test: ds.X.rows, weightedTrain: 0, weightedTest: sum(ds.weights, ds.X.rows) };
    }
    const trainFlow: CutFlow = { ...tr.flow, train: train.X.rows, test: 0, weightedTrain: sum(train.weights, train.X.rows), weightedTest: 0 };
    return {
      train: new InMemoryDataset(train),
      test,
      sameRows: false,
      files,
      description: `train ${describeFiles(trainPatterns)} (${train.X.rows} rows), test ${describeFiles(testPatterns)} (${test.rows} rows)`,
      cutflow: [trainFlow, testFlow],
    };
  }
  let role: Role;
  let what: string;
  if (d.rows !== undefined) {
    const table = tableFromRecords(d.rows as never, d.columns, 'inline rows');
    const p = prepare(config, table);
    role = { table: p.table, files: [], flow: { name: 'rows', role: 'source', files: [], read: table.nRows, passed: p.passed, undecided: p.undecided, weightedRead: sum(p.weightsRead, table.nRows), weightedPassed: p.passed, nonFinite: p.nonFinite } };
    what = `${d.rows.length} inline rows`;
  } else {
    // The config schema makes sure one of the three is there.
    const patterns = pathList(d.source);
    role = await readRole(config, 'source', patterns);
    what = describeFiles(patterns);
  }
  const all = build(config, role.table, opts);
  const flow: Role['flow'] = { ...role.flow, weightedPassed: sum(all.weights, all.X.rows) };
  if (d.split === 'none') {
    const both = new InMemoryDataset(all);
    return { train: both, test: both, sameRows: true, files: role.files, description: `${what}: ${all.X.rows} rows, train = test (split: none)`, cutflow: [withSplit(flow, all, all)] };
  }
  const labelled = all.classNames.length > 0;
  const split = stratifiedSplit(all, { test: d.split.test, stratify: labelled && d.split.stratify, seed: config.seed });
  // A whole number is a count of rows: say so, so that `test: 1` is never read as "all of it" by mistake.
  const count = d.split.test >= 1 ? ` (data.split.test: ${d.split.test} is a number of rows; a fraction is written 0.3)` : '';
  return {
    train: new InMemoryDataset(split.train),
    test: new InMemoryDataset(split.test),
    sameRows: false,
    files: role.files,
    description: `${what}: ${all.X.rows} rows → train ${split.train.X.rows}, test ${split.test.X.rows}${labelled && d.split.stratify ? ' (stratified)' : ''}${count}`,
    cutflow: [withSplit(flow, split.train, split.test)],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// samples

/** The weight column a sample's weight becomes (not a name a file has: it holds the weights the samples say). */
const SAMPLE_WEIGHT = '(sample weight)';

/** Class names in numpy.unique order (numerically when every one is a number), the positive class last of two. */
function classOrder(classes: readonly string[], positive: string | undefined): string[] {
  const distinct = [...new Set(classes)];
  const numeric = distinct.every((c) => c.trim() !== '' && Number.isFinite(Number(c)));
  distinct.sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (positive !== undefined && distinct.length === 2 && distinct[0] === positive) distinct.reverse();
  return distinct;
}

/** The rows of several datasets built alike (same features, classes), one after another. */
function concatDatasets(parts: readonly Dataset[], source: string): Dataset {
  const first = parts[0]!;
  const rows = parts.reduce((s, p) => s + p.X.rows, 0);
  const p = first.X.cols;
  const X = new Float64Array(rows * p);
  const y = new Int32Array(rows);
  // weighted when any sample is: a sample without a weight (and without data.weight) counts each event once
  const weights = parts.some((part) => part.weights) ? new Float64Array(rows) : undefined;
  const rowIndex = new Int32Array(rows);
  let at = 0;
  for (const part of parts) {
    X.set(part.X.data, at * p);
    y.set(part.y, at);
    if (weights) {
      if (part.weights) weights.set(part.weights, at);
      else weights.fill(1, at, at + part.X.rows);
    }
    for (let k = 0; k < part.X.rows; k++) rowIndex[at + k] = at + k;
    at += part.X.rows;
  }
  // the samples' file lines are left out: a line number without its file would mislead
  const { lines: _lines, weights: _weights, ...rest } = first;
  return { ...rest, X: denseMatrix(rows, p, X), y, ...(weights ? { weights } : {}), source, rowIndex };
}

async function loadSamples(config: PipelineConfig): Promise<LoadedData> {
  const d = config.data;
  const samples = d.samples!;
  const label = d.label ?? 'class';
  const classNames = classOrder(
    samples.map((s) => s.class),
    d.positive,
  );
  const files: DataFileRecord[] = [];
  const built: { ds: Dataset; flow: Role['flow']; name: string; role?: 'train' | 'test' }[] = [];
  let encodings: Dataset['encodings'];
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    const key = `data.samples[${i}]`;
    const patterns = pathList(s.path);
    const paths = await expandPaths(patterns, config.dir, `${key}.path`);
    const name = s.name ?? basename(paths[0]!).replace(/\.(csv|tsv|txt|parquet|pq|root)(\.gz)?$/i, '');
    const cut = s.cut !== undefined ? { path: `${key}.cut`, parsed: parseExpression(s.cut) } : undefined;
    const weight = s.weight === undefined ? undefined : typeof s.weight === 'number' ? s.weight : { path: `${key}.weight`, parsed: parseExpression(s.weight) };
    const format = (s.format ?? d.format) as DataFormat | undefined;
    const tree = s.tree ?? d.tree;
    // the sample's own tree and format are named at its key
    const ownKeys = { ...(s.tree !== undefined ? { tree: `${key}.tree` } : {}), ...(s.format !== undefined ? { format: `${key}.format` } : {}) };
    const table = await inConfigTerms(
      config,
      () =>
        readTables(paths, {
          ...readOptions(config),
          ...(format !== undefined ? { format } : {}),
          ...(tree !== undefined ? { tree } : {}),
          ...columnsOption(config, [cut?.parsed, typeof weight === 'object' ? weight.parsed : undefined]),
        }).catch((e: unknown) => Promise.reject(expressionColumnError(config, e, [...(cut ? [cut] : []), ...(typeof weight === 'object' ? [weight] : [])]))),
      ownKeys,
    );
    files.push(...(await fileRecords('sample', name, paths, table)));
    const p = prepare(config, table, { ...(cut ? { cut } : {}), ...(weight !== undefined ? { weight } : {}), weightColumn: SAMPLE_WEIGHT, what: `sample ${JSON.stringify(name)} (${key})` });
    if (p.passed === 0)
      throw config.error(
        cut ? cut.path : 'data.cut',
        `the cuts remove every event of sample ${JSON.stringify(name)} (${table.nRows} read from ${describeFiles(patterns)}): ${[d.cut !== undefined ? `data.cut ${JSON.stringify(d.cut)}` : '', s.cut !== undefined ? `its cut ${JSON.stringify(s.cut)}` : ''].filter(Boolean).join(' and ')} ${p.undecided > 0 ? `(${p.undecided} could not be decided: missing values) ` : ''}pass on none of them; loosen the cut or check the sample's files`,
      );
    if (p.table.columns.some((c) => c.name === label))
      throw config.error('data.label', `the samples make the class column ${JSON.stringify(label)}, but ${describeFiles(patterns)} has a column of that name; set data.label to another name for the samples' class column`);
    const t = withColumns(p.table, [textColumn(label, p.table.columns.length, new Array<string>(p.table.nRows).fill(s.class))]);
    const hasWeights = weight !== undefined || d.weight !== undefined;
    const options: BuildDatasetOptions = {
      ...datasetOptions(config),
      label,
      classes: classNames,
      ...(hasWeights ? { weight: weight !== undefined ? SAMPLE_WEIGHT : d.weight! } : {}),
      ...(encodings ? { encodings } : {}),
    };
    // positive is given through the class order
    delete (options as { positive?: string }).positive;
    const ds = build(config, t, options);
    encodings ??= ds.encodings;
    built.push({
      ds: d.positive !== undefined && classNames.length === 2 ? { ...ds, positive: 1 } : ds,
      name,
      ...(s.role ? { role: s.role } : {}),
      flow: {
        name,
        class: s.class,
        role: 'sample',
        files: paths,
        read: table.nRows,
        passed: p.passed,
        undecided: p.undecided,
        weightedRead: sum(p.weightsRead, table.nRows),
        weightedPassed: sum(ds.weights, ds.X.rows),
        nonFinite: p.nonFinite,
      },
    });
  }
  const source = samples.length === 1 ? built[0]!.name : `${samples.length} samples`;
  const flows: CutFlow[] = [];
  let train: Dataset, test: Dataset;
  let sameRows = false;
  if (samples[0]!.role !== undefined) {
    const tr = built.filter((b) => b.role === 'train'), te = built.filter((b) => b.role === 'test');
    train = concatDatasets(tr.map((b) => b.ds), tr.map((b) => b.name).join(' + '));
    test = concatDatasets(te.map((b) => b.ds), te.map((b) => b.name).join(' + '));
    for (const b of built) flows.push(b.role === 'train' ? withSplit(b.flow, b.ds, { rows: 0 }) : withSplit(b.flow, { rows: 0 }, b.ds));
  } else {
    const all = concatDatasets(
      built.map((b) => b.ds),
      source,
    );
    if (d.split === 'none') {
      train = test = all;
      sameRows = true;
      for (const b of built) flows.push(withSplit(b.flow, b.ds, b.ds));
    } else {
      // stratified per sample: each sample keeps its share in both sets
      const sampleOf = new Int32Array(all.X.rows);
      let at = 0;
      built.forEach((b, k) => {
        sampleOf.fill(k, at, at + b.ds.X.rows);
        at += b.ds.X.rows;
      });
      const idx = splitIndices({ ...all, y: sampleOf, classNames: built.map((b) => b.name) }, { test: d.split.test, stratify: d.split.stratify, seed: config.seed });
      train = subsetDataset(all, idx.train);
      test = subsetDataset(all, idx.test);
      const count = (rows: Int32Array, k: number) => {
        let n = 0, w = 0;
        for (let i = 0; i < rows.length; i++)
          if (sampleOf[rows[i]!] === k) {
            n++;
            w += all.weights ? all.weights[rows[i]!]! : 1;
          }
        return { n, w };
      };
      built.forEach((b, k) => {
        const a = count(idx.train, k), c = count(idx.test, k);
        flows.push({ ...b.flow, train: a.n, test: c.n, weightedTrain: a.w, weightedTest: c.w });
      });
    }
  }
  const describe = built.map((b) => `${b.name} (${b.flow.class}: ${b.ds.X.rows} of ${b.flow.read})`).join(', ');
  return {
    train: new InMemoryDataset(train),
    test: new InMemoryDataset(test),
    sameRows,
    files,
    description: `samples ${describe} → train ${train.X.rows}, test ${test.X.rows}${sameRows ? ' (split: none)' : samples[0]!.role ? ' (by role)' : ' (stratified per sample)'}`,
    cutflow: flows,
  };
}

