import { type VegaLiteSpec } from '../render.js';
import { INK_COLOR } from '../theme.js';
import { invalid, uniqueNames } from '../validate.js';
import { layered } from './common.js';

export interface CorrelationMatrixInput {
  /** Variable names, in the order of the rows and columns of `matrix`. */
  labels: readonly string[];
  /** matrix[i][j]: the linear correlation coefficient in [−1, 1]; null or NaN where it is undefined (a constant variable). */
  matrix: readonly (readonly (number | null)[])[];
  title?: string;
  subtitle?: readonly string[];
  /** Side of one cell in pixels (default: the matrix fits about 440 px, cells of 30 to 64 px). */
  cellSize?: number;
}

/** Cells narrower than this print the coefficient × 100 as an integer, as TMVA does; wider ones print it to two decimals. */
const DECIMAL_CELL = 44;

/**
 * A correlation matrix as a heat map (red for +1, blue for −1, white for 0) with each coefficient written in its
 * cell: TMVA's correlation-matrix plot. The first variable is the top row and the left column.
 */
export function correlationMatrixPlot(input: CorrelationMatrixInput): VegaLiteSpec {
  const { labels, matrix } = input;
  const k = labels.length;
  if (k === 0) throw invalid('correlationMatrixPlot needs at least one variable');
  uniqueNames(labels, 'variable');
  if (matrix.length !== k) throw invalid(`matrix must have one row per variable: ${k} variables, ${matrix.length} rows`, { labels: k, rows: matrix.length });
  const cell = input.cellSize ?? Math.max(30, Math.min(64, Math.floor(440 / k)));
  const decimals = cell >= DECIMAL_CELL;
  const rows: { row: string; col: string; r: number | null; text: string }[] = [];
  matrix.forEach((line, i) => {
    if (line.length !== k) throw invalid(`matrix row ${i} ("${labels[i]}") has ${line.length} entries; expected ${k}`, { row: i, length: line.length });
    line.forEach((v, j) => {
      const defined = v !== null && Number.isFinite(v);
      if (defined && (v < -1 - 1e-12 || v > 1 + 1e-12)) throw invalid(`matrix[${i}][${j}] is ${v}; a correlation coefficient lies in [−1, 1]`, { row: i, column: j, value: v });
      // -0 prints as "0", and a coefficient that rounds to zero has no sign
      const text = !defined ? '–' : decimals ? (Math.abs(v) < 0.005 ? '0.00' : v.toFixed(2)) : String(Math.round(100 * v) || 0);
      rows.push({ row: labels[i]!, col: labels[j]!, r: defined ? v : null, text });
    });
  });
  const longLabels = Math.max(...labels.map((l) => l.length)) * 7.5 > cell - 6;
  const x = { field: 'col', type: 'nominal', sort: [...labels], title: null, axis: { labelAngle: longLabels ? -40 : 0, orient: 'bottom', labelLimit: 160 } };
  const y = { field: 'row', type: 'nominal', sort: [...labels], title: null, axis: { labelLimit: 160 } };
  const textColor = { condition: { test: 'datum.r !== null && abs(datum.r) > 0.6', value: 'white' }, value: INK_COLOR };
  const layer: unknown[] = [
    {
      data: { values: rows.filter((r) => r.r !== null) },
      mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
      encoding: {
        x,
        y,
        color: {
          field: 'r',
          type: 'quantitative',
          scale: { scheme: 'redblue', domain: [-1, 1], reverse: true },
          legend: { title: ['Correlation', 'coefficient'], gradientLength: Math.min(220, cell * k), values: [-1, -0.5, 0, 0.5, 1] },
        },
      },
    },
    {
      data: { values: rows.filter((r) => r.r === null) },
      mark: { type: 'rect', stroke: 'white', strokeWidth: 1, color: '#dddddd' },
      encoding: { x, y },
    },
    {
      data: { values: rows },
      mark: { type: 'text', fontSize: cell >= 56 ? 13 : cell >= 40 ? 11 : 10 },
      encoding: { x, y, text: { field: 'text' }, color: textColor },
    },
  ];
  const subtitle = input.subtitle ?? [decimals ? 'Linear correlation coefficients' : 'Linear correlation coefficients × 100'];
  return layered({ title: input.title ?? 'Correlation matrix', subtitle, width: cell * k, height: cell * k }, layer);
}
