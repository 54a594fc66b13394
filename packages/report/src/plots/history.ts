import { type VegaLiteSpec } from '../render.js';
import { INK_COLOR, NEUTRAL_COLOR, seriesColors } from '../theme.js';
import { finiteArray, invalid, nonEmpty, sameLength, uniqueNames, type NumberArray } from '../validate.js';
import { layered } from './common.js';

export interface HistorySeries {
  /** e.g. "Training", "Validation". */
  name: string;
  values: NumberArray;
  /** The iteration (epoch) of each value; default 1, 2, 3, … */
  x?: NumberArray;
}

export interface HistoryMarker {
  /** The iteration (x value) to mark. */
  x: number;
  /** Its label, drawn at the top of the rule (e.g. 'early stop: iteration 57'). */
  label: string;
  /** 'solid' (default) or 'dashed'. */
  dash?: 'solid' | 'dashed';
}

export interface HistoryPlotInput {
  series: readonly HistorySeries[];
  /** e.g. 'Loss (log loss)' or 'Mean log-likelihood'. */
  yTitle: string;
  xTitle?: string;
  logY?: boolean;
  /**
   * Vertical rules at given iterations, each labelled: where early stopping ended a fit ("stopped"), the iteration
   * with the best validation loss ("best")...
   */
  markers?: readonly HistoryMarker[];
  title?: string;
  width?: number;
  height?: number;
}

/**
 * A quantity per iteration: training and validation loss per epoch, or the EM log-likelihood per iteration.
 * Non-finite values (a diverged fit) are left out and counted in the subtitle, so the plot of a failed run
 * still shows how it got there.
 */
export function historyPlot(input: HistoryPlotInput): VegaLiteSpec {
  const { series } = input;
  if (series.length === 0) throw invalid('historyPlot needs at least one series');
  if (typeof input.yTitle !== 'string' || input.yTitle.length === 0) throw invalid('historyPlot needs a yTitle (what is plotted, with its unit)');
  uniqueNames(
    series.map((s) => s.name),
    'history series',
  );
  const rows: { series: string; x: number; y: number }[] = [];
  let dropped = 0;
  for (const s of series) {
    nonEmpty(s.values, `history series "${s.name}"`);
    let xs: number[];
    if (s.x !== undefined) {
      sameLength(s.x, s.values, `x of "${s.name}"`, `values of "${s.name}"`);
      xs = finiteArray(s.x, `x of "${s.name}"`);
    } else {
      xs = Array.from({ length: s.values.length }, (_, i) => i + 1);
    }
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i] as number;
      if (!Number.isFinite(v)) {
        dropped++;
        continue;
      }
      if (input.logY && v <= 0) {
        throw invalid(`"${s.name}" has value ${v} at index ${i}; a log y axis needs positive values (set logY: false)`, { series: s.name, index: i, value: v });
      }
      rows.push({ series: s.name, x: xs[i] as number, y: v });
    }
  }
  if (rows.length === 0) throw invalid('every value of every history series is non-finite; nothing to plot');

  const names = series.map((s) => s.name);
  const color = {
    field: 'series',
    type: 'nominal',
    scale: { domain: names, range: seriesColors(names.length) },
    legend: { title: null, orient: 'top', direction: 'horizontal', symbolType: 'stroke', symbolStrokeWidth: 3 },
  };
  const x = { field: 'x', type: 'quantitative', title: input.xTitle ?? 'Iteration', axis: { tickMinStep: 1, tickCount: 10, labelOverlap: true } };
  const y = { field: 'y', type: 'quantitative', title: input.yTitle, scale: input.logY ? { type: 'log' } : { zero: false } };
  // Points only while they stay distinguishable; a 1000-epoch run is a line.
  const showPoints = Math.max(...series.map((s) => s.values.length)) <= 60;
  const layer: unknown[] = [
    {
      data: { values: rows },
      mark: { type: 'line', strokeWidth: 2, point: showPoints ? { filled: true, size: 30 } : false },
      encoding: { x, y, color },
    },
  ];
  const markers = input.markers ?? [];
  markers.forEach((m, k) => {
    if (!Number.isFinite(m.x)) throw invalid(`markers[${k}] ("${m.label}") is at x = ${m.x}; expected a finite iteration`, { index: k });
    if (typeof m.label !== 'string' || m.label.length === 0) throw invalid(`markers[${k}] needs a label (what happened at iteration ${m.x})`, { index: k });
  });
  uniqueNames(
    markers.map((m) => m.label),
    'history marker',
  );
  // labels one line apart from the top, each on the side of its rule with more room (two markers close together,
  // such as early stopping's best iteration and its stop, would otherwise print over each other)
  let lo = Infinity, hi = -Infinity;
  for (const r of rows) {
    lo = Math.min(lo, r.x);
    hi = Math.max(hi, r.x);
  }
  markers.forEach((m, k) => {
    const at = { data: { values: [{ x: m.x, label: m.label }] } };
    const right = hi > lo && m.x > lo + 0.6 * (hi - lo);
    layer.push({ ...at, mark: { type: 'rule', color: NEUTRAL_COLOR, strokeWidth: 1.5, ...(m.dash === 'dashed' ? { strokeDash: [5, 4] } : {}) }, encoding: { x: { ...x, field: 'x' } } });
    layer.push({
      ...at,
      mark: { type: 'text', align: right ? 'right' : 'left', baseline: 'top', dx: right ? -4 : 4, y: 4 + 15 * k, fontSize: 11, color: INK_COLOR },
      encoding: { x: { ...x, field: 'x' }, text: { field: 'label' } },
    });
  });
  const subtitle = dropped > 0 ? [`${dropped} non-finite value${dropped === 1 ? '' : 's'} not shown`] : [];
  return layered({ title: input.title ?? 'Training history', subtitle, width: input.width, height: input.height }, layer);
}
