import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDiscernError } from '@discern/core';
import { parseCsv } from './parse.js';

// Characters that stress a CSV parser: separators, quotes, line breaks, whitespace, missing tokens, digits, BOM.
const csvChar = fc.constantFrom(',', ';', '\t', '"', '\n', '\r', ' ', 'a', 'b', '1', '.', 'e', '-', 'N', 'A', '?', '\uFEFF', 'é', '😀');

function neverThrowsOtherwise(text: string): boolean {
  try {
    const t = parseCsv(text, { source: 'prop.csv' });
    // a successful parse yields a consistent table
    return t.nRows > 0 && t.columns.every((c) => c.raw.length === t.nRows) && t.lines!.length === t.nRows;
  } catch (e) {
    return isDiscernError(e) && e.code === 'DATA_INVALID';
  }
}

describe('parseCsv properties', () => {
  it('throws nothing but a DiscernError on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ unit: csvChar, maxLength: 80 }), neverThrowsOtherwise), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), neverThrowsOtherwise), { numRuns: 500 });
  });

  it('gives back the cells of a table written with proper quoting', () => {
    const cell = fc.string({ unit: csvChar, maxLength: 8 });
    const table = fc.integer({ min: 2, max: 5 }).chain((p) =>
      fc.record({
        names: fc.uniqueArray(fc.string({ unit: csvChar, minLength: 1, maxLength: 6 }), { minLength: p, maxLength: p }),
        rows: fc.array(fc.array(cell, { minLength: p, maxLength: p }), { minLength: 1, maxLength: 6 }),
        sep: fc.constantFrom(',', ';'),
        eol: fc.constantFrom('\n', '\r\n'),
        quoteAll: fc.boolean(),
      }),
    );
    fc.assert(
      fc.property(table, ({ names, rows, sep, eol, quoteAll }) => {
        const q = (s: string) => (quoteAll || /[",;\t\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
        const text = [names, ...rows].map((r) => r.map(q).join(sep)).join(eol) + eol;
        const t = parseCsv(text, { source: 'rt.csv' });
        expect(t.columns.map((c) => c.name)).toEqual(names);
        const missing = new Set(['', 'NA', '?']);
        // a cell is written unquoted only when it has no surrounding whitespace, so trimming never changes it
        const expected = names.map((_, j) => rows.map((r) => (missing.has(r[j]!) ? null : r[j]!)));
        expect(t.columns.map((c) => c.raw)).toEqual(expected);
        // line numbers: each row starts after the line breaks (CRLF, LF or lone CR) of everything before it
        const lineBreaks = (r: string[]) => r.reduce((s, c) => s + (c.match(/\r\n|\n|\r/g)?.length ?? 0), 0);
        let line = 2 + lineBreaks(names);
        const lines: number[] = [];
        for (const r of rows) {
          lines.push(line);
          line += 1 + lineBreaks(r);
        }
        expect(Array.from(t.lines!)).toEqual(lines);
      }),
      { numRuns: 1500 },
    );
  });
});
