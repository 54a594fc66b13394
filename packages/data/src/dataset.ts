import { type DenseMatrix } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { closestName, listNames, quote, strictNumber } from './csv/cells.js';
import { type Column, type Table, lineOf, locate } from './table.js';
import { type FeaturePlan, planFeatures, fillFeatures } from './features.js';

/** How one table column became feature columns; kept so a second file (test set, data to score) is encoded alike. */
export type FeatureEncoding =
  | { readonly column: string; readonly kind: 'numeric' }
  | { readonly column: string; readonly kind: 'codes'; readonly categories: string[] }
  | { readonly column: string; readonly kind: 'onehot'; readonly categories: string[] };

/**
 * The typed data every step works on (DESIGN.md): a row-major Float64 feature matrix, class indices into
 * `classNames`, feature names and optional per-event weights (which may be negative). Unlabelled data (clustering)
 * has `classNames: []` and every `y` = -1.
 */
export interface Dataset {
  readonly X: DenseMatrix;
  readonly y: Int32Array;
  readonly classNames: string[];
  readonly featureNames: string[];
  readonly weights?: Float64Array;
  /** Index of the signal class in classNames (always 1: the positive class is placed last); binary only. */
  readonly positive?: number;
  readonly source: string;
  /** The label column's name, when labelled. */
  readonly label?: string;
  /** For each row, its row index in the source table (rows may have been dropped or subset). */
  readonly rowIndex?: Int32Array;
  /** How table columns became the feature columns. */
  readonly encodings?: FeatureEncoding[];
}

export type CategoricalPolicy = 'error' | 'codes' | 'onehot';
export type MissingPolicy = 'error' | 'drop' | 'keep';

export interface BuildDatasetOptions {
  /** The label column; none for unlabelled data. */
  label?: string;
  /** The signal class (binary problems): placed at index 1 and recorded as `positive`. */
  positive?: string;
  /** With `positive` and more than two classes: make it `not-<positive>` vs `<positive>` (otherwise an error). */
  binarize?: boolean;
  /** Feature columns, in order; default: every numeric column except label and weight (every column, if categorical is 'codes' or 'onehot'). */
  features?: string[];
  /** Column of per-event weights (may be negative). */
  weight?: string;
  /** How categorical feature columns become numbers; default 'error'. */
  categorical?: CategoricalPolicy;
  /** A missing feature (or label, or weight) cell: 'error' (default), 'drop' the row, or 'keep' NaN in the features. */
  missing?: MissingPolicy;
  /** Explicit class order (every label must be one of these); default: sorted like numpy.unique. */
  classes?: string[];
  /** Encodings from a dataset built earlier (a training set): features and categories are taken from them. */
  encodings?: FeatureEncoding[];
}

function labelError(message: string, context: Record<string, unknown>): DiscernError {
  return new DiscernError('LABEL_INVALID', message, context);
}

function columnByName(table: Table, name: string, role: string, code: 'DATA_INVALID' | 'LABEL_INVALID'): Column {
  const col = table.columns.find((c) => c.name === name);
  if (col) return col;
  const names = table.columns.map((c) => c.name);
  const near = closestName(name, names);
  throw new DiscernError(
    code,
    `${role} column '${name}' is not in ${table.source}${near ? ` (did you mean '${near}'?)` : ''}; available columns: ${listNames(names, 40)}`,
    { file: table.source, column: name, available: names, ...(near ? { suggestion: near } : {}) },
  );
}

/** True when every label parses as a finite number: then classes sort numerically, as numpy.unique does. */
function numericLabels(values: Iterable<string>): boolean {
  for (const v of values) if (Number.isNaN(strictNumber(v))) return false;
  return true;
}

/** Canonical class name of a numeric label ('1.0' and '1' are one class, named '1'). */
function canonical(v: string, numeric: boolean): string {
  return numeric ? String(strictNumber(v)) : v;
}

interface LabelResult {
  y: Int32Array;
  classNames: string[];
  positive?: number;
}

function encodeLabels(table: Table, col: Column, rows: Int32Array, options: BuildDatasetOptions): LabelResult {
  const where = `column '${col.name}' of ${table.source}`;
  // A test file encoded with a binarized training set's classes ['not-P', 'P']: P against everything else.
  const pos0 = options.positive !== undefined ? String(options.positive).trim() : undefined;
  if (options.binarize && pos0 !== undefined && options.classes?.length === 2 && options.classes[0] === `not-${pos0}` && options.classes[1] === pos0) {
    const x = strictNumber(pos0);
    const y = new Int32Array(rows.length);
    for (let k = 0; k < rows.length; k++) {
      const v = col.text(rows[k]!)!;
      y[k] = v === pos0 || (!Number.isNaN(x) && strictNumber(v) === x) ? 1 : 0;
    }
    return { y, classNames: [...options.classes], positive: 1 };
  }
  const distinct = new Set<string>();
  for (let k = 0; k < rows.length; k++) distinct.add(col.text(rows[k]!)!);
  const numeric = numericLabels(distinct);

  let classNames: string[];
  if (options.classes) {
    classNames = [...options.classes];
    if (new Set(classNames).size !== classNames.length)
      throw labelError(`classes ${listNames(classNames)} lists a class twice`, { classes: classNames });
  } else {
    const names = [...new Set([...distinct].map((v) => canonical(v, numeric)))];
    names.sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    classNames = names;
  }
  // Match a label to a class: exactly, else by numeric value ('1.0' is class '1').
  const classNum = classNames.map((c) => strictNumber(c));
  const indexOf = new Map<string, number>();
  const lookup = (v: string): number => {
    let i = indexOf.get(v);
    if (i !== undefined) return i;
    i = classNames.indexOf(v);
    if (i < 0) {
      const x = strictNumber(v);
      if (!Number.isNaN(x)) i = classNum.indexOf(x);
    }
    indexOf.set(v, i);
    return i;
  };

  let positive: number | undefined;
  if (options.positive !== undefined) {
    const pos = lookup(String(options.positive).trim());
    if (pos < 0)
      throw labelError(`positive class '${options.positive}' does not occur in ${where}; classes found: ${listNames(classNames)}`, {
        file: table.source,
        column: col.name,
        positive: options.positive,
        classes: classNames,
      });
    positive = pos;
  }

  const y = new Int32Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    const v = col.text(r)!;
    const i = lookup(v);
    if (i < 0)
      throw labelError(`${locate(table, r)}: label ${quote(v)} in ${where} is not one of the classes ${listNames(classNames)}`, {
        file: table.source,
        line: lineOf(table, r),
        column: col.name,
        value: v,
        classes: classNames,
      });
    y[k] = i;
  }

  if (!options.classes && classNames.length < 2)
    throw labelError(`only one class, '${classNames[0]}', in ${table.source} (label column '${col.name}'); a classifier needs at least two`, {
      file: table.source,
      column: col.name,
      classes: classNames,
    });

  if (positive === undefined) return { y, classNames };
  const posName = classNames[positive]!;
  if (classNames.length === 2) {
    if (positive === 1) return { y, classNames, positive: 1 };
    if (options.classes)
      throw labelError(`positive class '${posName}' must come second in classes ${listNames(classNames)}: the signal class has index 1`, {
        classes: classNames,
        positive: posName,
      });
    for (let k = 0; k < y.length; k++) y[k] = 1 - y[k]!;
    return { y, classNames: [classNames[1]!, posName], positive: 1 };
  }
  if (!options.binarize)
    throw labelError(
      `positive class '${posName}' given, but ${where} has ${classNames.length} classes (${listNames(classNames)}); set binarize: true for '${posName}' against the rest, or leave out positive for a ${classNames.length}-class problem`,
      { file: table.source, column: col.name, classes: classNames, positive: posName },
    );
  for (let k = 0; k < y.length; k++) y[k] = y[k] === positive ? 1 : 0;
  return { y, classNames: [`not-${posName}`, posName], positive: 1 };
}

function missingError(table: Table, col: Column, row: number, role: string, hint: string): DiscernError {
  return new DiscernError(
    'DATA_INVALID',
    `${locate(table, row)}: missing ${role} in column '${col.name}' (${col.missing} missing cell${col.missing === 1 ? '' : 's'} in this column); ${hint}`,
    { file: table.source, line: lineOf(table, row), column: col.name, row },
  );
}

function weightColumn(table: Table, name: string): Column {
  const col = columnByName(table, name, 'weight', 'DATA_INVALID');
  if (col.kind !== 'numeric') {
    const r = col.firstText!.row;
    throw new DiscernError('DATA_INVALID', `${locate(table, r)}: weight column '${name}' has a non-number ${quote(col.firstText!.value)}; weights must be finite numbers`, {
      file: table.source,
      line: lineOf(table, r),
      column: name,
      value: col.firstText!.value,
    });
  }
  return col;
}

/**
 * Builds a Dataset from a Table: chooses label, features and weights, encodes categorical features, applies the
 * missing-value policy and orders the classes (numpy.unique order; the positive class, if given, at index 1).
 */
export function buildDataset(table: Table, options: BuildDatasetOptions = {}): Dataset {
  return buildDatasetRows(table, options, false);
}

/** buildDataset; with `allowEmpty`, a table whose rows are all dropped gives an empty dataset (a batch of a streamed file). */
export function buildDatasetRows(table: Table, options: BuildDatasetOptions, allowEmpty: boolean): Dataset {
  const missingPolicy = options.missing ?? 'error';
  const labelCol = options.label !== undefined ? columnByName(table, options.label, 'label', 'LABEL_INVALID') : undefined;
  if (!labelCol && options.positive !== undefined)
    throw new DiscernError('INVALID_ARGUMENT', `positive class '${options.positive}' given without a label column`, { positive: options.positive });
  const weightCol = options.weight !== undefined ? weightColumn(table, options.weight) : undefined;
  if (weightCol && labelCol && weightCol === labelCol)
    throw new DiscernError('DATA_INVALID', `column '${weightCol.name}' cannot be both the label and the weight`, { column: weightCol.name });

  const plan: FeaturePlan = planFeatures(table, options, [labelCol, weightCol]);

  // Rows: a missing label or weight is never kept; a missing feature follows the policy.
  const keep = new Uint8Array(table.nRows).fill(1);
  const checkMissing = (col: Column, role: string, allowKeep: boolean, hint: string) => {
    if (col.missing === 0) return;
    for (let r = 0; r < table.nRows; r++) {
      if (!col.isMissing(r)) continue;
      if (missingPolicy === 'drop') keep[r] = 0;
      else if (missingPolicy === 'error' || !allowKeep) throw missingError(table, col, r, role, hint);
    }
  };
  // Report the earliest missing cell first among features (the order a reader scans the file).
  if (missingPolicy === 'error') {
    let first: { col: Column; row: number } | undefined;
    for (const c of plan.columns)
      if (c.missing > 0) {
        let r = 0;
        while (!c.isMissing(r)) r++;
        if (!first || r < first.row) first = { col: c, row: r };
      }
    if (first)
      throw missingError(table, first.col, first.row, 'value', `set missing: 'drop' to drop such rows, or 'keep' to pass NaN to a model that handles missing values`);
  }
  for (const c of plan.columns) checkMissing(c, 'value', true, '');
  if (labelCol) checkMissing(labelCol, 'label', false, `every row needs a class; set missing: 'drop' to drop unlabelled rows`);
  if (weightCol) checkMissing(weightCol, 'weight', false, `every row needs a weight; set missing: 'drop' to drop such rows`);
  if (weightCol && weightCol.nonFinite > 0) {
    let r = 0;
    while (weightCol.isMissing(r) || !Number.isNaN(weightCol.numeric![r]!)) r++;
    const value = weightCol.text(r)!;
    throw new DiscernError('DATA_INVALID', `${locate(table, r)}: weight column '${weightCol.name}' has a non-finite value ${quote(value)}; weights must be finite numbers`, {
      file: table.source,
      line: lineOf(table, r),
      column: weightCol.name,
      value,
    });
  }

  let nKept = 0;
  for (let r = 0; r < table.nRows; r++) nKept += keep[r]!;
  if (nKept === 0 && !allowEmpty) throw new DiscernError('DATA_INVALID', `${table.source}: no rows left after dropping rows with missing values`, { file: table.source });
  const rows = new Int32Array(nKept);
  for (let r = 0, k = 0; r < table.nRows; r++) if (keep[r]) rows[k++] = r;

  const X = fillFeatures(table, plan, rows);
  const labels: LabelResult = labelCol ? encodeLabels(table, labelCol, rows, options) : { y: new Int32Array(nKept).fill(-1), classNames: [] };
  let weights: Float64Array | undefined;
  if (weightCol) {
    weights = new Float64Array(nKept);
    for (let k = 0; k < nKept; k++) weights[k] = weightCol.numeric![rows[k]!]!;
  }
  return {
    X,
    y: labels.y,
    classNames: labels.classNames,
    featureNames: plan.featureNames,
    ...(weights ? { weights } : {}),
    ...(labels.positive !== undefined ? { positive: labels.positive } : {}),
    source: table.source,
    ...(labelCol ? { label: labelCol.name } : {}),
    rowIndex: rows,
    encodings: plan.encodings,
  };
}
