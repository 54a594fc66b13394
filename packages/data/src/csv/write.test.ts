import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsv } from './parse.js';
import { csvCell, csvRow, csvRows } from './write.js';

describe('csvCell: the quoting rules, case by case', () => {
  it('quotes a cell holding the delimiter, a quote, CR or LF, or surrounding white space; doubles inner quotes', () => {
    expect(csvCell('abc')).toBe('abc');
    expect(csvCell('a b')).toBe('a b');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('"')).toBe('""""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\r')).toBe('"cr\r"');
    expect(csvCell(' lead')).toBe('" lead"');
    expect(csvCell('trail ')).toBe('"trail "');
    expect(csvCell('\ttab')).toBe('"\ttab"');
  });

  it("quotes `;` and tab anywhere (discern's reader may take either for the delimiter)", () => {
    expect(csvCell('a;b')).toBe('"a;b"');
    expect(csvCell('a\tb')).toBe('"a\tb"');
    expect(csvCell('a,b', ';')).toBe('"a,b"');
    expect(csvCell('a|b', '|')).toBe('"a|b"');
    expect(csvCell('a]b', ']')).toBe('"a]b"');
    expect(csvCell('a]b')).toBe('a]b');
  });

  it('numbers as String(x), −0 with its sign, empty cells for null and undefined', () => {
    expect(csvCell(0.1)).toBe('0.1');
    expect(csvCell(1 / 3)).toBe('0.3333333333333333');
    expect(csvCell(1e21)).toBe('1e+21');
    expect(csvCell(-2.5e-8)).toBe('-2.5e-8');
    expect(csvCell(-0)).toBe('-0');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(NaN)).toBe('NaN');
    expect(csvCell(-Infinity)).toBe('-Infinity');
    expect(csvCell(12n)).toBe('12');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell('')).toBe('');
  });

  it('refuses a delimiter that numbers or quoting could contain, and an unknown end of line', () => {
    for (const d of ['"', ' ', '\t', '\n', 'a', '7', '.', '-', '+', 'e', ',,', ''])
      expect(() => csvCell('x', d), JSON.stringify(d)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', context: expect.objectContaining({ option: 'delimiter' }) }));
    expect(() => csvRow(['x'], { eol: '\r' as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', context: expect.objectContaining({ option: 'eol' }) }));
  });
});

describe('csvRow and csvRows', () => {
  it('join cells with the delimiter and end each row', () => {
    expect(csvRow(['id', 'p,q', 0.25, null, -1])).toBe('id,"p,q",0.25,,-1\n');
    expect(csvRow(['a', 'b;c', 2], { delimiter: ';', eol: '\r\n' })).toBe('a;"b;c";2\r\n');
    expect(csvRows([['x', 'y'], [1, 2], [3, 'four five']])).toBe('x,y\n1,2\n3,four five\n');
    expect(csvRows([])).toBe('');
  });
});

// Characters that stress quoting: separators, quotes, line breaks, white space, letters, digits.
const csvChar = fc.constantFrom(',', ';', '\t', '"', '\n', '\r', ' ', 'a', 'b', '1', '.', 'e', '-', 'é', '😀');

describe('what csvRow writes, parseCsv reads back', () => {
  it('every double exactly (String(x) is the shortest decimal that rounds to it)', () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(fc.array(fc.tuple(finite, finite), { minLength: 1, maxLength: 20 }), (rows) => {
        const text = csvRow(['a', 'b']) + csvRows(rows);
        const t = parseCsv(text, { source: 'numbers.csv' });
        for (const [j, col] of t.columns.entries()) {
          expect(col.kind).toBe('numeric');
          rows.forEach((r, i) => expect(Object.is(col.numeric![i], r[j]), `row ${i}: ${r[j]} read as ${col.numeric![i]}`).toBe(true));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('every text cell, with either delimiter and either end of line', () => {
    const table = fc.integer({ min: 2, max: 4 }).chain((p) =>
      fc.record({
        names: fc.uniqueArray(fc.string({ unit: csvChar, minLength: 1, maxLength: 6 }), { minLength: p, maxLength: p }),
        rows: fc.array(fc.array(fc.string({ unit: csvChar, maxLength: 8 }), { minLength: p, maxLength: p }), { minLength: 1, maxLength: 6 }),
        delimiter: fc.constantFrom(',', ';'),
        eol: fc.constantFrom('\n' as const, '\r\n' as const),
      }),
    );
    fc.assert(
      fc.property(table, ({ names, rows, delimiter, eol }) => {
        // names that trim to the same text or to nothing are the reader's errors, not the writer's
        const trimmed = names.map((n) => n.trim());
        fc.pre(trimmed.every((n) => n !== '') && new Set(trimmed).size === names.length);
        const t = parseCsv(csvRows([names, ...rows], { delimiter, eol }), { source: 'text.csv' });
        expect(t.columns.map((c) => c.name)).toEqual(names);
        // '' is a missing cell to the reader (the default missing tokens), so is what it stands for
        const missing = new Set(['', 'NA', '?']);
        expect(t.columns.map((c) => c.raw)).toEqual(names.map((_, j) => rows.map((r) => (missing.has(r[j]!) ? null : r[j]!))));
      }),
      { numRuns: 1000 },
    );
  });
});
