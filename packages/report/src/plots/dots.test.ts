import { describe, expect, it } from 'vitest';
import { renderSpec } from '../render.js';
import { axisTitle, expectDiscernError, layersOf, svgTexts } from '../__tests__/helpers.js';
import { dotPlot } from './dots.js';

describe('dotPlot', () => {
  const input = {
    items: [
      { name: 'fold 0', value: 0.931, marked: false },
      { name: 'fold 1', value: 0.9342, marked: false },
      { name: 'mean ± sd', value: 0.9326, lo: 0.9304, hi: 0.9348, marked: true },
    ],
    legend: ['fold', 'over the folds'] as const,
    xTitle: 'AUC on the held-out fold',
    title: 'Cross-validation',
  };
  const spec = dotPlot(input);

  it('one row an item in the given order, whiskers from lo to hi (the value where there is none), values as labels', () => {
    const rule = layersOf(spec, 'rule')[0]!;
    expect((rule.encoding!['y'] as { sort: string[] }).sort).toEqual(['fold 0', 'fold 1', 'mean ± sd']);
    const rows = rule.data?.values ?? (spec as unknown as { data: { values: Record<string, unknown>[] } }).data.values;
    expect(rows.map((r) => [r['lo'], r['hi'], r['label'], r['kind']])).toEqual([
      [0.931, 0.931, '0.9310', 'fold'],
      [0.9342, 0.9342, '0.9342', 'fold'],
      [0.9304, 0.9348, '0.9326', 'over the folds'],
    ]);
    expect(axisTitle(spec, 'x')).toBe('AUC on the held-out fold');
  });

  it('renders the names, the labels and the legend', async () => {
    const { svg, warnings } = await renderSpec(spec);
    expect(warnings).toEqual([]);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['fold 0', 'mean ± sd', '0.9326', 'fold', 'over the folds']));
  });

  it('refuses no items, twice a name, a non-finite value, a whisker that misses its value and a legend of one name', () => {
    expectDiscernError(() => dotPlot({ ...input, items: [] }), /empty/);
    expectDiscernError(() => dotPlot({ ...input, items: [input.items[0]!, input.items[0]!] }), /unique/);
    expectDiscernError(() => dotPlot({ ...input, items: [{ name: 'a', value: NaN, marked: false }] }), /items\[0\] \("a"\): value NaN.*must be finite/);
    expectDiscernError(() => dotPlot({ ...input, items: [{ name: 'a', value: 0.5, lo: 0.6, hi: 0.7, marked: false }] }), /whisker \[0.6, 0.7\] does not hold the value 0.5/);
    expectDiscernError(() => dotPlot({ ...input, legend: ['x', 'x'] }), /two different non-empty names/);
  });
});
