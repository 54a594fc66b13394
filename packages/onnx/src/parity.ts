/**
 * The parity check run at every export: the graph runs in onnxruntime (CPU) on the sample and must reproduce the
 * TypeScript model. Probabilities (posteriors, responsibilities, a probability score) are compared by absolute
 * difference; unbounded quantities (log densities, log-likelihood ratios, distances) by |Δ| / max(1, |value|), i.e.
 * absolutely below magnitude 1 and relatively above (float32 carries ~7 digits, so a log density of −300 cannot
 * agree to 1e-5 absolutely). Tolerances: 1e-5 in float32, 1e-12 in float64. Labels must be identical except at rows
 * whose TypeScript value lies within TIE_TOLERANCE of the threshold or of the runner-up class.
 * In float32 both sides see the same float32-rounded sample: the check is of the graph, not of the input rounding.
 */
import { type DenseMatrix } from '@discern/linalg';
import { DiscernError } from '@discern/core';
import { type DecisionRule } from '@discern/decision';
import { boundaryGap, decisionReference } from './decision.js';
import { type Family, type Reference } from './family.js';
import { type FloatType } from './graph.js';
import { createSession, runBatch } from './session.js';

export const PARITY_TOLERANCE: Readonly<Record<FloatType, number>> = { float32: 1e-5, float64: 1e-12 };
export const TIE_TOLERANCE: Readonly<Record<FloatType, number>> = { float32: 1e-6, float64: 1e-9 };

export interface OutputParity {
  readonly output: string;
  /** Largest difference found (absolute, or relative above magnitude 1 for unbounded outputs). */
  readonly maxDiff: number;
  readonly row: number;
  readonly column: number;
  readonly onnx: number;
  readonly typescript: number;
  readonly relative: boolean;
}

export interface ParityReport {
  readonly dtype: FloatType;
  readonly rows: number;
  readonly tolerance: number;
  readonly outputs: readonly OutputParity[];
  /** Rows whose labels differ, all at ties (otherwise the check throws). */
  readonly labelTies: number;
}

interface Compared {
  name: string;
  ts: ArrayLike<number>;
  cols: number;
  relative: boolean;
}

function comparisons(ref: Reference, family: Family): Compared[] {
  const out: Compared[] = [];
  const m = (name: string, v: DenseMatrix | undefined, relative: boolean) => v && out.push({ name, ts: v.data, cols: v.cols, relative });
  m('probabilities', ref.proba, false);
  m('log_densities', ref.logDensities, true);
  m('responsibilities', ref.responsibilities, false);
  m('distances', ref.distances, true);
  if (ref.score) out.push({ name: 'score', ts: ref.score, cols: 1, relative: family.scoreKind === 'llr' });
  if (ref.logDensity) out.push({ name: 'log_density', ts: ref.logDensity, cols: 1, relative: true });
  return out;
}

/** Rounds every value to float32, as the float32 graph receives them. */
export function roundToFloat32(X: DenseMatrix): DenseMatrix {
  return { rows: X.rows, cols: X.cols, data: Float64Array.from(Float32Array.from(X.data)) };
}

/**
 * Runs `bytes` on `X` (the standardised-or-raw sample the graph takes) and compares with `ref` computed by the
 * TypeScript model on the same rows (after the same standardisation). Throws ONNX_PARITY with the figures.
 */
export async function checkParity(bytes: Uint8Array, X: DenseMatrix, ref: Reference, family: Family, rule: DecisionRule | undefined, dtype: FloatType, inputName: string): Promise<ParityReport> {
  const ms = await createSession(bytes, 'cpu');
  let got;
  try {
    got = await runBatch(ms, { [inputName]: X });
  } finally {
    await ms.session.release();
  }
  const tol = PARITY_TOLERANCE[dtype];
  const results: OutputParity[] = [];
  for (const c of comparisons(ref, family)) {
    const o = got[c.name];
    if (!o || o.data.length !== c.ts.length)
      throw new DiscernError('ONNX_PARITY', `ONNX export parity: output '${c.name}' has ${o ? o.data.length : 'no'} values, expected ${c.ts.length} (${X.rows} rows × ${c.cols})`, { output: c.name });
    let worst = -1, at = 0;
    for (let i = 0; i < c.ts.length; i++) {
      const t = c.ts[i]!, v = o.data[i]!;
      const d = t === v ? 0 : Math.abs(v - t) / (c.relative ? Math.max(1, Math.abs(t)) : 1);
      if (!(d <= worst)) {
        worst = Number.isNaN(d) ? Infinity : d;
        at = i;
      }
    }
    results.push({ output: c.name, maxDiff: worst, row: Math.floor(at / c.cols), column: at % c.cols, onnx: o.data[at]!, typescript: c.ts[at]!, relative: c.relative });
  }
  const bad = results.filter((r) => !(r.maxDiff <= tol));
  if (bad.length > 0) {
    const what = bad.map((r) => `'${r.output}' max ${r.relative ? 'relative ' : ''}difference ${r.maxDiff.toExponential(3)} at row ${r.row}, column ${r.column} (ONNX ${r.onnx}, TypeScript ${r.typescript})`).join('; ');
    throw new DiscernError('ONNX_PARITY', `ONNX export parity failed for the ${family.kind} model in ${dtype} on ${X.rows} rows: ${what}; tolerance ${tol}. Nothing was written.`, { model: family.kind, dtype, tolerance: tol, outputs: bad });
  }
  const expected = rule ? decisionReference(rule, ref) : ref.label;
  const label = got.label;
  if (!label || label.data.length !== X.rows) throw new DiscernError('ONNX_PARITY', `ONNX export parity: output 'label' has ${label ? label.data.length : 'no'} values for ${X.rows} rows`, {});
  const tieTol = TIE_TOLERANCE[dtype];
  let ties = 0;
  for (let i = 0; i < X.rows; i++) {
    if (label.data[i] === expected[i]) continue;
    const gap = boundaryGap(rule, ref, i);
    if (gap <= tieTol) {
      ties++;
      continue;
    }
    throw new DiscernError(
      'ONNX_PARITY',
      `ONNX export parity failed for the ${family.kind} model in ${dtype}: label at row ${i} is ${label.data[i]} in ONNX but ${expected[i]} in TypeScript, ${gap.toExponential(3)} away from the decision boundary (labels may differ only within ${tieTol}). Nothing was written.`,
      { model: family.kind, dtype, row: i, onnx: label.data[i], typescript: expected[i], gap, tolerance: tieTol },
    );
  }
  return { dtype, rows: X.rows, tolerance: tol, outputs: results, labelTies: ties };
}
