import { describe, expect, it } from 'vitest';
import { renderSpec } from '../render.js';
import { axisTitle, countMarkGroups, countMarkItems, expectDiscernError, layersOf, loose, svgTexts } from '../__tests__/helpers.js';
import { ROC_X_TITLE, ROC_Y_TITLE, curveLabel, rocPlot } from './roc.js';
import { thinCurve } from './thin.js';

const curve = { name: 'Logistic', fpr: [0, 0.1, 0.3, 1], tpr: [0, 0.6, 0.9, 1], auc: 0.912, aucInterval: [0.905, 0.919] as const };

describe('rocPlot', () => {
  const spec = rocPlot({
    curves: [curve, { name: 'Naive Bayes', fpr: [0, 0.5, 1], tpr: [0, 0.7, 1] }],
    operatingPoints: [{ name: 'NP α = 0.05', fpr: 0.05, tpr: 0.42 }],
  });

  it('has the physics axis titles, a chance diagonal and one line per curve', () => {
    expect(axisTitle(spec, 'x')).toBe(ROC_X_TITLE);
    expect(axisTitle(spec, 'y')).toBe(ROC_Y_TITLE);
    const lines = layersOf(spec, 'line');
    expect(lines).toHaveLength(2);
    expect(lines[0]!.data!.values).toEqual([
      { fpr: 0, tpr: 0 },
      { fpr: 1, tpr: 1 },
    ]);
    expect(lines[1]!.encoding!['order']).toMatchObject({ field: 'i' });
  });

  it('puts the AUC with its interval into the legend name', () => {
    const color = layersOf(spec, 'line')[1]!.encoding!['color'] as { scale: { domain: string[] } };
    expect(color.scale.domain).toEqual(['Logistic (AUC = 0.912 [0.905, 0.919])', 'Naive Bayes']);
  });

  it('marks the operating points with a labelled point', () => {
    expect(layersOf(spec, 'point')[0]!.data!.values).toEqual([{ label: 'NP α = 0.05', x: 0.05, y: 0.42 }]);
    expect(layersOf(spec, 'text').length).toBeGreaterThan(0);
  });

  it('renders: two curve lines, the diagonal, one operating point, titles and legend in the SVG', async () => {
    const { svg, warnings } = await renderSpec(spec);
    expect(warnings).toEqual([]);
    expect(countMarkGroups(svg, 'line')).toBe(3);
    expect(countMarkItems(svg, 'symbol')).toBe(1);
    const texts = svgTexts(svg);
    expect(texts).toEqual(expect.arrayContaining([ROC_X_TITLE, ROC_Y_TITLE, 'ROC curve', 'NP α = 0.05', 'Logistic (AUC = 0.912 [0.905, 0.919])']));
  });

  it('rejects mismatched, empty, non-finite and out-of-range input', () => {
    expectDiscernError(() => rocPlot({ curves: [] }), /at least one curve/);
    expectDiscernError(() => rocPlot({ curves: [{ name: 'a', fpr: [0, 1], tpr: [0] }] }), /same length.*2 and 1/);
    expectDiscernError(() => rocPlot({ curves: [{ name: 'a', fpr: [], tpr: [] }] }), /empty/);
    expectDiscernError(() => rocPlot({ curves: [{ name: 'a', fpr: [0, NaN], tpr: [0, 1] }] }), /finite.*index 1/);
    expectDiscernError(() => rocPlot({ curves: [{ name: 'a', fpr: [0, 1.5], tpr: [0, 1] }] }), /\[0, 1\]/);
    expectDiscernError(() => rocPlot({ curves: [curve, curve] }), /unique/);
    expectDiscernError(() => rocPlot({ curves: [curve], operatingPoints: [{ name: 'p', fpr: Infinity, tpr: 0.5 }] }), /finite/);
  });

  it('formats the legend label with and without an interval', () => {
    expect(curveLabel('MLP')).toBe('MLP');
    expect(curveLabel('MLP', 0.95)).toBe('MLP (AUC = 0.95)');
    expectDiscernError(() => curveLabel('MLP', 0.9, [0.95, 0.85]), /lo ≤ hi/);
  });

  it('uses the title given', () => {
    expect(loose(rocPlot({ curves: [curve], title: 'Photon vs jet' })).title.text).toBe('Photon vs jet');
  });

  it('thin: a long curve is drawn from the points thinCurve keeps; thin: true uses the default step; already thinned curves are unchanged', () => {
    const n = 20000;
    const fpr = Array.from({ length: n + 1 }, (_, i) => i / n);
    const tpr = fpr.map((f) => Math.sqrt(f));
    const rowsOf = (thin: boolean | number | undefined) =>
      layersOf(rocPlot({ curves: [{ name: 'c', fpr, tpr, ...(thin !== undefined ? { thin } : {}) }] }), 'line')[1]!.data!.values;
    expect(rowsOf(undefined)).toHaveLength(n + 1);
    const expected = thinCurve(fpr, tpr, 0.002);
    expect(expected.x.length).toBeLessThan(1000);
    expect(rowsOf(true)).toEqual(expected.x.map((x, i) => ({ series: 'c', fpr: x, tpr: expected.y[i], i })));
    expect(rowsOf(0.05).length).toBe(thinCurve(fpr, tpr, 0.05).x.length);
    const pre = layersOf(rocPlot({ curves: [{ name: 'c', fpr: expected.x, tpr: expected.y }] }), 'line')[1]!.data!.values;
    expect(rowsOf(true)).toEqual(pre);
    expectDiscernError(() => rocPlot({ curves: [{ name: 'c', fpr, tpr, thin: -1 }] }), /thinning step/);
  });
});
