import { describe, expect, it } from 'vitest';
import { renderSpec } from '../render.js';
import { axisTitle, countMarkGroups, expectDiscernError, layersOf, loose, svgTexts } from '../__tests__/helpers.js';
import { historyPlot } from './history.js';

describe('historyPlot', () => {
  const spec = historyPlot({
    yTitle: 'Loss (log loss)',
    xTitle: 'Epoch',
    series: [
      { name: 'Training', values: [0.7, 0.5, 0.4] },
      { name: 'Validation', values: [0.72, 0.55, NaN] },
    ],
  });

  it('plots one line per series against 1-based iterations, leaving out non-finite values and saying so', () => {
    const line = layersOf(spec, 'line')[0]!;
    expect(axisTitle(spec, 'x')).toBe('Epoch');
    expect(axisTitle(spec, 'y')).toBe('Loss (log loss)');
    expect(line.data!.values.filter((r) => r['series'] === 'Validation').map((r) => r['x'])).toEqual([1, 2]);
    expect(loose(spec).title.subtitle).toEqual(['1 non-finite value not shown']);
  });

  it('uses a log y axis when asked, and refuses non-positive values on it', () => {
    const log = historyPlot({ yTitle: 'Loss', logY: true, series: [{ name: 'a', values: [1, 0.1] }] });
    expect(layersOf(log, 'line')[0]!.encoding!['y']).toMatchObject({ scale: { type: 'log' } });
    expectDiscernError(() => historyPlot({ yTitle: 'LL', logY: true, series: [{ name: 'a', values: [-3, -2] }] }), /log y axis/);
  });

  it('uses the x values given', () => {
    const s = historyPlot({ yTitle: 'Mean log-likelihood', series: [{ name: 'EM', values: [-3, -2], x: [0, 5] }] });
    expect(layersOf(s, 'line')[0]!.data!.values.map((r) => r['x'])).toEqual([0, 5]);
    expect(axisTitle(s, 'x')).toBe('Iteration');
  });

  it('renders a line per series and the legend', async () => {
    const { svg, warnings } = await renderSpec(spec);
    expect(warnings).toEqual([]);
    expect(countMarkGroups(svg, 'line')).toBe(2);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['Epoch', 'Loss (log loss)', 'Training', 'Validation']));
  });

  it('rejects empty input', () => {
    expectDiscernError(() => historyPlot({ yTitle: 'x', series: [] }), /at least one series/);
    expectDiscernError(() => historyPlot({ yTitle: 'x', series: [{ name: 'a', values: [] }] }), /empty/);
    expectDiscernError(() => historyPlot({ yTitle: 'x', series: [{ name: 'a', values: [NaN] }] }), /non-finite/);
    expectDiscernError(() => historyPlot({ yTitle: 'x', series: [{ name: 'a', values: [1, 2], x: [1] }] }), /same length/);
  });
});

describe('historyPlot markers', () => {
  const spec = historyPlot({
    yTitle: 'Log loss',
    series: [
      { name: 'training', values: [0.6, 0.5, 0.45, 0.43, 0.42] },
      { name: 'validation', values: [0.61, 0.52, 0.5, 0.51, 0.52] },
    ],
    markers: [
      { x: 3, label: 'best: iteration 3', dash: 'dashed' },
      { x: 5, label: 'early stop: iteration 5' },
    ],
  });

  it('draws a labelled vertical rule at each marked iteration', () => {
    const rules = layersOf(spec, 'rule');
    expect(rules.map((r) => r.data!.values[0]!['x'])).toEqual([3, 5]);
    expect(rules[0]!.mark).toMatchObject({ strokeDash: [5, 4] });
    expect(rules[1]!.mark).not.toHaveProperty('strokeDash');
    expect(layersOf(spec, 'text').map((t) => t.data!.values[0]!['label'])).toEqual(['best: iteration 3', 'early stop: iteration 5']);
  });

  it('renders the labels', async () => {
    const { svg, warnings } = await renderSpec(spec);
    expect(warnings).toEqual([]);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['best: iteration 3', 'early stop: iteration 5']));
  });

  it('refuses a marker without a finite x or a label, and two with one label', () => {
    const series = [{ name: 'a', values: [1, 2] }];
    expectDiscernError(() => historyPlot({ yTitle: 'x', series, markers: [{ x: NaN, label: 'stop' }] }), /finite iteration/);
    expectDiscernError(() => historyPlot({ yTitle: 'x', series, markers: [{ x: 1, label: '' }] }), /needs a label/);
    expectDiscernError(() => historyPlot({ yTitle: 'x', series, markers: [{ x: 1, label: 's' }, { x: 2, label: 's' }] }), /unique/);
  });
});
