/**
 * Two one-dimensional Gaussian classes for the Neyman–Pearson worked example: C1 ~ N(μ₀, σ²), C2 ~ N(μ₁, σ²),
 * by default N(0, 1) and N(1, 1), n events per class, rows in a seeded random order.
 *
 *   npx tsx tools/simulate/gaussian.ts --n 20000 --seed 7 --out data/gaussian-np.csv
 */
import { createRng } from '@discern/linalg';
import { emitCsv, numberArg, parseArgs, round8, toCsv, runIfEntry } from './common.js';
import type { SimulatedSample } from './common.js';

export { toCsv, toRows } from './common.js';
export type { SimulatedSample } from './common.js';

/** Labels of the two classes: C1 is the null hypothesis (background), C2 the alternative (signal). */
export const C1 = 'C1';
export const C2 = 'C2';

/** Defaults of the worked example (two unit-variance classes one standard deviation apart). */
export const GAUSSIAN_DEFAULTS = { nPerClass: 20000, mu0: 0, mu1: 1, sigma: 1 } as const;

export interface GaussianOptions {
  /** Events per class (default 20000). */
  readonly nPerClass?: number;
  /** Mean of C1 (default 0). */
  readonly mu0?: number;
  /** Mean of C2 (default 1). */
  readonly mu1?: number;
  /** Common standard deviation (default 1). */
  readonly sigma?: number;
  readonly seed: number;
}

/** Simulate the sample: column `x`, labels `C1` / `C2`, nPerClass of each, shuffled. */
export function simulateGaussian(options: GaussianOptions): SimulatedSample {
  const n = options.nPerClass ?? GAUSSIAN_DEFAULTS.nPerClass;
  const mu0 = options.mu0 ?? GAUSSIAN_DEFAULTS.mu0;
  const mu1 = options.mu1 ?? GAUSSIAN_DEFAULTS.mu1;
  const sigma = options.sigma ?? GAUSSIAN_DEFAULTS.sigma;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`nPerClass must be a non-negative integer, got ${n}`);
  if (!Number.isFinite(mu0) || !Number.isFinite(mu1)) throw new RangeError(`means must be finite, got ${mu0}, ${mu1}`);
  if (!(sigma > 0 && Number.isFinite(sigma))) throw new RangeError(`sigma must be positive and finite, got ${sigma}`);
  if (!Number.isInteger(options.seed)) throw new RangeError(`seed must be an integer, got ${options.seed}`);

  const root = createRng(options.seed);
  // Separate streams per class, so C1's values do not depend on μ₁ and the order does not depend on either.
  const streams = [root.fork(C1), root.fork(C2)] as const;
  const means = [mu0, mu1] as const;
  const x = new Float64Array(2 * n);
  const labels: string[] = new Array<string>(2 * n);
  const order = root.fork('order').permutation(2 * n);
  for (let c = 0; c < 2; c++) {
    for (let i = 0; i < n; i++) {
      const row = order[c * n + i]!;
      x[row] = round8(means[c]! + sigma * streams[c]!.normal());
      labels[row] = c === 0 ? C1 : C2;
    }
  }
  return { columns: ['x'], data: [x], labels };
}

const USAGE = `usage: npx tsx tools/simulate/gaussian.ts [--n 20000] [--seed 7] [--mu0 0] [--mu1 1] [--sigma 1] [--out FILE]
--n is the number of events per class. Writes the CSV to FILE (default: standard output).`;

/** The command line; returns the exit code. */
export function main(argv: readonly string[]): number {
  const args = parseArgs(argv, { n: 'string', seed: 'string', mu0: 'string', mu1: 'string', sigma: 'string', out: 'string' }, USAGE);
  if (args.get('help') === true) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const sample = simulateGaussian({
    nPerClass: numberArg(args, 'n', { integer: true }) ?? GAUSSIAN_DEFAULTS.nPerClass,
    seed: numberArg(args, 'seed', { integer: true }) ?? 7,
    mu0: numberArg(args, 'mu0') ?? GAUSSIAN_DEFAULTS.mu0,
    mu1: numberArg(args, 'mu1') ?? GAUSSIAN_DEFAULTS.mu1,
    sigma: numberArg(args, 'sigma') ?? GAUSSIAN_DEFAULTS.sigma,
  });
  const csv = toCsv(sample);
  return emitCsv(csv, args.get('out'), `${sample.labels.length} events (${sample.labels.length / 2} per class)`);
}

runIfEntry(import.meta.url, main);
