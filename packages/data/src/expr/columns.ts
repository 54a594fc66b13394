import { type Dataset } from '../dataset.js';
import { type Table, columnsByName } from '../table.js';
import { type ArrayColumn, type CompileOptions, type ExpressionColumns, compileExpression, plainColumns } from './evaluate.js';

/** A table's columns for expressions: numeric and text columns, and its array columns (ROOT branches of arrays). */
export function tableColumns(table: Table): ExpressionColumns {
  const byName = columnsByName(table);
  const arrays = new Map<string, ArrayColumn>((table.arrays ?? []).map((a) => [a.name, a]));
  const names = [...table.columns.map((c) => c.name), ...arrays.keys()];
  // columns of the file that were not read are named in suggestions too
  for (const a of table.available ?? []) if (!names.includes(a)) names.push(a);
  return {
    rows: table.nRows,
    source: table.source,
    names: () => names,
    kind: (name) => {
      const c = byName.get(name);
      if (c) return c.kind;
      return arrays.has(name) ? 'array' : undefined;
    },
    numeric: (name) => byName.get(name)!.numeric!,
    array: (name) => arrays.get(name)!,
  };
}

/** A dataset's features for expressions, by feature name (each column copied out of the row-major matrix once, when read). */
export function datasetColumns(ds: Dataset): ExpressionColumns {
  const { rows, cols, data } = ds.X;
  const index = new Map(ds.featureNames.map((f, j) => [f, j]));
  const cache = new Map<string, Float64Array>();
  return {
    rows,
    source: ds.source,
    names: () => ds.featureNames,
    kind: (name) => (index.has(name) ? 'numeric' : undefined),
    numeric: (name) => {
      let c = cache.get(name);
      if (!c) {
        const j = index.get(name)!;
        c = new Float64Array(rows);
        for (let i = 0; i < rows; i++) c[i] = data[i * cols + j]!;
        cache.set(name, c);
      }
      return c;
    },
    array: () => {
      throw new Error('a dataset has no array columns');
    },
  };
}

function isTable(x: unknown): x is Table {
  return typeof x === 'object' && x !== null && Array.isArray((x as Table).columns) && typeof (x as Table).nRows === 'number';
}

function isDataset(x: unknown): x is Dataset {
  return typeof x === 'object' && x !== null && Array.isArray((x as Dataset).featureNames) && typeof (x as Dataset).X === 'object';
}

/**
 * What an expression reads, from a Table (its columns and array columns), a Dataset (its features by name), or plain
 * columns (`{ Event: Float64Array, Jet_Px: { offsets, values } }`).
 */
export function expressionColumns(data: ExpressionData): ExpressionColumns {
  if (isExpressionColumns(data)) return data;
  if (isTable(data)) return tableColumns(data);
  if (isDataset(data)) return datasetColumns(data);
  return plainColumns(data as Readonly<Record<string, Float64Array | ArrayColumn>>);
}

/** What an expression can be evaluated over. */
export type ExpressionData = ExpressionColumns | Table | Dataset | Readonly<Record<string, Float64Array | ArrayColumn>>;

function isExpressionColumns(x: unknown): x is ExpressionColumns {
  return typeof x === 'object' && x !== null && typeof (x as ExpressionColumns).names === 'function' && typeof (x as ExpressionColumns).kind === 'function';
}

/**
 * An expression's value on every row of a table, a dataset (its features by name) or plain columns: compiled
 * (checked against the columns, errors naming the character position) and evaluated column at a time. For one
 * expression over many batches, compile once with compileExpression and call `evaluate` per batch.
 *
 *     evaluateExpression('Event % 5', table)        // a fold number per row
 *     evaluateExpression('pt1 > 20 && abs(eta1) < 2.4', { pt1, eta1 })
 */
export function evaluateExpression(expression: string, data: ExpressionData, options: CompileOptions = {}): Float64Array {
  const columns = expressionColumns(data);
  return compileExpression(expression, columns, options).evaluate(columns);
}
