import { describe, expect, it } from 'vitest';
import { renderSpec } from '../render.js';
import { axisTitle, expectDiscernError, layersOf, loose, svgTexts } from '../__tests__/helpers.js';
import { importancePlot } from './importance.js';

describe('importancePlot', () => {
  const input = { features: ['fLength', 'fWidth', 'fAlpha'], gain: [0.2, 0.1, 0.7], splits: [0.5, 0.3, 0.2] };
  const spec = importancePlot(input);

  it('ranks the features by their share of the gain, in per cent, with the share of the splits beside it', () => {
    const bars = layersOf(spec, 'bar')[0]!;
    expect((bars.encoding!['y'] as { sort: string[] }).sort).toEqual(['fAlpha', 'fLength', 'fWidth']);
    const byKey = Object.fromEntries(bars.data!.values.map((r) => [`${String(r['feature'])}/${String(r['measure'])}`, r['value']]));
    expect(byKey['fAlpha/share of the gain']).toBeCloseTo(70, 12);
    expect(byKey['fLength/share of the splits']).toBeCloseTo(50, 12);
    expect(axisTitle(spec, 'x')).toBe('Importance (%)');
    // the gain bars carry their values as labels
    expect(layersOf(spec, 'text')[0]!.data!.values.map((r) => r['label'])).toEqual(['70 %', '20 %', '10 %']);
  });

  it('breaks ties in gain by the splits, then by the given order', () => {
    const s = importancePlot({ features: ['a', 'b', 'c'], gain: [0, 0, 0], splits: [0, 0.5, 0.5] });
    expect((layersOf(s, 'bar')[0]!.encoding!['y'] as { sort: string[] }).sort).toEqual(['b', 'c', 'a']);
  });

  it('draws the first `limit` and says how many are left out', () => {
    const s = importancePlot({ ...input, limit: 2 });
    expect((layersOf(s, 'bar')[0]!.encoding!['y'] as { sort: string[] }).sort).toEqual(['fAlpha', 'fLength']);
    expect(loose(s).title.subtitle).toEqual(['The 2 most important of 3 features; the other 1 are in the table']);
  });

  it('renders every feature name and both measures in the legend', async () => {
    const { svg, warnings } = await renderSpec(spec);
    expect(warnings).toEqual([]);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['fLength', 'fWidth', 'fAlpha', 'share of the gain', 'share of the splits']));
  });

  it('refuses inputs that are not shares of one list of features', () => {
    expectDiscernError(() => importancePlot({ features: [], gain: [], splits: [] }), /empty/);
    expectDiscernError(() => importancePlot({ features: ['a', 'a'], gain: [0.5, 0.5], splits: [0.5, 0.5] }), /unique/);
    expectDiscernError(() => importancePlot({ features: ['a', 'b'], gain: [1], splits: [0.5, 0.5] }), /same length/);
    expectDiscernError(() => importancePlot({ features: ['a'], gain: [-0.1], splits: [1] }), /≥ 0/);
    expectDiscernError(() => importancePlot({ features: ['a'], gain: [NaN], splits: [1] }), /finite/);
    expectDiscernError(() => importancePlot({ ...input, limit: 0 }), /positive integer/);
  });
});
