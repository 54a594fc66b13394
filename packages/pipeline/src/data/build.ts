/**
 * From a table as read to a Dataset: derived columns and cuts, the same for every file (prepare), the columns the
 * config names checked (build), the samples' datasets joined, and the lines of the cut flow.
 */
import { type BuildDatasetOptions, type Dataset, type Table, applyDefines, buildDataset, closestName, cutRows, numericColumn, parseExpression, pickFloats, pickInts, rowValues, subsetTable, withColumns } from '@discern/data';
import { DiscernError } from '@discern/core';
import { denseMatrix } from '@discern/linalg';
import { type PipelineConfig } from '../config/load.js';
import { type ConfigExpression, atKey, definitions, explainDerived, notAnExpression, valuesAt } from './expressions.js';
import { type DataFileRecord } from './files.js';

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

export interface Role {
  readonly table: Table;
  readonly files: DataFileRecord[];
  readonly flow: Omit<CutFlow, 'train' | 'test' | 'weightedTrain' | 'weightedTest'>;
}

export interface Prepared {
  readonly table: Table;
  readonly passed: number;
  readonly undecided: number;
  readonly nonFinite: Record<string, number>;
  /** Weights of the rows read (NaN where not computable), for the weighted counts; absent without weights. */
  readonly weightsRead?: Float64Array;
}

/**
 * The derived columns, then data.cut and `cut` (a sample's), on a table as read. A sample's `weight` (a number or an
 * expression) becomes the column `weightColumn`, times data.weight's column when both are given.
 */
export function prepare(config: PipelineConfig, table: Table, sample?: { cut?: ConfigExpression; weight?: number | ConfigExpression; weightColumn?: string; what: string }): Prepared {
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
    // the original rows of the rows this cut kept
    rows = rows === undefined ? r.rows : pickInts(rows, r.rows);
  }
  if (sample && w !== undefined) {
    // the sample's weight on the rows kept: every one must be a finite number (rowValues names the first that is not)
    const kept = rows ? pickFloats(weightsRead!, rows) : weightsRead!;
    if (!kept.every((x) => Number.isFinite(x))) rowValues(t, typeof w === 'number' ? String(w) : w.parsed, `${sample.what}'s weight`);
    t = withColumns(t, [numericColumn(sample.weightColumn!, t.columns.length, kept)]);
  }
  return { table: t, passed: t.nRows, undecided, nonFinite, ...(weightsRead ? { weightsRead } : {}) };
}

export function sum(v: Float64Array | undefined, n: number): number {
  if (!v) return n;
  let s = 0;
  for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i]!)) s += v[i]!;
  return s;
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

export function build(config: PipelineConfig, table: Table, options: BuildDatasetOptions): Dataset {
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

/** A cut-flow line with its training and test counts (a dataset, or none: `{ rows: 0 }`). */
export function withSplit(flow: Role['flow'], train: Dataset | { rows: number; weights?: Float64Array }, test: Dataset | { rows: number; weights?: Float64Array }): CutFlow {
  const rows = (d: Dataset | { rows: number }) => ('X' in d ? d.X.rows : d.rows);
  return { ...flow, train: rows(train), test: rows(test), weightedTrain: sum(train.weights, rows(train)), weightedTest: sum(test.weights, rows(test)) };
}

/** The weight column a sample's weight becomes (not a name a file has: it holds the weights the samples say). */
export const SAMPLE_WEIGHT = '(sample weight)';

/** Class names in numpy.unique order (numerically when every one is a number), the positive class last of two. */
export function classOrder(classes: readonly string[], positive: string | undefined): string[] {
  const distinct = [...new Set(classes)];
  const numeric = distinct.every((c) => c.trim() !== '' && Number.isFinite(Number(c)));
  distinct.sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (positive !== undefined && distinct.length === 2 && distinct[0] === positive) distinct.reverse();
  return distinct;
}

/** The rows of several datasets built alike (same features, classes), one after another. */
export function concatDatasets(parts: readonly Dataset[], source: string): Dataset {
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
