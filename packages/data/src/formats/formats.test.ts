import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsvFile } from '../csv/parse.js';
import { buildDataset } from '../dataset.js';
import { applyDefines, cutRows, subsetTable } from '../prepare.js';
import { locate, type Table } from '../table.js';
import { dataFile, discernErrorAsync } from '../testing.test-helpers.js';
import { parquetInfo, readParquetBatches } from './parquet.js';
import { type ParquetCodec, type ParquetColumnValues, writeParquet } from './parquet-write.js';
import { expandPaths, formatOf, readTableBatches, readTableFile, readTables } from './read.js';

const dir = mkdtempSync(join(tmpdir(), 'discern-formats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function writeFile(path: string, columns: Record<string, ParquetColumnValues>, options: { codec?: ParquetCodec; rowGroupSize?: number } = {}): Promise<string> {
  const parts: Uint8Array[] = [];
  await writeParquet(async (b) => void parts.push(b), columns, options);
  writeFileSync(path, Buffer.concat(parts));
  return path;
}

/** The columns of a CSV table as Parquet columns: numeric ones as doubles, the others as text. */
function asParquet(t: Table): Record<string, ParquetColumnValues> {
  return Object.fromEntries(t.columns.map((c) => [c.name, c.kind === 'numeric' ? Float64Array.from(c.numeric!) : c.raw]));
}

describe('Parquet', () => {
  let magic: Table;
  beforeAll(() => {
    magic = readCsvFile(dataFile('magic04.csv'));
  });

  it.each(['SNAPPY', 'GZIP', 'ZSTD', 'UNCOMPRESSED'] as const)('MAGIC written with %s in row groups of 5,000 reads back to the same doubles and labels, and the same Dataset as the CSV', async (codec) => {
    const path = await writeFile(join(dir, `magic-${codec}.parquet`), asParquet(magic), { codec, rowGroupSize: 5000 });
    const info = await parquetInfo(path);
    expect(info.rowGroups).toEqual([5000, 5000, 5000, 4020]);
    const t = await readTableFile(path);
    expect(t.nRows).toBe(19020);
    for (const c of magic.columns) {
      const got = t.columns.find((x) => x.name === c.name)!;
      expect(got.kind).toBe(c.kind);
      if (c.numeric) expect(Buffer.from(got.numeric!.buffer, got.numeric!.byteOffset, got.numeric!.byteLength).equals(Buffer.from(c.numeric.buffer, c.numeric.byteOffset, c.numeric.byteLength))).toBe(true);
      else expect(got.raw).toEqual(c.raw);
    }
    const a = buildDataset(magic, { label: 'class', positive: 'g' });
    const b = buildDataset(t, { label: 'class', positive: 'g' });
    expect(b.X.data).toEqual(a.X.data);
    expect(b.y).toEqual(a.y);
    expect(b.classNames).toEqual(a.classNames);
  });

  it('zstd: a page of exactly 128 KiB (the input block of the compressor) reads back', async () => {
    const x = Float64Array.from({ length: 16384 }, (_, i) => Math.sin(i));
    const path = await writeFile(join(dir, 'zstd-block.parquet'), { x }, { codec: 'ZSTD', rowGroupSize: 16384 });
    expect((await readTableFile(path)).columns[0]!.numeric).toEqual(x);
  });

  it('is read in batches of one row group, rows located by their row in the file', async () => {
    const path = await writeFile(join(dir, 'groups.parquet'), { x: Float64Array.from({ length: 10 }, (_, i) => i) }, { rowGroupSize: 4 });
    const batches = [];
    for await (const b of readParquetBatches(path)) batches.push(b);
    expect(batches.map((b) => [b.startRow, b.table.nRows])).toEqual([[0, 4], [4, 4], [8, 2]]);
    expect(locate(batches[2]!.table, 1)).toBe(`${path}, row 10`);
  });

  it('nullable columns: a null and a NaN are missing values, ±Infinity a non-finite value; the missing-value policy applies', async () => {
    const path = await writeFile(join(dir, 'nulls.parquet'), { x: Float64Array.from([1, NaN, 3, 4]), y: Float64Array.from([1, 2, Infinity, 4]), label: ['a', 'b', null, 'b'] });
    const t = await readTableFile(path);
    const x = t.columns[0]!, y = t.columns[1]!, label = t.columns[2]!;
    expect([x.missing, x.nonFinite, y.missing, y.nonFinite, label.missing]).toEqual([1, 0, 0, 1, 1]);
    expect(x.isMissing(1)).toBe(true);
    expect(y.text(2)).toBe('Infinity');
    const e = await discernErrorAsync(async () => buildDataset(t, { features: ['x'], label: 'label' }));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toContain(`${path}, row 2: missing value in column 'x'`);
    const kept = buildDataset(t, { features: ['x'], label: 'label', missing: 'drop' });
    expect([...kept.X.data]).toEqual([1, 4]);
    expect((await discernErrorAsync(async () => buildDataset(t, { features: ['y'], label: 'label', missing: 'drop' }))).message).toContain(`${path}, row 3, column 'y': non-finite value "Infinity"`);
  });

  it('integer, float, boolean and string columns written by hyparquet-writer with its own schema', async () => {
    const bytes = parquetWriteBuffer({
      columnData: [
        { name: 'i32', data: Int32Array.from([1, -2, 3]), type: 'INT32' },
        { name: 'i64', data: BigInt64Array.from([10n, 20n, -30n]), type: 'INT64' },
        { name: 'f32', data: Float32Array.from([0.5, 1.25, -2]), type: 'FLOAT' },
        { name: 'b', data: [true, false, null], type: 'BOOLEAN' },
        { name: 's', data: ['x', 'y', 'x'], type: 'STRING' },
        { name: 'n', data: ['1.5', '2', 'NA'], type: 'STRING' },
      ],
    });
    const path = join(dir, 'types.parquet');
    writeFileSync(path, new Uint8Array(bytes));
    const t = await readTableFile(path);
    const col = (n: string) => t.columns.find((c) => c.name === n)!;
    expect([...col('i32').numeric!]).toEqual([1, -2, 3]);
    expect([...col('i64').numeric!]).toEqual([10, 20, -30]);
    expect([...col('f32').numeric!]).toEqual([0.5, 1.25, -2]);
    expect([col('b').numeric![0], col('b').numeric![1], col('b').isMissing(2)]).toEqual([1, 0, true]);
    expect(col('s').kind).toBe('categorical');
    // a string column is typed as CSV cells are: numbers are numbers, NA is missing
    expect(col('n').kind).toBe('numeric');
    expect([col('n').numeric![0], col('n').isMissing(2)]).toEqual([1.5, true]);
    // a text column where a feature is required
    const e = await discernErrorAsync(async () => buildDataset(t, { features: ['i32', 's'] }));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toContain("feature column 's' of");
    expect(e.message).toContain('is categorical');
  });

  it('a truncated, a damaged or a non-Parquet file is DATA_INVALID naming it', async () => {
    const good = readFileSync(await writeFile(join(dir, 'ok.parquet'), { x: Float64Array.from({ length: 1000 }, (_, i) => i * 0.5) }));
    const cut = join(dir, 'cut.parquet');
    writeFileSync(cut, good.subarray(0, good.length - 40));
    const junk = join(dir, 'junk.parquet');
    writeFileSync(junk, 'x,y\n1,2\n');
    const spoiled = Buffer.from(good);
    for (let i = 20; i < 200; i++) spoiled[i] = 0xff;
    const bad = join(dir, 'spoiled.parquet');
    writeFileSync(bad, spoiled);
    for (const p of [cut, junk, bad]) {
      const e = await discernErrorAsync(() => readTableFile(p));
      expect(e.code, p).toBe('DATA_INVALID');
      expect(e.message).toContain(`${p} is not a readable Parquet file`);
    }
  });

  it('a column the file lacks, with a did-you-mean', async () => {
    const path = await writeFile(join(dir, 'cols.parquet'), { fLength: Float64Array.from([1]), fWidth: Float64Array.from([2]) });
    const e = await discernErrorAsync(() => readTableFile(path, { columns: ['fLenght'] }));
    expect(e.message).toContain(`${path} has no column 'fLenght' (did you mean 'fLength'?)`);
  });
});

describe('CSV compressed with gzip', () => {
  it('reads whole and in batches to the same table as the plain file', async () => {
    const text = readFileSync(dataFile('iris.csv'));
    const gz = join(dir, 'iris.csv.gz');
    writeFileSync(gz, gzipSync(text));
    const plain = readCsvFile(dataFile('iris.csv'));
    const whole = await readTableFile(gz);
    expect(whole.columns.map((c) => c.raw)).toEqual(plain.columns.map((c) => c.raw));
    expect([...whole.lines!]).toEqual([...plain.lines!]);
    const rows: (string | null)[] = [];
    for await (const b of readTableBatches(gz, { batchSize: 40 })) rows.push(...b.table.columns[0]!.raw);
    expect(rows).toEqual(plain.columns[0]!.raw);
  });

  it('a damaged gzip file is DATA_INVALID naming it', async () => {
    const gz = join(dir, 'bad.csv.gz');
    const bytes = gzipSync(readFileSync(dataFile('iris.csv')));
    writeFileSync(gz, bytes.subarray(0, bytes.length >> 1));
    const e = await discernErrorAsync(async () => {
      for await (const _ of readTableBatches(gz)) void _;
    });
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toContain(`${gz} is not a readable gzip file`);
  });
});

describe('formats, several files, globs', () => {
  it('the format comes from `format`, else the extension, else the first bytes', async () => {
    expect(['a.csv', 'a.CSV.gz', 'b.tsv', 'c.parquet', 'd.pq', 'e.root'].map((p) => formatOf(p))).toEqual(['csv', 'csv', 'csv', 'parquet', 'parquet', 'root']);
    expect(formatOf('events.dat', 'parquet')).toBe('parquet');
    const pq = join(dir, 'events.dat');
    writeFileSync(pq, readFileSync(await writeFile(join(dir, 'sniff.parquet'), { x: Float64Array.from([1, 2]) })));
    const root = join(dir, 'tree.bin');
    writeFileSync(root, readFileSync(dataFile('uproot-Zmumu.root')));
    const text = join(dir, 'table.txt2');
    writeFileSync(text, 'x\n1\n');
    expect([formatOf(pq), formatOf(root), formatOf(text), formatOf(join(dir, 'absent'))]).toEqual(['parquet', 'root', 'csv', 'csv']);
    expect((await readTableFile(pq)).nRows).toBe(2);
    const e = await discernErrorAsync(async () => formatOf('x.dat', 'xls' as never));
    expect(e.message).toContain('format must be one of csv, parquet, root, got "xls"');
  });

  it('a Parquet or ROOT file named or declared CSV is said to be one (not reported as bad UTF-8 or a malformed row)', async () => {
    const pq = join(dir, 'really-parquet.csv');
    writeFileSync(pq, readFileSync(await writeFile(join(dir, 'sig.parquet'), { x: Float64Array.from([1]) })));
    let e = await discernErrorAsync(() => readTableFile(pq));
    expect(`${e.code}: ${e.message}`).toBe(`DATA_INVALID: ${pq} starts with the signature of a Parquet file (PAR1), but it is read as CSV by its name; rename it .parquet, or set the format to parquet (format)`);
    e = await discernErrorAsync(() => readTableFile(dataFile('uproot-Zmumu.root'), { format: 'csv' }));
    expect(e.message).toContain('starts with the signature of a ROOT file (root), but it is read as CSV (format: csv); set the format to root (format)');
    // compressed: the signature is found in the decompressed stream, whole-file and batch readers alike
    const gzPq = join(dir, 'really-parquet.csv.gz');
    writeFileSync(gzPq, gzipSync(readFileSync(join(dir, 'sig.parquet'))));
    e = await discernErrorAsync(() => readTableFile(gzPq));
    expect(`${e.code}: ${e.message}`).toBe(`DATA_INVALID: ${gzPq} holds a Parquet file (its content starts with PAR1), not CSV text; discern reads Parquet files uncompressed: decompress it (gunzip) and give it as .parquet`);
    const gzRoot = join(dir, 'really-root.csv.gz');
    writeFileSync(gzRoot, gzipSync(readFileSync(dataFile('uproot-Zmumu.root'))));
    e = await discernErrorAsync(async () => {
      for await (const t of readTableBatches(gzRoot, { batchSize: 100 })) void t;
    });
    expect(e.message).toContain(`${gzRoot} holds a ROOT file (its content starts with root), not CSV text; discern reads ROOT files uncompressed: decompress it (gunzip) and give it as .root`);
  });

  it('several files read as one table, each row located in its own file; different columns are refused naming the file and column', async () => {
    const a = join(dir, 'part-a.csv'), b = join(dir, 'part-b.csv'), c = join(dir, 'part-c.csv');
    writeFileSync(a, 'x,y\n1,2\n3,4\n');
    writeFileSync(b, 'y,x\n6,5\n');
    writeFileSync(c, 'x,z\n1,2\n');
    const t = await readTables([a, b]);
    expect(t.nRows).toBe(3);
    expect([...t.columns[0]!.numeric!]).toEqual([1, 3, 5]);
    expect(locate(t, 2)).toBe(`${b} line 2`);
    const e = await discernErrorAsync(() => readTables([a, c]));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toContain(`${c} has no column 'y' that ${a} has`);
    expect(await expandPaths(['part-[ab].csv'], dir)).toEqual([a, b]);
    const g = await discernErrorAsync(() => expandPaths(['sig_*.parquet'], dir, 'data.train'));
    expect(g.message).toContain(`the pattern "sig_*.parquet" (data.train) matches no file in ${dir}`);
  });

  it('a CSV file and a Parquet file of one role: only the columns asked for are compared (a Parquet file reads only those)', async () => {
    const csv = join(dir, 'mixed.csv');
    writeFileSync(csv, 'x,unused,label\n1,9,a\n2,9,b\n');
    const pq = await writeFile(join(dir, 'mixed.parquet'), { x: Float64Array.from([3]), unused: Float64Array.from([9]), label: ['b'] });
    for (const order of [[csv, pq], [pq, csv]]) {
      const t = await readTables(order, { columns: ['x', 'label'] });
      expect(t.columns.map((c) => c.name)).toEqual(['x', 'label']);
      expect(t.nRows).toBe(3);
    }
    expect([...(await readTables([csv, pq], { columns: ['x', 'label'] })).columns[0]!.numeric!]).toEqual([1, 2, 3]);
    // a column asked for that one file lacks is still named
    const other = join(dir, 'mixed-other.csv');
    writeFileSync(other, 'z,label\n1,a\n');
    const e = await discernErrorAsync(() => readTables([pq, other], { columns: ['x', 'label'] }));
    expect(e.message).toContain(`${other} has no column 'x' that ${pq} has`);
  });
});

describe('ROOT TTrees', () => {
  it('uproot-Zmumu.root: every branch, and the invariant mass from the four-momenta reproduces M to 1e-6 on every event', async () => {
    const t = await readTableFile(dataFile('uproot-Zmumu.root'));
    expect(t.nRows).toBe(2304);
    expect(t.columns.map((c) => c.name)).toEqual(['Type', 'Run', 'Event', 'E1', 'px1', 'py1', 'pz1', 'pt1', 'eta1', 'phi1', 'Q1', 'E2', 'px2', 'py2', 'pz2', 'pt2', 'eta2', 'phi2', 'Q2', 'M']);
    expect(t.columns[0]!.kind).toBe('categorical');
    const { table, nonFinite } = applyDefines(t, [{ name: 'M_calc', expression: 'sqrt((E1+E2)^2 - (px1+px2)^2 - (py1+py2)^2 - (pz1+pz2)^2)' }]);
    expect(nonFinite).toEqual([0]);
    const M = table.columns.find((c) => c.name === 'M')!.numeric!;
    const calc = table.columns.find((c) => c.name === 'M_calc')!.numeric!;
    let worst = 0;
    for (let i = 0; i < t.nRows; i++) worst = Math.max(worst, Math.abs(calc[i]! - M[i]!) / M[i]!);
    expect(worst).toBeLessThan(1e-6);
    // opposite-sign pairs, as the data README counts them
    const os = cutRows(t, 'Q1 * Q2 < 0');
    expect([os.rows.length, t.nRows - os.rows.length]).toEqual([2147, 157]);
  });

  it('uproot-HZZ.root: jagged branches by index and reduced; length(Jet_Px) is NJet; entries located as ROOT counts them', async () => {
    const t = await readTableFile(dataFile('uproot-HZZ.root'), { columns: ['NJet', 'Jet_Px', 'NMuon', 'Muon_Px', 'EventWeight', 'triggerIsoMu24'] });
    expect(t.nRows).toBe(2421);
    expect(t.arrays!.map((a) => a.description)).toEqual(['Jet_Px (Float_t[NJet])', 'Muon_Px (Float_t[NMuon])']);
    const { table } = applyDefines(t, [
      { name: 'nj', expression: 'length(Jet_Px)' },
      { name: 'mu0', expression: 'Muon_Px[0]' },
      { name: 'mu1', expression: 'Muon_Px[1]' },
    ]);
    const get = (n: string) => table.columns.find((c) => c.name === n)!;
    expect([...get('nj').numeric!]).toEqual([...get('NJet').numeric!]);
    // the first events as uproot reads them (Muon_Px[NMuon] of entries 0 and 1)
    expect(get('mu0').numeric![0]).toBe(Math.fround(-52.89945602416992));
    expect(get('mu1').numeric![0]).toBe(Math.fround(37.7377815246582));
    expect(get('mu1').isMissing(1)).toBe(true); // entry 1 has one muon: past the end is missing
    expect(get('triggerIsoMu24').numeric![0]).toBe(1);
    const cut = subsetTable(table, cutRows(table, 'NMuon >= 2', { missing: 'drop' }).rows);
    expect(locate(cut, 1)).toMatch(/uproot-HZZ\.root entry \d+$/);
    expect(locate(cut, 1)).toBe(`${dataFile('uproot-HZZ.root')} entry ${cut.fileRows![1]}`);
  });

  it.each(['lz4', 'lzma', 'zstd'])('baskets compressed with %s (the other algorithms ROOT writes) read to the same values as zlib', async (codec) => {
    // __fixtures__/make-root-codecs.ts: uproot-Zmumu.root with its baskets recompressed in place
    const fixture = fileURLToPath(new URL(`./__fixtures__/zmumu-${codec}.root`, import.meta.url));
    const bytes = readFileSync(fixture);
    const tag = { lz4: 'L4', lzma: 'XZ', zstd: 'ZS' }[codec]!;
    expect(bytes.indexOf(tag, 0, 'latin1')).toBeGreaterThan(0); // it holds baskets of that algorithm
    const zlib = await readTableFile(dataFile('uproot-Zmumu.root'));
    const t = await readTableFile(fixture);
    expect(t.nRows).toBe(zlib.nRows);
    for (const c of zlib.columns) expect(t.columns.find((x) => x.name === c.name)!.raw).toEqual(c.raw);
  });

  it('errors: a tree that is not there (listing the trees), a branch with a did-you-mean, a truncated and a damaged file', async () => {
    const zmumu = dataFile('uproot-Zmumu.root');
    let e = await discernErrorAsync(() => readTableFile(zmumu, { tree: 'event' }));
    expect(e.message).toContain(`${zmumu} has no tree 'event' (tree) (did you mean 'events'?); its trees are 'events'`);
    e = await discernErrorAsync(() => readTableFile(zmumu, { columns: ['pt'] }));
    expect(e.message).toContain(`tree 'events' of ${zmumu} has no branch 'pt' (did you mean 'pt1'?)`);
    const bytes = readFileSync(zmumu);
    const cut = join(dir, 'cut.root');
    writeFileSync(cut, bytes.subarray(0, 20000));
    e = await discernErrorAsync(() => readTableFile(cut));
    expect(e.message).toContain(`${cut} is not a readable ROOT file: it is 20,000 bytes long, but its header says 178,971`);
    const spoiled = Buffer.from(bytes);
    for (let i = 30000; i < 31000; i++) spoiled[i] = 0x55;
    const bad = join(dir, 'spoiled.root');
    writeFileSync(bad, spoiled);
    e = await discernErrorAsync(() => readTableFile(bad));
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toMatch(/is not a readable ROOT file: branch '\w+' of tree 'events' gave 0 of its 2,304 entries/);
    const junk = join(dir, 'junk.root');
    writeFileSync(junk, 'not a root file at all, just text '.repeat(5));
    expect((await discernErrorAsync(() => readTableFile(junk))).message).toContain(`${junk} is not a readable ROOT file`);
  });
});
