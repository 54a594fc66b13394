import { describe, expect, it } from 'vitest';
import { rocPlot } from './plots/roc.js';
import { renderSpec, type VegaLiteSpec } from './render.js';
import { PNG_SIGNATURE, countMarkItems, pngSize, svgSize, svgTexts } from './__tests__/helpers.js';

const bars: VegaLiteSpec = {
  width: 200,
  height: 100,
  data: { values: [{ k: 'a', v: 1 }, { k: 'b', v: 3 }, { k: 'c', v: 2 }] },
  mark: 'bar',
  encoding: { x: { field: 'k', type: 'nominal', title: 'Category' }, y: { field: 'v', type: 'quantitative', title: 'Value (a.u.)' } },
};

describe('renderSpec', () => {
  it('renders SVG with the axis titles and one bar per datum, in DejaVu Sans', async () => {
    const r = await renderSpec(bars);
    expect(r.svg.startsWith('<svg')).toBe(true);
    expect(svgTexts(r.svg)).toEqual(expect.arrayContaining(['Category', 'Value (a.u.)']));
    expect(countMarkItems(r.svg, 'rect')).toBe(3);
    expect(r.svg).toContain('font-family="DejaVu Sans"');
    expect(r.warnings).toEqual([]);
  });

  it('renders a PNG twice the SVG size by default, and at the requested scale', async () => {
    const r = await renderSpec(bars);
    expect([...r.png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const s = svgSize(r.svg);
    expect(pngSize(r.png)).toEqual({ width: r.width, height: r.height });
    expect(r.width).toBe(Math.round(2 * s.width));
    expect(r.height).toBe(Math.round(2 * s.height));
    const one = await renderSpec(bars, { scale: 1 });
    expect(one.width).toBe(Math.round(s.width));
  });

  it('draws text: the PNG differs when only an axis title changes', async () => {
    const other = { ...bars, encoding: { ...(bars as { encoding: object }).encoding, x: { field: 'k', type: 'nominal', title: 'Something else' } } } as VegaLiteSpec;
    const a = await renderSpec(bars, { scale: 1 });
    const b = await renderSpec(other, { scale: 1 });
    expect(Buffer.from(a.png).equals(Buffer.from(b.png))).toBe(false);
  });

  it('is deterministic, clip-path ids included', async () => {
    // A layered plot with clipped marks: vega numbers its clip paths with a process-wide counter.
    const spec = rocPlot({ curves: [{ name: 'a', fpr: [0, 0.5, 1], tpr: [0, 0.8, 1] }] });
    const a = await renderSpec(spec);
    const b = await renderSpec(spec);
    expect(a.svg).toMatch(/clip-path="url\(#clip1\)"/);
    expect(a.svg).toBe(b.svg);
    expect(Buffer.from(a.png).equals(Buffer.from(b.png))).toBe(true);
  });

  it('returns compiler warnings instead of printing them', async () => {
    // A shape channel on bars is dropped by Vega-Lite with a warning.
    const enc = (bars as { encoding: object }).encoding;
    const r = await renderSpec({ ...bars, encoding: { ...enc, shape: { field: 'k', type: 'nominal' } } } as VegaLiteSpec);
    expect(r.warnings.some((w) => /shape/i.test(w))).toBe(true);
  });

  it('turns a spec Vega-Lite cannot compile into INVALID_ARGUMENT', async () => {
    await expect(renderSpec({ mark: 'bar', encoding: { x: { field: 'a', type: 'nosuchtype' } } } as unknown as VegaLiteSpec)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('rejects a bad scale', async () => {
    await expect(renderSpec(bars, { scale: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(renderSpec(bars, { scale: Number.NaN })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('measures text with the font: a long legend label is not truncated', async () => {
    const label = 'Logistic regression (AUC = 0.938 [0.931, 0.945])';
    const spec = {
      width: 300,
      height: 100,
      data: { values: [{ x: 0, y: 0, s: label }, { x: 1, y: 1, s: label }] },
      mark: 'line',
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, color: { field: 's', type: 'nominal', legend: { labelLimit: 330 } } },
    } as VegaLiteSpec;
    const r = await renderSpec(spec);
    // 49 characters at 12 px are ~320 px in DejaVu Sans but 470 px by vega's 0.8 em guess.
    expect(svgTexts(r.svg)).toContain(label);
  });
});
