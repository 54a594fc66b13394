import { type DenseMatrix } from '@discern/linalg';
import { ModelReader, type ModelSource } from '../model-json.js';

/**
 * The saved form shared by the Bayes classifiers (and the Gaussian density): kind, fitted, the estimator's options,
 * priorsGiven, nClasses, nFeatures, then the fitted parameters. These files carry no version field (their first
 * form); a version, when present, must be 1. Read through ModelReader, so a bad field is MODEL_INVALID naming it.
 */
export class BayesReader {
  private constructor(
    readonly r: ModelReader,
    readonly fitted: boolean,
  ) {}

  static open(json: unknown, kind: string, source?: ModelSource): BayesReader {
    const r = ModelReader.of(json, source).kind(kind).version();
    const fitted = r.get('fitted').value === undefined ? false : r.get('fitted').boolean();
    return new BayesReader(r, fitted);
  }

  get(field: string): ModelReader {
    return this.r.get(field);
  }

  /** nClasses (≥ 2) and nFeatures (≥ 1) of a classifier saved fitted. */
  shape(): { K: number; p: number } {
    return { K: this.r.get('nClasses').int(2), p: this.r.get('nFeatures').int(1) };
  }

  /** The priors option, saved as priorsGiven (null when none was given): K positive numbers summing to 1. */
  priorsOption(K?: number): { priors?: number[] } {
    const g = this.r.get('priorsGiven');
    if (g.value === null || g.value === undefined) return {};
    const n = K ?? (Array.isArray(g.value) ? g.value.length : 0);
    return { priors: Array.from(g.distribution(n, true)) };
  }

  /** The fitted class priors: K positive numbers summing to 1. */
  priors(K: number): Float64Array {
    return this.r.get('priors').distribution(K, true);
  }

  /** Builds the estimator from its saved options, with the constructor's checks (MODEL_INVALID at the option). */
  construct<T>(build: () => T): T {
    return this.r.construct(build);
  }
}

export function matrixToRows(m: DenseMatrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

/** A p×p row-major Float64Array as nested rows. */
export function squareToRows(a: Float64Array, p: number): number[][] {
  return matrixToRows({ rows: p, cols: p, data: a });
}
