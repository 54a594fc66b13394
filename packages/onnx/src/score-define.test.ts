import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { writeParquet } from '@discern/data';
import { createRng } from '@discern/linalg';
import { LogisticRegression } from '@discern/models';
import { exportModelFile, scoreFile } from './index.js';
import { tempDir } from './testing.test-helpers.js';

// Scoring through derived columns and a preselection (a config's data.define and data.cut): the model's inputs are
// computed on every batch from the file's columns, and only the rows that pass the cut are scored, written and
// evaluated. The expected values are computed here in plain arithmetic, not by the code under test.

const N = 3000;
const rng = createRng(17);
const a = Float64Array.from({ length: N }, () => rng.normal());
const b = Float64Array.from({ length: N }, () => rng.normal());
const label = Int32Array.from({ length: N }, (_, i) => (a[i]! + 0.5 * b[i]! + 0.7 * rng.normal() > 0 ? 1 : 0));
/** The derived features: s = a + b, r = a / (|b| + 1). */
const derive = (i: number) => [a[i]! + b[i]!, a[i]! / (Math.abs(b[i]!) + 1)];
const DEFINE = [
  { name: 's', expression: 'a + b' },
  { name: 'r', expression: 'a / (abs(b) + 1)' },
];
const CUT = 'a > -0.5 && b < 1.5';
const passes = (i: number) => a[i]! > -0.5 && b[i]! < 1.5;

const dir = tempDir();
const csv = join(dir, 'events.csv');
writeFileSync(csv, `a,b,label\n${Array.from({ length: N }, (_, i) => `${a[i]},${b[i]},${label[i]}`).join('\n')}\n`);
const X = { rows: N, cols: 2, data: Float64Array.from({ length: 2 * N }, (_, k) => derive(Math.floor(k / 2))[k % 2]!) };
const model = new LogisticRegression({ l2: 1e-3 }).fit(X, label);
const onnx = join(dir, 'model.onnx');
await exportModelFile(onnx, { estimator: model, featureNames: ['s', 'r'], classNames: ['0', '1'], sample: X, dtype: 'float64' });

async function parquetCopy(rowGroupSize: number): Promise<string> {
  const path = join(dir, `events-${rowGroupSize}.parquet`);
  const parts: Uint8Array[] = [];
  await writeParquet(async (chunk) => void parts.push(chunk), { a, b, label: Float64Array.from(label) }, { rowGroupSize });
  writeFileSync(path, Buffer.concat(parts));
  return path;
}

describe('scoring through define and cut', () => {
  test('the derived inputs and the cut: the scores of exactly the passing rows, equal to the model on features computed by hand', async () => {
    const out = join(dir, 'scores.csv');
    const r = await scoreFile({ model: onnx, data: csv, define: DEFINE, cut: CUT, label: 'label', out, batch: 500 });
    const kept = Array.from({ length: N }, (_, i) => i).filter(passes);
    expect(kept.length).toBeGreaterThan(1000);
    expect(kept.length).toBeLessThan(N);
    expect(r.rows).toBe(kept.length);
    expect(r.inputs).toEqual({ features: ['s', 'r'] });
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    const p1 = lines[0]!.split(',').indexOf('probabilities_1');
    const P = model.predictProba({ rows: kept.length, cols: 2, data: Float64Array.from(kept.flatMap(derive)) });
    let worst = 0;
    kept.forEach((_, k) => (worst = Math.max(worst, Math.abs(Number(lines[k + 1]!.split(',')[p1]) - P.data[2 * k + 1]!))));
    expect(worst).toBeLessThanOrEqual(1e-12); // float64 graph: the same arithmetic up to the order of two sums
    expect(r.metrics!.n).toBe(kept.length);
  });

  test('the same bytes from CSV and from Parquet, on one thread and on two (row groups on worker threads)', async () => {
    const outs: string[] = [];
    const pq = await parquetCopy(400);
    for (const [data, threads] of [[csv, 1], [csv, 2], [pq, 1], [pq, 2]] as const) {
      const out = join(dir, `same-${outs.length}.csv`);
      await scoreFile({ model: onnx, data, define: DEFINE, cut: CUT, out, threads, batch: 256 });
      outs.push(readFileSync(out, 'utf8'));
    }
    for (const o of outs.slice(1)) expect(o).toBe(outs[0]);
  });

  test('a label made by a define, and a cut that cannot decide a row (a missing cell): an error naming the line, or dropped', async () => {
    const gap = join(dir, 'gap.csv');
    writeFileSync(gap, 'a,b,label\n1,0.5,1\n0.2,,0\n-1,2,0\n2,-1,1\n');
    const e = await scoreFile({ model: onnx, data: gap, define: [...DEFINE, { name: 'positive', expression: 'label == 1' }], cut: CUT, label: 'positive' }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'DATA_INVALID' });
    expect((e as Error).message).toContain(`${gap} line 3: the cut`);
    const r = await scoreFile({ model: onnx, data: gap, define: [...DEFINE, { name: 'positive', expression: 'label == 1' }], cut: CUT, cutMissing: 'drop', label: 'positive' });
    expect(r.rows).toBe(2); // line 2 passes, line 3 is undecided, line 4 fails b < 1.5, line 5 passes
    expect(r.metrics!.n).toBe(2);
  });

  test('a derived name that is a column of the file, an expression that does not parse, an unknown column', async () => {
    const err = async (o: Partial<Parameters<typeof scoreFile>[0]>) => {
      const e = await scoreFile({ model: onnx, data: csv, ...o }).catch((x: unknown) => x);
      return `${(e as { code: string }).code}: ${(e as Error).message}`;
    };
    expect(await err({ define: [{ name: 'a', expression: 'b * 2' }] })).toMatch(/^DATA_INVALID: define a would replace the column "a" of .*events\.csv/);
    expect(await err({ define: DEFINE, cut: 'a > (' })).toMatch(/^INVALID_ARGUMENT: the cut "a > \(": /);
    expect(await err({ define: [{ name: 's', expression: 'a + bb' }, DEFINE[1]!] })).toMatch(/no column 'bb' .*did you mean 'b'/);
  });
});

describe('bad input said as it is', () => {
  const err = async (o: Partial<Parameters<typeof scoreFile>[0]>) => {
    const e = await scoreFile({ model: onnx, data: csv, define: DEFINE, ...o }).catch((x: unknown) => x);
    return `${(e as { code: string }).code}: ${(e as Error).message}`;
  };

  test('a truncated .csv.gz is a damaged gzip file (its head ends mid-line), not a row with too few fields', async () => {
    const whole = gzipSync(readFileSync(csv));
    const cut = join(dir, 'cut.csv.gz');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    expect(await err({ data: cut })).toMatch(/^DATA_INVALID: .*cut\.csv\.gz is not a readable gzip file \(unexpected end of file\); is it complete/);
  });

  test('--out ending in .gz, and a tree for a CSV file, are refused before any work', async () => {
    expect(await err({ out: join(dir, 'scores.csv.gz') })).toMatch(/^INVALID_ARGUMENT: out .*scores\.csv\.gz ends in \.gz, but scores are written as plain CSV, or as Parquet/);
    expect(await err({ tree: 'events' })).toMatch(/^INVALID_ARGUMENT: tree names a ROOT tree, but .*events\.csv is read as CSV/);
  });
});
