import { describe, expect, it } from 'vitest';
import { renderSpec } from '../render.js';
import { axisTitle, expectDiscernError, layersOf, svgTexts } from '../__tests__/helpers.js';
import { reliabilityPlot } from './reliability.js';

describe('reliabilityPlot', () => {
  const bins = (shift: number) =>
    [0.05, 0.25, 0.5, 0.75, 0.95].map((p, i) => ({ predicted: p, observed: Math.min(1, p + shift), lower: Math.max(0, p + shift - 0.05), upper: Math.min(1, p + shift + 0.05), count: 10 + i }));
  const spec = reliabilityPlot({ what: 'P(g)', series: [{ name: 'before', bins: bins(0.04) }, { name: 'isotonic', bins: bins(0) }], subtitle: ['ECE 0.040 → 0.003'] });

  it('draws the diagonal, an interval and a point per non-empty bin, one colour per series, axes on [0, 1]', () => {
    expect(axisTitle(spec, 'x')).toBe('Predicted P(g) (bin mean)');
    expect(axisTitle(spec, 'y')).toBe('Observed frequency');
    const points = layersOf(spec, 'point')[0]!;
    expect(points.data!.values).toHaveLength(10);
    expect(layersOf(spec, 'rule')[0]!.data!.values.map((r) => r['upper'])).toContain(0.1);
    expect(layersOf(spec, 'line')).toHaveLength(2); // the diagonal and the series' lines
  });

  it('renders, with the series names and the subtitle in the SVG', async () => {
    const { svg } = await renderSpec(spec);
    const texts = svgTexts(svg);
    expect(texts).toContain('isotonic');
    expect(texts.join(' ')).toContain('ECE 0.040 → 0.003');
  });

  it('leaves empty bins out and refuses non-finite figures', () => {
    const s = reliabilityPlot({ what: 'P(s)', series: [{ name: 'a', bins: [{ predicted: 0.1, observed: 0, lower: 0, upper: 0.5, count: 0 }, { predicted: 0.5, observed: 0.5, lower: 0.4, upper: 0.6, count: 3 }] }] });
    expect(layersOf(s, 'point')[0]!.data!.values).toHaveLength(1);
    expectDiscernError(() => reliabilityPlot({ what: 'p', series: [{ name: 'a', bins: [{ predicted: NaN, observed: 0, lower: 0, upper: 1, count: 1 }] }] }), /every figure of a bin must be finite/);
    expectDiscernError(() => reliabilityPlot({ what: 'p', series: [] }), /at least one series/);
  });
});
