import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CsvBatch, readCsvBatches, readCsvTables, readDatasetBatches } from './stream.js';
import { buildDataset } from '../dataset.js';
import { readCsvFile } from './parse.js';
import { dataFile, discernErrorAsync } from '../testing.test-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'discern-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(text: string): string {
  const p = join(dir, `f${n++}.csv`);
  writeFileSync(p, text);
  return p;
}

async function collect(it: AsyncIterable<CsvBatch>): Promise<CsvBatch[]> {
  const out: CsvBatch[] = [];
  for await (const b of it) out.push(b);
  return out;
}

describe('readCsvBatches', () => {
  it('yields batches of the requested columns with start rows and lines', async () => {
    const p = file('\uFEFFid;a;b;c\r\n x1 ; 1 ;2;"q;r"\r\n\r\nx2;3;4;s\r\nx3;5;6;t\r\n');
    const batches = await collect(readCsvBatches(p, { columns: ['b', 'a'], extra: ['id', 'c'], batchSize: 2 }));
    expect(batches.map((b) => b.startRow)).toEqual([0, 2]);
    expect(batches.map((b) => [b.X.rows, b.X.cols])).toEqual([
      [2, 2],
      [1, 2],
    ]);
    expect(Array.from(batches[0]!.X.data)).toEqual([2, 1, 4, 3]);
    expect(Array.from(batches[1]!.X.data)).toEqual([6, 5]);
    expect(batches[0]!.extra).toEqual({ id: ['x1', 'x2'], c: ['q;r', 's'] });
    expect(Array.from(batches[0]!.lines)).toEqual([2, 4]);
    expect(Array.from(batches[1]!.lines)).toEqual([5]);
  });

  it('matches readCsvFile on magic04 (every value, across batch boundaries)', async () => {
    const path = dataFile('magic04.csv');
    const table = readCsvFile(path);
    const cols = ['fAlpha', 'fLength', 'fDist'];
    const batches = await collect(readCsvBatches(path, { columns: cols, extra: ['class'], batchSize: 5000 }));
    expect(batches.map((b) => b.X.rows)).toEqual([5000, 5000, 5000, 4020]);
    expect(batches.map((b) => b.startRow)).toEqual([0, 5000, 10000, 15000]);
    const got = cols.map((_, j) => batches.flatMap((b) => Array.from({ length: b.X.rows }, (_, i) => b.X.data[i * cols.length + j]!)));
    const want = cols.map((c) => Array.from(table.columns.find((x) => x.name === c)!.numeric!));
    expect(got).toEqual(want);
    expect(batches.flatMap((b) => Array.from(b.lines))).toEqual(Array.from(table.lines!));
    expect(batches.flatMap((b) => b.extra!.class!)).toEqual(table.columns[10]!.raw);
  });

  it('names file, line, column and value for a non-numeric or non-finite cell', async () => {
    const p = file('a,b\n1,2\n3,0.o5\n');
    const e = await discernErrorAsync(() => collect(readCsvBatches(p, { columns: ['a', 'b'] })));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toBe(`${p} line 3, column 'b': "0.o5" is not a number; expected a decimal number such as 1.5, -0.5 or 1e3`);
    expect(e.context).toMatchObject({ file: p, line: 3, column: 'b', value: '0.o5' });
    const q = file('a,b\n1,2\n3,NaN\n');
    const f = await discernErrorAsync(() => collect(readCsvBatches(q, { columns: ['b'] })));
    expect(f.message).toContain(`line 3, column 'b': non-finite value "NaN"`);
  });

  it('missing cells: error by default, NaN with missing: keep', async () => {
    const p = file('a,b\n1,NA\n3,4\n');
    const e = await discernErrorAsync(() => collect(readCsvBatches(p, { columns: ['a', 'b'] })));
    expect(e.context).toMatchObject({ line: 2, column: 'b', value: 'NA' });
    const [b] = await collect(readCsvBatches(p, { columns: ['b'], missing: 'keep' }));
    expect(b!.X.data[0]).toBeNaN();
    expect(b!.X.data[1]).toBe(4);
  });

  it('ragged rows, unknown columns, empty and header-only files, missing file', async () => {
    const r = await discernErrorAsync(() => collect(readCsvBatches(file('a,b\n1,2\n3\n'), { columns: ['a'] })));
    expect(r.message).toMatch(/line 3 has 1 field, but the header \(line 1\) has 2/);
    const c = await discernErrorAsync(() => collect(readCsvBatches(file('alpha,b\n1,2\n'), { columns: ['alpah'] })));
    expect(c.code).toBe('DATA_INVALID');
    expect(c.message).toContain("no column 'alpah' (did you mean 'alpha'?)");
    expect((await discernErrorAsync(() => collect(readCsvBatches(file(''), { columns: ['a'] })))).message).toContain('no data rows');
    expect((await discernErrorAsync(() => collect(readCsvBatches(file('a\n'), { columns: ['a'] })))).message).toContain('header only');
    const m = await discernErrorAsync(() => collect(readCsvBatches(join(dir, 'nope.csv'), { columns: ['a'] })));
    expect(m.code).toBe('FILE_NOT_FOUND');
    expect(m.message).toContain('nope.csv');
    const q = await discernErrorAsync(() => collect(readCsvBatches(file('a,b\n1,"2\n'), { columns: ['a'] })));
    expect(q.message).toContain('malformed CSV');
  });

  it('stops reading when the consumer stops early', async () => {
    const p = file('a\n' + Array.from({ length: 1000 }, (_, i) => i).join('\n') + '\n');
    let seen = 0;
    for await (const b of readCsvBatches(p, { columns: ['a'], batchSize: 10 })) {
      seen += b.X.rows;
      if (seen >= 30) break;
    }
    expect(seen).toBe(30);
  });
});

async function collectAll<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const b of it) out.push(b);
  return out;
}

describe('readCsvTables', () => {
  it('gives readCsvFile’s table in pieces: same kinds, values, texts and lines (magic04 across batch boundaries)', async () => {
    const path = dataFile('magic04.csv');
    const whole = readCsvFile(path);
    const parts = await collectAll(readCsvTables(path, { batchSize: 5000 }));
    expect(parts.map((p) => [p.startRow, p.table.nRows])).toEqual([
      [0, 5000],
      [5000, 5000],
      [10000, 5000],
      [15000, 4020],
    ]);
    expect(parts.flatMap((p) => Array.from(p.table.lines!))).toEqual(Array.from(whole.lines!));
    whole.columns.forEach((c, j) => {
      for (const p of parts) expect(p.table.columns[j]!.kind).toBe(c.kind);
      expect(parts.flatMap((p) => p.table.columns[j]!.raw)).toEqual(c.raw);
      if (c.numeric) expect(parts.flatMap((p) => Array.from(p.table.columns[j]!.numeric!))).toEqual(Array.from(c.numeric));
    });
  });

  it('counts lines through quoted line breaks and blank lines, and reports ragged and malformed rows with their line', async () => {
    const p = file('a,b\n1,"x\ny"\n\n2,z\n3,w\n');
    const parts = await collectAll(readCsvTables(p, { batchSize: 2 }));
    expect(parts.map((t) => Array.from(t.table.lines!))).toEqual([[2, 5], [6]]);
    const r = await discernErrorAsync(() => collectAll(readCsvTables(file('a,b\n1,2\n3,4\n5\n'), { batchSize: 1 })));
    expect(r.code).toBe('DATA_INVALID');
    expect(r.message).toMatch(/line 4 has 1 field, but the header \(line 1\) has 2/);
    const q = await discernErrorAsync(() => collectAll(readCsvTables(file('a,b\n1,2\n1,"2\n'))));
    expect(q.message).toContain('malformed CSV');
    expect((await discernErrorAsync(() => collectAll(readCsvTables(file('')))))!.message).toContain('no data rows');
    expect((await discernErrorAsync(() => collectAll(readCsvTables(file('a,b\n')))))!.message).toContain('header only');
    expect((await discernErrorAsync(() => collectAll(readCsvTables(join(dir, 'absent.csv'))))).code).toBe('FILE_NOT_FOUND');
  });
});

describe('readDatasetBatches', () => {
  const build = (path: string, options: Parameters<typeof buildDataset>[1]) => buildDataset(readCsvFile(path), options);

  it('the batches put together are buildDataset of the whole file, bit for bit (categories, weights, dropped rows)', async () => {
    const rows = ['x,colour,w,label'];
    for (let i = 0; i < 50; i++) rows.push(`${(i * 0.37).toFixed(3)},${['red', 'green', 'blue'][i % 3]},${i % 7 === 0 ? 'NA' : (1 + i / 10).toString()},${i % 4 === 0 ? 's' : 'b'}`);
    const p = file(`${rows.join('\n')}\n`);
    const opts = { label: 'label', positive: 's', weight: 'w', categorical: 'onehot' as const, missing: 'drop' as const };
    const train = build(p, opts);
    const whole = build(p, { ...opts, classes: train.classNames, encodings: train.encodings! });
    const parts = await collectAll(readDatasetBatches(p, { ...opts, classes: train.classNames, encodings: train.encodings!, batchSize: 7 }));
    expect(parts.some((b) => b.dataset.X.rows < b.fileRows)).toBe(true); // some rows were dropped
    expect(parts.reduce((n, b) => n + b.fileRows, 0)).toBe(50);
    const cat = (f: (b: (typeof parts)[number]) => ArrayLike<number>) => parts.flatMap((b) => Array.from(f(b)));
    expect(cat((b) => b.dataset.X.data)).toEqual(Array.from(whole.X.data));
    expect(cat((b) => b.dataset.y)).toEqual(Array.from(whole.y));
    expect(cat((b) => b.dataset.weights!)).toEqual(Array.from(whole.weights!));
    expect(cat((b) => b.dataset.rowIndex!)).toEqual(Array.from(whole.rowIndex!));
    expect(cat((b) => b.lines)).toEqual(Array.from(whole.rowIndex!, (r) => r + 2));
    // each batch's Dataset carries its rows' file lines too, as the whole file's does
    expect(cat((b) => b.dataset.lines!)).toEqual(Array.from(whole.lines!));
    expect(Array.from(whole.lines!)).toEqual(Array.from(whole.rowIndex!, (r) => r + 2));
    for (const b of parts) expect([b.dataset.featureNames, b.dataset.classNames, b.dataset.positive]).toEqual([whole.featureNames, whole.classNames, whole.positive]);
  });

  it('a bad cell in a later batch is DATA_INVALID naming file, line and column', async () => {
    const lines = ['a,b,label', ...Array.from({ length: 30 }, (_, i) => `${i},${i % 5},${i % 2 ? 'x' : 'y'}`)];
    lines[24] = '23,0.o5,x';
    const p = file(`${lines.join('\n')}\n`);
    const e = await discernErrorAsync(() => collectAll(readDatasetBatches(p, { label: 'label', classes: ['x', 'y'], encodings: [{ column: 'a', kind: 'numeric' }, { column: 'b', kind: 'numeric' }], batchSize: 8 })));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toContain(`${p} line 25, column 'b': "0.o5" is not a number`);
    expect(e.context).toMatchObject({ file: p, line: 25, column: 'b', value: '0.o5' });
  });

  it('needs the encodings (and classes, when labelled) of a dataset built before; all rows dropped is DATA_INVALID', async () => {
    const p = file('a,label\n1,x\n2,y\n');
    expect((await discernErrorAsync(() => collectAll(readDatasetBatches(p, { label: 'label' })))).code).toBe('INVALID_ARGUMENT');
    expect((await discernErrorAsync(() => collectAll(readDatasetBatches(p, { label: 'label', encodings: [{ column: 'a', kind: 'numeric' }] })))).code).toBe('INVALID_ARGUMENT');
    const q = file('a,label\nNA,x\nNA,y\n');
    const e = await discernErrorAsync(() => collectAll(readDatasetBatches(q, { label: 'label', classes: ['x', 'y'], encodings: [{ column: 'a', kind: 'numeric' }], missing: 'drop', batchSize: 1 })));
    expect(e.message).toBe(`${q}: no rows left after dropping rows with missing values (missing: 'drop')`);
  });
});
