import { formatNumber } from '../format.js';
import { type VegaLiteSpec } from '../render.js';
import { INK_COLOR } from '../theme.js';
import { invalid, uniqueNames } from '../validate.js';
import { layered } from './common.js';

export interface ConfusionMatrixInput {
  /** Class names, in the order of the rows and columns of `counts`. */
  labels: readonly string[];
  /** counts[i][j]: (weighted) number of events of true class i predicted as class j. */
  counts: readonly (readonly number[])[];
  /** 'true' (default): colour by the fraction of the true class (row); 'none': colour by count. */
  normalize?: 'true' | 'none';
  title?: string;
  /** Side of one cell in pixels (default: fits the matrix in about 360 px, at least 48 px). */
  cellSize?: number;
}

export const CONFUSION_X_TITLE = 'Predicted class';
export const CONFUSION_Y_TITLE = 'True class';

/** The confusion matrix as a heat map, each cell labelled with its count and its share of the true class. */
export function confusionMatrixPlot(input: ConfusionMatrixInput): VegaLiteSpec {
  const { labels, counts } = input;
  const normalize = input.normalize ?? 'true';
  if (normalize !== 'true' && normalize !== 'none') throw invalid(`normalize must be 'true' or 'none'; got ${JSON.stringify(normalize)}`);
  const k = labels.length;
  if (k === 0) throw invalid('confusionMatrixPlot needs at least one class label');
  uniqueNames(labels, 'class');
  if (counts.length !== k) throw invalid(`counts must have one row per label: ${k} labels, ${counts.length} rows`, { labels: k, rows: counts.length });
  const rows: { truth: string; predicted: string; count: number; fraction: number; countText: string; pctText: string }[] = [];
  counts.forEach((row, i) => {
    if (row.length !== k) throw invalid(`counts row ${i} ("${labels[i]}") has ${row.length} entries; expected ${k}`, { row: i, length: row.length });
    row.forEach((c, j) => {
      if (!Number.isFinite(c) || c < 0) throw invalid(`counts[${i}][${j}] must be a finite non-negative number; got ${c}`, { row: i, column: j, value: c });
    });
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((c, j) => {
      const fraction = total > 0 ? c / total : 0;
      rows.push({
        truth: labels[i] as string,
        predicted: labels[j] as string,
        count: c,
        fraction,
        countText: formatNumber(c),
        // An empty row has no fractions; say so rather than print 0 %.
        pctText: total > 0 ? `${(100 * fraction).toFixed(1)} %` : '–',
      });
    });
  });

  const colorField = normalize === 'true' ? 'fraction' : 'count';
  const maxValue = normalize === 'true' ? 1 : Math.max(...rows.map((r) => r.count), 1);
  const cell = input.cellSize ?? Math.max(48, Math.min(120, Math.floor(360 / k)));
  // Tilt the predicted-class labels only when the longest would not fit its cell (DejaVu Sans 12 px ≈ 7.5 px/char).
  const longLabels = Math.max(...labels.map((l) => l.length)) * 7.5 > cell - 8;
  const x = {
    field: 'predicted',
    type: 'nominal',
    sort: [...labels],
    title: CONFUSION_X_TITLE,
    axis: { labelAngle: longLabels ? -35 : 0, orient: 'bottom', labelLimit: 160 },
  };
  const y = { field: 'truth', type: 'nominal', sort: [...labels], title: CONFUSION_Y_TITLE, axis: { labelLimit: 160 } };
  // White text on cells darker than the middle of the 'blues' scheme, dark text elsewhere.
  const textColor = { condition: { test: `datum.${colorField} > ${0.55 * maxValue}`, value: 'white' }, value: INK_COLOR };
  const large = cell >= 70;
  const layer: unknown[] = [
    {
      data: { values: rows },
      mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
      encoding: {
        x,
        y,
        color: {
          field: colorField,
          type: 'quantitative',
          scale: { scheme: 'blues', domain: [0, maxValue] },
          legend: { title: normalize === 'true' ? ['Fraction of', 'true class'] : 'Count', format: normalize === 'true' ? '.0%' : '~s', gradientLength: Math.min(200, cell * k) },
        },
      },
    },
    {
      data: { values: rows },
      mark: { type: 'text', fontSize: large ? 15 : 12, fontWeight: 'bold', dy: large ? -9 : -7 },
      encoding: { x, y, text: { field: 'countText' }, color: textColor },
    },
    {
      data: { values: rows },
      mark: { type: 'text', fontSize: large ? 12 : 10, dy: large ? 10 : 7 },
      encoding: { x, y, text: { field: 'pctText' }, color: textColor },
    },
  ];
  const subtitle = ['Cells: count and percentage of the true class (row)'];
  return layered({ title: input.title ?? 'Confusion matrix', subtitle, width: cell * k, height: cell * k }, layer);
}
