import { type Rng } from '@discern/linalg';
import { z } from 'zod';
import { strict } from '../../config/zod-helpers.js';
import { type ModelSpec } from '../fit/models/spec.js';

/**
 * The candidates of a hyperparameter search: every combination of a grid (`grid: { l2: [1e-4, 1e-3], epochs: [50,
 * 100] }`, the last key varying fastest), or `n_trials` draws from ranges (`ranges: { l2: { low: 1e-5, high: 1e-2,
 * log: true }, activation: [relu, tanh] }`: uniform, log-uniform, whole numbers, or a choice among values), seeded
 * from the run. Each candidate is the step's model configuration with the searched keys replaced, checked by the
 * family's own schema, as a `fit` step with those keys would be.
 */

export const rangeSchema = z.union([
  strict({
    low: z.number().describe('lowest value'),
    high: z.number().describe('highest value'),
    log: z.boolean().default(false).describe('draw log-uniformly (low > 0)'),
    integer: z.boolean().default(false).describe('draw whole numbers from low to high, both included'),
  }),
  z.array(z.unknown()).min(1).max(1000).describe('values to choose among, uniformly'),
]);

export type Range = z.output<typeof rangeSchema>;

/** The largest number of candidates a grid may have. */
export const MAX_CANDIDATES = 1000;

export interface Candidate {
  /** Position in the search (grid order, or draw order). */
  readonly index: number;
  /** The searched keys and their values, as the config writes them. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The family's options (defaults filled in) for fitEstimator. */
  readonly options: Record<string, unknown>;
  /** Where each searched key's value is written (`steps[0].tune.grid.max_depth[1]`), an alias's option under both names. */
  readonly where: Readonly<Record<string, string>>;
}

/** Every combination of the grid, the last key varying fastest. */
export function gridPoints(grid: Readonly<Record<string, readonly unknown[]>>): Record<string, unknown>[] {
  let points: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(grid)) points = points.flatMap((pt) => values.map((v) => ({ ...pt, [key]: v })));
  return points;
}

/** Number of combinations of a grid (without building them). */
export function gridSize(grid: Readonly<Record<string, readonly unknown[]>>): number {
  return Object.values(grid).reduce((n, v) => n * v.length, 1);
}

/** One draw of every range, in key order. */
export function drawPoint(ranges: Readonly<Record<string, Range>>, rng: Rng): Record<string, unknown> {
  const pt: Record<string, unknown> = {};
  for (const [key, r] of Object.entries(ranges)) {
    if (Array.isArray(r)) {
      pt[key] = r[rng.int(r.length)];
      continue;
    }
    if (r.integer) {
      if (r.log) {
        // log-uniform over [low, high + 1) then floored: each whole number k gets log((k+1)/k) / log((high+1)/low)
        const v = Math.floor(Math.exp(Math.log(r.low) + rng.uniform() * (Math.log(r.high + 1) - Math.log(r.low))));
        pt[key] = Math.min(r.high, Math.max(r.low, v));
      } else pt[key] = Math.ceil(r.low) + rng.int(Math.floor(r.high) - Math.ceil(r.low) + 1);
      continue;
    }
    pt[key] = r.log ? Math.exp(Math.log(r.low) + rng.uniform() * (Math.log(r.high) - Math.log(r.low))) : r.low + rng.uniform() * (r.high - r.low);
  }
  return pt;
}

/** What is wrong with a range, or undefined. */
export function rangeProblem(r: Range): string | undefined {
  if (Array.isArray(r)) return undefined;
  if (!(r.low < r.high)) return `low (${r.low}) must be below high (${r.high})`;
  if (r.log && !(r.low > 0)) return `a log-uniform range needs low > 0, got ${r.low}`;
  if (r.integer && Math.ceil(r.low) > Math.floor(r.high)) return `holds no whole number between ${r.low} and ${r.high}`;
  return undefined;
}

/**
 * The family's options for a point: the step's options with the point's keys replaced, parsed by the family's
 * schema (defaults filled in, as a fit step's parameters are). An invalid value gives the zod issues.
 */
export function candidateOptions(spec: ModelSpec, base: Readonly<Record<string, unknown>>, point: Readonly<Record<string, unknown>>): { options: Record<string, unknown> } | { issues: z.core.$ZodIssue[] } {
  const parsed = spec.schema.safeParse({ ...base, ...point });
  return parsed.success ? { options: parsed.data as Record<string, unknown> } : { issues: parsed.error.issues };
}

/** A point for people: `l2=0.001, hidden_layers=[32,16]`. */
export function describePoint(params: Readonly<Record<string, unknown>>): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? String(Number(v.toPrecision(4))) : JSON.stringify(v)}`)
    .join(', ');
}
