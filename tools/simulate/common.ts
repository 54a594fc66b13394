/**
 * Shared pieces of the toy-sample simulators: the distributions they draw from (on top of @discern/linalg's seeded
 * uniform and normal streams), a platform-independent number format, CSV text and a small argv parser.
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Rng } from '@discern/linalg';

/** Significant digits written to CSV; values are rounded to this at generation time, so rows equal the parsed file. */
export const SIGNIFICANT_DIGITS = 8;

/**
 * Round to 8 significant digits. `toPrecision` is exact (correctly rounded) in every conforming engine and `String`
 * of a double is its shortest round-trip form, so the text is the same on every platform for a given double.
 */
export function round8(x: number): number {
  if (x === 0) return 0; // also folds -0 into 0
  return Number(x.toPrecision(SIGNIFICANT_DIGITS));
}

/** The CSV text of one number: the shortest form of its 8-significant-digit rounding ("0", "0.0095123457", "1.5e-7"). */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) throw new RangeError(`cannot write a non-finite value (${x}) to a simulated sample`);
  return String(round8(x));
}

/** Exponential with the given mean (inverse CDF; 1 − U lies in (0, 1], so the log is finite). */
export function exponential(rng: Rng, mean: number): number {
  return -mean * Math.log(1 - rng.uniform());
}

/** Gamma(shape k, scale θ), mean kθ, variance kθ²: Marsaglia & Tsang (2000), with the U^(1/k) boost for k < 1. */
export function gamma(rng: Rng, shape: number, scale: number): number {
  if (!(shape > 0) || !(scale > 0)) throw new RangeError(`gamma needs shape > 0 and scale > 0, got ${shape}, ${scale}`);
  if (shape < 1) {
    const u = 1 - rng.uniform();
    return gamma(rng, shape + 1, scale) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    const t = 1 + c * x;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = 1 - rng.uniform();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v * scale;
  }
}

/**
 * Skew-normal with shape α, standardised to mean 0 and variance 1 (Azzalini's representation
 * Z = δ|U₀| + √(1−δ²) U₁, δ = α/√(1+α²), then (Z − δ√(2/π)) / √(1 − 2δ²/π)). α > 0 gives a right tail.
 */
export function standardSkewNormal(rng: Rng, alpha: number): number {
  const delta = alpha / Math.sqrt(1 + alpha * alpha);
  const u0 = Math.abs(rng.normal());
  const u1 = rng.normal();
  const z = delta * u0 + Math.sqrt(1 - delta * delta) * u1;
  const mean = delta * Math.sqrt(2 / Math.PI);
  const sd = Math.sqrt(1 - (2 * delta * delta) / Math.PI);
  return (z - mean) / sd;
}

/** Skewness of the skew-normal with shape α (used by the tests and the docs). */
export function skewNormalSkewness(alpha: number): number {
  const delta = alpha / Math.sqrt(1 + alpha * alpha);
  const m = delta * Math.sqrt(2 / Math.PI);
  return ((4 - Math.PI) / 2) * (m ** 3 / (1 - m * m) ** 1.5);
}

/** A simulated table: numeric columns (columnar, one Float64Array each) and one string label per row. */
export interface SimulatedSample {
  /** Names of the numeric columns, in file order; the label column `label` comes last in the CSV. */
  readonly columns: readonly string[];
  /** One array per numeric column, `data[j][i]` = row i of column j; values already rounded to 8 significant digits. */
  readonly data: readonly Float64Array[];
  /** Class label of each row. */
  readonly labels: readonly string[];
}

/** Row-major view of a sample's numeric columns. */
export function toRows(sample: SimulatedSample): number[][] {
  const n = sample.labels.length;
  const rows: number[][] = new Array<number[]>(n);
  for (let i = 0; i < n; i++) rows[i] = sample.data.map((col) => col[i]!);
  return rows;
}

/** The CSV text: a header line, then one line per row, `\n` line ends (also after the last line), no quoting needed. */
export function toCsv(sample: SimulatedSample): string {
  const n = sample.labels.length;
  const parts: string[] = [[...sample.columns, 'label'].join(',')];
  for (let i = 0; i < n; i++) {
    const cells = sample.data.map((col) => formatNumber(col[i]!));
    cells.push(sample.labels[i]!);
    parts.push(cells.join(','));
  }
  return parts.join('\n') + '\n';
}

/** Parsed `--key value` / `--key=value` / `--flag` / `--no-flag` arguments. */
export type ParsedArgs = Map<string, string | boolean>;

/** A minimal argv parser that rejects options not in `known` (so a typo is an error, not a silent default). */
export function parseArgs(argv: readonly string[], known: Readonly<Record<string, 'string' | 'boolean'>>, usage: string): ParsedArgs {
  const out: ParsedArgs = new Map();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      out.set('help', true);
      continue;
    }
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"\n${usage}`);
    let key = arg.slice(2);
    let value: string | undefined;
    const eq = key.indexOf('=');
    if (eq >= 0) {
      value = key.slice(eq + 1);
      key = key.slice(0, eq);
    }
    if (known[key] === undefined && key.startsWith('no-') && known[key.slice(3)] === 'boolean' && value === undefined) {
      out.set(key.slice(3), false);
      continue;
    }
    const kind = known[key];
    if (kind === undefined) throw new Error(`unknown option --${key}\n${usage}`);
    if (kind === 'boolean') {
      if (value !== undefined) throw new Error(`--${key} takes no value\n${usage}`);
      out.set(key, true);
      continue;
    }
    if (value === undefined) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new Error(`--${key} needs a value\n${usage}`);
      value = next;
      i++;
    }
    out.set(key, value);
  }
  return out;
}

/** A numeric option: finite, optionally an integer; `undefined` when absent. */
export function numberArg(args: ParsedArgs, key: string, options: { integer?: boolean } = {}): number | undefined {
  const raw = args.get(key);
  if (raw === undefined) return undefined;
  const x = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(x) || (options.integer === true && !Number.isInteger(x))) {
    throw new Error(`--${key} expects ${options.integer === true ? 'an integer' : 'a number'}, got "${String(raw)}"`);
  }
  return x;
}

/** Writes the CSV to `out` (saying what was written on stderr), or to stdout when no file is named. */
export function emitCsv(csv: string, out: unknown, summary: string): number {
  if (typeof out === 'string') {
    writeFileSync(out, csv);
    process.stderr.write(`wrote ${out}: ${summary}\n`);
  } else {
    process.stdout.write(csv);
  }
  return 0;
}

/** Runs a simulator's `main` when its file is the entry point; a bad argument prints one line and exits 2. */
export function runIfEntry(moduleUrl: string, main: (argv: string[]) => number): void {
  if (process.argv[1] === undefined || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  }
}
