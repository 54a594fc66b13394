import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '@discern/linalg';
import { scoreFile } from '@discern/onnx';
import { describe, expect, it } from 'vitest';
import { runConfig, runError } from '../steps.test-helpers.js';

/** Two classes in x1, x2; with `missing`, about one cell in six left empty (a missing value), the first row's x2 always. */
function csv(n: number, seed: number, missing: boolean): string {
  const rng = createRng(seed);
  const lines = ['x1,x2,label'];
  for (let i = 0; i < n; i++) {
    const s = i % 2 === 1;
    const cell = (v: number, first: boolean) => (missing && (first || rng.uniform() < 1 / 6) ? '' : String(v));
    lines.push(`${cell(rng.normal() + (s ? 1 : 0), false)},${cell(rng.normal() - (s ? 0.5 : 0), i === 0)},${s ? 's' : 'b'}`);
  }
  return `${lines.join('\n')}\n`;
}

const readCsv = (path: string) => {
  const lines = readFileSync(path, 'utf8').trim().split('\n');
  return { head: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')) };
};

describe('crossvalidate with missing values (missing: keep)', () => {
  it('a fold ensemble of boosted trees evaluates and scores rows with missing values; its ONNX export scores them the same', async () => {
    const r = await runConfig(
      `
name: cvnan
seed: 7
data: { train: d.csv, test: t.csv, label: label, positive: s, missing: keep }
steps:
  - crossvalidate: { model: bdt, n_estimators: 10, folds: 3, name: cvn }
  - evaluate: { model: cvn, on: [test] }
  - predict: { model: cvn, on: [test] }
  - export: { model: cvn, onnx: cvn.onnx, dtype: float64 }
`,
      { 'd.csv': csv(240, 1, true), 't.csv': csv(90, 2, true) },
    );
    const auc = (r.metrics['cvn'] as Record<string, { auc: number }>)['test']!.auc;
    expect(auc).toBeGreaterThan(0.6);
    const run = readCsv(join(r.outDir, 'scores', 'cvn-test.csv'));
    expect(run.rows.length).toBe(90);
    // the exported graph on the same file, rows with empty cells included
    const out = join(r.dir, 'onnx-scores.csv');
    await scoreFile({ model: join(r.outDir, 'cvn.onnx'), data: join(r.dir, 't.csv'), out });
    const onnx = readCsv(out);
    expect(onnx.rows.length).toBe(90);
    const a = run.head.indexOf('p_s');
    const b = onnx.head.findIndex((h) => /s$/.test(h) && /p|prob/.test(h));
    expect(a).toBeGreaterThanOrEqual(0);
    expect(b, onnx.head.join(',')).toBeGreaterThanOrEqual(0);
    const missingRows = readFileSync(join(r.dir, 't.csv'), 'utf8').trim().split('\n').slice(1).filter((l) => /(^,|,,)/.test(l)).length;
    expect(missingRows).toBeGreaterThan(10);
    run.rows.forEach((row, i) => expect(Math.abs(Number(row[a]) - Number(onnx.rows[i]![b])), `row ${i}`).toBeLessThanOrEqual(1e-12));
  });

  it('a fold ensemble of logistic regressions refuses a missing value in the data it scores, naming the column', async () => {
    const e = await runError(
      `
name: cvnanlr
seed: 7
data: { train: d.csv, test: t.csv, label: label, positive: s, missing: keep }
steps:
  - crossvalidate: { model: logistic, folds: 3, name: cvl }
  - evaluate: { model: cvl, on: [test] }
`,
      { 'd.csv': csv(120, 1, false), 't.csv': csv(40, 2, true) },
    );
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toMatch(/^step 2 \(evaluate, at steps\[1\]\.evaluate\): FoldEnsemble input has a non-finite value NaN at .*, column "x2"; every value must be a finite number$/);
    expect(e.message).not.toMatch(/feature \d/);
  });
});
