import { type DenseMatrix, zeros } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { quote } from '@discern/core';
import { closestName, columnLabel, listNames } from './csv/cells.js';
import { type BuildDatasetOptions, type FeatureEncoding } from './dataset.js';
import { type Column, type Table, columnsByName, lineOf, locate } from './table.js';

export interface FeaturePlan {
  readonly columns: Column[];
  readonly encodings: FeatureEncoding[];
  readonly featureNames: string[];
}

/**
 * A categorical column whose cells are numbers but for a few (at most 1 %, at least one allowed): almost surely a
 * typo such as `0.o5`, reported as such rather than silently treated as a category or left out.
 */
function otherwiseNumeric(col: Column): boolean {
  if (col.kind !== 'categorical') return false;
  const present = col.raw.length - col.missing;
  return present - col.textCells > 0 && col.textCells <= Math.max(1, Math.floor(present / 100));
}

function typoError(table: Table, col: Column): DiscernError {
  const { row, value } = col.firstText!;
  const where = `${locate(table, row)}, column ${columnLabel(col.name)}`;
  const count = `${col.textCells} such cell${col.textCells === 1 ? '' : 's'}`;
  return new DiscernError(
    'DATA_INVALID',
    (n) =>
      `${where}: ${quote(value)} is not a number, and the column is otherwise numeric (${count}); fix the value, add it to ${n.option('missingValues')} if it means "missing", or set ${n.option('categorical')}: 'codes' or 'onehot' to treat the column as categories`,
    { file: table.source, line: lineOf(table, row), column: col.name, value, option: 'missingValues' },
  );
}

function categoricalError(table: Table, col: Column): DiscernError {
  if (otherwiseNumeric(col)) return typoError(table, col);
  const cats = categoriesOf(col);
  return new DiscernError(
    'DATA_INVALID',
    (n) =>
      `feature column ${columnLabel(col.name)} of ${table.source} is categorical (${cats.length} values: ${listNames(cats, 8)}); set ${n.option('categorical')}: 'onehot' or 'codes' to encode it, or leave it out of ${n.option('features')}`,
    { file: table.source, column: col.name, categories: cats.slice(0, 50), option: 'categorical' },
  );
}

function nonFiniteError(table: Table, col: Column): DiscernError {
  let r = 0;
  while (col.isMissing(r) || !Number.isNaN(col.numeric![r]!)) r++;
  const value = col.text(r)!;
  return new DiscernError(
    'DATA_INVALID',
    `${locate(table, r)}, column ${columnLabel(col.name)}: non-finite value ${quote(value)}; every feature value must be a finite number (write a missing value as an empty cell or NA)`,
    { file: table.source, line: lineOf(table, r), column: col.name, value },
  );
}

/** Distinct non-missing values in code-unit order (numpy.unique order for strings). */
function categoriesOf(col: Column): string[] {
  const set = new Set<string>();
  for (const s of col.raw) if (s !== null) set.add(s);
  return [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function featureColumn(table: Table, name: string): Column {
  const col = columnsByName(table).get(name);
  if (col) return col;
  const names = table.columns.map((c) => c.name);
  const near = closestName(name, names);
  throw new DiscernError(
    'DATA_INVALID',
    (n) =>
      `feature column ${columnLabel(name)} (in ${n.option('features')}) is not in ${table.source}${near ? ` (did you mean ${columnLabel(near)}?)` : ''}; available columns: ${listNames(names, 40)}`,
    { file: table.source, column: name, available: names.slice(0, 64), option: 'features', ...(near ? { suggestion: near } : {}) },
  );
}

function roleClash(name: string, role: 'label' | 'weight'): DiscernError {
  return new DiscernError(
    'DATA_INVALID',
    (n) => `column ${columnLabel(name)} is the ${role} column (${n.option(role)}) and cannot also be a feature; leave it out of ${n.option('features')}`,
    { column: name, option: 'features' },
  );
}

/** Decides which columns become features and how (numeric, codes, one-hot), checking every cell that will be used. */
export function planFeatures(table: Table, options: BuildDatasetOptions, exclude: readonly (Column | undefined)[]): FeaturePlan {
  const policy = options.categorical ?? 'error';
  const excluded = new Set(exclude.filter((c): c is Column => c !== undefined));
  let encodings: FeatureEncoding[];
  if (options.encodings) {
    encodings = options.encodings.map((e) => ({ ...e }));
  } else {
    let cols: Column[];
    if (options.features) {
      const seen = new Set<string>();
      cols = options.features.map((name) => {
        if (seen.has(name))
          throw new DiscernError('DATA_INVALID', (n) => `feature ${columnLabel(name)} is listed twice in ${n.option('features')}; list each column once`, {
            column: name,
            option: 'features',
          });
        seen.add(name);
        const col = featureColumn(table, name);
        if (excluded.has(col)) throw roleClash(name, options.label === name ? 'label' : 'weight');
        return col;
      });
    } else {
      cols = table.columns.filter((c) => {
        if (excluded.has(c)) return false;
        if (c.kind === 'numeric' || policy !== 'error') return true;
        if (otherwiseNumeric(c)) throw typoError(table, c);
        return false; // a genuinely categorical column is not a default feature unless encoding is asked for
      });
      if (cols.length === 0) {
        const names = listNames(table.columns.map((c) => c.name));
        throw new DiscernError(
          'DATA_INVALID',
          (n) =>
            `${table.source} has no numeric feature columns besides the label and weight (columns: ${names}); list the features in ${n.option('features')}, or set ${n.option('categorical')}: 'onehot' or 'codes'`,
          { file: table.source, option: 'features' },
        );
      }
    }
    encodings = cols.map((c): FeatureEncoding => {
      if (c.kind === 'numeric') return { column: c.name, kind: 'numeric' };
      if (policy === 'error') throw categoricalError(table, c);
      return { column: c.name, kind: policy, categories: categoriesOf(c) };
    });
  }

  const columns: Column[] = [];
  const featureNames: string[] = [];
  for (const e of encodings) {
    const col = featureColumn(table, e.column);
    if (excluded.has(col)) throw roleClash(col.name, options.label === col.name ? 'label' : 'weight');
    if (e.kind === 'numeric') {
      if (col.kind !== 'numeric') throw otherwiseNumeric(col) ? typoError(table, col) : categoricalError(table, col);
      if (col.nonFinite > 0) throw nonFiniteError(table, col);
      featureNames.push(col.name);
    } else if (e.kind === 'codes') featureNames.push(col.name);
    else for (const cat of e.categories) featureNames.push(`${col.name}=${cat}`);
    columns.push(col);
  }
  return { columns, encodings, featureNames };
}

/** The feature matrix of the given table rows, per the plan. Missing cells are NaN (the policy was applied before). */
export function fillFeatures(table: Table, plan: FeaturePlan, rows: Int32Array): DenseMatrix {
  const n = rows.length;
  const p = plan.featureNames.length;
  const X = zeros(n, p);
  const d = X.data;
  let j0 = 0;
  plan.encodings.forEach((e, c) => {
    const col = plan.columns[c]!;
    if (e.kind === 'numeric') {
      const v = col.numeric!;
      for (let k = 0; k < n; k++) d[k * p + j0] = v[rows[k]!]!;
      j0 += 1;
      return;
    }
    const index = new Map(e.categories.map((cat, i) => [cat, i]));
    const width = e.kind === 'codes' ? 1 : e.categories.length;
    for (let k = 0; k < n; k++) {
      const r = rows[k]!;
      const s = col.text(r);
      const base = k * p + j0;
      if (s === null) {
        for (let t = 0; t < width; t++) d[base + t] = NaN;
        continue;
      }
      const i = index.get(s);
      if (i === undefined)
        throw new DiscernError(
          'DATA_INVALID',
          `${locate(table, r)}, column ${columnLabel(col.name)}: category ${quote(s)} was not seen when the encoding was made (in the training data); known categories: ${listNames(e.categories)}`,
          { file: table.source, line: lineOf(table, r), column: col.name, value: s, categories: e.categories.slice(0, 64) },
        );
      if (e.kind === 'codes') d[base] = i;
      else d[base + i] = 1;
    }
    j0 += width;
  });
  return X;
}
