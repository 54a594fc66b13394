import type * as Report from '@discern/report';
import type { VegaLiteSpec } from '@discern/report';

type Theme = Pick<typeof Report, 'THEME_CONFIG' | 'SIGNAL_COLOR' | 'BACKGROUND_COLOR'>;

/** Text and whiskers: the report's ink colour. */
const INK = '#222222';

export interface DotItem {
  readonly name: string;
  readonly value: number;
  /** The whisker, when there is one (± one standard deviation). */
  readonly lo?: number;
  readonly hi?: number;
  /** Drawn in the second colour: the best candidate, the mean over the folds. */
  readonly marked: boolean;
}

/**
 * Figures of folds or of search candidates as dots with whiskers, in the given order from the top, on an axis fitted
 * to the values — not from zero, as a bar chart would be: folds and candidates differ in the third decimal of an
 * AUC. (A plot builder belongs in @discern/report; this one stays beside its two steps until one there draws points
 * with intervals. The report's module is loaded by the caller when it draws, as every step's report does.)
 */
export function dotPlot(theme: Theme, input: { readonly items: readonly DotItem[]; readonly legend: readonly [string, string]; readonly xTitle: string; readonly title: string }): VegaLiteSpec {
  const [plain, marked] = input.legend;
  const rows = input.items.map((it) => ({ ...it, lo: it.lo ?? it.value, hi: it.hi ?? it.value, label: it.value.toFixed(4), kind: it.marked ? marked : plain }));
  const y = { field: 'name', type: 'nominal', sort: rows.map((r) => r.name), title: null, axis: { labelLimit: 260 } };
  const x = { field: 'value', type: 'quantitative', title: input.xTitle, scale: { zero: false, nice: true }, axis: { tickCount: 6 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: input.title },
    width: 380,
    height: Math.max(60, 22 * rows.length),
    config: theme.THEME_CONFIG,
    data: { values: rows },
    layer: [
      { mark: { type: 'rule', color: INK, strokeWidth: 1.5 }, encoding: { x: { ...x, field: 'lo' }, x2: { field: 'hi' }, y } },
      {
        mark: { type: 'point', filled: true, size: 70, opacity: 1 },
        encoding: { x, y, color: { field: 'kind', type: 'nominal', scale: { domain: [plain, marked], range: [theme.SIGNAL_COLOR, theme.BACKGROUND_COLOR] }, legend: { title: null, orient: 'bottom' } } },
      },
      { mark: { type: 'text', align: 'left', dx: 7, dy: -9, fontSize: 10, color: INK }, encoding: { x, y, text: { field: 'label' } } },
    ],
  } as unknown as VegaLiteSpec;
}
