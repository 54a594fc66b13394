import { DiscernError } from '@discern/core';
import { z } from 'zod';
import { formatPath } from '../config/yaml-source.js';
import { type FigureKind } from '../figures.js';

/**
 * The reproducibility lockfile (`discern.lock.json`): for every config, its metrics flattened to paths
 * (`model.test.auc`, `model.test.confusion_matrix.counts[0][1]`, `model.test.tpr_at_fpr["0.01"]`), each with the
 * value it had and the tolerance a re-run must meet; the sha256 of the run's deterministic artifacts; and, for
 * context, the hashes of the config and its data files. The environment the lock was made in (platform, Node,
 * package versions) is recorded once at the top.
 *
 * A number passes when |got − locked| ≤ max(abs, rel·|locked|); `exact: true` (counts) and non-numbers (labels,
 * flags, null) must be equal. Tolerances are written into the lock per metric so they can be edited there;
 * `--update` keeps an edited tolerance for a metric that is still present.
 */
export const LOCK_FORMAT = 'discern-lock';
export const LOCK_VERSION = 1;

export type LeafValue = number | string | boolean | null;

export interface MetricEntry {
  readonly value: LeafValue;
  /** Must be equal (counts). Implied for non-numbers. */
  readonly exact?: boolean;
  readonly abs?: number;
  readonly rel?: number;
}

export interface LockEnvironment {
  readonly platform: string;
  readonly node: string;
  readonly discern: string;
  readonly packages: Readonly<Record<string, string>>;
}

export interface ConfigLock {
  readonly name: string;
  readonly seed: number;
  /** sha256 of the config text: a change explains drift, it is not drift itself. */
  readonly config_sha256: string;
  /** Data file (relative to the lock's folder) → sha256. */
  readonly data: Readonly<Record<string, string>>;
  /** Deterministic artifacts (path in the run folder) → sha256. */
  readonly artifacts: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, MetricEntry>>;
}

export interface Lockfile {
  readonly format: typeof LOCK_FORMAT;
  readonly version: typeof LOCK_VERSION;
  readonly rule: string;
  readonly environment: LockEnvironment;
  /** Config path relative to the lock's folder, with "/" separators → its entry. */
  readonly configs: Readonly<Record<string, ConfigLock>>;
}

export const TOLERANCE_RULE = '|got - locked| <= max(abs, rel * |locked|); exact (counts) and non-numbers must be equal';

/** What kind of figure a metric is: it decides the default tolerance (figures.ts; the step's result schema says). */
export type MetricKind = FigureKind;

/** Default tolerances by kind. Runs are bit-identical on one platform; these absorb floating-point noise across platforms. */
export const DEFAULT_TOLERANCE: Readonly<Record<MetricKind, Omit<MetricEntry, 'value'>>> = {
  count: { exact: true },
  rate: { abs: 1e-6, rel: 0 },
  value: { abs: 1e-9, rel: 1e-6 },
  label: {},
};

/**
 * The kind a lock entry gets: the tag the run recorded for the figure (manifest.json → figures); a count that is not
 * a whole number (a weighted sum of events) is held like a value; an untagged number is a value, anything else a label.
 */
export function metricKind(tag: FigureKind | undefined, value: LeafValue): MetricKind {
  if (typeof value !== 'number') return 'label';
  if (tag === 'count') return Number.isInteger(value) ? 'count' : 'value';
  if (tag === 'rate' || tag === 'value') return tag;
  return 'value';
}

/**
 * Flattens metrics.json to leaf paths, in document order: maps by key, lists by index. JSON has no NaN or
 * Infinity (JSON.stringify writes null), so every leaf is a number, string, boolean or null.
 */
export function flattenMetrics(metrics: unknown): Map<string, { path: (string | number)[]; value: LeafValue }> {
  const out = new Map<string, { path: (string | number)[]; value: LeafValue }>();
  const walk = (v: unknown, path: (string | number)[]) => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, [...path, i]));
      return;
    }
    if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
      return;
    }
    const leaf: LeafValue = typeof v === 'number' ? (Number.isFinite(v) ? v : null) : typeof v === 'string' || typeof v === 'boolean' ? v : null;
    out.set(formatPath(path), { path, value: leaf });
  };
  walk(metrics, []);
  return out;
}

/**
 * Lock entries for a run's metrics, each with the tolerance of its kind (`kinds`: the figure tags the run recorded);
 * tolerances edited in a previous lock are kept for metrics still present.
 */
export function lockMetrics(metrics: unknown, kinds: ReadonlyMap<string, FigureKind> | Readonly<Record<string, FigureKind>>, previous?: Readonly<Record<string, MetricEntry>>): Record<string, MetricEntry> {
  const out: Record<string, MetricEntry> = {};
  const tagOf = (k: string): FigureKind | undefined => (kinds instanceof Map ? kinds.get(k) : (kinds as Readonly<Record<string, FigureKind>>)[k]);
  for (const [key, { value }] of flattenMetrics(metrics)) {
    const old = previous?.[key];
    const kind = metricKind(tagOf(key), value);
    if (kind === 'label') {
      out[key] = { value };
      continue;
    }
    const tol = old && typeof old.value === 'number' && hasTolerance(old) ? toleranceOf(old) : DEFAULT_TOLERANCE[kind];
    out[key] = { value, ...tol };
  }
  return out;
}

function hasTolerance(e: MetricEntry): boolean {
  return e.exact !== undefined || e.abs !== undefined || e.rel !== undefined;
}

export function toleranceOf(e: MetricEntry): Omit<MetricEntry, 'value'> {
  if (e.exact) return { exact: true };
  return { abs: e.abs ?? 0, rel: e.rel ?? 0 };
}

/** "abs 1e-6", "rel 1e-6 / abs 1e-9", "exact". */
export function formatTolerance(e: MetricEntry): string {
  if (typeof e.value !== 'number' || e.exact || ((e.abs ?? 0) === 0 && (e.rel ?? 0) === 0)) return 'exact';
  const parts: string[] = [];
  const n = (x: number) => (x < 1e-3 ? x.toExponential(0) : String(x));
  if (e.rel) parts.push(`rel ${n(e.rel)}`);
  if (e.abs) parts.push(`abs ${n(e.abs)}`);
  return parts.join(', ');
}

// ---------------------------------------------------------------------------------------------------------------
// Reading and writing

const leafSchema = z.union([z.number(), z.string(), z.boolean(), z.null()]);
const metricSchema = z.strictObject({
  value: leafSchema,
  exact: z.boolean().optional(),
  abs: z.number().nonnegative().optional(),
  rel: z.number().nonnegative().optional(),
});
const hashSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex');
const configLockSchema = z.strictObject({
  name: z.string(),
  seed: z.number().int(),
  config_sha256: hashSchema,
  data: z.record(z.string(), hashSchema),
  artifacts: z.record(z.string(), hashSchema),
  metrics: z.record(z.string(), metricSchema),
});
const lockSchema = z.strictObject({
  format: z.literal(LOCK_FORMAT),
  version: z.literal(LOCK_VERSION),
  rule: z.string(),
  environment: z.strictObject({ platform: z.string(), node: z.string(), discern: z.string(), packages: z.record(z.string(), z.string()) }),
  configs: z.record(z.string(), configLockSchema),
});

export function emptyLock(environment: LockEnvironment): Lockfile {
  return { format: LOCK_FORMAT, version: LOCK_VERSION, rule: TOLERANCE_RULE, environment, configs: {} };
}

/** Parses a lockfile's text; a malformed lock is a coded error naming the file and the first problems. */
export function parseLock(text: string, file: string): Lockfile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new DiscernError('CONFIG_INVALID', `${file} is not valid JSON (${(e as Error).message}); restore it from version control or re-create it with discern reproduce --update`, { file });
  }
  const r = lockSchema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues
      .slice(0, 5)
      .map((i) => `✖ ${i.message} → at ${formatPath(i.path as (string | number)[])}`)
      .join('\n');
    throw new DiscernError('CONFIG_INVALID', `${file} is not a valid discern lockfile:\n${issues}\n(re-create it with discern reproduce --update)`, { file });
  }
  return r.data as Lockfile;
}

function sortedRecord<T>(r: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const q = (s: string) => JSON.stringify(s);

function metricLine(e: MetricEntry): string {
  const parts = [`"value": ${JSON.stringify(e.value)}`];
  if (e.exact) parts.push('"exact": true');
  if (e.abs !== undefined) parts.push(`"abs": ${JSON.stringify(e.abs)}`);
  if (e.rel !== undefined) parts.push(`"rel": ${JSON.stringify(e.rel)}`);
  return `{ ${parts.join(', ')} }`;
}

/**
 * The lock as text: configs and hashes sorted by name, metrics in the order metrics.json has them, one metric per
 * line, so a change shows in a diff as the lines of the metrics that changed.
 */
export function serializeLock(lock: Lockfile): string {
  const lines: string[] = ['{'];
  lines.push(`  "format": ${q(lock.format)},`, `  "version": ${lock.version},`, `  "rule": ${q(lock.rule)},`);
  const env = { ...lock.environment, packages: sortedRecord(lock.environment.packages) };
  lines.push(`  "environment": ${JSON.stringify(env)},`);
  const configs = Object.entries(sortedRecord(lock.configs));
  lines.push(`  "configs": {${configs.length === 0 ? '}' : ''}`);
  configs.forEach(([key, c], ci) => {
    lines.push(`    ${q(key)}: {`);
    lines.push(`      "name": ${q(c.name)},`, `      "seed": ${c.seed},`, `      "config_sha256": ${q(c.config_sha256)},`);
    lines.push(`      "data": ${JSON.stringify(sortedRecord(c.data))},`);
    const arts = Object.entries(sortedRecord(c.artifacts));
    lines.push(`      "artifacts": {${arts.length === 0 ? '},' : ''}`);
    arts.forEach(([p, h], i) => lines.push(`        ${q(p)}: ${q(h)}${i < arts.length - 1 ? ',' : ''}`));
    if (arts.length > 0) lines.push('      },');
    const ms = Object.entries(c.metrics);
    lines.push(`      "metrics": {${ms.length === 0 ? '}' : ''}`);
    ms.forEach(([p, e], i) => lines.push(`        ${q(p)}: ${metricLine(e)}${i < ms.length - 1 ? ',' : ''}`));
    if (ms.length > 0) lines.push('      }');
    lines.push(`    }${ci < configs.length - 1 ? ',' : ''}`);
  });
  if (configs.length > 0) lines.push('  }');
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
