import {
  type AnalyticGaussianTest,
  type GaussianTestSet,
  type SharedCovarianceGaussians,
  checkGaussianTest,
  gaussianTestStatistic,
  gaussianTests,
} from '@discern/decision';
import { DiscernError, isDiscernError } from '@discern/core';
import { z } from 'zod';
import { fig } from '../../figures.js';
import { type PlotInput, fileSafe } from '../../report/inputs.js';
import { cell } from '../../report/tables.js';
import { type RunView } from '../../report/view.js';
import { defineStep } from '../../step.js';
import { fraction, strict } from '../../config/zod-helpers.js';
import { gaussianFigures } from './figure.js';

const gaussianClass = strict({
  mean: z.union([z.number(), z.array(z.number()).min(1)]).describe('a number (1-D) or a vector (multivariate)'),
  sd: z.number().positive().optional().describe('1-D: the standard deviation'),
});

const params = strict({
  name: z.string().max(64).regex(/^[A-Za-z][\w-]*$/, 'a name of letters, digits, "-" and "_"').default('gaussian').describe('key in metrics.json'),
  c1: gaussianClass.describe('class C1 (null hypothesis, background): { mean, sd } or { mean: [..] } with `covariance`'),
  c2: gaussianClass.describe('class C2 (signal): the positive class of the data'),
  covariance: z.array(z.array(z.number())).optional().describe('multivariate: the covariance matrix both classes share'),
  alpha: z.array(fraction).default([]).describe('levels of Neyman–Pearson tests'),
  threshold: z.array(z.number()).default([]).describe('cuts: on x (1-D) or on the LDA statistic wᵀx (multivariate)'),
  log_gamma: z.array(z.number()).default([]).describe('likelihood-ratio tests ln L(x) > ln γ'),
  features: z.array(z.string()).min(1).optional().describe('columns of the simulated sample to check against (1-D: one)'),
  on: z.string().default('test').describe('the dataset of the simulated check'),
  confidence: z.number().gt(0).lt(1).default(0.95),
  interval: z.enum(['clopper-pearson', 'wilson']).default('clopper-pearson'),
});

type Params = z.output<typeof params>;

const judged = z.strictObject({ value: fig.rate(), interval: fig.interval('rate'), inside_interval: fig.label() });
const testSchema = z.strictObject({
  level: fig.rate().optional(),
  threshold: fig.value(),
  direction: fig.label(),
  log_gamma: fig.value(),
  region: z.array(fig.interval('value')).optional(),
  alpha: fig.rate(),
  beta: fig.rate(),
  power: fig.rate(),
  simulated: z.strictObject({ dataset: fig.label(), n_c1: fig.count(), n_c2: fig.count(), alpha: judged, beta: judged, power: judged, inside_interval: fig.label() }).optional(),
});

/** What gaussian-test adds to metrics.json: the problem, the analytic tests, and their check on the simulated sample. */
const resultSchema = z.strictObject({
  model: fig.label(),
  c1: z.strictObject({ mean: z.union([fig.value(), z.array(fig.value())]), sd: fig.value().optional() }),
  c2: z.strictObject({ mean: z.union([fig.value(), z.array(fig.value())]), sd: fig.value().optional() }),
  covariance: z.array(z.array(fig.value())).optional(),
  lda_direction: z.array(fig.value()).optional(),
  mahalanobis: fig.value().optional(),
  offset: fig.value().optional(),
  classes: z.strictObject({ c1: fig.label(), c2: fig.label() }).optional(),
  interval: fig.label().optional(),
  confidence: fig.value().optional(),
  neyman_pearson: z.array(testSchema),
  thresholds: z.array(testSchema),
  log_gamma: z.array(testSchema),
  inside_interval: fig.label().optional(),
});
type GaussianResult = z.output<typeof resultSchema>;

const fin = (v: number): number | null => (Number.isFinite(v) ? v : null);
const regionJson = (r: AnalyticGaussianTest['region']): Array<[number | null, number | null]> => r.map(([a, b]) => [fin(a), fin(b)]);

/**
 * The config's classes as @discern/decision takes them: 1-D { mean, sd } pairs, or vectors with a shared
 * covariance. What is inconsistent is a config error naming the key.
 */
function classesOf(p: Params, path: string): Parameters<typeof gaussianTests>[0] {
  const bad = (key: string, msg: string): DiscernError => new DiscernError('CONFIG_INVALID', `${path}.${key} ${msg}`, { configPath: `${path}.${key}` });
  if (typeof p.c1.mean === 'number' && typeof p.c2.mean === 'number') {
    if (p.covariance) throw bad('covariance', 'is for multivariate classes (mean: [..]); 1-D classes take sd');
    if (p.c1.sd === undefined) throw bad('c1.sd', 'is required for a 1-D class: { mean, sd }');
    if (p.c2.sd === undefined) throw bad('c2.sd', 'is required for a 1-D class: { mean, sd }');
    return { c1: { mean: p.c1.mean, sd: p.c1.sd }, c2: { mean: p.c2.mean, sd: p.c2.sd } };
  }
  if (!Array.isArray(p.c1.mean) || !Array.isArray(p.c2.mean)) throw bad('c2.mean', 'must be of the same kind as c1.mean: both numbers (1-D) or both vectors (multivariate)');
  const dim = p.c1.mean.length;
  if (p.c2.mean.length !== dim) throw bad('c2.mean', `has ${p.c2.mean.length} components but c1.mean has ${dim}`);
  if (p.c1.sd !== undefined || p.c2.sd !== undefined) throw bad(p.c1.sd !== undefined ? 'c1.sd' : 'c2.sd', 'is for 1-D classes; multivariate classes share `covariance`');
  const cov = p.covariance;
  if (!cov || cov.length !== dim || cov.some((r) => r.length !== dim)) throw bad('covariance', `must be a ${dim}×${dim} matrix (the covariance both classes share)`);
  return { mean1: p.c1.mean, mean2: p.c2.mean, covariance: { rows: dim, cols: dim, data: Float64Array.from(cov.flat()) } } satisfies SharedCovarianceGaussians;
}

function testsOf(p: Params, path: string): GaussianTestSet {
  return gaussianTests(classesOf(p, path), { alpha: p.alpha, threshold: p.threshold, logGamma: p.log_gamma });
}

/** A test's entry in metrics.json: the keys each kind has always had, in their order. */
function entryOf(t: AnalyticGaussianTest, set: GaussianTestSet): Record<string, unknown> {
  if (set.lda !== null) return { ...(t.kind === 'neyman-pearson' ? { level: t.level } : {}), threshold: t.threshold, direction: 'above', log_gamma: t.logGamma };
  switch (t.kind) {
    case 'neyman-pearson':
      return { level: t.level, threshold: t.threshold, direction: t.direction, log_gamma: t.logGamma, region: regionJson(t.region) };
    case 'threshold':
      return { threshold: t.threshold, direction: t.direction, log_gamma: t.logGamma };
    case 'log-gamma':
      return { log_gamma: t.logGamma, threshold: t.threshold, direction: t.direction, region: regionJson(t.region) };
  }
}

/** The statistic of each row of the simulated sample, with its C2 flag and weight. */
export interface SimulatedSample {
  readonly dataset: string;
  readonly stat: Float64Array;
  readonly isC2: Uint8Array;
  readonly weights: Float64Array | undefined;
  readonly classNames: readonly [string, string];
}

function simulatedSample(ctx: Pick<RunView, 'dataset' | 'standardizer' | 'config'>, p: Params, set: GaussianTestSet, path: string): SimulatedSample | undefined {
  if (!p.features) return undefined;
  const ds = ctx.dataset(p.on).whole();
  if (ds.classNames.length !== 2) throw ctx.config.error(`${path}.on`, `dataset ${JSON.stringify(p.on)} must have two classes (C1, C2) for the simulated check; it has ${ds.classNames.length}`);
  const cols = p.features.map((f) => {
    const j = ds.featureNames.indexOf(f);
    if (j < 0) throw ctx.config.error(`${path}.features`, `no feature named ${JSON.stringify(f)}; features: ${ds.featureNames.join(', ')}`);
    return j;
  });
  const X = ctx.standardizer ? ctx.standardizer.inverseTransform(ds.X) : ds.X;
  const pos = ds.positive ?? 1;
  const stat = new Float64Array(X.rows);
  const row = new Float64Array(cols.length);
  for (let i = 0; i < X.rows; i++) {
    cols.forEach((j, k) => (row[k] = X.data[i * X.cols + j]!));
    stat[i] = gaussianTestStatistic(set, row);
  }
  return {
    dataset: p.on,
    stat,
    isC2: Uint8Array.from(ds.y, (c) => (c === pos ? 1 : 0)),
    weights: ds.weights,
    classNames: [ds.classNames[pos === 1 ? 0 : 1]!, ds.classNames[pos]!],
  };
}

const f4 = (v: unknown): string => (typeof v === 'number' ? v.toFixed(4) : 'n/a');

/**
 * Analytic likelihood-ratio and Neyman–Pearson tests between two Gaussian classes (1-D, or multivariate with a
 * shared covariance), checked against a simulated sample: each error probability measured on the sample with its
 * binomial interval, and whether the analytic value lies inside it. The worked example of the classification
 * chapter: C1 ~ N(0, 1), C2 ~ N(1, 1); α = 0.5 gives x > 0, ln γ = −1/2, power 0.8413; the cut x = 1/2 gives
 * both error probabilities Q(1/2) = 0.3085. The arithmetic is @discern/decision's; this step wires it.
 */
export const gaussianTestStep = defineStep({
  name: 'gaussian-test',
  description: 'analytic Neyman–Pearson and likelihood-ratio tests for two Gaussian classes (1-D, or shared covariance), checked against a simulated sample',
  params,
  result: resultSchema,
  key: (p) => [p.name],
  plan: (p, at) => {
    const problems: { path: string; message: string }[] = [];
    try {
      const set = testsOf(p, at.path);
      if (set.tests.length === 0) problems.push({ path: at.path, message: 'give at least one of alpha, threshold or log_gamma (lists of values)' });
      if (p.features && p.features.length !== set.dims) problems.push({ path: `${at.path}.features`, message: `names ${p.features.length} column(s) but the classes have ${set.dims} dimension(s)` });
    } catch (e) {
      if (!isDiscernError(e)) throw e;
      const key = typeof e.context.configPath === 'string' ? e.context.configPath : at.path;
      problems.push({ path: key, message: e.message.startsWith(`${key} `) ? e.message.slice(key.length + 1) : e.message });
    }
    return { problems, needs: { datasets: p.features ? [{ name: p.on, path: `${at.path}.on` }] : [] } };
  },
  run(ctx, p): GaussianResult {
    const path = `steps[${ctx.step.index}].gaussian-test`;
    const set = testsOf(p, path);
    const sim = simulatedSample(ctx, p, set, path);
    const entries = set.tests.map((t) => {
      const entry: Record<string, unknown> = { ...entryOf(t, set), alpha: t.alpha, beta: t.beta, power: t.power };
      if (sim) {
        const c = checkGaussianTest(t, { statistic: sim.stat, isC2: sim.isC2, ...(sim.weights ? { weights: sim.weights } : {}) }, { interval: p.interval, confidence: p.confidence });
        const judged = (r: typeof c.alpha) => ({ value: r.value, interval: r.interval, inside_interval: r.insideInterval });
        entry.simulated = { dataset: sim.dataset, n_c1: c.c1Weight, n_c2: c.c2Weight, alpha: judged(c.alpha), beta: judged(c.beta), power: judged(c.power), inside_interval: c.insideInterval };
      }
      return entry;
    });
    const by = (k: AnalyticGaussianTest['kind']) => entries.filter((_, i) => set.tests[i]!.kind === k);
    const describe =
      set.lda === null
        ? { model: set.model, c1: { mean: p.c1.mean, sd: p.c1.sd }, c2: { mean: p.c2.mean, sd: p.c2.sd } }
        : { model: set.model, c1: { mean: p.c1.mean }, c2: { mean: p.c2.mean }, covariance: p.covariance, lda_direction: set.lda.direction, mahalanobis: set.lda.mahalanobis, offset: set.lda.offset };
    const out: Record<string, unknown> = {
      ...describe,
      ...(sim ? { classes: { c1: sim.classNames[0], c2: sim.classNames[1] }, interval: p.interval, confidence: p.confidence } : {}),
      neyman_pearson: by('neyman-pearson'),
      thresholds: by('threshold'),
      log_gamma: by('log-gamma'),
    };
    if (sim) out.inside_interval = entries.every((e) => (e.simulated as { inside_interval: boolean }).inside_interval);
    entries.forEach((e, i) => {
      const t = set.tests[i]!;
      const cut = e.threshold !== null && e.threshold !== undefined ? `${set.statisticName} ${e.direction === 'below' ? '<' : '>'} ${f4(e.threshold)}` : `region ${JSON.stringify(e.region)}`;
      const s = e.simulated as Record<string, { value: number; interval: [number, number] }> | undefined;
      const simText = s
        ? `; simulated (${sim!.dataset}): α ${f4(s.alpha!.value)} [${f4(s.alpha!.interval[0])}, ${f4(s.alpha!.interval[1])}], power ${f4(s.power!.value)} [${f4(s.power!.interval[0])}, ${f4(s.power!.interval[1])}] ${(e.simulated as { inside_interval: boolean }).inside_interval ? '(analytic inside)' : '(analytic OUTSIDE)'}`
        : '';
      ctx.say(`${p.name} ${t.label}${t.kind === 'log-gamma' ? ` (${cut})` : ''}: ln γ ${f4(e.log_gamma)}, α ${f4(e.alpha)}, β ${f4(e.beta)}, power ${f4(e.power)}${simText}`);
    });
    return out as GaussianResult;
  },
  async report(result, view, p) {
    const set = testsOf(p, '');
    const sim = simulatedSample(view, p, set, '');
    const r = await import('@discern/report');
    const plots: PlotInput[] = gaussianFigures(p.name, set, sim).map((f) => ({ kind: 'spec', file: fileSafe(f.name), caption: f.caption, spec: () => f.build(r) }));
    return { title: 'Gaussian classes (analytic)', tables: gaussianTables(p.name, result), plots };
  },
});

/** The worked example's table: one row per test with the analytic figures and the simulated ones. */
function gaussianTables(key: string, g: GaussianResult) {
  const rows: ReturnType<typeof cell>[][] = [];
  for (const [kind, list] of [
    ['Neyman–Pearson', g.neyman_pearson],
    ['cut', g.thresholds],
    ['ln γ', g.log_gamma],
  ] as const) {
    for (const e of list) {
      const s = e.simulated;
      rows.push([
        kind === 'Neyman–Pearson' ? `${kind} α = ${String(e.level)}` : kind,
        cell(e.threshold),
        cell(e.log_gamma),
        cell(e.alpha),
        cell(e.beta),
        cell(e.power),
        cell(s?.alpha),
        cell(s?.power),
        s ? cell(s.inside_interval) : null,
      ]);
    }
  }
  return [
    {
      caption: `${key}: analytic tests (threshold on the statistic, ln γ, α, β, power) and the simulated sample with ${String(g.confidence ?? 0.95)} intervals`,
      columns: ['test', 'threshold', 'ln γ', 'α', 'β', 'power', 'α simulated', 'power simulated', 'analytic inside'],
      rows,
    },
  ];
}
