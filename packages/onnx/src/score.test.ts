import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { type DiscernError } from '@discern/core';
import { HistGradientBoostingClassifier, LogisticRegression } from '@discern/models';
import { createSession, exportModel, exportModelFile, scoreFile } from './index.js';
import { dataPath, loadCsv, meanScale, standardised, tempDir } from './testing.test-helpers.js';

const fixture = (f: string) => fileURLToPath(new URL(`./__fixtures__/${f}`, import.meta.url));

function readScores(path: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  return { header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

describe('scoring a model made by another tool (onnx.helper, standardisation inside)', () => {
  const expected = JSON.parse(readFileSync(fixture('foreign_scores.json'), 'utf8')) as { features: string[]; prob: number[]; label: number[] };

  test('reproduces its own scores to 1e-5, in small batches, with metrics', async () => {
    const out = join(tempDir(), 'scores.csv');
    const r = await scoreFile({ model: fixture('foreign_mlp.onnx'), data: fixture('foreign_data.csv'), features: expected.features, label: 'label', out, batch: 7 });
    expect(r.rows).toBe(expected.prob.length);
    expect(r.device).toBe('cpu');
    expect(r.inputs).toEqual({ x: expected.features });
    const { header, rows } = readScores(out);
    expect(header).toEqual(['prob']);
    let worst = 0;
    rows.forEach((row, i) => (worst = Math.max(worst, Math.abs(Number(row[0]) - expected.prob[i]!))));
    expect(worst).toBeLessThanOrEqual(1e-5);
    expect(r.probaOutput).toBe('prob');
    expect(r.metrics!.n).toBe(expected.prob.length);
    expect(r.metrics!.auc).toBeGreaterThan(0.6);
    expect(r.timings.rowsPerSecond).toBeGreaterThan(0);
  });

  test('without features or metadata, the numeric columns are offered and the count mismatch is explained', async () => {
    const err = await scoreFile({ model: fixture('foreign_mlp.onnx'), data: fixture('foreign_data.csv'), label: 'label' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ONNX_SHAPE_MISMATCH' });
    expect((err as Error).message).toMatch(/expects input 'x' float32 \[batch, 4\]: 4 features per row, but .* give 5 columns \(id, z, w, v, u\)/);
  });
});

describe('scoring a discern export', () => {
  const iris = loadCsv('iris.csv', 'label');
  const s = meanScale(iris.X);
  const model = new LogisticRegression({ l2: 1e-2 }).fit(standardised(iris.X, s), iris.y);

  test('features from the metadata, class-named columns, metrics with the label, equal to the model', async () => {
    const dir = tempDir();
    const file = join(dir, 'iris.onnx');
    await exportModelFile(file, { estimator: model, featureNames: iris.features, classNames: iris.classes, standardizer: s, sample: iris.X, dtype: 'float64' });
    const out = join(dir, 'scores.csv');
    const r = await scoreFile({ model: file, data: dataPath('iris.csv'), label: 'label', out });
    expect(r.columns).toEqual(['probabilities_setosa', 'probabilities_versicolor', 'probabilities_virginica', 'label']);
    const P = model.predictProba(standardised(iris.X, s));
    const { rows } = readScores(out);
    let worst = 0;
    rows.forEach((row, i) => row.slice(0, 3).forEach((v, k) => (worst = Math.max(worst, Math.abs(Number(v) - P.data[i * 3 + k]!)))));
    expect(worst).toBeLessThanOrEqual(1e-12);
    expect(rows.map((row) => Number(row[3]))).toEqual(Array.from(model.predict(standardised(iris.X, s))));
    expect(r.metrics!.n_classes).toBe(3);
    expect(r.metrics!.confusion_matrix.labels).toEqual(iris.classes);
    expect(r.metrics!.accuracy).toBeGreaterThan(0.9);
  });
});

describe('bad input: coded errors naming the expected input and what was offered; no output left behind', () => {
  const iris = loadCsv('iris.csv', 'label');
  const model = new LogisticRegression().fit(iris.X, iris.y);
  const exported = exportModel({ estimator: model, featureNames: iris.features, classNames: iris.classes, sample: iris.X });

  async function expectError(run: () => Promise<unknown>, code: string, message: RegExp, dir: string): Promise<void> {
    const err = await run().catch((e: unknown) => e);
    expect(err, String(err)).toMatchObject({ code });
    expect((err as Error).message).toMatch(message);
    // neither the output nor a temporary file is left behind
    expect(readdirSync(dir).filter((f) => f === 'out.csv' || f.endsWith('.tmp'))).toEqual([]);
  }

  test('truncated model file and random bytes: ONNX_INVALID naming the file and onnxruntime', async () => {
    const dir = tempDir();
    const bytes = await exported;
    const truncated = join(dir, 'truncated.onnx');
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(scoreFile({ model: truncated, data: dataPath('iris.csv'), out: join(dir, 'out.csv') })).rejects.toMatchObject({ code: 'ONNX_INVALID', message: /truncated\.onnx is not a loadable ONNX model .*onnxruntime says/ });
    const random = join(dir, 'random.onnx');
    writeFileSync(random, Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251));
    await expect(createSession(random)).rejects.toMatchObject({ code: 'ONNX_INVALID', message: /random\.onnx/ });
    await expect(createSession(join(dir, 'absent.onnx'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    expect(existsSync(join(dir, 'out.csv'))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['random.onnx', 'truncated.onnx']);
  });

  test('a model with two inputs: listed, and scored once mapped by name', async () => {
    const dir = tempDir();
    const csv = join(dir, 'two.csv');
    writeFileSync(csv, 'p,q,r,s\n1,2,3,4\n0.5,0,1,2\n');
    await expectError(() => scoreFile({ model: fixture('two_inputs.onnx'), data: csv, out: join(dir, 'out.csv') }), 'ONNX_SHAPE_MISMATCH', /has 2 inputs \('a' float32 \[N, 2\]; 'b' float32 \[N, 2\]\).*with inputMap$/, dir);
    // the command line names the option as its user types it
    const err = (await scoreFile({ model: fixture('two_inputs.onnx'), data: csv }).catch((e: unknown) => e)) as DiscernError;
    expect(err.renamed({ option: (o) => (o === 'inputMap' ? '--input' : o) }).message).toMatch(/with --input$/);
    await expectError(() => scoreFile({ model: fixture('two_inputs.onnx'), data: csv, inputMap: { a: ['p', 'q'], c: ['r', 's'] }, out: join(dir, 'out.csv') }), 'ONNX_SHAPE_MISMATCH', /inputMap names input c, but model .* has inputs 'a'/, dir);
    const out = join(dir, 'scores.csv');
    const r = await scoreFile({ model: fixture('two_inputs.onnx'), data: csv, inputMap: { a: ['p', 'q'], b: ['r', 's'] }, out });
    expect(r.inputs).toEqual({ a: ['p', 'q'], b: ['r', 's'] });
    // y = [a b]·[1, 2, −1, 0.5]
    expect(readScores(out).rows.map((row) => Number(row[0]))).toEqual([1 + 4 - 3 + 2, 0.5 + 0 - 1 + 1]);
  });

  test('feature count mismatch (features given), and feature names the CSV lacks (metadata vs header)', async () => {
    const dir = tempDir();
    const file = join(dir, 'model.onnx');
    writeFileSync(file, await exported);
    const csv = join(dir, 'data.csv');
    writeFileSync(csv, 'sepal_length,sepal_width,petal_length,petal_len\n1,2,3,4\n');
    await expectError(
      () => scoreFile({ model: file, data: csv, out: join(dir, 'out.csv') }),
      'ONNX_SHAPE_MISMATCH',
      /expects input 'features' float32 \[N, 4\] with features sepal_length, sepal_width, petal_length, petal_width \(from the model's metadata\), but .*data\.csv has no column petal_width; its columns are sepal_length, sepal_width, petal_length, petal_len/,
      dir,
    );
    await expectError(
      () => scoreFile({ model: file, data: csv, features: ['sepal_length', 'sepal_width'], out: join(dir, 'out.csv') }),
      'ONNX_SHAPE_MISMATCH',
      /with features sepal_length, sepal_width, petal_length, petal_width \(from its metadata\), but the features given are sepal_length, sepal_width/,
      dir,
    );
    const foreignCsv = join(dir, 'three.csv');
    writeFileSync(foreignCsv, 'a,b,c\n1,2,3\n');
    await expectError(() => scoreFile({ model: fixture('foreign_mlp.onnx'), data: foreignCsv, features: ['a', 'b', 'c'], out: join(dir, 'out.csv') }), 'ONNX_SHAPE_MISMATCH', /\[batch, 4\]: 4 features per row, but the features given give 3 columns \(a, b, c\)/, dir);
  });

  test('non-numeric cell: DATA_INVALID with line and column, in a later batch, and no partial output', async () => {
    const dir = tempDir();
    const file = join(dir, 'model.onnx');
    writeFileSync(file, await exported);
    const csv = join(dir, 'data.csv');
    const body = Array.from({ length: 40 }, (_, i) => (i === 33 ? '5.1,3.5,abc,0.2,setosa' : '5.1,3.5,1.4,0.2,setosa'));
    writeFileSync(csv, ['sepal_length,sepal_width,petal_length,petal_width,label', ...body].join('\n') + '\n');
    await expectError(() => scoreFile({ model: file, data: csv, out: join(dir, 'out.csv'), batch: 8 }), 'DATA_INVALID', /line 35, column 'petal_length': ['"]abc['"] is not a number.*\(model .*model\.onnx expects input 'features' float32 \[N, 4\]\)/, dir);
    expect(existsSync(join(dir, 'out.csv'))).toBe(false);
  });

  test('empty data file and header-only file: DATA_INVALID naming the model input', async () => {
    const dir = tempDir();
    const file = join(dir, 'model.onnx');
    writeFileSync(file, await exported);
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    await expectError(() => scoreFile({ model: file, data: empty, out: join(dir, 'out.csv') }), 'DATA_INVALID', /empty.*expects input 'features' float32 \[N, 4\]/, dir);
    const headerOnly = join(dir, 'header.csv');
    writeFileSync(headerOnly, 'sepal_length,sepal_width,petal_length,petal_width\n');
    await expectError(() => scoreFile({ model: file, data: headerOnly, out: join(dir, 'out.csv') }), 'DATA_INVALID', /no data rows/, dir);
  });

  test('an unknown label value is DATA_INVALID naming the classes', async () => {
    const dir = tempDir();
    const file = join(dir, 'model.onnx');
    writeFileSync(file, await exported);
    const csv = join(dir, 'data.csv');
    writeFileSync(csv, 'sepal_length,sepal_width,petal_length,petal_width,label\n5.1,3.5,1.4,0.2,rose\n');
    await expectError(() => scoreFile({ model: file, data: csv, label: 'label', out: join(dir, 'out.csv') }), 'DATA_INVALID', /line 2, column 'label': label "rose" is not one of the model's classes setosa, versicolor, virginica/, dir);
  });
});

describe('devices (no GPU on this machine: tested up to the providers’ errors)', () => {
  test("'gpu' throws DEVICE_UNAVAILABLE naming cuda and webgpu and why each failed", async () => {
    const err = await createSession(fixture('foreign_mlp.onnx'), 'gpu').catch((e: unknown) => e);
    if (!(err instanceof Error)) {
      // a machine with a working GPU provider: the session opened on it
      const ms = err as Awaited<ReturnType<typeof createSession>>;
      expect(['cuda', 'webgpu']).toContain(ms.provider);
      await ms.session.release();
      return;
    }
    expect(err).toMatchObject({ code: 'DEVICE_UNAVAILABLE' });
    expect(err.message).toMatch(/tried cuda: .+; webgpu: .+\. CUDA needs onnxruntime-node installed with ONNXRUNTIME_NODE_INSTALL=cuda12/);
    const ctx = (err as unknown as { context: { attempts: { provider: string; error: string }[] } }).context;
    expect(ctx.attempts.map((a) => a.provider)).toEqual(['cuda', 'webgpu']);
    expect(ctx.attempts.every((a) => a.error.length > 0)).toBe(true);
  });

  test("'auto' falls back to the CPU with a one-line notice, and scores the same", async () => {
    const data = fixture('foreign_data.csv');
    const features = ['u', 'v', 'w', 'z'];
    const auto = await scoreFile({ model: fixture('foreign_mlp.onnx'), data, features, device: 'auto' });
    if (auto.device === 'cpu') {
      expect(auto.notice).toMatch(/^no usable GPU \(cuda, webgpu failed\), running on the CPU$/);
    } else expect(auto.notice).toBeUndefined();
    expect(auto.rows).toBe(300);
    await expect(createSession(fixture('foreign_mlp.onnx'), 'tpu' as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('missing cells in the scored file', () => {
  // x1 decides the class; a third of the rows have no x2 (an empty cell), which the trees route as trained
  const n = 300;
  const X = new Float64Array(n * 2);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    X[i * 2] = y[i]! + ((i * 7919) % 100) / 100;
    X[i * 2 + 1] = i % 3 === 0 ? NaN : ((i * 104729) % 97) / 97;
  }
  const data = { rows: n, cols: 2, data: X };
  const csv = `x1,x2\n${Array.from({ length: n }, (_, i) => `${X[i * 2]},${Number.isNaN(X[i * 2 + 1]!) ? '' : X[i * 2 + 1]}`).join('\n')}\n`;

  test("a boosted-tree model takes them (NaN routed down the learned branch), and the scores equal the model's", async () => {
    const dir = tempDir();
    const bdt = new HistGradientBoostingClassifier({ maxIter: 20, earlyStopping: false }).fit(data, y);
    const file = join(dir, 'bdt.onnx');
    await exportModelFile(file, { estimator: bdt, featureNames: ['x1', 'x2'], classNames: ['a', 'b'], sample: data, dtype: 'float64' });
    writeFileSync(join(dir, 'd.csv'), csv);
    const out = join(dir, 'scores.csv');
    const r = await scoreFile({ model: file, data: join(dir, 'd.csv'), out });
    expect(r.rows).toBe(n);
    const P = bdt.predictProba(data);
    const { rows } = readScores(out);
    let worst = 0;
    rows.forEach((row, i) => (worst = Math.max(worst, Math.abs(Number(row[1]) - P.data[i * 2 + 1]!))));
    expect(worst).toBeLessThanOrEqual(1e-12);
  });

  test('a model that needs every feature refuses an empty cell, naming its line and column', async () => {
    const dir = tempDir();
    const rows = Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 !== 0);
    const full = { rows: rows.length, cols: 2, data: Float64Array.from(rows.flatMap((i) => [X[i * 2]!, X[i * 2 + 1]!])) };
    const lr = new LogisticRegression().fit(full, Int32Array.from(rows, (i) => y[i]!));
    const file = join(dir, 'lr.onnx');
    await exportModelFile(file, { estimator: lr, featureNames: ['x1', 'x2'], classNames: ['a', 'b'], sample: full, dtype: 'float64' });
    writeFileSync(join(dir, 'd.csv'), csv);
    const e = (await scoreFile({ model: file, data: join(dir, 'd.csv') }).catch((x: unknown) => x)) as DiscernError;
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toMatch(/line 2, column 'x2': missing value/);
  });
});
