import { describe, expect, it } from 'vitest';
import { renderSpec } from '../render.js';
import { axisTitle, countMarkItems, expectDiscernError, layersOf, loose, svgTexts } from '../__tests__/helpers.js';
import { INVERSE_TITLE, REJECTION_TITLE, SIGNAL_EFF_TITLE, logAxis, rejectionPlot } from './rejection.js';
import { thinCurve } from './thin.js';

const curve = { name: 'MLP', signalEff: [0, 0.2, 0.5, 0.9, 1], backgroundEff: [0, 0, 0.01, 0.2, 1] };

describe('rejectionPlot', () => {
  it("'rejection' plots 1 − εB against εS on linear axes", () => {
    const spec = rejectionPlot({ mode: 'rejection', curves: [curve] });
    expect(axisTitle(spec, 'x')).toBe(SIGNAL_EFF_TITLE);
    expect(axisTitle(spec, 'y')).toBe(REJECTION_TITLE);
    const line = layersOf(spec, 'line').find((l) => l.encoding!['color'])!;
    expect(line.data!.values.map((r) => r['y'])).toEqual([1, 1, 0.99, 0.8, 0]);
    expect((line.encoding!['y'] as { scale: { type?: string } }).scale.type).toBeUndefined();
    expect(loose(spec).title.subtitle).toBeUndefined();
  });

  it("'inverse' plots 1/εB on a log axis, drops εB = 0 and says how many", () => {
    const spec = rejectionPlot({ mode: 'inverse', curves: [curve], operatingPoints: [{ name: 'εS = 50 %', signalEff: 0.5, backgroundEff: 0.01 }] });
    expect(axisTitle(spec, 'y')).toBe(INVERSE_TITLE);
    const line = layersOf(spec, 'line')[0]!;
    expect((line.encoding!['y'] as { scale: { type: string } }).scale.type).toBe('log');
    expect(line.data!.values.map((r) => r['y'])).toEqual([100, 5, 1]);
    expect(loose(spec).title.subtitle).toEqual(['2 points with εB = 0 not shown (1/εB is infinite there)']);
  });

  it('renders the log plot with its titles, the subtitle and the operating point', async () => {
    const spec = rejectionPlot({ mode: 'inverse', curves: [curve], operatingPoints: [{ name: 'εS = 50 %', signalEff: 0.5, backgroundEff: 0.01 }] });
    const { svg, warnings } = await renderSpec(spec);
    expect(warnings).toEqual([]);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining([SIGNAL_EFF_TITLE, INVERSE_TITLE, 'εS = 50 %', 'MLP', '1', '10', '100']));
    expect(countMarkItems(svg, 'symbol')).toBe(1);
  });

  it('thin: the points the ROC keeps (thinCurve in (εB, εS)), drawn as 1 − εB', () => {
    const eb = Array.from({ length: 5001 }, (_, i) => i / 5000);
    const es = eb.map((b) => Math.sqrt(b));
    const kept = thinCurve(eb, es);
    expect(kept.x.length).toBeLessThan(1000);
    const line = layersOf(rejectionPlot({ mode: 'rejection', curves: [{ name: 'c', signalEff: es, backgroundEff: eb, thin: true }] }), 'line').find((l) => l.encoding!['color'])!;
    expect(line.data!.values.map((r) => r['x'])).toEqual(kept.y);
    expect(line.data!.values.map((r) => r['y'])).toEqual(kept.x.map((b) => 1 - b));
  });

  it('rejects bad input', () => {
    expectDiscernError(() => rejectionPlot({ mode: 'inverse', curves: [{ name: 'x', signalEff: [0, 1], backgroundEff: [0, 0] }] }), /no point with εB > 0/);
    expectDiscernError(() => rejectionPlot({ mode: 'rejection', curves: [{ name: 'x', signalEff: [0, 1], backgroundEff: [0] }] }), /same length/);
    expectDiscernError(() => rejectionPlot({ mode: 'bogus' as 'rejection', curves: [curve] }), /mode/);
    expectDiscernError(() => rejectionPlot({ mode: 'rejection', curves: [{ name: 'x', signalEff: [0, NaN], backgroundEff: [0, 1] }] }), /finite/);
  });
});

describe('logAxis', () => {
  it('ticks every decade over a wide range and 1-2-5 over a narrow one', () => {
    expect(logAxis([1.2, 4000]).values).toEqual([1, 10, 100, 1000, 10000]);
    expect(logAxis([1.5, 40]).values).toEqual([1, 2, 5, 10, 20, 50, 100]);
  });
});
