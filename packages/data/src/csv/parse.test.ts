import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectDelimiter, parseCsv, readCsvFile } from './parse.js';
import { isNonFiniteLiteral, strictNumber } from './cells.js';
import { discernError } from '../testing.test-helpers.js';

const cells = (t: ReturnType<typeof parseCsv>) => t.columns.map((c) => c.raw);

describe('strict numbers', () => {
  it.each([
    ['1e3', 1000],
    ['-0.5', -0.5],
    ['.5', 0.5],
    ['5.', 5],
    ['+3', 3],
    ['1E-2', 0.01],
    ['007', 7],
  ])('%s is %d', (s, v) => expect(strictNumber(s)).toBe(v));
  it.each(['1,5', '0.o5', '12abc', '0x10', '', ' ', '1e', 'e3', '.', '-', '1.2.3', 'NaN', 'inf', '1e999'])('%j is not a finite number', (s) => {
    expect(strictNumber(s)).toBeNaN();
  });
  it('agree with the strict decimal syntax and Number(), bit for bit, on arbitrary short strings (property)', () => {
    // the definition strictNumber had before its fast path: the syntax, then Number(), finite only
    const reference = (s: string) => {
      if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(s)) return NaN;
      const v = Number(s);
      return Number.isFinite(v) ? v : NaN;
    };
    const text = fc.array(fc.constantFrom('0', '1', '5', '9', '.', '-', '+', 'e', 'E', ' ', 'x', '00', '123456789'), { maxLength: 20 }).map((a) => a.join(''));
    fc.assert(
      fc.property(text, (s) => {
        expect([s, Object.is(strictNumber(s), reference(s))]).toEqual([s, true]);
      }),
      { numRuns: 5000, seed: 3 },
    );
    for (const s of ['-0', '+0', '-.0', '0.', '.5', '5.', '000000000000001', '0000000000000001', '123456789012345', '1234567890123456', '0.1', '-2.675'])
      expect([s, Object.is(strictNumber(s), reference(s))]).toEqual([s, true]);
  });
  it.each(['NaN', 'nan', 'inf', '-inf', 'Infinity', '+Infinity', 'INF', '1e999', '-1e400'])('%s is a non-finite literal', (s) => expect(isNonFiniteLiteral(s)).toBe(true));
  it.each(['1', 'abc', 'NA', 'nanx', 'information'])('%s is not a non-finite literal', (s) => expect(isNonFiniteLiteral(s)).toBe(false));
});

describe('parseCsv', () => {
  it('types columns and keeps raw cells', () => {
    const t = parseCsv('x,y,name\n1,2.5,a\n-3,.5,b\n', { source: 'f.csv' });
    expect(t.nRows).toBe(2);
    expect(t.source).toBe('f.csv');
    expect(t.columns.map((c) => [c.name, c.kind])).toEqual([
      ['x', 'numeric'],
      ['y', 'numeric'],
      ['name', 'categorical'],
    ]);
    expect(Array.from(t.columns[1]!.numeric!)).toEqual([2.5, 0.5]);
    expect(t.columns[2]!.numeric).toBeUndefined();
    expect(cells(t)).toEqual([
      ['1', '-3'],
      ['2.5', '.5'],
      ['a', 'b'],
    ]);
    expect(Array.from(t.lines!)).toEqual([2, 3]);
  });

  it('handles quotes with embedded separators, quotes and line breaks', () => {
    const t = parseCsv('a,b,c\n"x,y","say ""hi""","two\nlines"\n4,5,6\n');
    expect(cells(t)).toEqual([
      ['x,y', '4'],
      ['say "hi"', '5'],
      ['two\nlines', '6'],
    ]);
    // the second data row starts on line 4 because the first spans lines 2-3
    expect(Array.from(t.lines!)).toEqual([2, 4]);
  });

  it('detects ; and tab separators; the delimiter option overrides', () => {
    expect(detectDelimiter('a;b;c\n1;2;3')).toBe(';');
    expect(detectDelimiter('a,b,c\n1;2;3')).toBe(',');
    expect(detectDelimiter('a\tb\n')).toBe('\t');
    expect(detectDelimiter('"x;y;z",b\n')).toBe(','); // separators inside quotes do not count
    expect(detectDelimiter('single\n1\n')).toBe(',');
    const t = parseCsv('a;b\n"1,5";2\n3;4\n');
    expect(cells(t)).toEqual([
      ['1,5', '3'],
      ['2', '4'],
    ]);
    expect(t.columns[0]!.kind).toBe('categorical'); // a decimal comma is not a number
    const forced = parseCsv('a;b,c\n1;2,3\n', { delimiter: ',' });
    expect(forced.columns.map((c) => c.name)).toEqual(['a;b', 'c']);
  });

  it('handles CRLF, a BOM and blank lines, with correct line numbers', () => {
    const t = parseCsv('\uFEFFa,b\r\n1,"x\r\ny"\r\n\r\n2,3\r\n', { source: 'w.csv' });
    expect(t.columns[0]!.name).toBe('a');
    expect(cells(t)).toEqual([
      ['1', '2'],
      ['x\r\ny', '3'],
    ]);
    expect(Array.from(t.lines!)).toEqual([2, 5]);
    const e = discernError(() => parseCsv('a,b\r\n1,"x\r\ny"\r\n2,3,4\r\n', { source: 'w.csv' }));
    expect(e.message).toContain('w.csv line 4');
  });

  it('trims whitespace around values, not inside quotes', () => {
    const t = parseCsv('a , b\n  1 ,  "  x  " \n');
    expect(t.columns.map((c) => c.name)).toEqual(['a', 'b']);
    expect(cells(t)).toEqual([['1'], ['  x  ']]);
  });

  it('treats empty, NA and ? as missing (configurable)', () => {
    const t = parseCsv('a,b,c\n1,NA,?\n,2,x\n3, ,NA\n');
    expect(cells(t)).toEqual([
      ['1', null, '3'],
      [null, '2', null],
      [null, 'x', null],
    ]);
    expect(t.columns.map((c) => c.missing)).toEqual([1, 2, 2]);
    expect(t.columns[0]!.kind).toBe('numeric');
    expect(t.columns[0]!.numeric![1]).toBeNaN();
    const u = parseCsv('a,b\n-999,1\n2,\n', { missingValues: ['-999'] });
    expect(cells(u)).toEqual([
      [null, '2'],
      ['1', ''],
    ]);
    expect(u.columns[1]!.kind).toBe('categorical'); // '' is text when not a missing token
  });

  it('keeps non-finite literals out of "missing" and counts them', () => {
    const t = parseCsv('a,b\n1,x\nNaN,y\ninf,z\n');
    const a = t.columns[0]!;
    expect(a.kind).toBe('numeric');
    expect(a.missing).toBe(0);
    expect(a.nonFinite).toBe(2);
    expect(a.raw).toEqual(['1', 'NaN', 'inf']);
  });

  it('records the first text cell of a mostly numeric column', () => {
    const t = parseCsv('a\n1\n2\n0.o5\n4\n');
    const a = t.columns[0]!;
    expect(a.kind).toBe('categorical');
    expect(a.textCells).toBe(1);
    expect(a.firstText).toEqual({ row: 2, value: '0.o5' });
  });

  it('rejects a ragged row naming file and line', () => {
    const e = discernError(() => parseCsv('a,b,c\n1,2,3\n4,5\n6,7,8\n', { source: 'r.csv' }));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toContain('r.csv line 3 has 2 fields, but the header (line 1) has 3');
    expect(e.context).toMatchObject({ file: 'r.csv', line: 3, fields: 2, expected: 3 });
    const f = discernError(() => parseCsv('a,b\n1,2,3\n', { source: 'r.csv' }));
    expect(f.context).toMatchObject({ line: 2, fields: 3 });
  });

  it('rejects malformed quoting with file and line', () => {
    for (const text of ['a,b\n1,"x"y\n', 'a,b\n1,"open\n', 'a,b\n1,x"y\n']) {
      const e = discernError(() => parseCsv(text, { source: 'q.csv' }));
      expect(e.code).toBe('DATA_INVALID');
      expect(e.message).toMatch(/^q\.csv line 2, column 'b': malformed CSV: /);
      expect(e.context).toMatchObject({ file: 'q.csv', line: 2 });
    }
  });

  it('rejects an empty file and a header-only file', () => {
    for (const text of ['', '\n\n', '\uFEFF', '   \n']) {
      const e = discernError(() => parseCsv(text, { source: 'e.csv' }));
      expect(e.code).toBe('DATA_INVALID');
      expect(e.message).toContain('no data rows');
      expect(e.message).toContain('e.csv');
    }
    const h = discernError(() => parseCsv('a,b,c\n', { source: 'h.csv' }));
    expect(h.code).toBe('DATA_INVALID');
    expect(h.message).toBe('h.csv: header only, no data rows; at least one data row is required below the header');
  });

  it('rejects duplicate and empty column names', () => {
    const d = discernError(() => parseCsv('a,b,a\n1,2,3\n', { source: 'd.csv' }));
    expect(d.code).toBe('DATA_INVALID');
    expect(d.message).toContain("duplicate column name 'a' (columns 1 and 3");
    const e = discernError(() => parseCsv(',b\n1,2\n', { source: 'd.csv' }));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toContain('column 1 of the header has an empty name');
  });

  it('rejects a bad delimiter option', () => {
    expect(discernError(() => parseCsv('a\n1\n', { delimiter: ',,' })).code).toBe('INVALID_ARGUMENT');
  });

  it('skips blank and whitespace-only lines; a one-column file writes a missing value as NA', () => {
    const t = parseCsv('a\n1\n  \n\nNA\n3\n');
    expect(t.columns[0]!.raw).toEqual(['1', null, '3']);
    expect(Array.from(t.lines!)).toEqual([2, 5, 6]);
  });
});

describe('readCsvFile', () => {
  it('names the path of a missing file with FILE_NOT_FOUND', () => {
    const e = discernError(() => readCsvFile('/nonexistent/dir/data.csv'));
    expect(e.code).toBe('FILE_NOT_FOUND');
    expect(e.message).toContain('/nonexistent/dir/data.csv');
    expect(e.context).toMatchObject({ file: '/nonexistent/dir/data.csv' });
  });
  it('reports a directory as IO_ERROR', () => {
    expect(discernError(() => readCsvFile('/tmp')).code).toBe('IO_ERROR');
  });
});
