import { type VegaLiteSpec } from '../render.js';
import { NEUTRAL_COLOR, seriesColors } from '../theme.js';
import { finiteArray, inUnitInterval, invalid, nonEmpty, sameLength, uniqueNames, type NumberArray } from '../validate.js';
import { layered } from './common.js';
import { operatingPointLayers, thinned, type PointRow } from './roc.js';

export interface RejectionCurveInput {
  /** Legend label, e.g. "MLP (AUC = 0.93)". */
  name: string;
  signalEff: NumberArray;
  backgroundEff: NumberArray;
  /** Thin the curve before drawing, as rocPlot does (true: the default step CURVE_THIN_STEP, or the step). */
  thin?: boolean | number;
}

export interface RejectionOperatingPoint {
  name: string;
  signalEff: number;
  backgroundEff: number;
}

export interface RejectionPlotInput {
  curves: readonly RejectionCurveInput[];
  operatingPoints?: readonly RejectionOperatingPoint[];
  /** 'rejection': 1 − εB against εS (TMVA's standard plot); 'inverse': 1/εB against εS on a log axis. */
  mode: 'rejection' | 'inverse';
  title?: string;
  width?: number;
  height?: number;
}

export const SIGNAL_EFF_TITLE = 'Signal efficiency εS';
export const REJECTION_TITLE = 'Background rejection 1 − εB';
export const INVERSE_TITLE = 'Rejection factor 1/εB';

/** Background rejection against signal efficiency, TMVA's summary of a classifier. */
export function rejectionPlot(input: RejectionPlotInput): VegaLiteSpec {
  const { curves, mode } = input;
  if (mode !== 'rejection' && mode !== 'inverse') throw invalid(`mode must be 'rejection' or 'inverse'; got ${JSON.stringify(mode)}`);
  if (curves.length === 0) throw invalid('rejectionPlot needs at least one curve');
  uniqueNames(
    curves.map((c) => c.name),
    'rejection curve',
  );
  const y = (eb: number): number => (mode === 'rejection' ? 1 - eb : 1 / eb);
  const rows: { series: string; x: number; y: number; i: number }[] = [];
  let dropped = 0;
  for (const c of curves) {
    sameLength(c.signalEff, c.backgroundEff, `signalEff of "${c.name}"`, `backgroundEff of "${c.name}"`);
    // Thinned in (εB, εS), the ROC's order of the coordinates: the max-norm is symmetric, so the same points as rocPlot keeps.
    const curve = thinned(c.backgroundEff, c.signalEff, c.thin);
    nonEmpty(curve.y, `rejection curve "${c.name}"`);
    const es = finiteArray(curve.y, `signalEff of "${c.name}"`);
    const eb = finiteArray(curve.x, `backgroundEff of "${c.name}"`);
    inUnitInterval(es, `signalEff of "${c.name}"`);
    inUnitInterval(eb, `backgroundEff of "${c.name}"`);
    let kept = 0;
    es.forEach((s, i) => {
      const b = eb[i] as number;
      // 1/εB is infinite where no background passes: such points cannot sit on a log axis.
      if (mode === 'inverse' && b === 0) {
        dropped++;
        return;
      }
      rows.push({ series: c.name, x: s, y: y(b), i });
      kept++;
    });
    if (kept === 0) throw invalid(`rejection curve "${c.name}" has no point with εB > 0, so 1/εB cannot be drawn`, { name: c.name });
  }

  const points: PointRow[] = [];
  for (const p of input.operatingPoints ?? []) {
    const [s, b] = finiteArray([p.signalEff, p.backgroundEff], `operating point "${p.name}"`) as [number, number];
    inUnitInterval([s, b], `operating point "${p.name}"`);
    if (mode === 'inverse' && b === 0) {
      dropped++;
      continue;
    }
    points.push({ label: p.name, x: s, y: y(b) });
  }

  const names = curves.map((c) => c.name);
  const x = { field: 'x', type: 'quantitative', title: SIGNAL_EFF_TITLE, scale: { domain: [0, 1] } };
  const yEnc =
    mode === 'rejection'
      ? { field: 'y', type: 'quantitative', title: REJECTION_TITLE, scale: { domain: [0, 1] } }
      : { field: 'y', type: 'quantitative', title: INVERSE_TITLE, scale: { type: 'log', nice: true }, axis: logAxis([...rows.map((r) => r.y), ...points.map((p) => p.y)]) };
  const layer: unknown[] = [];
  if (mode === 'rejection') {
    // A classifier that ignores its input rejects 1 − εS of the background.
    layer.push({
      data: { values: [{ x: 0, y: 1 }, { x: 1, y: 0 }] },
      mark: { type: 'line', color: NEUTRAL_COLOR, strokeDash: [6, 4], strokeWidth: 1.5 },
      encoding: { x, y: yEnc },
    });
  }
  layer.push({
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 2.5, clip: true },
    encoding: {
      x,
      y: yEnc,
      order: { field: 'i', type: 'quantitative' },
      color: {
        field: 'series',
        type: 'nominal',
        scale: { domain: names, range: seriesColors(names.length) },
        legend: { title: null, orient: 'bottom-left', offset: 8, symbolType: 'stroke', symbolStrokeWidth: 3 },
      },
    },
  });
  layer.push(...operatingPointLayers(points, x, yEnc, { dx: -8, dy: 14, align: 'right' }));

  const subtitle = dropped > 0 ? [`${dropped} point${dropped === 1 ? '' : 's'} with εB = 0 not shown (1/εB is infinite there)`] : [];
  const title = input.title ?? (mode === 'rejection' ? 'Background rejection versus signal efficiency' : 'Rejection factor versus signal efficiency');
  return layered({ title, subtitle, width: input.width, height: input.height }, layer);
}

/**
 * Ticks of a log axis: decades when the data span three or more of them, otherwise 1-2-5 steps. Vega's
 * default labels and grids every 2…9 multiple, which over four decades is a wall of lines.
 */
export function logAxis(values: readonly number[]): { values: number[]; format: string } {
  const lo = Math.floor(Math.log10(Math.min(...values)));
  const hi = Math.ceil(Math.log10(Math.max(...values)));
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e++) {
    const decade = 10 ** e;
    ticks.push(decade);
    if (hi - lo < 3 && e < hi) ticks.push(2 * decade, 5 * decade);
  }
  return { values: ticks.map((t) => Number(t.toPrecision(12))), format: '~g' };
}
