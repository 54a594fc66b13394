import { type GaussianTestSet, gaussianRocCurve } from '@discern/decision';
import { rocCurve } from '@discern/metrics';
import type * as Report from '@discern/report';
import { type SimulatedSample } from './index.js';

type ReportModule = typeof Report;

/** A figure of the worked example: its file name, section, caption and how to build its spec. */
interface FigureRecord {
  readonly name: string;
  readonly section: string;
  readonly caption: string;
  build(r: ReportModule): unknown;
}

function densitySpec(r: ReportModule, name: string, prob: GaussianTestSet, sim: SimulatedSample | undefined): unknown {
  const [n1, n2] = sim ? sim.classNames : ['C1', 'C2'];
  return r.gaussianDensityPlot({
    classes: [
      { name: n1, mean: prob.statistic1.mean, sd: prob.statistic1.sd },
      { name: n2, mean: prob.statistic2.mean, sd: prob.statistic2.sd },
    ],
    tests: prob.tests.map((t) => ({ label: t.label, region: t.region })),
    ...(sim ? { sample: { name: sim.dataset, statistic: sim.stat, isC2: sim.isC2, ...(sim.weights ? { weights: sim.weights } : {}) } } : {}),
    xTitle: prob.dims === 1 ? 'x' : 'LDA statistic wᵀx',
    title: 'Two Gaussian classes and the decision thresholds',
    description: name,
  });
}

function rocSpec(r: ReportModule, prob: GaussianTestSet, sim: SimulatedSample | undefined): unknown {
  // the analytic ROC of the likelihood-ratio test: a sweep over ln γ (1-D) or over the cut on the LDA statistic
  const analytic = gaussianRocCurve(prob.statistic1, prob.statistic2);
  const curves: { name: string; fpr: number[]; tpr: number[] }[] = [{ name: 'analytic likelihood-ratio test', ...analytic }];
  if (sim) {
    const up = prob.statistic2.mean >= prob.statistic1.mean;
    const roc = rocCurve(sim.isC2, up ? sim.stat : sim.stat.map((v) => -v), sim.weights ? { weights: sim.weights } : {});
    const t = r.thinCurve(roc.fpr, roc.tpr);
    curves.push({ name: `simulated (${sim.dataset})`, fpr: t.x, tpr: t.y });
  }
  return r.rocPlot({
    curves,
    operatingPoints: prob.tests.map((t) => ({ name: t.label, fpr: t.alpha, tpr: t.power })),
    title: 'ROC of the likelihood-ratio test, with the worked example’s tests',
  });
}

/** The worked example's two figures: class densities with the cuts, and the ROC with the tests' operating points. */
export function gaussianFigures(name: string, prob: GaussianTestSet, sim: SimulatedSample | undefined): FigureRecord[] {
  const section = 'Gaussian classes (analytic)';
  return [
    { name: `${name}-densities`, section, caption: 'Class densities (lines), the simulated sample (filled) and the cuts of each test (dashed).', build: (r) => densitySpec(r, name, prob, sim) },
    { name: `${name}-roc`, section, caption: 'ROC of the likelihood-ratio test: analytic curve, simulated sample, and the operating point (α, power) of each test.', build: (r) => rocSpec(r, prob, sim) },
  ];
}
