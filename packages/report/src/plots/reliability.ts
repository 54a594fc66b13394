import { type VegaLiteSpec } from '../render.js';
import { INK_COLOR, seriesColors } from '../theme.js';
import { invalid, uniqueNames } from '../validate.js';
import { layered } from './common.js';

/** One bin of a reliability diagram: the mean predicted probability, the observed frequency and its interval. */
export interface ReliabilityBin {
  readonly predicted: number;
  readonly observed: number;
  readonly lower: number;
  readonly upper: number;
  /** Events in the bin (the point's size). */
  readonly count: number;
}

export interface ReliabilitySeries {
  /** e.g. "before calibration", "isotonic". */
  readonly name: string;
  readonly bins: readonly ReliabilityBin[];
}

export interface ReliabilityPlotInput {
  readonly series: readonly ReliabilitySeries[];
  /** What is predicted, e.g. 'P(g)'. */
  readonly what: string;
  readonly title?: string;
  readonly subtitle?: readonly string[];
  readonly width?: number;
  readonly height?: number;
}

/**
 * The reliability diagram of a classifier's probabilities: per bin of the predicted probability, the observed
 * frequency of the class with its binomial interval, against the diagonal of perfect calibration — one series per
 * model (before and after calibration). A point's area grows with the events in its bin.
 */
export function reliabilityPlot(input: ReliabilityPlotInput): VegaLiteSpec {
  if (input.series.length === 0) throw invalid('reliabilityPlot needs at least one series');
  uniqueNames(
    input.series.map((s) => s.name),
    'reliability series',
  );
  const rows: { series: string; predicted: number; observed: number; lower: number; upper: number; count: number }[] = [];
  for (const s of input.series) {
    for (const [i, b] of s.bins.entries()) {
      for (const [k, v] of Object.entries(b)) {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(`bin ${i} of "${s.name}" has ${k} = ${String(v)}; every figure of a bin must be finite`, { series: s.name, bin: i });
      }
      if (b.count > 0) rows.push({ series: s.name, ...b });
    }
  }
  if (rows.length === 0) throw invalid('reliabilityPlot: every bin is empty; nothing to plot');
  const names = input.series.map((s) => s.name);
  const color = { field: 'series', type: 'nominal', scale: { domain: names, range: seriesColors(names.length) }, legend: { title: null, orient: 'top-left' } };
  const x = { field: 'predicted', type: 'quantitative', title: `Predicted ${input.what} (bin mean)`, scale: { domain: [0, 1] } };
  const y = { field: 'observed', type: 'quantitative', title: 'Observed frequency', scale: { domain: [0, 1] } };
  const layer: unknown[] = [
    { data: { values: [{ a: 0 }, { a: 1 }] }, mark: { type: 'line', color: INK_COLOR, strokeDash: [5, 4], strokeWidth: 1 }, encoding: { x: { field: 'a', type: 'quantitative' }, y: { field: 'a', type: 'quantitative' } } },
    { data: { values: rows }, mark: { type: 'rule', strokeWidth: 1.5 }, encoding: { x, y: { ...y, field: 'lower' }, y2: { field: 'upper' }, color } },
    { data: { values: rows }, mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y, color } },
    {
      data: { values: rows },
      mark: { type: 'point', filled: true, opacity: 0.9 },
      encoding: { x, y, color, size: { field: 'count', type: 'quantitative', title: 'events', scale: { range: [20, 200] }, legend: null } },
    },
  ];
  return layered({ title: input.title ?? 'Reliability diagram', subtitle: [...(input.subtitle ?? [])], width: input.width, height: input.height }, layer);
}
