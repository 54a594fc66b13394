import { formatNumber } from '../format.js';
import { type VegaLiteSpec } from '../render.js';
import { BACKGROUND_COLOR, INK_COLOR, SIGNAL_COLOR } from '../theme.js';
import { checkFinite, invalid, sameLength, type NumberArray } from '../validate.js';
import { layered } from './common.js';
import { binEdges, densityHistogram } from './histogram.js';

export interface ScoreSample {
  signal: NumberArray;
  background: NumberArray;
  signalWeights?: NumberArray;
  backgroundWeights?: NumberArray;
}

export interface ScoreDistributionInput {
  test: ScoreSample;
  /** The training sample, overlaid as points with error bars: TMVA's overtraining check. */
  train?: ScoreSample;
  bins?: number;
  /** Histogram range; default: the smallest and largest score of all samples. */
  range?: readonly [number, number];
  /** [background, signal] names, default ['Background', 'Signal']. */
  classNames?: readonly [string, string];
  /** Kolmogorov–Smirnov p-values of train against test, per class. */
  ksPValues?: { signal: number; background: number };
  /** A cut on the score, drawn as a dashed line with a label beside it. */
  threshold?: number;
  /** The label's text, e.g. the rule that chose the cut ("NP α = 0.05: 0.734"); default `threshold <value>`. */
  thresholdLabel?: string;
  xTitle?: string;
  title?: string;
  width?: number;
  height?: number;
}

export const SCORE_X_TITLE = 'Classifier output';
export const SCORE_Y_TITLE = 'Normalised density (1/N) dN/dx';

interface ClassData {
  values: NumberArray;
  weights: NumberArray | undefined;
}

/** A class's scores and weights, checked; not copied (a test sample may hold millions of events). */
function classData(values: NumberArray, weights: NumberArray | undefined, what: string): ClassData {
  const v = checkFinite(values, `${what} scores`);
  if (v.length === 0) throw invalid(`${what} scores are empty; a histogram needs at least one event`, { what });
  if (weights === undefined) return { values: v, weights: undefined };
  sameLength(values, weights, `${what} scores`, `${what} weights`);
  return { values: v, weights: checkFinite(weights, `${what} weights`) };
}

/**
 * The classifier output for signal and background, normalised to unit area: the test sample as filled
 * histograms, the training sample as points with error bars. Binning is done here, with weights, so that
 * the figure shows exactly the numbers the analysis used.
 */
export function scoreDistributionPlot(input: ScoreDistributionInput): VegaLiteSpec {
  const [bgName, sigName] = input.classNames ?? ['Background', 'Signal'];
  if (!bgName || !sigName || bgName === sigName) throw invalid('classNames must be two different non-empty names [background, signal]', { classNames: input.classNames });
  const samples: { key: 'test' | 'train'; cls: 'signal' | 'background'; label: string; data: ClassData }[] = [];
  const addSample = (key: 'test' | 'train', s: ScoreSample): void => {
    const sampleName = key === 'test' ? 'test sample' : 'training sample';
    samples.push({ key, cls: 'signal', label: `${sigName} (${sampleName})`, data: classData(s.signal, s.signalWeights, `${key} ${sigName}`) });
    samples.push({ key, cls: 'background', label: `${bgName} (${sampleName})`, data: classData(s.background, s.backgroundWeights, `${key} ${bgName}`) });
  };
  addSample('test', input.test);
  if (input.train) addSample('train', input.train);

  let lo: number;
  let hi: number;
  if (input.range) {
    [lo, hi] = input.range;
  } else {
    lo = Infinity;
    hi = -Infinity;
    for (const s of samples) {
      const values = s.data.values;
      for (let i = 0; i < values.length; i++) {
        lo = Math.min(lo, values[i]!);
        hi = Math.max(hi, values[i]!);
      }
    }
  }
  const edges = binEdges(lo, hi, input.bins ?? 40);
  const x0 = edges[0] as number;
  const x1 = edges[edges.length - 1] as number;

  const areaRows: { sample: string; x: number; density: number }[] = [];
  const pointRows: { sample: string; x: number; density: number; lo: number; hi: number }[] = [];
  let outside = 0;
  for (const s of samples) {
    const h = densityHistogram(s.data.values, s.data.weights, edges, s.label);
    outside += h.outside;
    if (s.key === 'test') {
      // step-after: each bin's value holds from its left edge to the next; the closing point ends the last bin.
      h.density.forEach((d, i) => areaRows.push({ sample: s.label, x: edges[i] as number, density: d }));
      areaRows.push({ sample: s.label, x: x1, density: h.density[h.density.length - 1] as number });
    } else {
      h.density.forEach((d, i) => {
        const e = h.error[i] as number;
        const centre = ((edges[i] as number) + (edges[i + 1] as number)) / 2;
        // Bars are clipped at zero: a density cannot be negative, and the axis starts there.
        pointRows.push({ sample: s.label, x: centre, density: d, lo: Math.max(0, d - e), hi: d + e });
      });
    }
  }

  const labels = samples.map((s) => s.label);
  const colors = samples.map((s) => (s.cls === 'signal' ? SIGNAL_COLOR : BACKGROUND_COLOR));
  const shapes = samples.map((s) => (s.key === 'test' ? 'square' : 'circle'));
  // One legend for all four entries: colour says the class, the symbol says the sample (square = filled
  // histogram, circle = points), as in TMVA's overtraining plot.
  // Above the plot, two columns: inside it would hide the tails, where overtraining shows first.
  const legend = { title: null, orient: 'top', direction: 'horizontal', columns: 2, columnPadding: 24, symbolOpacity: 0.8 };
  const color = { field: 'sample', type: 'nominal', scale: { domain: labels, range: colors }, legend };
  const shape = { field: 'sample', type: 'nominal', scale: { domain: labels, range: shapes }, legend };
  const x = { field: 'x', type: 'quantitative', title: input.xTitle ?? SCORE_X_TITLE, scale: { domain: [x0, x1], nice: false, zero: false } };
  // No stacking: signal and background are two overlaid distributions, not parts of one total.
  const y = { field: 'density', type: 'quantitative', title: SCORE_Y_TITLE, stack: null };

  const layer: unknown[] = [
    {
      data: { values: areaRows },
      mark: { type: 'area', interpolate: 'step-after', fillOpacity: 0.3 },
      encoding: { x, y, color, detail: { field: 'sample' } },
    },
    {
      data: { values: areaRows },
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
      encoding: { x, y, color },
    },
  ];
  if (pointRows.length > 0) {
    layer.push(
      {
        data: { values: pointRows },
        mark: { type: 'rule', strokeWidth: 1.2 },
        encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color },
      },
      {
        data: { values: pointRows },
        mark: { type: 'point', filled: true, size: 28, opacity: 1 },
        encoding: { x, y, color, shape },
      },
    );
  }
  const subtitle: string[] = [];
  if (input.ksPValues) {
    const { signal, background } = input.ksPValues;
    for (const [k, p] of [
      ['signal', signal],
      ['background', background],
    ] as const) {
      if (!Number.isFinite(p) || p < 0 || p > 1) throw invalid(`ksPValues.${k} must be a probability in [0, 1]; got ${p}`, { [k]: p });
    }
    subtitle.push(`Kolmogorov–Smirnov test: ${sigName} (${bgName}) probability = ${p2(signal)} (${p2(background)})`);
  }
  if (outside > 0) subtitle.push(`${outside} event${outside === 1 ? '' : 's'} outside [${formatNumber(x0)}, ${formatNumber(x1)}] not shown`);
  if (input.threshold !== undefined) {
    const t = input.threshold;
    if (!Number.isFinite(t)) throw invalid(`threshold must be finite; got ${t}`, { threshold: t });
    const label = input.thresholdLabel ?? `threshold ${formatNumber(t)}`;
    if (typeof label !== 'string' || label.length === 0) throw invalid('thresholdLabel must be a non-empty string', { thresholdLabel: label });
    const data = { values: [{ x: t, label }] };
    // The label goes on the side of the line with more room: left of it when the cut lies in the right 40 % of
    // the axis, where a label written to the right would be clipped at the frame.
    const side = (t - x0) / (x1 - x0) > 0.6 ? { align: 'right', dx: -4 } : { align: 'left', dx: 4 };
    layer.push(
      { data, mark: { type: 'rule', color: INK_COLOR, strokeDash: [6, 3], strokeWidth: 2, clip: true }, encoding: { x } },
      {
        data,
        mark: { type: 'text', color: INK_COLOR, align: side.align, baseline: 'top', dx: side.dx, y: 4, fontSize: 12, clip: true },
        encoding: { x, text: { field: 'label' } },
      },
    );
  }
  return layered(
    { title: input.title ?? 'Classifier output distribution', subtitle, width: input.width, height: input.height },
    layer,
    { resolve: { scale: { color: 'shared', shape: 'shared' } } },
  );
}

/** TMVA prints KS probabilities to two or three significant figures; tiny ones in exponent form. */
function p2(p: number): string {
  return p !== 0 && p < 0.001 ? p.toExponential(1) : formatNumber(p, { digits: 2 });
}
