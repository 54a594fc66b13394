import { describe, expect, it } from 'vitest';
import { renderSpec } from '../render.js';
import { BACKGROUND_COLOR, SIGNAL_COLOR } from '../theme.js';
import { countMarkGroups, expectDiscernError, svgTexts } from '../__tests__/helpers.js';
import { DISTRIBUTION_Y_TITLE, classDistributionGrid, separationNote } from './distributions.js';

interface Panel {
  title: { text: string; subtitle?: string[] };
  data: { values: { class: string; x: number; density: number }[] };
  layer: { encoding: Record<string, { title?: unknown; scale?: { domain?: unknown; range?: unknown } }> }[];
}
const panelsOf = (spec: unknown): Panel[] => (spec as { concat: Panel[] }).concat;

const input = {
  classNames: ['h', 'g'],
  signal: 'g',
  panels: [
    { name: 'fLength', title: '1. fLength', note: separationNote(0.3125), edges: [0, 1, 2, 3], counts: [[1, 2, 1], [0, 1, 3]] },
    { name: 'fAlpha', edges: [-1, 0, 1], counts: [[2, 2], [3, 1]] },
  ],
};

describe('classDistributionGrid', () => {
  const spec = classDistributionGrid(input);
  it('normalises each class to unit area: Σw/(W·Δx) per bin, a closing point at the last edge', () => {
    const p = panelsOf(spec)[0]!;
    // background h: [1, 2, 1] over W = 4, Δx = 1 → ¼, ½, ¼; signal g: [0, 1, 3] → 0, ¼, ¾
    const of = (c: string) => p.data.values.filter((r) => r.class === c).map((r) => [r.x, r.density]);
    expect(of('h (background)')).toEqual([[0, 0.25], [1, 0.5], [2, 0.25], [3, 0.25]]);
    expect(of('g (signal)')).toEqual([[0, 0], [1, 0.25], [2, 0.75], [3, 0.75]]);
    // Δx = 1 on the second panel too: [2, 2]/4 and [3, 1]/4
    expect(panelsOf(spec)[1]!.data.values.filter((r) => r.class === 'g (signal)').map((r) => r.density)).toEqual([0.75, 0.25, 0.25]);
  });
  it('titles each panel and its axes; signal blue, background vermillion, named in the legend', () => {
    const [a, b] = panelsOf(spec);
    expect(a!.title).toMatchObject({ text: '1. fLength', subtitle: ['separation ⟨S²⟩ = 0.313'] });
    expect(b!.title.text).toBe('fAlpha');
    const enc = a!.layer[0]!.encoding;
    expect(enc['x']!.title).toBe('fLength');
    expect(enc['y']!.title).toBe(DISTRIBUTION_Y_TITLE);
    expect(enc['color']!.scale).toEqual({ domain: ['h (background)', 'g (signal)'], range: [BACKGROUND_COLOR, SIGNAL_COLOR] });
    expect((spec as unknown as { columns: number }).columns).toBe(2);
  });
  it('renders every panel with its titles and one legend', async () => {
    const { svg, warnings } = await renderSpec(spec);
    expect(warnings).toEqual([]);
    expect(countMarkGroups(svg, 'line')).toBe(4);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['1. fLength', 'fAlpha', 'g (signal)', 'h (background)', DISTRIBUTION_Y_TITLE]));
  });
  it('three classes take the palette; a class with no positive total is left out of its panel, which says so', () => {
    const s = classDistributionGrid({ classNames: ['a', 'b', 'c'], panels: [{ name: 'x', edges: [0, 1, 2], counts: [[1, 1], [0, 0], [2, 0]] }] });
    const p = panelsOf(s)[0]!;
    expect(new Set(p.data.values.map((r) => r.class))).toEqual(new Set(['a', 'c']));
    expect(p.title.subtitle).toEqual(['no positive total: b']);
  });
  it('rejects inconsistent input', () => {
    expectDiscernError(() => classDistributionGrid({ ...input, signal: 'x' }), /signal "x" is not one of the classes "h", "g"/);
    expectDiscernError(() => classDistributionGrid({ ...input, panels: [] }), /panels is empty/);
    expectDiscernError(() => classDistributionGrid({ ...input, panels: [{ name: 'v', edges: [0, 1], counts: [[1]] }] }), /"v" has 1 histograms for 2 classes/);
    expectDiscernError(() => classDistributionGrid({ ...input, panels: [{ name: 'v', edges: [0, 1], counts: [[1, 2], [1]] }] }), /2 counts for 1 bins/);
    expectDiscernError(() => classDistributionGrid({ ...input, panels: [{ name: 'v', edges: [1, 0], counts: [[1], [1]] }] }), /must increase/);
  });
});
