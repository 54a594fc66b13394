/** A Parquet file's columns: their description, the choice of those a read names, and their values as Columns. */
import { DiscernError } from '@discern/core';
import { type FileMetaData, parquetSchema } from 'hyparquet';
import { closestName, columnLabel, listNames } from '../csv/cells.js';
import { type Column, type Table, numericColumn, textColumn } from '../table.js';

const NUMERIC_TYPES = new Set(['BOOLEAN', 'INT32', 'INT64', 'FLOAT', 'DOUBLE']);

/** One column of the file's schema: its name and whether it is flat and numeric. */
export interface ParquetColumnInfo {
  readonly name: string;
  /** Parquet's physical type (DOUBLE, INT64, BYTE_ARRAY...), and its logical type when there is one (STRING, DATE...). */
  readonly type: string;
  readonly numeric: boolean;
  /** Lists and structs: discern reads flat columns only. */
  readonly nested: boolean;
  readonly nullable: boolean;
}

export function describeSchema(metadata: FileMetaData): ParquetColumnInfo[] {
  const root = parquetSchema(metadata);
  return root.children.map((child) => {
    const el = child.element;
    const nested = child.children.length > 0;
    const logical = el.logical_type?.type ?? el.converted_type;
    const physical = el.type ?? 'GROUP';
    const type = logical !== undefined && String(logical) !== physical ? `${physical} (${String(logical)})` : physical;
    const numericLogical = logical === undefined || ['INTEGER', 'INT_8', 'INT_16', 'INT_32', 'INT_64', 'UINT_8', 'UINT_16', 'UINT_32', 'UINT_64', 'FLOAT16'].includes(String(logical));
    return { name: el.name, type, numeric: !nested && NUMERIC_TYPES.has(physical) && numericLogical, nested, nullable: el.repetition_type !== 'REQUIRED' };
  });
}

export function pickColumns(source: string, info: readonly ParquetColumnInfo[], wanted: readonly string[] | undefined, lenient = false): ParquetColumnInfo[] {
  if (!wanted) return info.filter((c) => !c.nested);
  const byName = new Map(info.map((c) => [c.name, c]));
  return (lenient ? wanted.filter((n) => byName.has(n)) : wanted).map((name) => {
    const c = byName.get(name);
    if (!c) {
      const names = info.map((x) => x.name);
      const near = closestName(name, names);
      throw new DiscernError('DATA_INVALID', `${source} has no column ${columnLabel(name)}${near ? ` (did you mean ${columnLabel(near)}?)` : ''}; its columns are ${listNames(names, 40)}`, {
        file: source,
        column: name,
        available: names.slice(0, 64),
        ...(near ? { suggestion: near } : {}),
      });
    }
    if (c.nested)
      throw new DiscernError('DATA_INVALID', `column ${columnLabel(name)} of ${source} is nested (${c.type}: a list or a struct); discern reads flat columns of numbers or text`, {
        file: source,
        column: name,
        type: c.type,
      });
    return c;
  });
}

/** The values of one column chunk (pages in order) as typed numbers with a missing mask, or as text. */
export function toColumn(info: ParquetColumnInfo, index: number, pages: readonly ArrayLike<unknown>[], rows: number, missing: { has(s: string): boolean }): Column {
  if (info.numeric) {
    const values = new Float64Array(rows);
    let mask: Uint8Array | null = null;
    let at = 0;
    for (const page of pages) {
      if (page instanceof Float64Array) {
        values.set(page.subarray(0, Math.min(page.length, rows - at)), at);
        at += page.length;
        continue;
      }
      const n = page.length;
      for (let i = 0; i < n && at < rows; i++, at++) {
        const v = page[i];
        if (typeof v === 'number') values[at] = v;
        else if (v === null || v === undefined) {
          mask ??= new Uint8Array(rows);
          mask[at] = 1;
        } else values[at] = Number(v as bigint | boolean);
      }
    }
    return numericColumn(info.name, index, values, mask);
  }
  const cells: (string | null)[] = new Array(rows);
  let at = 0;
  for (const page of pages)
    for (let i = 0; i < page.length && at < rows; i++, at++) {
      const v = page[i];
      cells[at] = v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : String(v);
    }
  return textColumn(info.name, index, cells, missing);
}

/** The row groups of one file as one table (their columns are of one schema). */
export function joinGroups(tables: readonly Table[], source: string): Table {
  const total = tables.reduce((s, t) => s + t.nRows, 0);
  const columns = tables[0]!.columns.map((c, j) => {
    if (c.kind === 'numeric' && tables.every((t) => t.columns[j]!.kind === 'numeric' && t.columns[j]!.nonFinite === 0)) {
      const values = new Float64Array(total);
      let mask: Uint8Array | null = null;
      let at = 0;
      for (const t of tables) {
        const x = t.columns[j]!;
        values.set(x.numeric!, at);
        if (x.missing > 0) for (let r = 0; r < t.nRows; r++) if (x.isMissing(r)) (mask ??= new Uint8Array(total))[at + r] = 1;
        at += t.nRows;
      }
      return numericColumn(c.name, j, values, mask);
    }
    const cells: (string | null)[] = [];
    for (const t of tables) for (let r = 0; r < t.nRows; r++) cells.push(t.columns[j]!.text(r));
    return textColumn(c.name, j, cells);
  });
  return { source, columns, nRows: total, lines: null };
}
