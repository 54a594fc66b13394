import { formatInterval, formatNumber } from '../format.js';
import { type VegaLiteSpec } from '../render.js';
import { INK_COLOR, NEUTRAL_COLOR, seriesColors } from '../theme.js';
import { finiteArray, inUnitInterval, invalid, nonEmpty, sameLength, uniqueNames, type NumberArray } from '../validate.js';
import { layered } from './common.js';
import { CURVE_THIN_STEP, checkThinStep, thinCurve } from './thin.js';

export interface RocCurveInput {
  name: string;
  /** False-positive rates (background efficiencies), in curve order. */
  fpr: NumberArray;
  /** True-positive rates (signal efficiencies), same length as `fpr`. */
  tpr: NumberArray;
  auc?: number;
  /** Confidence interval on the AUC, shown in the legend as `AUC = 0.912 [0.905, 0.919]`. */
  aucInterval?: readonly [number, number];
  /**
   * Thin the curve before drawing (thin.ts): true for the default step CURVE_THIN_STEP, or the step. A curve of
   * one point per event keeps a few hundred points that draw the same line. Non-finite points are dropped.
   */
  thin?: boolean | number;
}

export interface RocOperatingPoint {
  /** Shown next to the point, e.g. "Neyman–Pearson α = 0.05". */
  name: string;
  fpr: number;
  tpr: number;
}

export interface RocPlotInput {
  curves: readonly RocCurveInput[];
  operatingPoints?: readonly RocOperatingPoint[];
  title?: string;
  width?: number;
  height?: number;
}

export const ROC_X_TITLE = 'False-positive rate (background efficiency εB)';
export const ROC_Y_TITLE = 'True-positive rate (signal efficiency εS)';

/** The legend label: the name, and the AUC with its interval when given. */
export function curveLabel(name: string, auc?: number, interval?: readonly [number, number]): string {
  if (auc === undefined) return name;
  if (!Number.isFinite(auc)) throw invalid(`AUC of "${name}" must be finite; got ${auc}`, { name, auc });
  if (interval === undefined) return `${name} (AUC = ${formatNumber(auc)})`;
  const [lo, hi] = interval;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
    throw invalid(`AUC interval of "${name}" must be two finite numbers lo ≤ hi; got [${lo}, ${hi}]`, { name, interval });
  }
  return `${name} (AUC = ${formatInterval(auc, [lo, hi])})`;
}

/** Receiver operating characteristic: εS against εB with the chance diagonal, as scikit-learn and TMVA draw it. */
export function rocPlot(input: RocPlotInput): VegaLiteSpec {
  const { curves } = input;
  if (curves.length === 0) throw invalid('rocPlot needs at least one curve');
  uniqueNames(
    curves.map((c) => c.name),
    'ROC curve',
  );
  const labels: string[] = [];
  const rows: { series: string; fpr: number; tpr: number; i: number }[] = [];
  for (const c of curves) {
    sameLength(c.fpr, c.tpr, `fpr of "${c.name}"`, `tpr of "${c.name}"`);
    const curve = thinned(c.fpr, c.tpr, c.thin);
    nonEmpty(curve.x, `ROC curve "${c.name}"`);
    const fpr = finiteArray(curve.x, `fpr of "${c.name}"`);
    const tpr = finiteArray(curve.y, `tpr of "${c.name}"`);
    inUnitInterval(fpr, `fpr of "${c.name}"`);
    inUnitInterval(tpr, `tpr of "${c.name}"`);
    const label = curveLabel(c.name, c.auc, c.aucInterval);
    labels.push(label);
    fpr.forEach((x, i) => rows.push({ series: label, fpr: x, tpr: tpr[i] as number, i }));
  }
  const points = operatingPointRows(input.operatingPoints ?? []);

  const x = { field: 'fpr', type: 'quantitative', title: ROC_X_TITLE, scale: { domain: [0, 1] } };
  const y = { field: 'tpr', type: 'quantitative', title: ROC_Y_TITLE, scale: { domain: [0, 1] } };
  const layer: unknown[] = [
    {
      // Chance line: a classifier that ignores its input has εS = εB.
      data: { values: [{ fpr: 0, tpr: 0 }, { fpr: 1, tpr: 1 }] },
      mark: { type: 'line', color: NEUTRAL_COLOR, strokeDash: [6, 4], strokeWidth: 1.5 },
      encoding: { x, y },
    },
    {
      data: { values: rows },
      mark: { type: 'line', strokeWidth: 2.5, clip: true },
      encoding: {
        x,
        y,
        // Keep the given point order: a ROC curve may repeat an fpr value with several tpr values.
        order: { field: 'i', type: 'quantitative' },
        color: {
          field: 'series',
          type: 'nominal',
          scale: { domain: labels, range: seriesColors(labels.length) },
          legend: { title: null, orient: 'bottom-right', offset: 8, symbolType: 'stroke', symbolStrokeWidth: 3 },
        },
      },
    },
    ...operatingPointLayers(points, x, y, { dx: 8, dy: 14, align: 'left' }),
  ];
  return layered({ title: input.title ?? 'ROC curve', width: input.width, height: input.height }, layer);
}

/** The curve as given, or thinned when asked (true: the default step). */
export function thinned(x: NumberArray, y: NumberArray, thin: boolean | number | undefined): { x: NumberArray; y: NumberArray } {
  if (thin === undefined || thin === false) return { x, y };
  return thinCurve(x, y, thin === true ? CURVE_THIN_STEP : checkThinStep(thin));
}

export interface PointRow {
  label: string;
  x: number;
  y: number;
}

function operatingPointRows(points: readonly RocOperatingPoint[]): PointRow[] {
  return points.map((p) => {
    const [fpr] = finiteArray([p.fpr], `fpr of operating point "${p.name}"`);
    const [tpr] = finiteArray([p.tpr], `tpr of operating point "${p.name}"`);
    inUnitInterval([fpr as number, tpr as number], `operating point "${p.name}"`);
    return { label: p.name, x: fpr as number, y: tpr as number };
  });
}

/**
 * Operating points as black-ringed diamonds with their name written beside them. The label goes to the side
 * of the point where the curve leaves empty space (below-right for ROC, below-left for rejection curves).
 */
export function operatingPointLayers(
  rows: readonly PointRow[],
  x: Record<string, unknown>,
  y: Record<string, unknown>,
  placement: { dx: number; dy: number; align: 'left' | 'right' },
): unknown[] {
  if (rows.length === 0) return [];
  const px = { ...x, field: 'x' };
  const py = { ...y, field: 'y' };
  return [
    {
      data: { values: rows.map((r) => ({ ...r })) },
      mark: { type: 'point', shape: 'diamond', filled: true, size: 150, opacity: 1, color: INK_COLOR, stroke: 'white', strokeWidth: 1.5, clip: true },
      encoding: { x: px, y: py },
    },
    // The same label twice: first as a thick white outline (a halo), so it stays legible across a curve.
    {
      data: { values: rows.map((r) => ({ ...r })) },
      mark: { type: 'text', ...placement, fontSize: 12, fontWeight: 'bold', color: 'white', stroke: 'white', strokeWidth: 4, strokeJoin: 'round' },
      encoding: { x: px, y: py, text: { field: 'label', type: 'nominal' } },
    },
    {
      data: { values: rows.map((r) => ({ ...r })) },
      mark: { type: 'text', ...placement, fontSize: 12, color: INK_COLOR, fontWeight: 'bold' },
      encoding: { x: px, y: py, text: { field: 'label', type: 'nominal' } },
    },
  ];
}
