import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDataset } from '../dataset.js';
import { hashFile, hashFileSync } from '../hash.js';
import { discernError, discernErrorAsync } from '../testing.test-helpers.js';
import { parseCsv, readCsvFile } from './parse.js';
import { readCsvBatches, readCsvTables, readDatasetBatches } from './stream.js';

// The data mistakes a user can make, each a coded error naming the file, the line, the column and what would be
// accepted, whichever reader meets it; and no message prints a huge cell or column name whole.

const dir = mkdtempSync(join(tmpdir(), 'discern-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let nFiles = 0;
function file(content: string | Uint8Array): string {
  const p = join(dir, `f${nFiles++}.csv`);
  writeFileSync(p, content);
  return p;
}

async function drain<T>(gen: AsyncGenerator<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}

/** The error of each reader on one file. */
async function errorsOf(path: string) {
  return {
    readCsvFile: discernError(() => readCsvFile(path)),
    readCsvBatches: await discernErrorAsync(() => drain(readCsvBatches(path, { columns: ['a'] }))),
    readCsvTables: await discernErrorAsync(() => drain(readCsvTables(path))),
    readDatasetBatches: await discernErrorAsync(() => drain(readDatasetBatches(path, { encodings: [{ column: 'a', kind: 'numeric' }] }))),
  };
}

describe('files without data', () => {
  it('an empty file, blank lines only, a byte-order mark only: the file is empty', async () => {
    for (const content of ['', '\n\n', '  \r\n\t\n', '\uFEFF']) {
      const p = file(content);
      for (const [reader, e] of Object.entries(await errorsOf(p))) {
        expect([reader, e.code, e.message]).toEqual([reader, 'DATA_INVALID', `${p}: the file is empty, no data rows; a header row and at least one data row are required`]);
        expect(e.context).toMatchObject({ file: p });
      }
    }
  });

  it('a header only', async () => {
    const p = file('a,b,c\n\n');
    for (const [reader, e] of Object.entries(await errorsOf(p)))
      expect([reader, e.code, e.message]).toEqual([reader, 'DATA_INVALID', `${p}: header only, no data rows; at least one data row is required below the header`]);
  });
});

describe('headers', () => {
  it('duplicate and empty column names, with their positions and line 1', async () => {
    const dup = file('a,b,a\n1,2,3\n');
    for (const [reader, e] of Object.entries(await errorsOf(dup))) {
      expect([reader, e.message]).toEqual([reader, `${dup}: duplicate column name 'a' (columns 1 and 3 of the header, line 1); column names must be unique`]);
      expect(e.context).toMatchObject({ file: dup, line: 1, column: 'a' });
    }
    const empty = file('a,,c\n1,2,3\n');
    expect(discernError(() => readCsvFile(empty)).message).toBe(`${empty}: column 2 of the header has an empty name; every column needs a name in the header row (line 1)`);
  });

  it('a header of one 300,000-character name reads, and messages name it in at most about 80 characters', () => {
    const name = 'h'.repeat(300_000);
    const p = file(`${name}\n1\n2\n`);
    const t = readCsvFile(p);
    expect(t.columns.map((c) => c.name.length)).toEqual([300_000]);
    const e = discernError(() => buildDataset(t, { label: 'class' }));
    expect(e.code).toBe('LABEL_INVALID');
    expect(e.message).toBe(`label column 'class' (label) is not in ${p}; available columns: "${'h'.repeat(30)}"…"${'h'.repeat(30)}" (300,000 characters)`);
    // a duplicate of it
    const twice = file(`${name},${name}\n1,2\n`);
    expect(discernError(() => readCsvFile(twice)).message.length).toBeLessThan(300 + twice.length);
  });

  it('a column the reader is asked for and the file lacks, with a suggestion', async () => {
    const p = file('alpha,beta\n1,2\n');
    const e = await discernErrorAsync(() => drain(readCsvBatches(p, { columns: ['alpah'] })));
    expect(e.message).toBe(`${p} has no column 'alpah' (did you mean 'alpha'?); its columns are 'alpha', 'beta'`);
    expect(e.context).toMatchObject({ file: p, line: 1, column: 'alpah', suggestion: 'alpha' });
  });
});

describe('huge cells are quoted in at most about 80 characters', () => {
  const huge = 'x'.repeat(20_000_000);
  const shown = `"${'x'.repeat(30)}"…"${'x'.repeat(30)}" (20,000,000 characters)`;

  it('a 20 MB cell in a numeric column, a label and a category', async () => {
    const p = file(`a,label\n1,g\n2,h\n${huge},g\n`);
    const typo = discernError(() => buildDataset(readCsvFile(p), { label: 'label' }));
    expect(typo.message.length).toBeLessThan(500);
    expect(typo.message).toContain(`${p} line 4, column 'a': ${shown} is not a number`);
    const streamed = await discernErrorAsync(() => drain(readCsvBatches(p, { columns: ['a'] })));
    expect(streamed.message).toBe(`${p} line 4, column 'a': ${shown} is not a number; expected a decimal number such as 1.5, -0.5 or 1e3`);
    const q = file(`a,label\n1,g\n2,${huge}\n`);
    const label = discernError(() => buildDataset(readCsvFile(q), { label: 'label', classes: ['g', 'h'] }));
    expect(label.message).toBe(`${q} line 3: label ${shown} in column 'label' of ${q} is not one of the classes 'g', 'h' (classes, from the training data)`);
    // as one of the categories of a categorical feature, listed when it is not encoded
    const c = discernError(() => buildDataset(readCsvFile(file(`a,b\nx,1\n${huge},2\n`)), { features: ['a'] }));
    expect(c.message.length).toBeLessThan(400);
    expect(c.message).toContain(`(2 values: 'x', ${shown})`);
  });

  it('a 20 MB value with a stray quote: malformed CSV, quoted short, with line and column', () => {
    const p = file(`a,b\n1,2\n3,${huge}"tail\n`);
    const e = discernError(() => readCsvFile(p));
    expect(e.message).toBe(
      `${p} line 3, column 'b': malformed CSV: a double quote inside the unquoted value "${'x'.repeat(10)}"…"${'x'.repeat(10)}" (20,000,000 characters); a value containing the separator, a double quote or a line break must be enclosed in double quotes, with inner quotes doubled ("")`,
    );
    expect(e.context).toMatchObject({ file: p, line: 3, column: 'b', offset: 10 + huge.length });
  });
});

describe('rows', () => {
  it('a ragged row: its line, its number of fields and the header’s, in every reader', async () => {
    const p = file('a,b,c\n1,2,3\n4,5\n');
    for (const [reader, e] of Object.entries(await errorsOf(p))) {
      expect([reader, e.message]).toEqual([
        reader,
        `${p} line 3 has 2 fields, but the header (line 1) has 3; every row needs one value per column, separated by ',' (quote a value that contains the separator)`,
      ]);
      expect(e.context).toMatchObject({ file: p, line: 3, fields: 2, expected: 3 });
    }
  });

  it('a malformed quote: line, column, byte offset, in every reader', async () => {
    const p = file('a,b\n1,2\n3,"x"y\n');
    for (const [reader, e] of Object.entries(await errorsOf(p))) {
      expect([reader, e.code, e.context.line, e.context.column, e.context.offset]).toEqual([reader, 'DATA_INVALID', 3, 'b', 12]);
      expect(e.message).toContain(`${p} line 3, column 'b': malformed CSV: a quoted value ends with a double quote followed by "y"`);
    }
  });
});

describe('paths and options', () => {
  it('a folder, a missing file, a path through a file: coded, naming the path', async () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    const cases: [string, string, RegExp][] = [
      [folder, 'IO_ERROR', /^cannot read .*a-folder: it is a folder; give a file$/],
      [join(dir, 'nope.csv'), 'FILE_NOT_FOUND', /nope\.csv does not exist$/],
      [join(file('a\n1\n'), 'x.csv'), 'IO_ERROR', /a part of the path is a file, not a folder$/],
    ];
    for (const [path, code, message] of cases) {
      for (const [reader, e] of Object.entries(await errorsOf(path))) {
        expect([reader, e.code]).toEqual([reader, code]);
        expect(e.message).toMatch(message);
        expect(e.context).toMatchObject({ file: path });
      }
      expect(discernError(() => hashFileSync(path)).code).toBe(code);
      expect((await discernErrorAsync(() => hashFile(path))).code).toBe(code);
    }
  });

  it('bad reading options name the option and what is accepted', async () => {
    for (const d of ['"', '\n', ',,', 'é', '']) {
      const e = discernError(() => parseCsv('a\n1\n', { delimiter: d }));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toMatch(/^delimiter must be one ASCII character other than a double quote or a line break \(such as ',', ';' or '\\t'\), got /);
      expect(e.context).toMatchObject({ option: 'delimiter' });
    }
    const p = file('a\n1\n');
    for (const batchSize of [0, 1.5, -1]) {
      const e = await discernErrorAsync(() => drain(readCsvBatches(p, { columns: ['a'], batchSize })));
      expect(e.message).toBe(`batchSize must be a positive whole number of rows, got ${batchSize}`);
      expect(e.renamed({ option: () => '--batch' }).message).toMatch(/^--batch must be/);
    }
    const enc = await discernErrorAsync(() => drain(readDatasetBatches(p, {})));
    expect(enc.message).toBe('readDatasetBatches needs encodings, those of a dataset built before (a training set): features are not inferred per batch');
  });
});
