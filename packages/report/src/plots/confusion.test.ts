import { describe, expect, it } from 'vitest';
import { renderSpec } from '../render.js';
import { axisTitle, countMarkItems, expectDiscernError, layersOf, svgTexts } from '../__tests__/helpers.js';
import { CONFUSION_X_TITLE, CONFUSION_Y_TITLE, confusionMatrixPlot } from './confusion.js';

const input = {
  labels: ['setosa', 'versicolor', 'virginica'],
  counts: [
    [50, 0, 0],
    [0, 47, 3],
    [0, 4, 46],
  ],
};

describe('confusionMatrixPlot', () => {
  const spec = confusionMatrixPlot(input);

  it('is a heat map of row fractions with predicted on x and true on y, in label order', () => {
    const rect = layersOf(spec, 'rect')[0]!;
    expect(axisTitle(spec, 'x')).toBe(CONFUSION_X_TITLE);
    expect(axisTitle(spec, 'y')).toBe(CONFUSION_Y_TITLE);
    expect(rect.encoding!['x']).toMatchObject({ field: 'predicted', sort: input.labels });
    expect(rect.encoding!['color']).toMatchObject({ field: 'fraction', scale: { domain: [0, 1] } });
    const cell = rect.data!.values.find((r) => r['truth'] === 'versicolor' && r['predicted'] === 'virginica');
    expect(cell).toMatchObject({ count: 3, fraction: 0.06, countText: '3', pctText: '6.0 %' });
  });

  it('switches the text colour on dark cells', () => {
    const text = layersOf(spec, 'text')[0]!;
    expect(text.encoding!['color']).toEqual({ condition: { test: 'datum.fraction > 0.55', value: 'white' }, value: '#222222' });
  });

  it("colours by count with normalize: 'none'", () => {
    const rect = layersOf(confusionMatrixPlot({ ...input, normalize: 'none' }), 'rect')[0]!;
    expect(rect.encoding!['color']).toMatchObject({ field: 'count', scale: { domain: [0, 50] } });
  });

  it('renders 9 cells, each with its count and percentage, and the axis titles', async () => {
    const { svg, warnings } = await renderSpec(spec);
    expect(warnings).toEqual([]);
    expect(countMarkItems(svg, 'rect')).toBe(9);
    expect(countMarkItems(svg, 'text')).toBe(18);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining([CONFUSION_X_TITLE, CONFUSION_Y_TITLE, '47', '94.0 %', 'virginica']));
  });

  it('shows a dash, not 0 %, for a class with no events', () => {
    const s = confusionMatrixPlot({ labels: ['a', 'b'], counts: [[0, 0], [1, 1]] });
    expect(layersOf(s, 'rect')[0]!.data!.values[0]).toMatchObject({ pctText: '–', fraction: 0 });
  });

  it('rejects a matrix that does not match the labels, and bad counts', () => {
    expectDiscernError(() => confusionMatrixPlot({ labels: ['a', 'b'], counts: [[1, 2]] }), /one row per label/);
    expectDiscernError(() => confusionMatrixPlot({ labels: ['a', 'b'], counts: [[1, 2], [3]] }), /row 1.*expected 2/);
    expectDiscernError(() => confusionMatrixPlot({ labels: ['a', 'b'], counts: [[1, -2], [3, 4]] }), /non-negative/);
    expectDiscernError(() => confusionMatrixPlot({ labels: ['a', 'a'], counts: [[1, 2], [3, 4]] }), /unique/);
    expectDiscernError(() => confusionMatrixPlot({ labels: [], counts: [] }), /at least one/);
  });
});
