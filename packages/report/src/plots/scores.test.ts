import { describe, expect, it } from 'vitest';
import { renderSpec } from '../render.js';
import { BACKGROUND_COLOR, SIGNAL_COLOR } from '../theme.js';
import { axisTitle, countMarkGroups, countMarkItems, expectDiscernError, layersOf, loose, svgTexts } from '../__tests__/helpers.js';
import { SCORE_X_TITLE, SCORE_Y_TITLE, scoreDistributionPlot } from './scores.js';

const test = { signal: [0.6, 0.7, 0.8, 0.9], background: [0.1, 0.2, 0.3, 0.65] };
const train = { signal: [0.62, 0.75, 0.85, 0.95], background: [0.15, 0.25, 0.35, 0.6] };

describe('scoreDistributionPlot', () => {
  const spec = scoreDistributionPlot({ test, train, bins: 4, range: [0, 1], ksPValues: { signal: 0.63, background: 0.12 }, threshold: 0.5 });

  it('draws the test sample as unstacked filled areas, signal blue and background red', () => {
    const area = layersOf(spec, 'area')[0]!;
    expect(area.encoding!['y']).toMatchObject({ title: SCORE_Y_TITLE, stack: null });
    expect(axisTitle(spec, 'x')).toBe(SCORE_X_TITLE);
    const color = area.encoding!['color'] as { scale: { domain: string[]; range: string[] } };
    expect(color.scale.domain).toEqual(['Signal (test sample)', 'Background (test sample)', 'Signal (training sample)', 'Background (training sample)']);
    expect(color.scale.range).toEqual([SIGNAL_COLOR, BACKGROUND_COLOR, SIGNAL_COLOR, BACKGROUND_COLOR]);
    // Signal: 0 0 2 2 events per bin of width 0.25 out of 4 → density 0, 0, 2, 2, plus the closing point.
    const signal = area.data!.values.filter((r) => r['sample'] === 'Signal (test sample)');
    expect(signal.map((r) => r['density'])).toEqual([0, 0, 2, 2, 2]);
    expect(signal.map((r) => r['x'])).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it('draws the training sample as points with √N error bars at the bin centres', () => {
    const rule = layersOf(spec, 'rule').find((l) => l.encoding!['y2'])!;
    const bg = rule.data!.values.filter((r) => r['sample'] === 'Background (training sample)');
    expect(bg.map((r) => r['x'])).toEqual([0.125, 0.375, 0.625, 0.875]);
    // Bin 0 holds 1 of 4 events: density 1/(4·0.25) = 1, error √1/(4·0.25) = 1.
    expect(bg[0]).toMatchObject({ density: 1, lo: 0, hi: 2 });
    expect(layersOf(spec, 'point')).toHaveLength(1);
  });

  it('writes the KS probabilities TMVA-style and draws the threshold', () => {
    expect(loose(spec).title.subtitle).toEqual(['Kolmogorov–Smirnov test: Signal (Background) probability = 0.63 (0.12)']);
    const thr = layersOf(spec, 'rule').find((l) => !l.encoding!['y2'])!;
    expect(thr.data!.values[0]).toMatchObject({ x: 0.5 });
  });

  it('renders: two test-sample areas with outlines, 8 training points, titles, legend and threshold label', async () => {
    const { svg, warnings } = await renderSpec(spec);
    expect(warnings).toEqual([]);
    expect(countMarkGroups(svg, 'area')).toBe(2);
    expect(countMarkGroups(svg, 'line')).toBe(2);
    expect(countMarkItems(svg, 'symbol')).toBe(8);
    expect(svgTexts(svg)).toEqual(
      expect.arrayContaining([SCORE_X_TITLE, SCORE_Y_TITLE, 'Signal (training sample)', 'Background (test sample)', 'threshold 0.5']),
    );
  });

  it('thresholdLabel names the cut; the label sits right of the line, left of it in the right 40 % of the axis', () => {
    const textOf = (threshold: number, extra: { thresholdLabel?: string; range?: [number, number] } = {}) => {
      const s = scoreDistributionPlot({ test, range: [0, 1], threshold, ...extra });
      const layer = layersOf(s, 'text')[0]!;
      const mark = layer.mark as unknown as { align: string; dx: number };
      return { label: layer.data!.values[0]!['label'], align: mark.align, dx: mark.dx };
    };
    expect(textOf(0.5)).toEqual({ label: 'threshold 0.5', align: 'left', dx: 4 });
    expect(textOf(0.6, { thresholdLabel: 'NP α = 0.05: 0.6' })).toEqual({ label: 'NP α = 0.05: 0.6', align: 'left', dx: 4 });
    expect(textOf(0.61, { thresholdLabel: 'MAP: 0.61' })).toEqual({ label: 'MAP: 0.61', align: 'right', dx: -4 });
    // The 40 % are of the axis shown: on [0, 2] the cut 0.61 is in the left third.
    expect(textOf(0.61, { range: [0, 2] })).toMatchObject({ align: 'left' });
    expectDiscernError(() => scoreDistributionPlot({ test, threshold: 0.5, thresholdLabel: '' }), /thresholdLabel/);
  });

  it('renders the label given, to the left of a cut near the right edge, inside the frame', async () => {
    const { svg, warnings } = await renderSpec(scoreDistributionPlot({ test, range: [0, 1], threshold: 0.9, thresholdLabel: 'min. risk: 0.9' }));
    expect(warnings).toEqual([]);
    expect(svgTexts(svg)).toContain('min. risk: 0.9');
    expect(svg).toMatch(/text-anchor="end"[^>]*>min\. risk: 0\.9</);
  });

  it('uses the class names given, and notes events outside the range', () => {
    const s = scoreDistributionPlot({ test: { signal: [0.5, 2], background: [0.2] }, range: [0, 1], bins: 2, classNames: ['Jet', 'Photon'] });
    const domain = (layersOf(s, 'area')[0]!.encoding!['color'] as { scale: { domain: string[] } }).scale.domain;
    expect(domain).toEqual(['Photon (test sample)', 'Jet (test sample)']);
    expect(loose(s).title.subtitle).toEqual(['1 event outside [0, 1] not shown']);
    expect(layersOf(s, 'point')).toHaveLength(0);
  });

  it('weights the histograms', () => {
    const s = scoreDistributionPlot({ test: { signal: [0.1, 0.9], signalWeights: [3, 1], background: [0.5] }, range: [0, 1], bins: 2 });
    const sig = layersOf(s, 'area')[0]!.data!.values.filter((r) => r['sample'] === 'Signal (test sample)');
    expect(sig.map((r) => r['density'])).toEqual([1.5, 0.5, 0.5]);
  });

  it('rejects non-finite scores, mismatched weights, empty classes and bad p-values', () => {
    expectDiscernError(() => scoreDistributionPlot({ test: { signal: [0.1, NaN], background: [0.2] } }), /finite.*index 1/);
    expectDiscernError(() => scoreDistributionPlot({ test: { signal: [0.1], signalWeights: [1, 2], background: [0.2] } }), /same length/);
    expectDiscernError(() => scoreDistributionPlot({ test: { signal: [], background: [0.2] } }), /empty/);
    expectDiscernError(() => scoreDistributionPlot({ test, ksPValues: { signal: 1.5, background: 0.1 } }), /probability/);
    expectDiscernError(() => scoreDistributionPlot({ test, threshold: NaN }), /threshold/);
  });
});
