import { describe, expect, it } from 'vitest';
import { renderSpec } from '../render.js';
import { countMarkItems, expectDiscernError, layersOf, svgTexts } from '../__tests__/helpers.js';
import { rankingPlot } from './ranking.js';

const items = [
  { name: 'fWidth', value: 0.012, interval: [0.008, 0.016] as [number, number] },
  { name: 'fAlpha', value: 0.081, interval: [0.075, 0.087] as [number, number] },
  { name: 'fDist', value: -0.001, interval: [-0.003, 0.001] as [number, number] },
];

describe('rankingPlot', () => {
  const spec = rankingPlot({ items, xTitle: 'Drop in AUC', title: 'Permutation importance' });
  it('sorts by decreasing value, labels each bar and puts the label right of its error bar', () => {
    const bar = layersOf(spec, 'bar')[0]!;
    expect(bar.encoding!['y']).toMatchObject({ sort: ['fAlpha', 'fWidth', 'fDist'] });
    const rows = layersOf(spec, 'text')[0]!.data!.values;
    expect(rows.map((r) => [r['name'], r['label'], r['labelAt']])).toEqual([
      ['fAlpha', '0.081', 0.087],
      ['fWidth', '0.012', 0.016],
      ['fDist', '-0.001', 0.001],
    ]);
    expect(layersOf(spec, 'rule')).toHaveLength(2); // the zero line and the error bars
  });
  it('keeps the given order with sort: false, and says how many are left out with a limit', () => {
    expect(layersOf(rankingPlot({ items, xTitle: 'x', sort: false }), 'bar')[0]!.encoding!['y']).toMatchObject({ sort: ['fWidth', 'fAlpha', 'fDist'] });
    const top = rankingPlot({ items, xTitle: 'x', limit: 2 });
    expect(layersOf(top, 'bar')[0]!.data!.values).toHaveLength(2);
    expect((top as unknown as { title: { subtitle: string[] } }).title.subtitle).toEqual(['The first 2 of 3; the other 1 are in the table']);
  });
  it('renders three bars with their names, values and the axis title', async () => {
    const { svg, warnings } = await renderSpec(spec);
    expect(warnings).toEqual([]);
    expect(countMarkItems(svg, 'rect')).toBe(3);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['fAlpha', '0.081', 'Drop in AUC']));
  });
  it('rejects non-finite values, reversed intervals and repeated names', () => {
    expectDiscernError(() => rankingPlot({ items: [{ name: 'a', value: NaN }], xTitle: 'x' }), /items\[0\] \("a"\) has value NaN/);
    expectDiscernError(() => rankingPlot({ items: [{ name: 'a', value: 1, interval: [2, 1] }], xTitle: 'x' }), /interval \[2, 1\]/);
    expectDiscernError(() => rankingPlot({ items: [{ name: 'a', value: 1 }, { name: 'a', value: 2 }], xTitle: 'x' }), /unique/);
    expectDiscernError(() => rankingPlot({ items: [], xTitle: 'x' }), /items is empty/);
  });
});
