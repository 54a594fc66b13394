import { describe, expect, it } from 'vitest';
import { renderSpec } from '../render.js';
import { countMarkItems, expectDiscernError, layersOf, svgTexts } from '../__tests__/helpers.js';
import { correlationMatrixPlot } from './correlation.js';

const labels = ['fLength', 'fWidth', 'fSize'];
const matrix = [
  [1, 0.8312, -0.004],
  [0.8312, 1, null],
  [-0.004, null, 1],
];

describe('correlationMatrixPlot', () => {
  const spec = correlationMatrixPlot({ labels, matrix, title: 'Correlation matrix: g' });
  it('colours defined cells on a diverging scale from −1 to 1 and greys the undefined ones', () => {
    const [defined, undefinedCells] = layersOf(spec, 'rect');
    expect(defined!.encoding!['color']).toMatchObject({ field: 'r', scale: { scheme: 'redblue', domain: [-1, 1], reverse: true } });
    expect(defined!.data!.values).toHaveLength(7);
    expect(undefinedCells!.data!.values.map((r) => [r['row'], r['col']])).toEqual([
      ['fWidth', 'fSize'],
      ['fSize', 'fWidth'],
    ]);
  });
  it('writes each coefficient in its cell (two decimals in wide cells, × 100 in narrow ones, – where undefined)', () => {
    const text = layersOf(spec, 'text')[0]!.data!.values.map((r) => r['text']);
    expect(text).toEqual(['1.00', '0.83', '0.00', '0.83', '1.00', '–', '0.00', '–', '1.00']);
    const narrow = correlationMatrixPlot({ labels, matrix, cellSize: 32 });
    expect(layersOf(narrow, 'text')[0]!.data!.values.map((r) => r['text'])).toEqual(['100', '83', '0', '83', '100', '–', '0', '–', '100']);
    expect((narrow as unknown as { title: { subtitle: string[] } }).title.subtitle).toEqual(['Linear correlation coefficients × 100']);
  });
  it('renders 9 cells and 9 numbers with the variable names on both axes', async () => {
    const { svg, warnings } = await renderSpec(spec);
    expect(warnings).toEqual([]);
    expect(countMarkItems(svg, 'rect')).toBe(9);
    expect(svgTexts(svg)).toEqual(expect.arrayContaining(['fLength', 'fSize', '0.83', '–']));
  });
  it('rejects a matrix of the wrong shape and coefficients outside [−1, 1]', () => {
    expectDiscernError(() => correlationMatrixPlot({ labels, matrix: [[1]] }), /one row per variable: 3 variables, 1 rows/);
    expectDiscernError(() => correlationMatrixPlot({ labels: ['a'], matrix: [[1.5]] }), /matrix\[0\]\[0\] is 1.5/);
    expectDiscernError(() => correlationMatrixPlot({ labels: ['a', 'a'], matrix: [[1, 0], [0, 1]] }), /unique/);
  });
});
