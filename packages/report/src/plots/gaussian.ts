import { normPdf } from '@discern/core';
import { type VegaLiteSpec } from '../render.js';
import { BACKGROUND_COLOR, INK_COLOR, SIGNAL_COLOR, THEME_CONFIG } from '../theme.js';
import { checkFinite, invalid, sameLength, uniqueNames, type NumberArray } from '../validate.js';
import { VEGA_LITE_SCHEMA } from './common.js';
import { binEdges, densityHistogram } from './histogram.js';

/** One class: its name and the normal distribution of the plotted statistic under it. */
export interface GaussianDensityClass {
  name: string;
  mean: number;
  sd: number;
}

/** A test: its name and its decision region R2 on the statistic, a union of intervals (ends may be ±Infinity). */
export interface GaussianDensityTest {
  label: string;
  region: readonly (readonly [number, number])[];
}

/** A labelled sample of the statistic, drawn as one normalised histogram per class. */
export interface GaussianDensitySample {
  /** Shown in the subtitle, e.g. the dataset's name. */
  name: string;
  statistic: NumberArray;
  /** 1 for an event of the second class (C2), 0 for the first. */
  isC2: ArrayLike<number>;
  weights?: NumberArray;
}

export interface GaussianDensityInput {
  /** [C1 (null hypothesis, background), C2 (signal)]. */
  classes: readonly [GaussianDensityClass, GaussianDensityClass];
  /** Tests whose cuts are marked: a dashed, labelled line at every finite end of each decision region. */
  tests?: readonly GaussianDensityTest[];
  /** A sample to overlay as filled histograms (the simulated check of the analytic figures). */
  sample?: GaussianDensitySample;
  /** Label of one of `tests` whose error probabilities are shaded: α under C1's density inside R2, β under C2's outside. */
  shadeErrors?: string;
  /** Title of the x axis, default 'x' (e.g. 'LDA statistic wᵀx'). */
  xTitle?: string;
  title?: string;
  /** Vega-Lite's description (the SVG's accessible name). */
  description?: string;
  width?: number;
  height?: number;
}

const HISTOGRAM_BINS = 48;
const CURVE_POINTS = 200;

/** The legend's name of a class: "C1: N(0, 1²)". */
function classLabel(c: GaussianDensityClass): string {
  return `${c.name}: N(${+c.mean.toPrecision(4)}, ${+c.sd.toPrecision(4)}²)`;
}

const density = (x: number, c: GaussianDensityClass): number => normPdf((x - c.mean) / c.sd) / c.sd;

/**
 * Two normal class densities of a statistic (x, or wᵀx for classes sharing a covariance) with the cuts of the
 * tests made on it, and optionally a sample of the statistic as filled histograms: the figure of the worked
 * example of a Neyman–Pearson or likelihood-ratio test between two Gaussian classes. The x range is μ ± 4σ of
 * both classes; the y range leaves room above the peaks for the cut labels, one row per cut.
 */
export function gaussianDensityPlot(input: GaussianDensityInput): VegaLiteSpec {
  const [a, b] = input.classes;
  for (const c of [a, b]) {
    if (!Number.isFinite(c.mean) || !(Number.isFinite(c.sd) && c.sd > 0)) {
      throw invalid(`class "${c.name}" needs a finite mean and a finite sd > 0; got mean ${c.mean}, sd ${c.sd}`, { name: c.name, mean: c.mean, sd: c.sd });
    }
  }
  uniqueNames([a.name, b.name], 'class');
  // Test labels need not be unique (a level listed twice draws its cut twice); shadeErrors takes the first.
  const tests = input.tests ?? [];
  const lo = Math.min(a.mean - 4 * a.sd, b.mean - 4 * b.sd), hi = Math.max(a.mean + 4 * a.sd, b.mean + 4 * b.sd);
  const c1 = classLabel(a), c2 = classLabel(b);

  const pdf: { x: number; y: number; cls: string }[] = [];
  for (let i = 0; i <= CURVE_POINTS; i++) {
    const x = lo + ((hi - lo) * i) / CURVE_POINTS;
    pdf.push({ x, y: density(x, a), cls: c1 }, { x, y: density(x, b), cls: c2 });
  }

  const hist: { x: number; y: number; cls: string }[] = [];
  const s = input.sample;
  if (s) {
    sameLength(s.statistic, s.isC2, 'sample statistic', 'sample isC2');
    checkFinite(s.statistic, 'sample statistic');
    if (s.weights) {
      sameLength(s.statistic, s.weights, 'sample statistic', 'sample weights');
      checkFinite(s.weights, 'sample weights');
    }
    for (let i = 0; i < s.isC2.length; i++) {
      if (s.isC2[i] !== 0 && s.isC2[i] !== 1) throw invalid(`sample isC2 must be 0 or 1; got ${String(s.isC2[i])} at index ${i}`, { index: i });
    }
    const edges = binEdges(lo, hi, HISTOGRAM_BINS);
    for (const [flag, cls] of [
      [0, c1],
      [1, c2],
    ] as const) {
      const v: number[] = [], w: number[] = [];
      for (let i = 0; i < s.statistic.length; i++) {
        if (s.isC2[i] === flag) {
          v.push(s.statistic[i]!);
          w.push(s.weights ? s.weights[i]! : 1);
        }
      }
      const h = densityHistogram(v, s.weights ? w : undefined, edges, cls);
      h.density.forEach((d, i) => hist.push({ x: edges[i]!, y: d, cls }));
      // step-after: the closing point ends the last bin.
      hist.push({ x: edges[edges.length - 1]!, y: h.density[h.density.length - 1]!, cls });
    }
  }

  const cuts: { x: number; label: string; row: number }[] = [];
  for (const t of tests) {
    for (const [from, to] of t.region) {
      if (Number.isNaN(from) || Number.isNaN(to) || from > to) throw invalid(`the region of test "${t.label}" must be intervals [from, to] with from ≤ to; got [${from}, ${to}]`, { label: t.label });
      for (const x of [from, to]) if (Number.isFinite(x)) cuts.push({ x, label: t.label, row: cuts.length });
    }
  }

  const shaded = input.shadeErrors === undefined ? [] : errorAreas(input.shadeErrors, tests, [a, b], [c1, c2], lo, hi);

  const x = { field: 'x', type: 'quantitative', title: input.xTitle ?? 'x', scale: { domain: [lo, hi], nice: false, zero: false } };
  // Head room above the peaks for the cut labels.
  const top = 1.3 * Math.max(normPdf(0) / a.sd, normPdf(0) / b.sd);
  const y = { field: 'y', type: 'quantitative', title: 'Probability density p(x | class)', stack: null, scale: { domain: [0, top], nice: false } };
  const color = { field: 'cls', type: 'nominal', title: null, scale: { domain: [c1, c2], range: [BACKGROUND_COLOR, SIGNAL_COLOR] }, legend: { orient: 'top-right', title: null, offset: 8 } };
  const subtitle = [s ? `lines: analytic densities; filled: simulated sample (${s.name}, ${s.statistic.length} events)` : 'analytic densities'];
  if (input.shadeErrors !== undefined) subtitle.push(`shaded: the error probabilities of ${input.shadeErrors}, α under ${a.name} and β under ${b.name}`);
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: input.title ?? 'Two Gaussian classes and the decision thresholds', subtitle },
    width: input.width ?? 520,
    height: input.height ?? 300,
    config: THEME_CONFIG,
    layer: [
      ...(hist.length ? [{ data: { values: hist }, mark: { type: 'area', interpolate: 'step-after', fillOpacity: 0.22 }, encoding: { x, y, color } }] : []),
      ...(shaded.length ? [{ data: { values: shaded }, mark: { type: 'area', fillOpacity: 0.45 }, encoding: { x, y, color, detail: { field: 'segment' } } }] : []),
      { data: { values: pdf }, mark: { type: 'line', strokeWidth: 2.5 }, encoding: { x, y, color } },
      { data: { values: cuts }, mark: { type: 'rule', color: INK_COLOR, strokeDash: [6, 3], strokeWidth: 1.8 }, encoding: { x: { ...x, field: 'x' } } },
      // Labels twice: a white outline first, so they stay legible across a curve.
      ...[{ color: 'white', stroke: 'white', strokeWidth: 4, strokeJoin: 'round' }, { color: INK_COLOR }].map((style) => ({
        data: { values: cuts.map((c) => ({ ...c, ypx: 12 + 17 * c.row })) },
        mark: { type: 'text', align: 'left', dx: 5, fontSize: 12, fontWeight: 'bold', ...style },
        encoding: { x: { ...x, field: 'x' }, y: { field: 'ypx', type: 'quantitative', scale: null }, text: { field: 'label' } },
      })),
    ],
    resolve: { scale: { color: 'shared' } },
    ...(input.description !== undefined ? { description: input.description } : {}),
  } as VegaLiteSpec;
}

/** The areas under C1's density inside R2 (α) and under C2's outside it (β), within the plotted range. */
function errorAreas(
  label: string,
  tests: readonly GaussianDensityTest[],
  classes: readonly [GaussianDensityClass, GaussianDensityClass],
  names: readonly [string, string],
  lo: number,
  hi: number,
): { x: number; y: number; cls: string; segment: string }[] {
  const test = tests.find((t) => t.label === label);
  if (!test) throw invalid(`shadeErrors names no test: ${JSON.stringify(label)}; tests: ${tests.map((t) => JSON.stringify(t.label)).join(', ') || 'none'}`, { shadeErrors: label });
  const r2 = [...test.region].map(([f, t]) => [f, t] as [number, number]).sort((p, q) => p[0] - q[0]);
  const r1: [number, number][] = [];
  let start = -Infinity;
  for (const [f, t] of r2) {
    if (f > start) r1.push([start, f]);
    start = Math.max(start, t);
  }
  if (start < Infinity) r1.push([start, Infinity]);
  const rows: { x: number; y: number; cls: string; segment: string }[] = [];
  const fill = (region: readonly [number, number][], k: 0 | 1, tag: string): void => {
    region.forEach(([f, t], j) => {
      const from = Math.max(lo, f), to = Math.min(hi, t);
      if (!(to > from)) return;
      const n = Math.max(2, Math.ceil((CURVE_POINTS * (to - from)) / (hi - lo)));
      for (let i = 0; i <= n; i++) {
        const x = from + ((to - from) * i) / n;
        rows.push({ x, y: density(x, classes[k]), cls: names[k], segment: `${tag}${j}` });
      }
    });
  };
  fill(r2, 0, 'alpha');
  fill(r1, 1, 'beta');
  return rows;
}
