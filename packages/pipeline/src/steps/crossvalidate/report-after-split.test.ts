import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rocCurve } from '@discern/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type PlotInput } from '../../report/inputs.js';
import { type StepReport } from '../../step.js';
import { evaluateStep } from '../evaluate/index.js';
import { runConfig, twoClassCsv } from '../steps.test-helpers.js';
import { crossvalidateStep } from './index.js';

/**
 * A step's report reads the run as the step left it: a later split of the same dataset into the same name (train →
 * train, cal) must not change the labels the report draws an earlier step's ROC with (it crashed on a length
 * mismatch before, or would silently draw the new rows' curve).
 */
afterEach(() => {
  vi.restoreAllMocks();
});

type RocPlot = Extract<PlotInput, { kind: 'roc' }>;

async function rocOf(spy: { mock: { results: { value: unknown }[] } }): Promise<RocPlot> {
  const section = (await spy.mock.results[0]!.value) as StepReport;
  const roc = section.plots!.find((p) => p.kind === 'roc') as RocPlot | undefined;
  expect(roc).toBeDefined();
  return roc!;
}

/** Each drawn point is a point of the full curve (the thinner keeps a subset of them), and the curve spans (0,0)–(1,1). */
function expectOnCurve(roc: RocPlot, fpr: Float64Array, tpr: Float64Array): void {
  const full = new Set(Array.from(fpr, (x, i) => `${x},${tpr[i]}`));
  const xs = Array.from(roc.fpr), ys = Array.from(roc.tpr);
  expect(xs.length).toBeGreaterThan(10);
  xs.forEach((x, i) => expect(full.has(`${x},${ys[i]}`), `point ${i} (${x}, ${ys[i]})`).toBe(true));
  expect([xs[0], ys[0], xs[xs.length - 1], ys[ys.length - 1]]).toEqual([0, 0, 1, 1]);
}

describe('a report reads the datasets as its step left them', () => {
  it('crossvalidate, then evaluate on train, then a split of train into train and cal: both ROCs are of the original train rows', async () => {
    const cv = vi.spyOn(crossvalidateStep, 'report');
    const ev = vi.spyOn(evaluateStep, 'report');
    const r = await runConfig(
      `
name: cvsplit
seed: 3
data: { source: d.csv, label: label, positive: s, split: { test: 0.25 } }
steps:
  - crossvalidate: { model: logistic, folds: 3, name: cvl }
  - fit: { model: logistic, name: lr }
  - evaluate: { model: lr, on: [train] }
  - predict: { model: lr, on: [train] }
  - split: { from: train, into: [train, cal], fraction: 0.3 }
`,
      { 'd.csv': twoClassCsv(100) },
    );
    // the out-of-fold scores of the 150 original train rows, and the labels beside them
    const oof = readFileSync(join(r.outDir, 'scores', 'cvl-oof.csv'), 'utf8').trim().split('\n');
    const head = oof[0]!.split(',');
    const rows = oof.slice(1).map((l) => l.split(','));
    expect(rows.length).toBe(150);
    const y = rows.map((c) => (c[head.indexOf('label')] === 's' ? 1 : 0));
    const full = rocCurve(y, rows.map((c) => Number(c[head.indexOf('p_s')])));
    const cvRoc = await rocOf(cv);
    expect(cvRoc.dataset).toBe('train, out of fold');
    expectOnCurve(cvRoc, full.fpr, full.tpr);
    // the fpr steps are 1/(background rows of the 150): a curve of the 105 rows left in train would not land on them
    const nBackground = y.filter((v) => v === 0).length;
    for (const x of cvRoc.fpr) expect(Math.abs(x * nBackground - Math.round(x * nBackground))).toBeLessThan(1e-9);

    // evaluate on train, before the split: its ROC is that of lr's scores of the 150 rows (predict wrote them)
    const pred = readFileSync(join(r.outDir, 'scores', 'lr-train.csv'), 'utf8').trim().split('\n');
    const ph = pred[0]!.split(',');
    const prow = pred.slice(1).map((l) => l.split(','));
    expect(prow.length).toBe(150);
    const evFull = rocCurve(
      prow.map((c) => (c[ph.indexOf('label')] === 's' ? 1 : 0)),
      prow.map((c) => Number(c[ph.indexOf('p_s')])),
    );
    expectOnCurve(await rocOf(ev), evFull.fpr, evFull.tpr);
  });
});
