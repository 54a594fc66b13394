import { gaussianErrorsAtLogGamma } from '@discern/decision';
import { normCdf, normPdf, normSf } from '@discern/core';
import { rocCurve } from '@discern/metrics';
import { type AnalyticTest, type GaussianProblem, type SimulatedSample } from '../steps/gaussian.js';
import { type FigureRecord, type ReportModule } from './records.js';
import { thinCurve } from './thin.js';

const INK = '#222222';

/** The analytic ROC of the likelihood-ratio test: a sweep over ln γ (1-D) or over the cut on the LDA statistic. */
function analyticRoc(prob: GaussianProblem): { fpr: number[]; tpr: number[] } {
  const { stat1: a, stat2: b } = prob;
  const pts: [number, number][] = [[0, 0], [1, 1]];
  if (a.sd === b.sd) {
    const lo = Math.min(a.mean, b.mean) - 7 * a.sd, hi = Math.max(a.mean, b.mean) + 7 * a.sd;
    const up = b.mean >= a.mean;
    for (let i = 0; i <= 400; i++) {
      const t = lo + ((hi - lo) * i) / 400;
      pts.push(up ? [normSf((t - a.mean) / a.sd), normSf((t - b.mean) / b.sd)] : [normCdf((t - a.mean) / a.sd), normCdf((t - b.mean) / b.sd)]);
    }
  } else {
    for (let i = 0; i <= 400; i++) {
      const r = gaussianErrorsAtLogGamma(a, b, -20 + (40 * i) / 400);
      pts.push([r.alpha, r.power]);
    }
  }
  pts.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  return { fpr: pts.map((p) => p[0]), tpr: pts.map((p) => p[1]) };
}

function cutLines(tests: readonly AnalyticTest[]): { x: number; label: string; row: number }[] {
  const out: { x: number; label: string; row: number }[] = [];
  for (const t of tests) for (const [lo, hi] of t.region) for (const x of [lo, hi]) if (Number.isFinite(x)) out.push({ x, label: t.label, row: out.length });
  return out;
}

function densitySpec(r: ReportModule, name: string, prob: GaussianProblem, sim: SimulatedSample | undefined): unknown {
  const { stat1: a, stat2: b } = prob;
  const [n1, n2] = sim ? sim.classNames : ['C1', 'C2'];
  const lo = Math.min(a.mean - 4 * a.sd, b.mean - 4 * b.sd), hi = Math.max(a.mean + 4 * a.sd, b.mean + 4 * b.sd);
  const c1 = `${n1}: N(${+a.mean.toPrecision(4)}, ${+a.sd.toPrecision(4)}²)`, c2 = `${n2}: N(${+b.mean.toPrecision(4)}, ${+b.sd.toPrecision(4)}²)`;
  const pdf: { x: number; y: number; cls: string }[] = [];
  for (let i = 0; i <= 200; i++) {
    const x = lo + ((hi - lo) * i) / 200;
    pdf.push({ x, y: normPdf((x - a.mean) / a.sd) / a.sd, cls: c1 }, { x, y: normPdf((x - b.mean) / b.sd) / b.sd, cls: c2 });
  }
  const hist: { x: number; y: number; cls: string }[] = [];
  if (sim) {
    const edges = r.binEdges(lo, hi, 48);
    for (const [flag, cls] of [[0, c1], [1, c2]] as const) {
      const v: number[] = [], w: number[] = [];
      sim.stat.forEach((s, i) => {
        if (sim.isC2[i] === flag) {
          v.push(s);
          w.push(sim.weights ? sim.weights[i]! : 1);
        }
      });
      const h = r.densityHistogram(v, sim.weights ? w : undefined, edges, cls);
      h.density.forEach((d, i) => hist.push({ x: edges[i]!, y: d, cls }));
      hist.push({ x: edges[edges.length - 1]!, y: h.density[h.density.length - 1]!, cls });
    }
  }
  const x = { field: 'x', type: 'quantitative', title: prob.dims === 1 ? 'x' : 'LDA statistic wᵀx', scale: { domain: [lo, hi], nice: false, zero: false } };
  // Head room above the peaks for the cut labels.
  const top = 1.3 * Math.max(normPdf(0) / a.sd, normPdf(0) / b.sd);
  const y = { field: 'y', type: 'quantitative', title: 'Probability density p(x | class)', stack: null, scale: { domain: [0, top], nice: false } };
  const color = { field: 'cls', type: 'nominal', title: null, scale: { domain: [c1, c2], range: [r.BACKGROUND_COLOR, r.SIGNAL_COLOR] }, legend: { orient: 'top-right', title: null, offset: 8 } };
  const cuts = cutLines(prob.tests);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Two Gaussian classes and the decision thresholds', subtitle: [sim ? `lines: analytic densities; filled: simulated sample (${sim.dataset}, ${sim.stat.length} events)` : 'analytic densities'] },
    width: 520,
    height: 300,
    config: r.THEME_CONFIG,
    layer: [
      ...(hist.length ? [{ data: { values: hist }, mark: { type: 'area', interpolate: 'step-after', fillOpacity: 0.22 }, encoding: { x, y, color } }] : []),
      { data: { values: pdf }, mark: { type: 'line', strokeWidth: 2.5 }, encoding: { x, y, color } },
      { data: { values: cuts }, mark: { type: 'rule', color: INK, strokeDash: [6, 3], strokeWidth: 1.8 }, encoding: { x: { ...x, field: 'x' } } },
      // Labels twice: a white outline first, so they stay legible across a curve.
      ...[{ color: 'white', stroke: 'white', strokeWidth: 4, strokeJoin: 'round' }, { color: INK }].map((style) => ({
        data: { values: cuts.map((c) => ({ ...c, ypx: 12 + 17 * c.row })) },
        mark: { type: 'text', align: 'left', dx: 5, fontSize: 12, fontWeight: 'bold', ...style },
        encoding: { x: { ...x, field: 'x' }, y: { field: 'ypx', type: 'quantitative', scale: null }, text: { field: 'label' } },
      })),
    ],
    resolve: { scale: { color: 'shared' } },
    description: name,
  };
}

function rocSpec(r: ReportModule, prob: GaussianProblem, sim: SimulatedSample | undefined): unknown {
  const analytic = analyticRoc(prob);
  const curves: { name: string; fpr: number[]; tpr: number[] }[] = [{ name: 'analytic likelihood-ratio test', ...analytic }];
  if (sim) {
    const up = prob.stat2.mean >= prob.stat1.mean;
    const roc = rocCurve(sim.isC2, up ? sim.stat : sim.stat.map((v) => -v), sim.weights ? { weights: sim.weights } : {});
    const t = thinCurve(roc.fpr, roc.tpr);
    curves.push({ name: `simulated (${sim.dataset})`, fpr: t.x, tpr: t.y });
  }
  return r.rocPlot({
    curves,
    operatingPoints: prob.tests.map((t) => ({ name: t.label, fpr: t.alpha, tpr: t.power })),
    title: 'ROC of the likelihood-ratio test, with the worked example’s tests',
  });
}

/** The worked example's two figures: class densities with the cuts, and the ROC with the tests' operating points. */
export function gaussianFigures(name: string, prob: GaussianProblem, sim: SimulatedSample | undefined): FigureRecord[] {
  const section = 'Gaussian classes (analytic)';
  return [
    { name: `${name}-densities`, section, caption: 'Class densities (lines), the simulated sample (filled) and the cuts of each test (dashed).', build: (r) => densitySpec(r, name, prob, sim) },
    { name: `${name}-roc`, section, caption: 'ROC of the likelihood-ratio test: analytic curve, simulated sample, and the operating point (α, power) of each test.', build: (r) => rocSpec(r, prob, sim) },
  ];
}
