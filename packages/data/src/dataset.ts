import { type DenseMatrix } from '@discern/linalg';
import { DiscernError, type MessageTemplate, type Naming, quote } from '@discern/core';
import { closestName, columnLabel, listNames, strictNumber } from './csv/cells.js';
import { type Column, type Table, columnsByName, lineOf, locate } from './table.js';
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
  /**
   * For each row, the 1-based line of the source file it starts on (the header is line 1), so that an error about a
   * row can say "iris.csv line 40" rather than "row 26". Kept through dropped rows, splits, subsets and batches;
   * absent for inline rows (whose position is `rowIndex` + 1).
   */
  readonly lines?: Int32Array;
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

function labelError(message: string | MessageTemplate, context: Record<string, unknown>): DiscernError {
  return new DiscernError('LABEL_INVALID', message, context);
}

function columnByName(table: Table, name: string, role: 'label' | 'weight', code: 'DATA_INVALID' | 'LABEL_INVALID'): Column {
  const col = columnsByName(table).get(name);
  if (col) return col;
  const names = table.columns.map((c) => c.name);
  const near = closestName(name, names);
  throw new DiscernError(
    code,
    (n) =>
      `${role} column ${columnLabel(name)} (${n.option(role)}) is not in ${table.source}${near ? ` (did you mean ${columnLabel(near)}?)` : ''}; available columns: ${listNames(names, 40)}`,
    { file: table.source, column: name, available: names.slice(0, 64), option: role, ...(near ? { suggestion: near } : {}) },
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
  const where = `column ${columnLabel(col.name)} of ${table.source}`;
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
    if (new Set(classNames).size !== classNames.length) {
      const seen = new Set<string>();
      const twice = classNames.find((c) => seen.size === seen.add(c).size)!;
      throw labelError((n) => `${n.option('classes')} ${listNames(classNames)} lists the class ${quote(twice)} twice; list each class once`, {
        classes: classNames.slice(0, 64),
        option: 'classes',
      });
    }
  } else {
    const names = [...new Set([...distinct].map((v) => canonical(v, numeric)))];
    names.sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
    classNames = names;
  }
  // Match a label to a class: exactly, else by numeric value ('1.0' is class '1'). Maps, not searches: a label column
  // may hold many distinct values (an id column named by mistake), and each is looked up once.
  const byName = new Map<string, number>();
  const byValue = new Map<number, number>();
  classNames.forEach((c, i) => {
    if (!byName.has(c)) byName.set(c, i);
    const x = strictNumber(c);
    if (!Number.isNaN(x) && !byValue.has(x)) byValue.set(x, i);
  });
  const indexOf = new Map<string, number>();
  const lookup = (v: string): number => {
    let i = indexOf.get(v);
    if (i !== undefined) return i;
    i = byName.get(v);
    if (i === undefined) {
      const x = strictNumber(v);
      i = Number.isNaN(x) ? -1 : (byValue.get(x) ?? -1);
    }
    indexOf.set(v, i);
    return i;
  };

  let positive: number | undefined;
  if (options.positive !== undefined) {
    const pos = lookup(String(options.positive).trim());
    if (pos < 0) {
      const wanted = quote(String(options.positive));
      throw labelError((n) => `positive class ${wanted} (${n.option('positive')}) does not occur in ${where}; classes found: ${listNames(classNames)}`, {
        file: table.source,
        column: col.name,
        positive: options.positive,
        classes: classNames.slice(0, 64),
        option: 'positive',
      });
    }
    positive = pos;
  }

  const y = new Int32Array(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    const v = col.text(r)!;
    const i = lookup(v);
    if (i < 0)
      throw labelError(
        (n) => `${locate(table, r)}: label ${quote(v)} in ${where} is not one of the classes ${listNames(classNames)} (${n.option('classes')}, from the training data)`,
        { file: table.source, line: lineOf(table, r), column: col.name, value: v, classes: classNames.slice(0, 64), option: 'classes' },
      );
    y[k] = i;
  }

  if (!options.classes && classNames.length < 2)
    throw labelError(
      (n) =>
        `only one class, ${quote(classNames[0] ?? '')}, in ${table.source} (${n.option('label')} column ${columnLabel(col.name)}); a classifier needs at least two (is ${n.option('label')} the right column?)`,
      { file: table.source, column: col.name, classes: classNames, option: 'label' },
    );

  if (positive === undefined) return { y, classNames };
  const posName = classNames[positive]!;
  if (classNames.length === 2) {
    if (positive === 1) return { y, classNames, positive: 1 };
    if (options.classes)
      throw labelError(
        (n) => `positive class ${quote(posName)} (${n.option('positive')}) must come second in ${n.option('classes')} ${listNames(classNames)}: the signal class has index 1`,
        { classes: classNames, positive: posName, option: 'classes' },
      );
    for (let k = 0; k < y.length; k++) y[k] = 1 - y[k]!;
    return { y, classNames: [classNames[1]!, posName], positive: 1 };
  }
  if (!options.binarize) {
    const K = classNames.length;
    throw labelError(
      (n) =>
        `positive class ${quote(posName)} (${n.option('positive')}) given, but ${where} has ${K} classes (${listNames(classNames)}); set ${n.option('binarize')}: true for ${quote(posName)} against the rest, or leave out ${n.option('positive')} for a ${K}-class problem`,
      { file: table.source, column: col.name, classes: classNames.slice(0, 64), positive: posName, option: 'binarize' },
    );
  }
  for (let k = 0; k < y.length; k++) y[k] = y[k] === positive ? 1 : 0;
  return { y, classNames: [`not-${posName}`, posName], positive: 1 };
}

type Hint = (n: Naming) => string;

function missingError(table: Table, col: Column, row: number, role: string, hint: Hint): DiscernError {
  const where = `${locate(table, row)}: missing ${role} in column ${columnLabel(col.name)} (${col.missing} missing cell${col.missing === 1 ? '' : 's'} in this column)`;
  return new DiscernError('DATA_INVALID', (n) => `${where}; ${hint(n)}`, {
    file: table.source,
    line: lineOf(table, row),
    column: col.name,
    row,
    value: col.text(row),
    option: 'missing',
  });
}

function weightColumn(table: Table, name: string): Column {
  const col = columnByName(table, name, 'weight', 'DATA_INVALID');
  if (col.kind !== 'numeric') {
    const r = col.firstText!.row;
    const value = col.firstText!.value;
    throw new DiscernError('DATA_INVALID', (n) => `${locate(table, r)}: ${n.option('weight')} column ${columnLabel(name)} has a non-number ${quote(value)}; weights must be finite numbers`, {
      file: table.source,
      line: lineOf(table, r),
      column: name,
      value,
      option: 'weight',
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
  if (!labelCol && options.positive !== undefined) {
    const pos = quote(String(options.positive));
    throw new DiscernError('INVALID_ARGUMENT', (n) => `positive class ${pos} (${n.option('positive')}) given without a label column; set ${n.option('label')} too`, {
      positive: options.positive,
      option: 'positive',
    });
  }
  const weightCol = options.weight !== undefined ? weightColumn(table, options.weight) : undefined;
  if (weightCol && labelCol && weightCol === labelCol) {
    const name = columnLabel(weightCol.name);
    throw new DiscernError('DATA_INVALID', (n) => `column ${name} cannot be both the label (${n.option('label')}) and the weight (${n.option('weight')})`, {
      column: weightCol.name,
      option: 'weight',
    });
  }

  const plan: FeaturePlan = planFeatures(table, options, [labelCol, weightCol]);

  // Rows: a missing label or weight is never kept; a missing feature follows the policy.
  const keep = new Uint8Array(table.nRows).fill(1);
  const checkMissing = (col: Column, role: string, allowKeep: boolean, hint: Hint) => {
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
      throw missingError(
        table,
        first.col,
        first.row,
        'value',
        (n) => `set ${n.option('missing')}: 'drop' to drop such rows, or 'keep' to pass NaN to a model that handles missing values; a cell is missing when it is one of ${n.option('missingValues')} (default: empty, NA, ?)`,
      );
  }
  for (const c of plan.columns) checkMissing(c, 'value', true, () => '');
  if (labelCol) checkMissing(labelCol, 'label', false, (n) => `every row needs a class; set ${n.option('missing')}: 'drop' to drop unlabelled rows`);
  if (weightCol) checkMissing(weightCol, 'weight', false, (n) => `every row needs a weight; set ${n.option('missing')}: 'drop' to drop such rows`);
  if (weightCol && weightCol.nonFinite > 0) {
    let r = 0;
    while (weightCol.isMissing(r) || !Number.isNaN(weightCol.numeric![r]!)) r++;
    const value = weightCol.text(r)!;
    throw new DiscernError(
      'DATA_INVALID',
      `${locate(table, r)}: weight column ${columnLabel(weightCol.name)} has a non-finite value ${quote(value)}; weights must be finite numbers`,
      { file: table.source, line: lineOf(table, r), column: weightCol.name, value },
    );
  }

  let nKept = 0;
  for (let r = 0; r < table.nRows; r++) nKept += keep[r]!;
  if (nKept === 0 && !allowEmpty)
    throw new DiscernError('DATA_INVALID', (n) => `${table.source}: no rows left after dropping rows with missing values (${n.option('missing')}: 'drop'); every row has a missing cell in a feature, the label or the weight`, {
      file: table.source,
      option: 'missing',
    });
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
    ...(table.lines ? { lines: linesOf(table.lines, rows) } : {}),
    encodings: plan.encodings,
  };
}

function linesOf(lines: Int32Array, rows: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let k = 0; k < rows.length; k++) out[k] = lines[rows[k]!]!;
  return out;
}
