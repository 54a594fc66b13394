import type * as Report from '@discern/report';
import type { VegaLiteSpec } from '@discern/report';

type Theme = Pick<typeof Report, 'THEME_CONFIG' | 'SIGNAL_COLOR' | 'BACKGROUND_COLOR'>;

/** Text and whiskers: the report's ink colour. */
const INK = '#222222';

/**
 * The candidates of a search as dots with ±1 sd whiskers, best at the top, on an axis fitted to the values (not from
 * zero, as a bar chart would be: candidates differ in the third decimal of an AUC), the best one marked.
 * (A plot builder belongs in @discern/report; it stays here until one there draws points with intervals.) The
 * report's module is loaded by the caller when it draws, as every step's report does.
 */
export function candidatesPlot(theme: Theme, input: {
  readonly items: readonly { readonly name: string; readonly value: number; readonly lo: number; readonly hi: number; readonly best: boolean }[];
  readonly xTitle: string;
  readonly title: string;
}): VegaLiteSpec {
  const rows = input.items.map((it) => ({ ...it, label: it.value.toFixed(4), kind: it.best ? 'best (refitted)' : 'candidate' }));
  const y = { field: 'name', type: 'nominal', sort: rows.map((r) => r.name), title: null, axis: { labelLimit: 260 } };
  const x = { field: 'value', type: 'quantitative', title: input.xTitle, scale: { zero: false, nice: true } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: input.title },
    width: 380,
    height: Math.max(60, 20 * rows.length),
    config: theme.THEME_CONFIG,
    data: { values: rows },
    layer: [
      { mark: { type: 'rule', color: INK, strokeWidth: 1.5 }, encoding: { x: { ...x, field: 'lo' }, x2: { field: 'hi' }, y } },
      {
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          x,
          y,
          color: { field: 'kind', type: 'nominal', scale: { domain: ['best (refitted)', 'candidate'], range: [theme.BACKGROUND_COLOR, theme.SIGNAL_COLOR] }, legend: { title: null, orient: 'bottom' } },
        },
      },
      { mark: { type: 'text', align: 'left', dx: 6, dy: -8, fontSize: 10, color: INK }, encoding: { x, y, text: { field: 'label' } } },
    ],
  } as unknown as VegaLiteSpec;
}
