import { DiscernError } from '@discern/core';
import { type ArrayColumn } from './expr/evaluate.js';
import { type MissingTokens, columnLabel, isNonFiniteLiteral, listNames, missingSet, strictNumber } from './csv/cells.js';

export type ColumnKind = 'numeric' | 'categorical';

/**
 * One column of a Table. The exact cell text is kept (trimmed; null where missing) so that every later error can
 * quote the offending value and its line; numeric columns read from CSV keep it compactly (see ColumnBuilder) and
 * make `raw` only when asked for it.
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
  /**
   * Cell text after trimming, null where the cell is missing. For a numeric column read from a file this array is
   * made on first use (one string per cell): prefer `text(row)` and `isMissing(row)` where a few cells are needed.
   */
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
  /** The text of one cell (trimmed; null where missing), without making `raw`. */
  text(row: number): string | null;
  /** Whether a cell is missing. */
  isMissing(row: number): boolean;
}

export interface Table {
  /** The file name (or 'inline rows') that messages name. */
  readonly source: string;
  readonly columns: Column[];
  readonly nRows: number;
  /** 1-based line in the source file where each row starts (the header is line 1 in a plain file); null for inline rows. */
  readonly lines: Int32Array | null;
  /**
   * Columns of several values per row (a ROOT branch `Muon_Px[NMuon]`): read by expressions, by element
   * (`Muon_Px[0]`) or reduced (`length(Muon_Px)`), never as features themselves.
   */
  readonly arrays?: readonly ArrayColumn[];
  /**
   * The files of a table read from several (`train: [a.parquet, b.parquet]`): each one's name and first row, in
   * order, so that a row is located in its own file.
   */
  readonly parts?: readonly TablePart[];
  /** What a row is called in messages: `row` (default, 1-based) or `entry` (a ROOT tree, 0-based); CSV rows have `lines`. */
  readonly rowNoun?: 'row' | 'entry';
  /**
   * The 0-based row (entry) of each row in its own file, once rows have been cut or subset: messages say where a row
   * is in the file, not in the table. Absent: row i of a file is row i (minus its part's start).
   */
  readonly fileRows?: Int32Array;
  /** Every column of the file, when only some were read (Parquet, ROOT): for "did you mean" and lists of columns. */
  readonly available?: readonly string[];
}

/** One file of a table read from several. */
export interface TablePart {
  readonly source: string;
  /** Index of its first row in the table. */
  readonly start: number;
  /** Its rows are ROOT entries (counted from 0 in messages). */
  readonly entries?: boolean;
  /** Its rows have file lines (`lines` of the table). */
  readonly lines?: boolean;
}

/** The part of a table that holds row `row` (binary search over the parts' first rows). */
function partOf(parts: readonly TablePart[], row: number): TablePart {
  let lo = 0, hi = parts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (parts[mid]!.start <= row) lo = mid;
    else hi = mid - 1;
  }
  return parts[lo]!;
}

/** Where row `row` of the table is, for messages: `magic.csv line 17` or `inline rows, row 3`. */
export function locate(table: Pick<Table, 'source' | 'lines'> & Partial<Pick<Table, 'parts' | 'rowNoun' | 'fileRows'>>, row: number): string {
  if (table.parts && table.parts.length > 0) {
    const part = partOf(table.parts, row);
    if (part.lines && table.lines) return `${part.source} line ${table.lines[row]}`;
    const r = table.fileRows ? table.fileRows[row]! : row - part.start;
    return part.entries ? `${part.source} entry ${r}` : `${part.source}, row ${r + 1}`;
  }
  if (table.lines) return `${table.source} line ${table.lines[row]}`;
  const r = table.fileRows ? table.fileRows[row]! : row;
  if (table.rowNoun === 'entry') return `${table.source} entry ${r}`;
  return `${table.source}, row ${r + 1}`;
}

/** The line (or, without lines, the 1-based row number in its file) of a table row, for error contexts. */
export function lineOf(table: Pick<Table, 'lines'> & Partial<Pick<Table, 'fileRows'>>, row: number): number {
  return table.lines ? table.lines[row]! : table.fileRows ? table.fileRows[row]! + 1 : row + 1;
}

const indexes = new WeakMap<Table, ReadonlyMap<string, Column>>();

/** The columns of a table by name, made once per table: looking up every column of a wide file stays linear. */
export function columnsByName(table: Table): ReadonlyMap<string, Column> {
  let index = indexes.get(table);
  if (index === undefined || index.size !== table.columns.length) {
    const m = new Map<string, Column>();
    for (const c of table.columns) if (!m.has(c.name)) m.set(c.name, c);
    index = m;
    indexes.set(table, m);
  }
  return index;
}

export function findColumn(table: Table, name: string): Column | undefined {
  return columnsByName(table).get(name);
}

interface ColumnStats {
  readonly missing: number;
  readonly nonFinite: number;
  readonly textCells: number;
  readonly firstText?: { readonly row: number; readonly value: string } | undefined;
}

/**
 * The exact text of a numeric column's cells without a string per cell: the values, and per cell a code saying how
 * its text is spelt: `values[r].toFixed(code)` for codes 0..15, `String(values[r])`, missing, or kept verbatim in
 * `extra` (non-finite literals and unusual spellings such as `+1`, `1E3`, `007`).
 */
interface CompactText {
  readonly values: Float64Array;
  readonly codes: Uint8Array;
  readonly extra: ReadonlyMap<number, string>;
}

const SHORTEST = 16; // String(value)
const MISSING = 254;
const VERBATIM = 255; // in extra

function decode(t: CompactText, row: number): string | null {
  const c = t.codes[row]!;
  if (c < SHORTEST) return t.values[row]!.toFixed(c);
  if (c === SHORTEST) return String(t.values[row]!);
  if (c === MISSING) return null;
  return t.extra.get(row)!;
}

function decodeAll(t: CompactText, n: number): (string | null)[] {
  const out = new Array<string | null>(n);
  for (let r = 0; r < n; r++) out[r] = decode(t, r);
  return out;
}

class TableColumn implements Column {
  readonly name: string;
  readonly index: number;
  readonly kind: ColumnKind;
  declare readonly numeric?: Float64Array;
  readonly missing: number;
  readonly nonFinite: number;
  readonly textCells: number;
  declare readonly firstText?: { readonly row: number; readonly value: string };
  #raw: (string | null)[] | undefined;
  #compact: CompactText | undefined;
  readonly #n: number;

  constructor(name: string, index: number, n: number, stats: ColumnStats, cells: (string | null)[] | CompactText, numeric: Float64Array | undefined) {
    this.name = name;
    this.index = index;
    this.kind = numeric ? 'numeric' : 'categorical';
    if (numeric) (this as { numeric?: Float64Array }).numeric = numeric;
    this.missing = stats.missing;
    this.nonFinite = stats.nonFinite;
    this.textCells = stats.textCells;
    if (stats.firstText) (this as { firstText?: ColumnStats['firstText'] }).firstText = stats.firstText;
    this.#n = n;
    if (Array.isArray(cells)) this.#raw = cells;
    else this.#compact = cells;
  }

  get raw(): (string | null)[] {
    if (!this.#raw) {
      this.#raw = decodeAll(this.#compact!, this.#n);
      this.#compact = undefined;
    }
    return this.#raw;
  }

  text(row: number): string | null {
    if (this.#raw) return this.#raw[row]!;
    return decode(this.#compact!, row);
  }

  isMissing(row: number): boolean {
    if (this.#raw) return this.#raw[row] === null;
    return this.#compact!.codes[row] === MISSING;
  }
}

/** Types one column from its cells (already trimmed; null = missing). */
export function buildColumn(name: string, index: number, raw: (string | null)[]): Column {
  const b = new ColumnBuilder(name, index);
  for (const s of raw) b.push(s);
  return b.finish();
}

/** 10^0 … 10^15, each exact in a double. */
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

/** The value of the cell fixedCode last accepted (a second result without an object per cell). */
let fixedValue = 0;

/**
 * The code of a plain decimal `s` whose text is exactly `Number(s).toFixed(code)`, else -1: an optional `-`, an
 * integer part without leading zeros, an optional fraction of at least one digit, at most 15 digits in all (so the
 * double nearest to s rounds back to s at that many fraction digits), and no `-` on a zero (toFixed drops it).
 * Its value is left in `fixedValue`: the digits as an integer M < 10^15 over 10^code, both exact in a double, so the
 * one rounding of the division gives the double nearest to s — what Number(s) gives (Clinger's fast path), cheaper.
 */
function fixedCode(s: string): number {
  const n = s.length;
  let i = 0;
  const neg = s.charCodeAt(0) === 45; // -
  if (neg) i = 1;
  const start = i;
  let nonZero = false;
  let m = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    if (c !== 48) nonZero = true;
    m = m * 10 + (c - 48);
    i++;
  }
  const intDigits = i - start;
  if (intDigits === 0 || (intDigits > 1 && s.charCodeAt(start) === 48)) return -1;
  if (i === n) {
    if (intDigits > 15 || (neg && !nonZero)) return -1;
    fixedValue = neg ? -m : m;
    return 0;
  }
  if (s.charCodeAt(i) !== 46) return -1; // .
  const fracStart = ++i;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    if (c !== 48) nonZero = true;
    m = m * 10 + (c - 48);
    i++;
  }
  const frac = n - fracStart;
  if (frac === 0 || intDigits + frac > 15 || (neg && !nonZero)) return -1;
  const v = m / POW10[frac]!;
  fixedValue = neg ? -v : v;
  return frac;
}

const MAX_INTERNED = 10_000;
const NUMBER_TEXT = 0;
const NON_FINITE_TEXT = 1;
const PLAIN_TEXT = 2;
const INITIAL_ROWS = 8;
/** The `extra` of a column that has none (shared, never written: the first verbatim cell makes a column its own map). */
const EMPTY_EXTRA: Map<number, string> = new Map();

/** The first n elements of a growable array: a view when little is wasted (no copy of a large column), else a copy. */
export function fit<T extends Float64Array | Uint8Array | Int32Array>(a: T, n: number): T {
  if (a.length === n) return a;
  return (a.length - n <= a.length >> 3 ? a.subarray(0, n) : a.slice(0, n)) as T;
}

/**
 * Builds a Column one cell at a time (rows in order), keeping a numeric column as Float64 values plus one code byte
 * per cell (CompactText) instead of a string per cell: a 2-million-row numeric column takes 18 MB, not ~100 MB.
 * A column switches to strings at its first cell that is not a number (it is then categorical), or when more than
 * one cell in 16 has an unusual spelling (kept verbatim). Repeated strings of a categorical column share one copy.
 */
export class ColumnBuilder {
  private n = 0;
  // small to start with: a file of 200,000 columns has as many builders (they double as rows come)
  private values: Float64Array | undefined = new Float64Array(INITIAL_ROWS);
  private codes: Uint8Array | undefined = new Uint8Array(INITIAL_ROWS);
  private extra: Map<number, string> | undefined = EMPTY_EXTRA;
  private strings: (string | null)[] | undefined;
  private interned: Map<string, { readonly text: string; readonly kind: number }> | undefined;
  private missing = 0;
  private nonFinite = 0;
  private textCells = 0;
  private firstText: { row: number; value: string } | undefined;

  constructor(
    private readonly name: string,
    private readonly index: number,
  ) {}

  push(s: string | null): void {
    const i = this.n++;
    if (this.textCells > 0) {
      this.pushText(s);
      return;
    }
    let values = this.values!;
    if (i === values.length) values = this.grow();
    if (s === null) {
      this.missing++;
      values[i] = NaN;
      if (this.strings) this.strings.push(null);
      else this.codes![i] = MISSING;
      return;
    }
    if (this.strings) {
      // numeric so far, with texts kept as strings
      const v = strictNumber(s);
      if (v !== v) {
        if (!isNonFiniteLiteral(s)) return this.becomeText(i, s);
        this.nonFinite++;
      }
      values[i] = v;
      this.strings.push(s);
      return;
    }
    const code = fixedCode(s);
    if (code >= 0) {
      values[i] = fixedValue;
      this.codes![i] = code;
      return;
    }
    const v = strictNumber(s);
    if (v !== v) {
      if (!isNonFiniteLiteral(s)) return this.becomeText(i, s);
      this.nonFinite++;
    }
    values[i] = v;
    if (v === v && String(v) === s) {
      this.codes![i] = SHORTEST;
      return;
    }
    this.codes![i] = VERBATIM;
    let extra = this.extra!;
    if (extra === EMPTY_EXTRA) this.extra = extra = new Map();
    extra.set(i, s);
    if (extra.size > 4096 && extra.size > this.n >> 4) {
      // unusual spellings are common in this column: keep strings (decodeAll reads only rows 0..i)
      this.strings = decodeAll({ values, codes: this.codes!, extra }, i + 1);
      this.codes = undefined;
      this.extra = undefined;
    }
  }

  private grow(): Float64Array {
    const size = this.values!.length * 2;
    const values = new Float64Array(size);
    values.set(this.values!);
    this.values = values;
    if (this.codes) {
      const codes = new Uint8Array(size);
      codes.set(this.codes);
      this.codes = codes;
    }
    return values;
  }

  /** Cell `i` is text: the column is categorical from here on; earlier cells become strings. */
  private becomeText(i: number, s: string): void {
    this.strings ??= decodeAll({ values: this.values!, codes: this.codes!, extra: this.extra! }, i);
    this.values = undefined;
    this.codes = undefined;
    this.extra = undefined;
    this.interned = new Map();
    this.pushText(s);
  }

  private pushText(s: string | null): void {
    const strings = this.strings!;
    if (s === null) {
      this.missing++;
      strings.push(null);
      return;
    }
    const interned = this.interned!;
    let known = interned.get(s);
    if (known === undefined) {
      // what the cell is, worked out once per distinct text (a label column repeats a few texts millions of times)
      const kind = !Number.isNaN(strictNumber(s)) ? NUMBER_TEXT : isNonFiniteLiteral(s) ? NON_FINITE_TEXT : PLAIN_TEXT;
      known = { text: s, kind };
      if (interned.size < MAX_INTERNED) interned.set(s, known);
    }
    strings.push(known.text);
    if (known.kind === NON_FINITE_TEXT) this.nonFinite++;
    else if (known.kind === PLAIN_TEXT) {
      this.textCells++;
      this.firstText ??= { row: strings.length - 1, value: s };
    }
  }

  finish(): Column {
    const n = this.n;
    const stats: ColumnStats = { missing: this.missing, nonFinite: this.nonFinite, textCells: this.textCells, firstText: this.firstText };
    if (this.textCells > 0) return new TableColumn(this.name, this.index, n, stats, this.strings!, undefined);
    const values = fit(this.values!, n);
    if (this.strings) return new TableColumn(this.name, this.index, n, stats, this.strings, values);
    const codes = fit(this.codes!, n);
    return new TableColumn(this.name, this.index, n, stats, { values, codes, extra: this.extra! }, values);
  }
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
      throw new DiscernError('DATA_INVALID', `${source}: duplicate column name ${columnLabel(name)} (columns ${prev + 1} and ${j + 1} of the header, line 1); column names must be unique`, {
        file: source,
        line: 1,
        column: name,
      });
    seen.set(name, j);
  });
}

export type RecordValue = string | number | boolean | null | undefined;

function cellText(v: RecordValue, missing: MissingTokens): string | null {
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
      throw new DiscernError('INVALID_ARGUMENT', (n) => `${source}: rows given as arrays need column names (${n.option('columns')}: [...])`, { file: source, option: 'columns' });
    names = [...columns];
  } else if (columns) names = [...columns];
  else {
    // Union of keys in first-seen order, so a key missing from some rows becomes a missing cell there.
    const seen = new Set<string>();
    for (const r of records as readonly Record<string, RecordValue>[]) for (const k of Object.keys(r)) seen.add(k);
    names = [...seen];
  }
  checkHeader(names, source);
  const known = new Set(names);
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
        if (!known.has(k))
          throw new DiscernError('DATA_INVALID', `${source}, row ${i + 1} has a value for ${columnLabel(k)}, which is not one of the columns ${listNames(names)}`, {
            file: source,
            row: i + 1,
            column: k,
          });
      for (let j = 0; j < names.length; j++) cells[j]![i] = cellText(r[names[j]!], missing);
    }
  });
  return { source, columns: names.map((name, j) => buildColumn(name, j, cells[j]!)), nRows: records.length, lines: null };
}

/** A numeric column of typed values: the text of a cell made when asked (String(value)), no byte per cell kept. */
class ValuesColumn implements Column {
  readonly kind: ColumnKind = 'numeric';
  readonly textCells = 0;
  #raw: (string | null)[] | undefined;

  constructor(
    readonly name: string,
    readonly index: number,
    readonly numeric: Float64Array,
    /** 1 where the cell is missing; null when none is. */
    private readonly mask: Uint8Array | null,
    /** Cells holding ±Infinity (their value is NaN, as a non-finite literal's): their text. */
    private readonly infinite: ReadonlyMap<number, string>,
    readonly missing: number,
  ) {}

  get nonFinite(): number {
    return this.infinite.size;
  }

  text(row: number): string | null {
    if (this.mask !== null && this.mask[row] === 1) return null;
    const inf = this.infinite.size > 0 ? this.infinite.get(row) : undefined;
    return inf ?? String(this.numeric[row]!);
  }

  isMissing(row: number): boolean {
    return this.mask !== null && this.mask[row] === 1;
  }

  get raw(): (string | null)[] {
    if (!this.#raw) {
      const n = this.numeric.length;
      const out = new Array<string | null>(n);
      for (let r = 0; r < n; r++) out[r] = this.text(r);
      this.#raw = out;
    }
    return this.#raw;
  }
}

/**
 * A numeric Column from typed values (a Parquet column, a ROOT branch): each cell's text is String(value), the
 * shortest decimal that reads back as the same double, so it types and prints as the same number written in a CSV
 * file would. A cell is missing where `missing[row]` is set, and also where the value is NaN (pandas' missing float);
 * ±Infinity is a non-finite value, an error where the column is used, as `inf` in a CSV file is. The values array is
 * the column's own (NaN written where a cell is missing or infinite).
 */
export function numericColumn(name: string, index: number, values: Float64Array, missing?: Uint8Array | null): Column {
  const n = values.length;
  let mask: Uint8Array | null = missing ?? null;
  let nMissing = 0;
  const infinite = new Map<number, string>();
  for (let r = 0; r < n; r++) {
    const v = values[r]!;
    if (v - v !== 0) {
      // NaN or ±Infinity (v − v is NaN for both): rare, so the test costs one subtraction per cell
      if (v !== v || (mask !== null && mask[r] === 1)) {
        (mask ??= new Uint8Array(n))[r] = 1;
        values[r] = NaN;
      } else {
        infinite.set(r, String(v));
        values[r] = NaN;
      }
    } else if (mask !== null && mask[r] === 1) values[r] = NaN;
  }
  if (mask !== null) for (let r = 0; r < n; r++) nMissing += mask[r]!;
  return new ValuesColumn(name, index, values, mask, infinite, nMissing);
}

/** A Column from cell texts (null = missing), typed by the rules of CSV cells (numbers, non-finite literals, text). */
export function textColumn(name: string, index: number, cells: readonly (string | null)[], missing?: { has(s: string): boolean }): Column {
  const b = new ColumnBuilder(name, index);
  for (const s of cells) b.push(s === null ? null : missing && missing.has(s.trim()) ? null : s.trim());
  return b.finish();
}
