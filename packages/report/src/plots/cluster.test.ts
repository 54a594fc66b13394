import { describe, expect, it } from 'vitest';
import { renderSpec } from '../render.js';
import { axisTitle, countMarkGroups, countMarkItems, expectDiscernError, layersOf, loose, svgTexts } from '../__tests__/helpers.js';
import { faithfulLike } from '../__tests__/synthetic.js';
import { clusterPlot, mixtureEllipses } from './cluster.js';

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

describe('mixtureEllipses', () => {
  // Two components in p = 3 features; covariance rows written out, Σ_k[i][j] = (k + 1)·(i + 1) on the diagonal, 0.1·(i + j) off it.
  const cov = (k: number) => [
    [1 * (k + 1), 0.1, 0.2],
    [0.1, 2 * (k + 1), 0.3],
    [0.2, 0.3, 3 * (k + 1)],
  ].flat();
  const mixture = { means: [Float64Array.of(1, 2, 3), Float64Array.of(-1, -2, -3)], covariances: [cov(0), cov(1)], weights: [0.25, 0.75] };

  it('projects each component onto two features: the means’ components and the 2×2 block of the covariance', () => {
    expect(mixtureEllipses(mixture, { features: [2, 0] })).toEqual([
      { name: 'component 1', mean: [3, 1], cov: [[3, 0.2], [0.2, 1]], weight: 0.25 },
      { name: 'component 2', mean: [-3, -1], cov: [[6, 0.2], [0.2, 2]], weight: 0.75 },
    ]);
  });

  it('undoes a standardisation: μ′ = μ·s + m, Σ′ = S Σ S (features 0 and 1: s = (2, 10), m = (5, 100))', () => {
    const [e] = mixtureEllipses(mixture, { features: [0, 1], unstandardize: { mean: [5, 100, 0], scale: [2, 10, 1] }, names: ['a', 'b'] });
    expect(e).toEqual({ name: 'a', mean: [1 * 2 + 5, 2 * 10 + 100], cov: [[1 * 4, 0.1 * 20], [0.1 * 20, 2 * 100]], weight: 0.25 });
  });

  it('feeds clusterPlot: the ellipses take the colours of the groups of the same names', () => {
    const spec = clusterPlot({ x: [1, -1], y: [2, -2], group: ['component 1', 'component 2'], xTitle: 'x', yTitle: 'y', ellipses: mixtureEllipses(mixture, { features: [0, 1] }) });
    const line = layersOf(spec, 'line')[0]!;
    expect(line.data!.values.length).toBe(2 * 2 * 73); // 2 components × 2 levels × a closed 72-gon
    expect((line.encoding!['color'] as { scale: { domain: string[] } }).scale.domain).toEqual(['component 1', 'component 2']);
    expect(loose(spec).title.subtitle).toContain('Mixture weights: component 1 0.25, component 2 0.75');
  });

  it('rejects inconsistent mixtures and features', () => {
    expectDiscernError(() => mixtureEllipses({ ...mixture, weights: [1] }, { features: [0, 1] }), /one mean, covariance and weight per component/);
    expectDiscernError(() => mixtureEllipses(mixture, { features: [0, 3] }), /two indices in \[0, 3\)/);
    expectDiscernError(() => mixtureEllipses(mixture, { features: [1, 1] }), /two different indices/);
    expectDiscernError(() => mixtureEllipses({ ...mixture, covariances: [cov(0), [1]] }, { features: [0, 1] }), /component 1 has a mean of 3 and a covariance of 1 values/);
    expectDiscernError(() => mixtureEllipses(mixture, { features: [0, 1], names: ['only'] }), /names must name each of the 2 components/);
    expectDiscernError(() => mixtureEllipses(mixture, { features: [0, 1], unstandardize: { mean: [0], scale: [1] } }), /unstandardize needs a mean and a scale per feature \(3\)/);
  });
});
