import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isNonFiniteLiteral, strictNumber } from './csv/cells.js';
import { parseCsv, readCsvFile } from './csv/parse.js';
import { ColumnBuilder, type Table } from './table.js';

/** The column a plain array of cells gives, by the rules buildColumn had before columns were kept compactly. */
function reference(cells: (string | null)[]) {
  let missing = 0, nonFinite = 0, textCells = 0;
  let firstText: { row: number; value: string } | undefined;
  const values = cells.map((s, i) => {
    if (s === null) {
      missing++;
      return NaN;
    }
    const v = strictNumber(s);
    if (v !== v) {
      if (isNonFiniteLiteral(s)) nonFinite++;
      else {
        textCells++;
        firstText ??= { row: i, value: s };
      }
    }
    return v;
  });
  return { kind: textCells === 0 ? 'numeric' : 'categorical', values, missing, nonFinite, textCells, firstText };
}

function check(cells: (string | null)[]) {
  const b = new ColumnBuilder('x', 0);
  for (const s of cells) b.push(s);
  const col = b.finish();
  const ref = reference(cells);
  expect(col.kind).toBe(ref.kind);
  expect([col.missing, col.nonFinite, col.textCells]).toEqual([ref.missing, ref.nonFinite, ref.textCells]);
  expect(col.firstText).toEqual(ref.firstText);
  expect(cells.map((_, r) => col.text(r))).toEqual(cells);
  expect(cells.map((_, r) => col.isMissing(r))).toEqual(cells.map((s) => s === null));
  if (ref.kind === 'numeric') expect(Array.from(col.numeric!)).toEqual(ref.values);
  else expect(col.numeric).toBeUndefined();
  expect(col.raw).toEqual(cells);
  // after raw is made, text() reads it
  expect(cells.map((_, r) => col.text(r))).toEqual(cells);
}

const spellings = ['0', '-0', '0.0', '-0.0', '00', '007', '1', '+1', '-1', '1.', '.5', '-.5', '0.50', '1e3', '1E3', '1e-7', '1.5e+300', '1e999', '-1e999',
  '123456789012345', '1234567890123456', '0.123456789012345', '0.1234567890123456', '99999999999999999999999', '100000000000000000000000',
  '3.14159265358979', '-2.50000', '1e21', '5e-324', 'NaN', 'nan', '-inf', 'Infinity', '0x10', '12abc', '0.o5', 'é', 'a'];

describe('ColumnBuilder: numeric columns kept compactly give back the exact cell text', () => {
  it('every spelling, alone among numbers and at the start', () => {
    for (const s of spellings) {
      check(['1.5', s, '2', null, '-3.25']);
      check([s, null, '0.001']);
    }
  });

  it('arbitrary decimals and spellings (property)', () => {
    const number = fc.oneof(
      fc.double({ noNaN: true }).map(String),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }).chain((v) => fc.integer({ min: 0, max: 12 }).map((d) => v.toFixed(d))),
      fc.stringMatching(/^[+-]?\d{0,18}(\.\d{0,18})?([eE][+-]?\d{1,3})?$/),
      fc.constantFrom(...spellings),
    );
    const cell = fc.oneof({ weight: 8, arbitrary: number }, { weight: 1, arbitrary: fc.constant(null) });
    fc.assert(fc.property(fc.array(cell, { minLength: 1, maxLength: 40 }), (cells) => check(cells)), { numRuns: 1000 });
  });

  it('plain decimals of up to 15 digits get exactly the double Number() gives (bit for bit, the sign of zero too)', () => {
    const decimal = fc
      .tuple(fc.boolean(), fc.stringMatching(/^(0|[1-9]\d{0,14})$/), fc.stringMatching(/^\d{0,15}$/))
      .map(([neg, int, frac]) => `${neg ? '-' : ''}${int}${frac === '' ? '' : `.${frac}`}`);
    fc.assert(
      fc.property(fc.array(decimal, { minLength: 1, maxLength: 30 }), (cells) => {
        const b = new ColumnBuilder('x', 0);
        for (const s of cells) b.push(s);
        const col = b.finish();
        cells.forEach((s, r) => expect([s, Object.is(col.numeric![r], Number(s))]).toEqual([s, true]));
      }),
      { numRuns: 2000, seed: 11 },
    );
    // where a naive digit-by-digit sum would round twice
    const hard = ['0.1', '0.3', '0.7', '1.005', '2.675', '0.000000000000001', '999999999999999', '99999999999999.9', '-0.0000000000001', '4.35', '8.875', '1234567.891'];
    const b = new ColumnBuilder('x', 0);
    for (const s of hard) b.push(s);
    const col = b.finish();
    hard.forEach((s, r) => expect(Object.is(col.numeric![r], Number(s))).toBe(true));
  });

  it('a column with many unusual spellings switches to strings and stays exact', () => {
    const cells = Array.from({ length: 20_000 }, (_, i) => (i % 3 === 0 ? `+${i}` : i % 7 === 0 ? null : `${i}.50`));
    check(cells);
    check([...cells, 'text', '1']);
  });

  it('a column that turns out to be text, late, keeps every earlier cell', () => {
    const cells: (string | null)[] = Array.from({ length: 5000 }, (_, i) => (i % 11 === 0 ? null : (i / 8).toFixed(3)));
    cells.push('1e999', 'b', 'NaN', 'b', null, '2');
    check(cells);
  });
});

describe('readCsvFile reads bytes as parseCsv reads the text', () => {
  const dir = mkdtempSync(join(tmpdir(), 'discern-column-'));
  const same = (name: string, bytes: Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    const outcome = (read: () => Table) => {
      try {
        const t = read();
        return { columns: t.columns.map((c) => [c.name, c.kind, c.raw]), lines: Array.from(t.lines!) };
      } catch (e) {
        return { error: (e as Error).message };
      }
    };
    expect(outcome(() => readCsvFile(path))).toEqual(outcome(() => parseCsv(bytes.toString('utf8'), { source: path })));
  };

  // (bytes that are not UTF-8 are refused by readCsvFile: reader.test.ts)
  it('BOMs, a long quoted header, text that is not ASCII', () => {
    same('bom.csv', Buffer.from('\uFEFFa;b\n1;2\n'));
    same('bom2.csv', Buffer.from('\uFEFF\uFEFFa,b\n1,2\n'));
    same('longhead.csv', Buffer.from(`"${'h\n'.repeat(70_000)}";b;c\n1;2;3\n`));
    same('accents.csv', Buffer.from('é\tb\n"x\ty"\t😀\n'));
  });
});
