// Renders every plot type with realistic data and checks the images. With REPORT_LOOK_DIR set, the SVG, PNG
// and Vega-Lite spec of each are written there for a person to look at
// (`REPORT_LOOK_DIR=/tmp/report-look npx vitest run ...`).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReportHtml } from '../html.js';
import { clusterPlot } from '../plots/cluster.js';
import { confusionMatrixPlot } from '../plots/confusion.js';
import { gaussianDensityPlot } from '../plots/gaussian.js';
import { historyPlot } from '../plots/history.js';
import { rejectionPlot } from '../plots/rejection.js';
import { rocPlot } from '../plots/roc.js';
import { scoreDistributionPlot } from '../plots/scores.js';
import { renderSpec, type VegaLiteSpec } from '../render.js';
import { PNG_SIGNATURE } from './helpers.js';
import { faithfulLike, gaussianScores, rocFromScores, workedExampleSample } from './synthetic.js';

const keep = process.env['REPORT_LOOK_DIR'];

/** Writes a file for a person to look at, when REPORT_LOOK_DIR names a folder. */
async function look(name: string, content: string | Uint8Array): Promise<void> {
  if (!keep) return;
  await mkdir(keep, { recursive: true });
  await writeFile(join(keep, name), content);
}

const test = gaussianScores(1, 4000);
const train = gaussianScores(2, 4000, 0.05);
const logistic = rocFromScores(test);
const weak = rocFromScores(gaussianScores(3, 4000, 0, 0.45));
/** Neyman–Pearson at level α: the highest εS with εB ≤ α, read off the curve. */
function np(alpha: number, r: { fpr: number[]; tpr: number[] }): { fpr: number; tpr: number } {
  let best = { fpr: 0, tpr: 0 };
  r.fpr.forEach((f, i) => {
    if (f <= alpha && r.tpr[i]! >= best.tpr) best = { fpr: f, tpr: r.tpr[i]! };
  });
  return best;
}
const op = np(0.05, logistic);

const gallery: Record<string, VegaLiteSpec> = {
  roc: rocPlot({
    title: 'ROC curve: photon vs jet',
    curves: [
      { name: 'Logistic regression', fpr: logistic.fpr, tpr: logistic.tpr, auc: logistic.auc, aucInterval: [logistic.auc - 0.007, logistic.auc + 0.007] },
      { name: 'Naive Bayes', fpr: weak.fpr, tpr: weak.tpr, auc: weak.auc },
    ],
    operatingPoints: [{ name: 'Neyman–Pearson α = 0.05', ...op }],
  }),
  'rejection-linear': rejectionPlot({
    mode: 'rejection',
    curves: [
      { name: 'Logistic regression', signalEff: logistic.tpr, backgroundEff: logistic.fpr },
      { name: 'Naive Bayes', signalEff: weak.tpr, backgroundEff: weak.fpr },
    ],
    operatingPoints: [{ name: 'Neyman–Pearson α = 0.05', signalEff: op.tpr, backgroundEff: op.fpr }],
  }),
  'rejection-inverse': rejectionPlot({
    mode: 'inverse',
    curves: [{ name: 'Logistic regression', signalEff: logistic.tpr, backgroundEff: logistic.fpr }],
    operatingPoints: [{ name: 'Neyman–Pearson α = 0.05', signalEff: op.tpr, backgroundEff: op.fpr }],
  }),
  scores: scoreDistributionPlot({ test, train, ksPValues: { signal: 0.63, background: 0.12 }, threshold: 0.62, classNames: ['Jet', 'Photon'] }),
  confusion: confusionMatrixPlot({
    labels: ['setosa', 'versicolor', 'virginica'],
    counts: [
      [50, 0, 0],
      [0, 47, 3],
      [0, 4, 46],
    ],
  }),
  history: historyPlot({
    yTitle: 'Loss (log loss)',
    xTitle: 'Epoch',
    title: 'MLP training',
    series: [
      { name: 'Training', values: Array.from({ length: 40 }, (_, i) => 0.3 + 0.4 * Math.exp(-i / 6)) },
      { name: 'Validation', values: Array.from({ length: 40 }, (_, i) => 0.33 + 0.4 * Math.exp(-i / 6) + 0.0015 * i) },
    ],
  }),
  'em-loglik': historyPlot({
    yTitle: 'Mean log-likelihood',
    title: 'EM convergence',
    series: [{ name: 'GMM, 2 components', values: Array.from({ length: 25 }, (_, i) => -2.5 + 1.4 * (1 - Math.exp(-i / 3))) }],
  }),
  clusters: clusterPlot(faithfulLike(4)),
  gaussian: gaussianDensityPlot({
    classes: [
      { name: 'C1', mean: 0, sd: 1 },
      { name: 'C2', mean: 1, sd: 1 },
    ],
    tests: [
      { label: 'NP α = 0.5: x > 0', region: [[0, Infinity]] },
      { label: 'cut x > 0.5', region: [[0.5, Infinity]] },
    ],
    sample: { name: 'test', ...workedExampleSample(5, 3000) },
    shadeErrors: 'cut x > 0.5',
  }),
};

describe('gallery: every plot renders to a clean SVG and PNG', () => {
  for (const [name, spec] of Object.entries(gallery)) {
    it(name, async () => {
      const r = await renderSpec(spec);
      expect(r.warnings).toEqual([]);
      // The figure should stay readable at the size a report shows it: about 600×400, never huge.
      const svgW = Number(/width="(\d+(?:\.\d+)?)"/.exec(r.svg)?.[1]);
      expect(svgW).toBeGreaterThan(300);
      expect(svgW).toBeLessThan(900);
      expect(r.width).toBe(Math.round(svgW * 2));
      expect([...r.png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
      await look(`${name}.svg`, r.svg);
      await look(`${name}.png`, r.png);
      await look(`${name}.vl.json`, `${JSON.stringify(spec, null, 2)}\n`);
    });
  }
});

describe('gallery: the HTML report of all plots', () => {
  it('holds every plot inline and nothing external', async () => {
    const plots = [];
    for (const [name, spec] of Object.entries(gallery)) plots.push({ caption: name, svg: (await renderSpec(spec)).svg });
    const html = buildReportHtml({
      title: 'Gallery',
      runName: 'gallery',
      config: 'name: gallery\n',
      dataSummary: { events: 8000, classes: { photon: 4000, jet: 4000 } },
      sections: [
        {
          title: 'Metrics',
          tables: [{ caption: 'Test sample', columns: ['Classifier', 'AUC'], rows: [['Logistic regression', { value: logistic.auc, interval: [logistic.auc - 0.007, logistic.auc + 0.007] }]] }],
          plots,
        },
      ],
      manifest: { seed: 1 },
    });
    expect((html.match(/<svg/g) ?? []).length).toBe(Object.keys(gallery).length);
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?https?:/i);
    await look('report.html', html);
  });
});
