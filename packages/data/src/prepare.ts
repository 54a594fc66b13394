/**
 * What happens to a table between reading and the Dataset: derived columns by expression (`data.define`), a
 * preselection cut (`data.cut`, a sample's `cut`), per-event weights by expression, rows kept by index. Each works on
 * whole columns (see expr/evaluate.ts) and keeps every row's place in its file for messages.
 */
import { DiscernError, quote } from '@discern/core';
import { columnLabel } from './csv/cells.js';
import { tableColumns } from './expr/columns.js';
import { type CompiledExpression, compileExpression } from './expr/evaluate.js';
import { type ParsedExpression } from './expr/parse.js';
import { type Column, type Table, type TablePart, columnsByName, lineOf, locate, numericColumn, textColumn } from './table.js';

export interface Definition {
  /** The new column's name. */
  readonly name: string;
  /** Its expression (text, or parsed already). */
  readonly expression: string | ParsedExpression;
  /** How messages name it (`data.define.M_calc`). */
  readonly what?: string;
}

export interface DefineResult {
  readonly table: Table;
  /** Per definition, in order: the rows where it is not a finite number (NaN or ±Infinity: a missing value). */
  readonly nonFinite: readonly number[];
}

/**
 * Adds a column per definition, in order, each computed over the table as it stands (a later definition may use an
 * earlier one). A value that is not finite (the square root of a negative number, a division by zero, a missing
 * input) is a missing value of the new column, left to the missing-value policy where the column is used, and
 * counted. A name that is a column already is DATA_INVALID (a definition never replaces data silently).
 */
export function applyDefines(table: Table, definitions: readonly Definition[]): DefineResult {
  let t = table;
  const nonFinite: number[] = [];
  for (const d of definitions) {
    const what = d.what ?? `the definition of ${columnLabel(d.name)}`;
    const names = tableColumns(t);
    if (names.kind(d.name) !== undefined)
      throw new DiscernError(
        'DATA_INVALID',
        `${what} would replace the column ${columnLabel(d.name)} of ${t.source}; give the derived column another name`,
        { file: t.source, column: d.name },
      );
    const values = compileExpression(d.expression, names, { what }).evaluate(names);
    let bad = 0;
    for (let i = 0; i < values.length; i++)
      if (!Number.isFinite(values[i]!)) {
        values[i] = NaN;
        bad++;
      }
    nonFinite.push(bad);
    t = withColumns(t, [numericColumn(d.name, t.columns.length, values)]);
  }
  return { table: t, nonFinite };
}

/** The table with columns added at the end (names not taken: see applyDefines). */
export function withColumns(table: Table, columns: readonly Column[]): Table {
  return { ...table, columns: [...table.columns, ...columns] };
}

export interface CutResult {
  /** The rows kept, ascending. */
  readonly rows: Int32Array;
  /** Rows where the cut is NaN (it reads a missing value): dropped, unless the policy is 'error'. */
  readonly undecided: number;
}

/**
 * The rows that pass a cut: where the expression is true (not 0). Where it cannot be decided (NaN: it reads a
 * missing value), the row is dropped and counted, or, with `missing: 'error'`, DATA_INVALID names the row, the cut
 * and the missing-value policy.
 */
export function cutRows(table: Table, cut: string | ParsedExpression | CompiledExpression, options: { what?: string; missing?: 'error' | 'drop' | 'keep' } = {}): CutResult {
  const what = options.what ?? 'the cut';
  const names = tableColumns(table);
  const compiled = typeof cut === 'object' && 'evaluate' in cut ? cut : compileExpression(cut, names, { what });
  const v = compiled.evaluate(names);
  let kept = 0, undecided = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (x !== x) {
      if ((options.missing ?? 'error') === 'error')
        throw new DiscernError(
          'DATA_INVALID',
          (n) =>
            `${locate(table, i)}: ${what} ${quote(compiled.text, 120)} cannot be decided (it reads a missing or non-finite value); set ${n.option('missing')}: 'drop' to drop such rows, or fix the data`,
          { file: table.source, line: lineOf(table, i), row: i, expression: compiled.text, option: 'missing' },
        );
      undecided++;
    } else if (x !== 0) kept++;
  }
  const rows = new Int32Array(kept);
  for (let i = 0, k = 0; i < v.length; i++) {
    const x = v[i]!;
    if (x === x && x !== 0) rows[k++] = i;
  }
  return { rows, undecided };
}

/** Per-row values of an expression (a weight), checked finite: a row where it is not is DATA_INVALID naming the row. */
export function rowValues(table: Table, expression: string | ParsedExpression, what: string): Float64Array {
  const names = tableColumns(table);
  const compiled = compileExpression(expression, names, { what });
  const v = compiled.evaluate(names);
  for (let i = 0; i < v.length; i++)
    if (!Number.isFinite(v[i]!))
      throw new DiscernError('DATA_INVALID', `${locate(table, i)}: ${what} ${quote(compiled.text, 120)} is ${String(v[i])} there; a weight must be a finite number`, {
        file: table.source,
        line: lineOf(table, i),
        row: i,
        expression: compiled.text,
      });
  return v;
}

function pickColumn(c: Column, rows: Int32Array, index: number): Column {
  if (c.kind === 'numeric' && c.nonFinite === 0) {
    const src = c.numeric!;
    const values = new Float64Array(rows.length);
    let mask: Uint8Array | null = null;
    for (let k = 0; k < rows.length; k++) {
      const r = rows[k]!;
      values[k] = src[r]!;
      if (c.missing > 0 && c.isMissing(r)) (mask ??= new Uint8Array(rows.length))[k] = 1;
    }
    return numericColumn(c.name, index, values, mask);
  }
  const cells = new Array<string | null>(rows.length);
  for (let k = 0; k < rows.length; k++) cells[k] = c.text(rows[k]!);
  return textColumn(c.name, index, cells);
}

/** The rows `rows` (ascending) of a table: columns, array columns, file lines and files follow. */
export function subsetTable(table: Table, rows: Int32Array): Table {
  if (rows.length === table.nRows) return table;
  const columns = table.columns.map((c, j) => pickColumn(c, rows, j));
  const arrays = (table.arrays ?? []).map((a) => {
    let count = 0;
    for (let k = 0; k < rows.length; k++) count += a.offsets[rows[k]! + 1]! - a.offsets[rows[k]!]!;
    const offsets = new Int32Array(rows.length + 1);
    const values = new Float64Array(count);
    let at = 0;
    for (let k = 0; k < rows.length; k++) {
      const r = rows[k]!;
      const s = a.offsets[r]!, e = a.offsets[r + 1]!;
      values.set(a.values.subarray(s, e), at);
      at += e - s;
      offsets[k + 1] = at;
    }
    return { ...a, offsets, values };
  });
  let lines: Int32Array | null = null;
  if (table.lines) {
    lines = new Int32Array(rows.length);
    for (let k = 0; k < rows.length; k++) lines[k] = table.lines[rows[k]!]!;
  }
  let parts: TablePart[] | undefined;
  if (table.parts) {
    // a part's first kept row: the kept rows before its first row
    parts = [];
    let k = 0;
    for (const p of table.parts) {
      while (k < rows.length && rows[k]! < p.start) k++;
      parts.push({ ...p, start: k });
    }
  }
  // each row's place in its file, for messages
  const fileRows = new Int32Array(rows.length);
  const starts = table.parts ? table.parts.map((p) => p.start) : [0];
  for (let k = 0, part = 0; k < rows.length; k++) {
    const r = rows[k]!;
    while (part + 1 < starts.length && starts[part + 1]! <= r) part++;
    fileRows[k] = table.fileRows ? table.fileRows[r]! : r - starts[part]!;
  }
  return {
    ...(table.available ? { available: table.available } : {}),
    fileRows,
    source: table.source,
    columns,
    nRows: rows.length,
    lines,
    ...(arrays.length ? { arrays } : {}),
    ...(parts ? { parts } : {}),
    ...(table.rowNoun ? { rowNoun: table.rowNoun } : {}),
  };
}

/** The named columns of a table, in that order (a name it lacks is ignored: the caller reports it with its own words). */
export function projectTable(table: Table, names: readonly string[]): Table {
  const byName = columnsByName(table);
  const columns = names.map((n) => byName.get(n)).filter((c): c is Column => c !== undefined);
  const arrays = (table.arrays ?? []).filter((a) => names.includes(a.name));
  return { ...table, columns, ...(table.arrays ? { arrays } : {}) };
}
