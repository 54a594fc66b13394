import { describe, expect, it } from 'vitest';
import { renderSpec } from '../render.js';
import { axisTitle, countMarkGroups, countMarkItems, expectDiscernError, layersOf, loose, svgTexts } from '../__tests__/helpers.js';
import { faithfulLike } from '../__tests__/synthetic.js';
import { clusterPlot } from './cluster.js';

describe('clusterPlot', () => {
  const input = faithfulLike(4);
  const spec = clusterPlot(input);

  it('scatters the points coloured by group, with the axis titles given', () => {
    const circle = layersOf(spec, 'circle')[0]!;
    expect(circle.data!.values).toHaveLength(272);
    expect(circle.encoding!['color']).toMatchObject({ field: 'group', scale: { domain: ['Component 1', 'Component 2'] } });
    expect(axisTitle(spec, 'x')).toBe('Eruption duration (min)');
    expect(axisTitle(spec, 'y')).toBe('Waiting time to next eruption (min)');
  });

  it('draws a 1σ and a 2σ ellipse per component as ordered polylines, dashed by level', () => {
    const line = layersOf(spec, 'line')[0]!;
    expect(line.encoding!['order']).toMatchObject({ field: 'i' });
    expect(line.encoding!['detail']).toMatchObject({ field: 'id' });
    expect(line.encoding!['strokeDash']).toMatchObject({ field: 'level', scale: { domain: ['1σ', '2σ'] } });
    expect(new Set(line.data!.values.map((r) => r['id'])).size).toBe(4);
    expect(loose(spec).title.subtitle![0]).toBe('Mixture weights: Component 1 0.357, Component 2 0.643');
  });

  it('renders all points, four ellipses, two means, and the legends', async () => {
    const { svg, warnings } = await renderSpec(spec);
    expect(warnings).toEqual([]);
    expect(countMarkItems(svg, 'symbol')).toBe(272 + 2);
    expect(countMarkGroups(svg, 'line')).toBe(4);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['Eruption duration (min)', 'Component 1', 'Contour', '1σ', '2σ']));
  });

  it('thins large samples deterministically and says so', () => {
    const n = 12_000;
    const s = clusterPlot({ x: Array.from({ length: n }, (_, i) => i), y: Array.from({ length: n }, (_, i) => -i), group: Array(n).fill(0), xTitle: 'x', yTitle: 'y' });
    expect(layersOf(s, 'circle')[0]!.data!.values).toHaveLength(4000);
    expect(loose(s).title.subtitle).toEqual(['Showing 4000 of 12000 points (1 in 3)']);
  });

  it('rejects mismatched lengths, non-finite coordinates and bad covariances', () => {
    expectDiscernError(() => clusterPlot({ x: [1, 2], y: [1], group: ['a', 'b'], xTitle: 'x', yTitle: 'y' }), /same length/);
    expectDiscernError(() => clusterPlot({ x: [1, 2], y: [1, 2], group: ['a'], xTitle: 'x', yTitle: 'y' }), /same length/);
    expectDiscernError(() => clusterPlot({ x: [1, Infinity], y: [1, 2], group: ['a', 'b'], xTitle: 'x', yTitle: 'y' }), /finite/);
    expectDiscernError(
      () => clusterPlot({ x: [1], y: [1], group: ['a'], xTitle: 'x', yTitle: 'y', ellipses: [{ name: 'a', mean: [0, 0], cov: [[1, 3], [3, 1]] }] }),
      /covariance of "a".*positive semi-definite/,
    );
  });
});
