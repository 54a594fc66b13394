import { formatNumber } from '../format.js';
import { type VegaLiteSpec } from '../render.js';
import { NEUTRAL_COLOR, SIGNAL_COLOR } from '../theme.js';
import { type NumberArray, finiteArray, invalid, nonEmpty, sameLength, uniqueNames } from '../validate.js';
import { layered } from './common.js';

export interface ImportancePlotInput {
  /** The features, in the model's order. */
  features: readonly string[];
  /** Each feature's share of the total split gain (sums to 1, or all zeros when no tree split). */
  gain: NumberArray;
  /** Each feature's share of the splits. */
  splits: NumberArray;
  title?: string;
  subtitle?: readonly string[];
  /** Draw at most this many features, the most important by gain (default all); the subtitle says how many are left out. */
  limit?: number;
  width?: number;
}

/**
 * Feature importance of a tree ensemble as a ranked bar chart, TMVA's variable ranking: per feature its share of the
 * total split gain (the bar that ranks) and its share of the splits (a thinner grey bar beside it), in per cent,
 * most important at the top. Two measures side by side because they disagree where it matters: a feature split
 * often for little gain (fine structure, or noise) against one split rarely for much.
 */
export function importancePlot(input: ImportancePlotInput): VegaLiteSpec {
  nonEmpty(input.features, 'features');
  uniqueNames(input.features, 'feature');
  sameLength(input.gain, input.features, 'gain', 'features');
  sameLength(input.splits, input.features, 'splits', 'features');
  const gain = finiteArray(input.gain, 'gain');
  const splits = finiteArray(input.splits, 'splits');
  gain.forEach((v, k) => {
    if (v < 0) throw invalid(`gain[${k}] ("${input.features[k]}") is ${v}; a share of the gain is ≥ 0`, { index: k });
  });
  splits.forEach((v, k) => {
    if (v < 0) throw invalid(`splits[${k}] ("${input.features[k]}") is ${v}; a share of the splits is ≥ 0`, { index: k });
  });
  const order = input.features.map((_, k) => k).sort((a, b) => gain[b]! - gain[a]! || splits[b]! - splits[a]! || a - b);
  const limit = input.limit ?? order.length;
  if (!(Number.isInteger(limit) && limit >= 1)) throw invalid(`limit must be a positive integer; got ${limit}`, { limit });
  const shown = order.slice(0, limit);
  const names = shown.map((k) => input.features[k]!);
  const rows = shown.flatMap((k) => [
    { feature: input.features[k]!, measure: 'share of the gain', value: 100 * gain[k]!, label: `${formatNumber(100 * gain[k]!, { digits: 3 })} %` },
    { feature: input.features[k]!, measure: 'share of the splits', value: 100 * splits[k]!, label: `${formatNumber(100 * splits[k]!, { digits: 3 })} %` },
  ]);
  const y = { field: 'feature', type: 'nominal', sort: names, title: null, axis: { labelLimit: 200 } };
  const x = { field: 'value', type: 'quantitative', title: 'Importance (%)', scale: { zero: true, nice: true }, axis: { tickCount: 5, labelOverlap: true } };
  const measures = ['share of the gain', 'share of the splits'];
  const color = { field: 'measure', type: 'nominal', scale: { domain: measures, range: [SIGNAL_COLOR, NEUTRAL_COLOR] }, legend: { title: null, orient: 'top', direction: 'horizontal' } };
  const yOffset = { field: 'measure', type: 'nominal', sort: measures };
  const layer: unknown[] = [
    { data: { values: rows }, mark: { type: 'bar', opacity: 0.9 }, encoding: { x, y, yOffset, color } },
    {
      data: { values: rows.filter((r) => r.measure === 'share of the gain') },
      mark: { type: 'text', align: 'left', dx: 4, fontSize: 11, color: SIGNAL_COLOR },
      encoding: { x, y, yOffset, text: { field: 'label' } },
    },
  ];
  const left = order.length - shown.length;
  const subtitle = [...(input.subtitle ?? []), ...(left > 0 ? [`The ${shown.length} most important of ${order.length} features; the other ${left} are in the table`] : [])];
  return layered({ title: input.title ?? 'Feature importance', subtitle, width: input.width ?? 420, height: Math.max(60, 30 * shown.length) }, layer, { padding: { left: 8, right: 48, top: 8, bottom: 8 } });
}
