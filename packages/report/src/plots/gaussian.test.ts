import { describe, expect, it } from 'vitest';
import { renderSpec } from '../render.js';
import { BACKGROUND_COLOR, SIGNAL_COLOR } from '../theme.js';
import { axisTitle, countMarkGroups, expectDiscernError, layersOf, loose, svgTexts } from '../__tests__/helpers.js';
import { gaussianDensityPlot } from './gaussian.js';

// The worked example: C1 ~ N(0, 1), C2 ~ N(1, 1); NP at α = 0.5 cuts at x = 0, the cut x > 1/2.
const classes = [
  { name: 'C1', mean: 0, sd: 1 },
  { name: 'C2', mean: 1, sd: 1 },
] as const;
const tests = [
  { label: 'NP α = 0.5: x > 0', region: [[0, Infinity]] as [number, number][] },
  { label: 'cut x > 0.5', region: [[0.5, Infinity]] as [number, number][] },
];
const PEAK = 1 / Math.sqrt(2 * Math.PI); // φ(0)

describe('gaussianDensityPlot', () => {
  const spec = gaussianDensityPlot({ classes, tests, description: 'gaussian' });

  it('two density curves over μ ± 4σ of both classes (x ∈ [−4, 5]), named with their distributions, background vermillion and signal blue', () => {
    const line = layersOf(spec, 'line')[0]!;
    const rows = line.data!.values;
    expect(rows).toHaveLength(2 * 201);
    expect(rows[0]).toMatchObject({ x: -4, cls: 'C1: N(0, 1²)' });
    expect((rows[0]!['y'] as number) / (Math.exp(-8) * PEAK) - 1).toBeCloseTo(0, 14);
    expect(rows[1]!['cls']).toBe('C2: N(1, 1²)');
    expect(rows[rows.length - 1]!['x']).toBe(5);
    // x = −4 + 9·100/200 = 0.5 is a grid point: φ(0.5).
    const mid = rows.find((r) => r['x'] === 0.5 && r['cls'] === 'C1: N(0, 1²)')!;
    expect(mid['y']).toBeCloseTo(PEAK * Math.exp(-0.125), 15);
    const color = line.encoding!['color'] as { scale: { domain: string[]; range: string[] } };
    expect(color.scale).toEqual({ domain: ['C1: N(0, 1²)', 'C2: N(1, 1²)'], range: [BACKGROUND_COLOR, SIGNAL_COLOR] });
    const x = line.encoding!['x'] as { scale: { domain: number[] }; title: string };
    expect(x.scale.domain).toEqual([-4, 5]);
    expect(x.title).toBe('x');
    // 30 % head room above the higher peak for the labels.
    const yDomain = (line.encoding!['y'] as { scale: { domain: number[] } }).scale.domain;
    expect(yDomain[0]).toBe(0);
    expect(yDomain[1]).toBeCloseTo(1.3 * PEAK, 15);
    expect(layersOf(spec, 'area')).toHaveLength(0);
    expect(loose(spec).title).toEqual({ text: 'Two Gaussian classes and the decision thresholds', subtitle: ['analytic densities'] });
    expect((spec as { description?: string }).description).toBe('gaussian');
  });

  it('a dashed, labelled line at every finite end of each decision region, one label row per cut', () => {
    expect(layersOf(spec, 'rule')[0]!.data!.values).toEqual([
      { x: 0, label: 'NP α = 0.5: x > 0', row: 0 },
      { x: 0.5, label: 'cut x > 0.5', row: 1 },
    ]);
    const texts = layersOf(spec, 'text');
    expect(texts).toHaveLength(2); // a white halo, then the ink
    expect(texts[1]!.data!.values.map((r) => r['ypx'])).toEqual([12, 29]);
    const twoSided = gaussianDensityPlot({ classes, tests: [{ label: 'two-sided', region: [[-Infinity, -1], [2, Infinity]] }] });
    expect(layersOf(twoSided, 'rule')[0]!.data!.values.map((r) => r['x'])).toEqual([-1, 2]);
  });

  it('a sample: one normalised step histogram per class over 48 bins of [−4, 5], weighted, and the subtitle says which', () => {
    const s = gaussianDensityPlot({ classes, tests, sample: { name: 'test', statistic: [-0.5, 0.2, 0.9, 1.4], isC2: [0, 0, 1, 1], weights: [1, 3, 1, 1] } });
    const area = layersOf(s, 'area')[0]!;
    const c1 = area.data!.values.filter((r) => r['cls'] === 'C1: N(0, 1²)');
    expect(c1).toHaveLength(49);
    // bin width 9/48; −0.5 falls in bin ⌊3.5/(9/48)⌋ = 18 with weight 1 of 4: density (1/4)/(9/48) = 4/3.
    expect(c1[18]!['y']).toBeCloseTo(4 / 3, 14);
    expect(c1.reduce((acc, r, i) => acc + (i < 48 ? (r['y'] as number) * (9 / 48) : 0), 0)).toBeCloseTo(1, 14);
    expect(loose(s).title.subtitle).toEqual(['lines: analytic densities; filled: simulated sample (test, 4 events)']);
  });

  it('shadeErrors: α under C1 inside R2 and β under C2 outside it; their areas are Q(1/2) = 0.3085 each (trapezoids, 1e-3)', () => {
    const s = gaussianDensityPlot({ classes, tests, shadeErrors: 'cut x > 0.5' });
    const rows = layersOf(s, 'area')[0]!.data!.values;
    const area = (seg: string): number => {
      const r = rows.filter((v) => v['segment'] === seg);
      let sum = 0;
      for (let i = 1; i < r.length; i++) sum += (((r[i]!['y'] as number) + (r[i - 1]!['y'] as number)) / 2) * ((r[i]!['x'] as number) - (r[i - 1]!['x'] as number));
      return sum;
    };
    expect(new Set(rows.map((r) => r['segment']))).toEqual(new Set(['alpha0', 'beta0']));
    expect(rows.filter((r) => r['segment'] === 'alpha0').every((r) => r['cls'] === 'C1: N(0, 1²)' && (r['x'] as number) >= 0.5)).toBe(true);
    expect(rows.filter((r) => r['segment'] === 'beta0').every((r) => r['cls'] === 'C2: N(1, 1²)' && (r['x'] as number) <= 0.5)).toBe(true);
    // Q(1/2) minus the tail beyond the plotted range (Q(4.5) ≈ 3e-6).
    expect(Math.abs(area('alpha0') - 0.3085375387259869)).toBeLessThan(1e-3);
    expect(Math.abs(area('beta0') - 0.3085375387259869)).toBeLessThan(1e-3);
    expect(loose(s).title.subtitle).toContain('shaded: the error probabilities of cut x > 0.5, α under C1 and β under C2');
    expectDiscernError(() => gaussianDensityPlot({ classes, tests, shadeErrors: 'nope' }), /shadeErrors names no test: "nope"/);
  });

  it('renders: two curves, the cut labels, the legend and the axis titles; with a sample, two filled histograms', async () => {
    const { svg, warnings } = await renderSpec(gaussianDensityPlot({ classes, tests, xTitle: 'LDA statistic wᵀx', sample: { name: 'test', statistic: [-0.5, 0.2, 0.9, 1.4], isC2: [0, 0, 1, 1] }, shadeErrors: 'cut x > 0.5' }));
    expect(warnings).toEqual([]);
    expect(countMarkGroups(svg, 'line')).toBe(2);
    expect(countMarkGroups(svg, 'area')).toBe(4); // two histograms, the α and the β area
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['NP α = 0.5: x > 0', 'cut x > 0.5', 'C1: N(0, 1²)', 'C2: N(1, 1²)', 'LDA statistic wᵀx', 'Probability density p(x | class)']));
    expect(axisTitle(gaussianDensityPlot({ classes }), 'x')).toBe('x');
  });

  it('rejects bad classes, regions and samples', () => {
    expectDiscernError(() => gaussianDensityPlot({ classes: [classes[0], { name: 'C2', mean: 1, sd: 0 }] }), /"C2" needs a finite mean and a finite sd > 0/);
    expectDiscernError(() => gaussianDensityPlot({ classes: [classes[0], { ...classes[1], name: 'C1' }] }), /unique/);
    expectDiscernError(() => gaussianDensityPlot({ classes, tests: [{ label: 't', region: [[1, 0]] }] }), /from ≤ to/);
    expectDiscernError(() => gaussianDensityPlot({ classes, sample: { name: 's', statistic: [0, 1], isC2: [0] } }), /same length/);
    expectDiscernError(() => gaussianDensityPlot({ classes, sample: { name: 's', statistic: [0, NaN], isC2: [0, 1] } }), /finite.*index 1/);
    expectDiscernError(() => gaussianDensityPlot({ classes, sample: { name: 's', statistic: [0, 1], isC2: [0, 2] } }), /isC2 must be 0 or 1/);
  });
});
