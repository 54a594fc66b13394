import { formatNumber } from '../format.js';
import { type VegaLiteSpec } from '../render.js';
import { INK_COLOR, NEUTRAL_COLOR, SIGNAL_COLOR } from '../theme.js';
import { invalid, nonEmpty, uniqueNames } from '../validate.js';
import { layered } from './common.js';

export interface RankingItem {
  /** The bar's label (a variable's name). */
  name: string;
  value: number;
  /** An interval drawn as an error bar, e.g. [lower, upper] of a mean over repeats. */
  interval?: readonly [number, number];
}

export interface RankingPlotInput {
  items: readonly RankingItem[];
  /** The value axis's title, with its unit (e.g. "Drop in AUC when the variable is shuffled"). */
  xTitle: string;
  title?: string;
  subtitle?: readonly string[];
  /** Draw at most this many items, the first ones after sorting (default all); the subtitle says how many are left out. */
  limit?: number;
  /** Sort by decreasing value (default true); false keeps the given order. */
  sort?: boolean;
  /** Plot width in pixels (default 420). */
  width?: number;
}

/**
 * A ranking as a horizontal bar chart, the largest at the top: a variable ranking (separation, importance), each bar
 * labelled with its value, with an error bar where an interval is given. Values may be negative (a shuffled
 * variable that happened to help): the axis always includes zero.
 */
export function rankingPlot(input: RankingPlotInput): VegaLiteSpec {
  nonEmpty(input.items, 'items');
  uniqueNames(
    input.items.map((i) => i.name),
    'ranking item',
  );
  input.items.forEach((it, k) => {
    if (!Number.isFinite(it.value)) throw invalid(`items[${k}] ("${it.name}") has value ${it.value}; expected a finite number`, { index: k });
    if (it.interval && !(Number.isFinite(it.interval[0]) && Number.isFinite(it.interval[1]) && it.interval[0] <= it.interval[1]))
      throw invalid(`items[${k}] ("${it.name}") has interval [${it.interval[0]}, ${it.interval[1]}]; expected finite lower ≤ upper`, { index: k });
  });
  const sorted = input.sort === false ? [...input.items] : [...input.items].sort((a, b) => b.value - a.value);
  const limit = input.limit ?? sorted.length;
  if (!(Number.isInteger(limit) && limit >= 1)) throw invalid(`limit must be a positive integer; got ${limit}`, { limit });
  const shown = sorted.slice(0, limit);
  const rows = shown.map((it, k) => ({
    name: it.name,
    value: it.value,
    lo: it.interval ? it.interval[0] : it.value,
    hi: it.interval ? it.interval[1] : it.value,
    // the label sits right of the bar and of its error bar
    labelAt: Math.max(0, it.value, it.interval ? it.interval[1] : it.value),
    label: formatNumber(it.value, { digits: 3 }),
    rank: k + 1,
  }));
  const names = rows.map((r) => r.name);
  const y = { field: 'name', type: 'nominal', sort: names, title: null, axis: { labelLimit: 200 } };
  const x = { field: 'value', type: 'quantitative', title: input.xTitle, scale: { zero: true, nice: true }, axis: { tickCount: 5, labelOverlap: true, labelFlush: true } };
  const hasIntervals = shown.some((i) => i.interval);
  const layer: unknown[] = [
    { data: { values: rows }, mark: { type: 'bar', color: SIGNAL_COLOR, opacity: 0.85, height: { band: 0.7 } }, encoding: { x, y } },
    { data: { values: [{ value: 0 }] }, mark: { type: 'rule', color: NEUTRAL_COLOR, strokeWidth: 1 }, encoding: { x } },
  ];
  if (hasIntervals) layer.push({ data: { values: rows }, mark: { type: 'rule', color: INK_COLOR, strokeWidth: 1.5 }, encoding: { x: { ...x, field: 'lo' }, x2: { field: 'hi' }, y } });
  layer.push({
    data: { values: rows },
    mark: { type: 'text', align: 'left', dx: 4, fontSize: 11, color: INK_COLOR },
    encoding: { x: { ...x, field: 'labelAt' }, y, text: { field: 'label' } },
  });
  const left = sorted.length - shown.length;
  const subtitle = [...(input.subtitle ?? []), ...(left > 0 ? [`The first ${shown.length} of ${sorted.length}; the other ${left} are in the table`] : [])];
  // 18 px per bar keeps labels of 12 px apart; the value labels need room to the right of the longest bar
  return layered({ title: input.title ?? 'Ranking', subtitle, width: input.width ?? 420, height: Math.max(60, 18 * rows.length) }, layer, { padding: { left: 8, right: 40, top: 8, bottom: 8 } });
}
