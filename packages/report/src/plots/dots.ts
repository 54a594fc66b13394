import { type VegaLiteSpec } from '../render.js';
import { BACKGROUND_COLOR, INK_COLOR, SIGNAL_COLOR, THEME_CONFIG } from '../theme.js';
import { invalid, nonEmpty, uniqueNames } from '../validate.js';

export interface DotItem {
  readonly name: string;
  readonly value: number;
  /** The whisker, when there is one (± one standard deviation, say): lo ≤ value ≤ hi. */
  readonly lo?: number;
  readonly hi?: number;
  /** Drawn in the second colour: the best candidate, the mean over the folds. */
  readonly marked: boolean;
}

export interface DotPlotInput {
  /** From the top down, in this order. */
  readonly items: readonly DotItem[];
  /** The legend's names of the plain and the marked dots. */
  readonly legend: readonly [string, string];
  readonly xTitle: string;
  readonly title: string;
}

/**
 * Figures with their whiskers as dots, one row each in the given order from the top, each labelled with its value,
 * on an axis fitted to the values — not from zero, as a bar chart would be: the folds of a cross-validation and the
 * candidates of a search differ in the third decimal of an AUC.
 */
export function dotPlot(input: DotPlotInput): VegaLiteSpec {
  nonEmpty(input.items, 'items');
  uniqueNames(
    input.items.map((it) => it.name),
    'item',
  );
  const [plain, marked] = input.legend;
  if (!plain || !marked || plain === marked) throw invalid(`legend needs two different non-empty names; got ${JSON.stringify(input.legend)}`, { what: 'legend' });
  const rows = input.items.map((it, k) => {
    const lo = it.lo ?? it.value, hi = it.hi ?? it.value;
    if (![it.value, lo, hi].every(Number.isFinite)) throw invalid(`items[${k}] ("${it.name}"): value ${it.value}, whisker [${lo}, ${hi}]; they must be finite`, { index: k });
    if (!(lo <= it.value && it.value <= hi)) throw invalid(`items[${k}] ("${it.name}"): the whisker [${lo}, ${hi}] does not hold the value ${it.value}`, { index: k });
    return { name: it.name, value: it.value, lo, hi, label: it.value.toFixed(4), kind: it.marked ? marked : plain };
  });
  const y = { field: 'name', type: 'nominal', sort: rows.map((r) => r.name), title: null, axis: { labelLimit: 260 } };
  const x = { field: 'value', type: 'quantitative', title: input.xTitle, scale: { zero: false, nice: true }, axis: { tickCount: 6 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: input.title },
    width: 380,
    height: Math.max(60, 22 * rows.length),
    config: THEME_CONFIG,
    data: { values: rows },
    layer: [
      { mark: { type: 'rule', color: INK_COLOR, strokeWidth: 1.5 }, encoding: { x: { ...x, field: 'lo' }, x2: { field: 'hi' }, y } },
      {
        mark: { type: 'point', filled: true, size: 70, opacity: 1 },
        encoding: { x, y, color: { field: 'kind', type: 'nominal', scale: { domain: [plain, marked], range: [SIGNAL_COLOR, BACKGROUND_COLOR] }, legend: { title: null, orient: 'bottom' } } },
      },
      { mark: { type: 'text', align: 'left', dx: 7, dy: -9, fontSize: 10, color: INK_COLOR }, encoding: { x, y, text: { field: 'label' } } },
    ],
  } as unknown as VegaLiteSpec;
}
