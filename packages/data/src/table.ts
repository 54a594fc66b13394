import { DiscernError } from '@discern/linalg';
import { isNonFiniteLiteral, listNames, missingSet, strictNumber } from './csv/cells.js';

export type ColumnKind = 'numeric' | 'categorical';

/**
 * One column of a Table. Raw cell text is kept (trimmed; null where missing) so that every later error can
 * quote the offending value and its line.
 */
export interface Column {
  readonly name: string;
  /** 0-based position in the header. */
  readonly index: number;
  /**
   * `numeric` when every non-missing cell is a number (finite, or a non-finite literal such as `NaN`, `inf`);
   * otherwise `categorical`.
   */
  readonly kind: ColumnKind;
  /** Cell text after trimming, null where the cell is missing. */
  readonly raw: (string | null)[];
  /** Numeric columns only: the values, NaN where missing or a non-finite literal. */
  readonly numeric?: Float64Array;
  /** Missing cells. */
  readonly missing: number;
  /** Numeric columns: cells that are non-finite literals (`NaN`, `inf`, `1e999`), an error when the column is used. */
  readonly nonFinite: number;
  /** Non-missing cells that are not numbers (0 for a numeric column). */
  readonly textCells: number;
  /** Categorical columns: the first cell that is not a number (row index and value), for "otherwise numeric" messages. */
  readonly firstText?: { readonly row: number; readonly value: string };
}

export interface Table {
  /** The file name (or 'inline rows') that messages name. */
  readonly source: string;
  readonly columns: Column[];
  readonly nRows: number;
  /** 1-based line in the source file where each row starts (the header is line 1 in a plain file); null for inline rows. */
  readonly lines: Int32Array | null;
}

/** Where row `row` of the table is, for messages: `magic.csv line 17` or `inline rows, row 3`. */
export function locate(table: Pick<Table, 'source' | 'lines'>, row: number): string {
  if (table.lines) return `${table.source} line ${table.lines[row]}`;
  return `${table.source}, row ${row + 1}`;
}

/** The line (or, for inline rows, 1-based row number) of a table row, for error contexts. */
export function lineOf(table: Pick<Table, 'lines'>, row: number): number {
  return table.lines ? table.lines[row]! : row + 1;
}

export function findColumn(table: Table, name: string): Column | undefined {
  return table.columns.find((c) => c.name === name);
}

/** Types one column from its cells (already trimmed; null = missing). */
export function buildColumn(name: string, index: number, raw: (string | null)[]): Column {
  const n = raw.length;
  const values = new Float64Array(n);
  let missing = 0, nonFinite = 0, textCells = 0;
  let firstText: { row: number; value: string } | undefined;
  for (let i = 0; i < n; i++) {
    const s = raw[i]!;
    if (s === null) {
      missing++;
      values[i] = NaN;
      continue;
    }
    const v = strictNumber(s);
    values[i] = v;
    if (v !== v) {
      if (isNonFiniteLiteral(s)) nonFinite++;
      else {
        textCells++;
        firstText ??= { row: i, value: s };
      }
    }
  }
  if (textCells === 0) return { name, index, kind: 'numeric', raw, numeric: values, missing, nonFinite, textCells };
  return { name, index, kind: 'categorical', raw, missing, nonFinite, textCells, ...(firstText ? { firstText } : {}) };
}

/** Rejects empty and duplicate column names (a header is required and names must be unique). */
export function checkHeader(names: readonly string[], source: string): void {
  const seen = new Map<string, number>();
  names.forEach((name, j) => {
    if (name === '')
      throw new DiscernError('DATA_INVALID', `${source}: column ${j + 1} of the header has an empty name; every column needs a name in the header row (line 1)`, {
        file: source,
        line: 1,
        column: j + 1,
      });
    const prev = seen.get(name);
    if (prev !== undefined)
      throw new DiscernError('DATA_INVALID', `${source}: duplicate column name '${name}' (columns ${prev + 1} and ${j + 1} of the header); column names must be unique`, {
        file: source,
        line: 1,
        column: name,
      });
    seen.set(name, j);
  });
}

export type RecordValue = string | number | boolean | null | undefined;

function cellText(v: RecordValue, missing: ReadonlySet<string>): string | null {
  if (v === null || v === undefined) return null;
  const s = typeof v === 'string' ? v.trim() : String(v);
  return missing.has(s) ? null : s;
}

/**
 * A Table from inline rows (the `rows:` of a YAML config, e.g. a NAND truth table): objects keyed by column name, or
 * arrays with `columns` naming them. Values are typed by the same rules as CSV cells; null/undefined are missing.
 */
export function tableFromRecords(
  records: readonly Record<string, RecordValue>[] | readonly (readonly RecordValue[])[],
  columns?: readonly string[],
  source = 'inline rows',
  options: { missingValues?: readonly string[] } = {},
): Table {
  const missing = missingSet(options.missingValues);
  if (records.length === 0) throw new DiscernError('DATA_INVALID', `${source}: no data rows`, { file: source });
  const arrays = Array.isArray(records[0]);
  let names: string[];
  if (arrays) {
    if (!columns)
      throw new DiscernError('INVALID_ARGUMENT', `${source}: rows given as arrays need column names (columns: [...])`, { file: source });
    names = [...columns];
  } else if (columns) names = [...columns];
  else {
    // Union of keys in first-seen order, so a key missing from some rows becomes a missing cell there.
    const seen = new Set<string>();
    for (const r of records as readonly Record<string, RecordValue>[]) for (const k of Object.keys(r)) seen.add(k);
    names = [...seen];
  }
  checkHeader(names, source);
  const cells: (string | null)[][] = names.map(() => new Array<string | null>(records.length));
  records.forEach((rec, i) => {
    if (Array.isArray(rec) !== arrays)
      throw new DiscernError('DATA_INVALID', `${source}, row ${i + 1}: mixes arrays and objects; give every row in the same form`, { file: source, row: i + 1 });
    if (arrays) {
      const r = rec as readonly RecordValue[];
      if (r.length !== names.length)
        throw new DiscernError('DATA_INVALID', `${source}, row ${i + 1} has ${r.length} values, expected ${names.length} (${listNames(names)})`, {
          file: source,
          row: i + 1,
        });
      for (let j = 0; j < names.length; j++) cells[j]![i] = cellText(r[j], missing);
    } else {
      const r = rec as Record<string, RecordValue>;
      for (const k of Object.keys(r))
        if (!names.includes(k))
          throw new DiscernError('DATA_INVALID', `${source}, row ${i + 1} has a value for '${k}', which is not one of the columns ${listNames(names)}`, {
            file: source,
            row: i + 1,
            column: k,
          });
      for (let j = 0; j < names.length; j++) cells[j]![i] = cellText(r[names[j]!], missing);
    }
  });
  return { source, columns: names.map((name, j) => buildColumn(name, j, cells[j]!)), nRows: records.length, lines: null };
}
