import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDataset } from '../dataset.js';
import { type Table } from '../table.js';
import { discernError, discernErrorAsync } from '../testing.test-helpers.js';
import { parseCsv, readCsvFile } from './parse.js';
import { CHUNK_BYTES, DEFAULT_MAX_LINE_BYTES, readerSettings } from './options.js';
import { CsvRecordReader } from './reader.js';
import { readCsvBatches, readCsvTables, readDatasetBatches } from './stream.js';

const dir = mkdtempSync(join(tmpdir(), 'discern-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let nFiles = 0;
function file(content: string | Uint8Array, name = `f${nFiles++}.csv`): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

async function drain<T>(gen: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

const cells = (t: Table) => t.columns.map((c) => [c.name, c.raw]);

/** The four ways a file is read: whole, in batches of numbers, in tables, in datasets. */
function everyReader(path: string, options: { encoding?: 'utf8' | 'latin1'; maxLineBytes?: number; delimiter?: string } = {}) {
  return {
    readCsvFile: async () => readCsvFile(path, options),
    readCsvBatches: async () => drain(readCsvBatches(path, { ...options, columns: ['a'] })),
    readCsvTables: async () => drain(readCsvTables(path, options)),
    readDatasetBatches: async () => drain(readDatasetBatches(path, { ...options, encodings: [{ column: 'a', kind: 'numeric' }] })),
  };
}

describe('line numbers', () => {
  // Records written by the test with their line known: quoted values hold line breaks of every kind (CRLF counts once,
  // as a lone CR or LF does), records end with the file's line ending, blank lines come between.
  const value = fc.oneof(
    fc.stringMatching(/^[a-z0-9.]{0,6}$/),
    fc.array(fc.constantFrom('x', ',', '""', '\n', '\r\n', '\r', ' '), { maxLength: 6 }).map((parts) => `"${parts.join('')}"`),
  );
  const record = fc.array(value, { minLength: 1, maxLength: 4 });
  const breaks = (v: string) => (v.match(/\r\n|\r|\n/g) ?? []).length;

  it('are the physical lines records start on, read whole or in chunks cut anywhere', () => {
    fc.assert(
      fc.property(fc.constantFrom('\n', '\r\n', '\r'), fc.array(fc.tuple(record, fc.nat({ max: 2 })), { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 5 }), (eol, recs, cuts) => {
        let text = 'h1,h2' + eol;
        let line = 2;
        // every record with its line and number of values; a blank line is a record of one empty value
        const want: [number, number][] = [[1, 2]];
        for (const [values, blanks] of recs) {
          for (let b = 0; b < blanks; b++) want.push([line++, 1]);
          text += eol.repeat(blanks);
          want.push([line, values.length]);
          text += values.join(',') + eol;
          line += 1 + values.reduce((n, v) => n + breaks(v), 0);
        }
        const bytes = Buffer.from(text);
        const reader = new CsvRecordReader(readerSettings({ delimiter: ',' }, 't.csv'));
        const got: [number, number][] = [];
        const push = (fields: string[], l: number) => got.push([l, fields.length]);
        let held: Buffer = Buffer.alloc(0);
        let at = 0;
        for (const c of cuts.map((x) => x % (bytes.length + 1)).sort((a, b) => a - b)) {
          if (c <= at) continue;
          held = reader.write(Buffer.concat([held, bytes.subarray(at, c)]), push);
          at = c;
        }
        reader.end(Buffer.concat([held, bytes.subarray(at)]), push);
        expect(got).toEqual(want);
      }),
      { numRuns: 1500, seed: 7 },
    );
  });
});

describe('encoding', () => {
  // "café" in Latin-1: the é is the single byte 0xE9, not UTF-8
  const latin1 = Buffer.concat([Buffer.from('a,class\n1,tea\n2,caf'), Buffer.from([0xe9]), Buffer.from('\n3,tea\n')]);

  it('refuses bytes that are not UTF-8, naming file, line, column, the bytes and the option that reads them', async () => {
    const p = file(latin1, 'latin1.csv');
    const e = discernError(() => readCsvFile(p));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toBe(
      `${p} line 3, column 'class': the byte 0xE9 is not UTF-8 (byte offset 19 in the file, after "caf"); save the file as UTF-8, or read it with encoding: 'latin1' if it is Latin-1 (ISO-8859-1)`,
    );
    expect(e.context).toMatchObject({ file: p, line: 3, column: 'class', offset: 19, option: 'encoding' });
    expect(e.renamed({ option: () => 'data.encoding' }).message).toContain("read it with data.encoding: 'latin1'");
    // every reader refuses it alike
    for (const [name, read] of Object.entries(everyReader(p))) {
      const s = await discernErrorAsync(read);
      expect([name, s.code, s.context.line, s.context.column]).toEqual([name, 'DATA_INVALID', 3, 'class']);
    }
  });

  it("reads the same file with encoding: 'latin1', the class name intact", async () => {
    const p = file(latin1, 'latin1-ok.csv');
    const t = readCsvFile(p, { encoding: 'latin1' });
    expect(t.columns[1]!.raw).toEqual(['tea', 'café', 'tea']);
    expect(buildDataset(t, { label: 'class' }).classNames).toEqual(['café', 'tea']);
    const parts = await drain(readCsvTables(p, { encoding: 'latin1', batchSize: 2 }));
    expect(parts.flatMap((x) => x.table.columns[1]!.raw)).toEqual(['tea', 'café', 'tea']);
  });

  it('refuses each kind of bad UTF-8: a stray continuation byte, an overlong form, a surrogate, past U+10FFFF, a cut sequence', () => {
    const bad: [string, number[], string][] = [
      ['continuation', [0x80], 'the byte 0x80 is'],
      ['overlong', [0xc0, 0xaf], 'the bytes 0xC0 0xAF are'],
      ['overlong3', [0xe0, 0x80, 0xaf], 'the bytes 0xE0 0x80 0xAF are'],
      ['surrogate', [0xed, 0xa0, 0x80], 'the bytes 0xED 0xA0 0x80 are'],
      ['beyond', [0xf4, 0x90, 0x80, 0x80], 'the bytes 0xF4 0x90 0x80 0x80 are'],
      ['lead-only', [0xe2, 0x82, 0x2c], 'the bytes 0xE2 0x82 are'],
    ];
    for (const [name, bytes, shown] of bad) {
      const p = file(Buffer.concat([Buffer.from('a,b\n1,x'), Buffer.from(bytes), Buffer.from(',\n')]), `${name}.csv`);
      const e = discernError(() => readCsvFile(p));
      expect([name, e.code, e.context.line]).toEqual([name, 'DATA_INVALID', 2]);
      expect(e.message).toContain(`: ${shown} not UTF-8`);
    }
    // cut off by the end of the file
    const cut = file(Buffer.concat([Buffer.from('a,b\n1,x'), Buffer.from([0xf0, 0x9f, 0x98])]), 'cut.csv');
    expect(discernError(() => readCsvFile(cut)).message).toContain('the bytes 0xF0 0x9F 0x98 are not UTF-8 (byte offset 7 in the file, after "x")');
    // in the header, where no column has a name yet
    const head = file(Buffer.concat([Buffer.from('a,b'), Buffer.from([0xff]), Buffer.from('\n1,2\n')]), 'head.csv');
    expect(discernError(() => readCsvFile(head)).message).toMatch(/head\.csv line 1, field 2 of the header: the byte 0xFF is not UTF-8/);
  });

  it('reads valid UTF-8 across chunk boundaries, and finds a bad byte after the first chunk with its line', () => {
    // a 4-byte character straddles the end of each of the first chunks (at CHUNK_BYTES − 1, 2·CHUNK_BYTES − 2...)
    const rows = ['id,text'];
    let size = 8;
    let i = 0;
    while (size < 2.5 * CHUNK_BYTES) {
      const row = `${i++},"😀 ${'é'.repeat(i % 50)}"`;
      rows.push(row);
      size += Buffer.byteLength(row) + 1;
    }
    const text = rows.join('\n') + '\n';
    const p = file(text, 'big-utf8.csv');
    const whole = readCsvFile(p);
    expect(cells(whole)).toEqual(cells(parseCsv(text, { source: p })));
    expect(whole.nRows).toBe(rows.length - 1);
    // one bad byte in the last row
    const bad = Buffer.concat([Buffer.from(text), Buffer.from(`${i},"ok`), Buffer.from([0xe9]), Buffer.from('"\n')]);
    const q = file(bad, 'big-bad.csv');
    const e = discernError(() => readCsvFile(q));
    expect(e.context).toMatchObject({ line: rows.length + 1, column: 'text', offset: Buffer.byteLength(text) + `${i},"ok`.length });
  });

  it('accepts a UTF-8 byte-order mark and refuses UTF-16, and checks the option', async () => {
    expect(readCsvFile(file('\uFEFFa,b\n1,2\n')).columns.map((c) => c.name)).toEqual(['a', 'b']);
    const u16 = file(Buffer.from('\uFEFFa,b\n1,2\n', 'utf16le'), 'u16.csv');
    const e = discernError(() => readCsvFile(u16));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toBe(`${u16} is UTF-16 (it starts with the byte-order mark 0xFF 0xFE); save it as UTF-8 (or Latin-1) and read it again`);
    expect((await discernErrorAsync(() => drain(readCsvBatches(u16, { columns: ['a'] })))).message).toContain('is UTF-16');
    const bad = discernError(() => readCsvFile(u16, { encoding: 'utf-16' as never }));
    expect(bad.code).toBe('INVALID_ARGUMENT');
    expect(bad.message).toBe(`encoding must be 'utf8' or 'latin1', got "utf-16"`);
    expect(bad.context).toMatchObject({ option: 'encoding' });
  });
});

describe('maxLineBytes', () => {
  it('is 64 MiB by default', () => {
    expect(DEFAULT_MAX_LINE_BYTES).toBe(64 * 1024 * 1024);
  });

  it('stops every reader on /dev/zero (no line break, ever) at the limit, naming the file and line', async () => {
    if (!existsSync('/dev/zero')) return;
    for (const [name, read] of Object.entries(everyReader('/dev/zero', { maxLineBytes: 100_000 }))) {
      const e = await discernErrorAsync(read);
      expect([name, e.code]).toEqual([name, 'DATA_INVALID']);
      expect(e.message).toBe(
        'line 1 of /dev/zero is longer than 100,000 bytes (the limit, maxLineBytes); a CSV file has one record per line: is this a text file? A longer line needs a larger maxLineBytes',
      );
      expect(e.context).toMatchObject({ file: '/dev/zero', line: 1, option: 'maxLineBytes', limit: 100_000 });
    }
    // with a separator given the bytes go through the record scanner instead of the header's: the same end
    expect(discernError(() => readCsvFile('/dev/zero', { maxLineBytes: 5000, delimiter: ',' })).message).toMatch(/^line 1 of \/dev\/zero is longer than 5,000 bytes/);
  });

  it('stops /dev/zero at the default 64 MiB, holding no more than about twice that', () => {
    if (!existsSync('/dev/zero')) return;
    global.gc?.();
    const before = process.memoryUsage();
    const e = discernError(() => readCsvFile('/dev/zero', { delimiter: ',' }));
    const after = process.memoryUsage();
    expect(e.message).toMatch(/^line 1 of \/dev\/zero is longer than 64 MiB \(the limit, maxLineBytes\)/);
    // what was read is still allocated (no collection since): the most it held at once, at most 2 × 64 MiB + chunks
    const grown = (after.arrayBuffers - before.arrayBuffers) / 2 ** 20;
    console.log(`/dev/zero at the 64 MiB limit: array buffers grew by ${grown.toFixed(0)} MiB, rss by ${((after.rss - before.rss) / 2 ** 20).toFixed(0)} MiB`);
    expect(grown).toBeLessThan(3 * 64);
  });

  it('refuses the first record longer than the limit, with its line; one of exactly the limit is read', () => {
    const long = 'x'.repeat(5000);
    const p = file(`a,b\n1,2\n3,${long}\n4,5\n`, 'long.csv');
    const e = discernError(() => readCsvFile(p, { maxLineBytes: 4096 }));
    expect(e.message).toBe(`line 3 of ${p} is longer than 4 KiB (the limit, maxLineBytes); a CSV file has one record per line: is this a text file? A longer line needs a larger maxLineBytes`);
    expect(e.context).toMatchObject({ line: 3 });
    expect(e.renamed({ option: () => 'data.max_line_bytes' }).message).toContain('(the limit, data.max_line_bytes)');
    // the line `3,xxxx…` is 5,002 bytes: read at a limit of 5,002, refused at 5,001
    expect(readCsvFile(p, { maxLineBytes: 5002 }).nRows).toBe(3);
    expect(discernError(() => readCsvFile(p, { maxLineBytes: 5001 })).context).toMatchObject({ line: 3 });
    expect(discernError(() => parseCsv(`a,b\n1,2\n3,${long}\n`, { maxLineBytes: 5001 })).context).toMatchObject({ line: 3 });
  });

  it('names an unclosed quote that runs on past the limit', () => {
    const p = file(`a,b\n1,"open\n${'2,3\n'.repeat(2000)}`, 'open.csv');
    const e = discernError(() => readCsvFile(p, { maxLineBytes: 1000 }));
    expect(e.message).toBe(
      `the record starting on line 2 of ${p} is longer than 1,000 bytes (the limit, maxLineBytes): the value opened with a double quote on line 2 runs on without a closing quote; is a closing quote missing? (a value containing the separator, a double quote or a line break must be enclosed in double quotes, with inner quotes doubled (""))`,
    );
    // within the limit, the end of the file finds it
    expect(discernError(() => readCsvFile(p)).message).toMatch(/line 2, column 'b': malformed CSV: the double quote that opens a value on line 2 is never closed/);
  });

  it('reads records longer than a chunk (a header line of 1.2 MB) when the limit allows', () => {
    const n = 150_000;
    const header = Array.from({ length: n }, (_, j) => `c${j}`).join(',');
    const row = Array.from({ length: n }, (_, j) => String(j % 10)).join(',');
    const p = file(`${header}\n${row}\n${row}\n`, 'wide-lines.csv');
    const t = readCsvFile(p);
    expect([t.columns.length, t.nRows, t.columns[123_457]!.name, t.columns[123_457]!.numeric![1]]).toEqual([n, 2, 'c123457', 7]);
    expect(Buffer.byteLength(header)).toBeGreaterThan(CHUNK_BYTES);
    expect(discernError(() => readCsvFile(p, { maxLineBytes: CHUNK_BYTES })).context).toMatchObject({ line: 1 });
  });

  it('is checked: a whole number of bytes from 1', () => {
    for (const bad of [0, -5, 1.5, Number.NaN, 2 ** 30, '64MB']) {
      const e = discernError(() => parseCsv('a\n1\n', { maxLineBytes: bad as number }));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toMatch(/^maxLineBytes must be a whole number of bytes from 1 to 536,870,888/);
      expect(e.context).toMatchObject({ option: 'maxLineBytes' });
    }
  });
});
