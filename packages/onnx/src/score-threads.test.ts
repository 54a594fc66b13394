import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ParquetColumnValues, readCsvFile, readTableFile, writeParquet } from '@discern/data';
import { LogisticRegression } from '@discern/models';
import { describe, expect, test } from 'vitest';
import { exportModelChecked, scoreFile } from './index.js';
import { dataPath, loadCsv, meanScale, tempDir } from './testing.test-helpers.js';

// Scoring on worker threads: the row groups of Parquet files (and several files) are scored on workers and joined in
// input order, so the files written and the metrics are exactly those of one thread.
describe('discern score on worker threads', () => {
  test('a Parquet file of 12 row groups, and two files: the same CSV, Parquet and metrics with 1 and 3 threads', async () => {
    const dir = tempDir();
    const { X, y } = loadCsv('magic04.csv', 'class', { classes: ['h', 'g'] });
    const { mean, scale } = meanScale(X);
    const model = new LogisticRegression().fit({ rows: X.rows, cols: X.cols, data: X.data.map((v, k) => (v - mean[k % X.cols]!) / scale[k % X.cols]!) }, y);
    const features = ['fLength', 'fWidth', 'fSize', 'fConc', 'fConc1', 'fAsym', 'fM3Long', 'fM3Trans', 'fAlpha', 'fDist'];
    const onnx = join(dir, 'm.onnx');
    writeFileSync(onnx, (await exportModelChecked({ estimator: model, featureNames: features, classNames: ['h', 'g'], positive: 'g', standardizer: { mean, scale }, sample: X })).bytes);
    const t = readCsvFile(dataPath('magic04.csv'));
    const cols = (a: number, b: number): Record<string, ParquetColumnValues> => Object.fromEntries(t.columns.map((c) => [c.name, c.kind === 'numeric' ? c.numeric!.slice(a, b) : c.raw.slice(a, b)]));
    const write = async (path: string, c: Record<string, ParquetColumnValues>) => {
      const parts: Uint8Array[] = [];
      await writeParquet(async (b) => void parts.push(b), c, { rowGroupSize: 1600 });
      writeFileSync(path, Buffer.concat(parts));
    };
    await write(join(dir, 'all.parquet'), cols(0, t.nRows));
    await write(join(dir, 'a.parquet'), cols(0, 7000));
    await write(join(dir, 'b.parquet'), cols(7000, t.nRows));
    for (const data of [join(dir, 'all.parquet'), [join(dir, 'a.parquet'), join(dir, 'b.parquet')]]) {
      const runs = [];
      for (const threads of [1, 3])
        for (const ext of ['csv', 'parquet']) {
          const out = join(dir, `s-${threads}-${Array.isArray(data) ? 2 : 1}.${ext}`);
          const r = await scoreFile({ model: onnx, data, label: 'class', out, batch: 1000, threads });
          runs.push({ threads, ext, bytes: readFileSync(out), metrics: r.metrics, rows: r.rows });
        }
      expect(runs.every((r) => r.rows === 19020)).toBe(true);
      for (const ext of ['csv', 'parquet']) {
        const [one, three] = runs.filter((r) => r.ext === ext);
        expect(three!.bytes.equals(one!.bytes)).toBe(true);
        expect(three!.metrics).toEqual(one!.metrics);
      }
      // the Parquet scores read back to the CSV's numbers (float32 outputs as FLOAT)
      const pq = await readTableFile(join(dir, `s-3-${Array.isArray(data) ? 2 : 1}.parquet`));
      const csv = readCsvFile(join(dir, `s-3-${Array.isArray(data) ? 2 : 1}.csv`));
      expect(pq.nRows).toBe(19020);
      for (const c of csv.columns) expect(pq.columns.find((x) => x.name === c.name)!.numeric).toEqual(Float64Array.from(c.numeric!, (v) => Math.fround(v)));
    }
  }, 120_000);

  test('a CSV file cut into ranges of whole lines: the same CSV, Parquet and metrics with 1 and 3 threads; an error names its line', async () => {
    const dir = tempDir();
    const { X, y } = loadCsv('magic04.csv', 'class', { classes: ['h', 'g'] });
    const model = new LogisticRegression().fit(X, y);
    const features = ['fLength', 'fWidth', 'fSize', 'fConc', 'fConc1', 'fAsym', 'fM3Long', 'fM3Trans', 'fAlpha', 'fDist'];
    const onnx = join(dir, 'm.onnx');
    writeFileSync(onnx, (await exportModelChecked({ estimator: model, featureNames: features, classNames: ['h', 'g'], positive: 'g', sample: X })).bytes);
    // CRLF line ends and a blank line inside: lines are counted as the reader counts them
    const text = readFileSync(dataPath('magic04.csv'), 'utf8').replace(/\n/g, '\r\n').replace('\r\n0.0', '\r\n\r\n0.0');
    const csv = join(dir, 'magic.csv');
    writeFileSync(csv, text);
    for (const ext of ['csv', 'parquet']) {
      const one = await scoreFile({ model: onnx, data: csv, label: 'class', out: join(dir, `one.${ext}`), batch: 700, threads: 1 });
      const three = await scoreFile({ model: onnx, data: csv, label: 'class', out: join(dir, `three.${ext}`), batch: 700, threads: 3, splitBytes: 100_000 });
      expect(three.rows).toBe(19020);
      expect(readFileSync(join(dir, `three.${ext}`)).equals(readFileSync(join(dir, `one.${ext}`)))).toBe(true);
      expect(three.metrics).toEqual(one.metrics);
    }
    // a bad cell late in the file, in a range read by another thread: the same error, the same line
    const lines = text.split('\r\n');
    lines[15000] = lines[15000]!.replace(/^[^,]+/, 'x1');
    writeFileSync(csv, lines.join('\r\n'));
    const errors = [];
    for (const threads of [1, 3]) {
      const e = (await scoreFile({ model: onnx, data: csv, threads, splitBytes: 100_000 }).then(
        () => new Error('no error'),
        (err: unknown) => err,
      )) as Error & { code?: string };
      errors.push(e.message);
    }
    expect(errors[0]).toContain(`${csv} line 15001, column 'fLength': "x1" is not a number`);
    expect(errors[1]).toBe(errors[0]);
  }, 120_000);

  test('an error on a worker (a missing value in a row group) is the coded error one thread gives', async () => {
    const dir = tempDir();
    const { X, y } = loadCsv('iris.csv', 'label', { classes: ['setosa', 'versicolor', 'virginica'] });
    const model = new LogisticRegression().fit(X, y);
    const onnx = join(dir, 'iris.onnx');
    writeFileSync(onnx, (await exportModelChecked({ estimator: model, featureNames: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'], classNames: ['setosa', 'versicolor', 'virginica'], sample: X })).bytes);
    const t = readCsvFile(dataPath('iris.csv'));
    const c = Object.fromEntries(t.columns.map((col) => [col.name, col.kind === 'numeric' ? Float64Array.from(col.numeric!) : col.raw])) as Record<string, ParquetColumnValues>;
    (c.petal_width as Float64Array)[120] = NaN;
    const parts: Uint8Array[] = [];
    await writeParquet(async (b) => void parts.push(b), c, { rowGroupSize: 40 });
    const path = join(dir, 'iris.parquet');
    writeFileSync(path, Buffer.concat(parts));
    const messages = [];
    for (const threads of [1, 2]) {
      const e = (await scoreFile({ model: onnx, data: path, threads }).then(
        () => new Error('no error'),
        (err: unknown) => err,
      )) as Error & { code?: string };
      expect(e.code).toBe('DATA_INVALID');
      messages.push(e.message);
    }
    expect(messages[0]).toContain(`${path}, row 121, column 'petal_width': missing value`);
    expect(messages[1]).toBe(messages[0]);
  }, 60_000);
});
