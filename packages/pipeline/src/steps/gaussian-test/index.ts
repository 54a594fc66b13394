import {
  type Gaussian1D,
  type SharedCovarianceGaussians,
  gaussianErrorsAtLogGamma,
  gaussianErrorsAtThreshold,
  gaussianLogLikelihoodRatio,
  gaussianNeymanPearson,
  ldaErrorsAt,
  ldaNeymanPearson,
} from '@discern/decision';
import { DiscernError } from '@discern/core';
import { z } from 'zod';
import { type RunContext } from '../context.js';
import { defineStep } from '../plugin.js';
import { fraction, strict } from '../config/zod-helpers.js';
import { gaussianFigures } from '../report/gaussian-figure.js';
import { efficiency, type IntervalSettings, type ValueInterval } from './physics.js';

const gaussianClass = strict({
  mean: z.union([z.number(), z.array(z.number()).min(1)]).describe('a number (1-D) or a vector (multivariate)'),
  sd: z.number().positive().optional().describe('1-D: the standard deviation'),
});

const schema = strict({
  name: z.string().default('gaussian').describe('key in metrics.json'),
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

type Params = z.output<typeof schema>;
type Region = Array<[number, number]>;

/** One analytic test: its decision region R2 on the statistic (x, or wᵀx) and its error probabilities. */
export interface AnalyticTest {
  readonly kind: 'neyman-pearson' | 'threshold' | 'log-gamma';
  readonly label: string;
  readonly entry: Record<string, unknown>;
  readonly region: Region;
  readonly alpha: number;
  readonly beta: number;
  readonly power: number;
}

/** The problem: 1-D or shared-covariance Gaussians, and the statistic each row of data maps to. */
export interface GaussianProblem {
  readonly dims: number;
  /** Means and sd of the statistic under C1 and C2 (x itself in 1-D, wᵀx for shared covariance). */
  readonly stat1: Gaussian1D;
  readonly stat2: Gaussian1D;
  readonly statName: string;
  readonly tests: AnalyticTest[];
  readonly describe: Record<string, unknown>;
  statistic(row: Float64Array | number[]): number;
}

const fin = (v: number): number | null => (Number.isFinite(v) ? v : null);
const regionJson = (r: Region): Array<[number | null, number | null]> => r.map(([a, b]) => [fin(a), fin(b)]);

function problemOf(p: Params, path: string): GaussianProblem {
  const bad = (key: string, msg: string): DiscernError => new DiscernError('CONFIG_INVALID', `${path}.${key} ${msg}`, { path: `${path}.${key}` });
  const tests: AnalyticTest[] = [];
  if (typeof p.c1.mean === 'number' && typeof p.c2.mean === 'number') {
    if (p.covariance) throw bad('covariance', 'is for multivariate classes (mean: [..]); 1-D classes take sd');
    if (p.c1.sd === undefined) throw bad('c1.sd', 'is required for a 1-D class: { mean, sd }');
    if (p.c2.sd === undefined) throw bad('c2.sd', 'is required for a 1-D class: { mean, sd }');
    const c1 = { mean: p.c1.mean, sd: p.c1.sd }, c2 = { mean: p.c2.mean, sd: p.c2.sd };
    const equal = c1.sd === c2.sd;
    for (const a of p.alpha) {
      const r = gaussianNeymanPearson(c1, c2, a);
      const cut = r.cut ? { threshold: r.cut.threshold, direction: r.cut.direction } : { threshold: null, direction: null };
      tests.push({ kind: 'neyman-pearson', label: r.cut ? `NP α = ${a}: x ${r.cut.direction === 'above' ? '>' : '<'} ${+r.cut.threshold.toPrecision(4)}` : `NP α = ${a}`, region: r.region, alpha: r.alpha, beta: r.beta, power: r.power, entry: { level: a, ...cut, log_gamma: r.logGamma, region: regionJson(r.region) } });
    }
    for (const t of p.threshold) {
      const r = gaussianErrorsAtThreshold(c1, c2, t);
      const region: Region = r.direction === 'above' ? [[t, Infinity]] : [[-Infinity, t]];
      // With equal variances a cut on x is a likelihood-ratio test, ln γ = ln L(t); otherwise it is not one.
      tests.push({ kind: 'threshold', label: `cut x ${r.direction === 'above' ? '>' : '<'} ${t}`, region, alpha: r.alpha, beta: r.beta, power: r.power, entry: { threshold: t, direction: r.direction, log_gamma: equal ? gaussianLogLikelihoodRatio(t, c1, c2) : null } });
    }
    for (const lg of p.log_gamma) {
      const r = gaussianErrorsAtLogGamma(c1, c2, lg);
      tests.push({ kind: 'log-gamma', label: `ln γ = ${lg}`, region: r.region, alpha: r.alpha, beta: r.beta, power: r.power, entry: { log_gamma: lg, threshold: r.cut?.threshold ?? null, direction: r.cut?.direction ?? null, region: regionJson(r.region) } });
    }
    return { dims: 1, stat1: c1, stat2: c2, statName: 'x', tests, describe: { model: 'gaussian-1d', c1, c2 }, statistic: (row) => row[0]! };
  }
  if (!Array.isArray(p.c1.mean) || !Array.isArray(p.c2.mean)) throw bad('c2.mean', 'must be of the same kind as c1.mean: both numbers (1-D) or both vectors (multivariate)');
  const dim = p.c1.mean.length;
  if (p.c2.mean.length !== dim) throw bad('c2.mean', `has ${p.c2.mean.length} components but c1.mean has ${dim}`);
  if (p.c1.sd !== undefined || p.c2.sd !== undefined) throw bad(p.c1.sd !== undefined ? 'c1.sd' : 'c2.sd', 'is for 1-D classes; multivariate classes share `covariance`');
  const cov = p.covariance;
  if (!cov || cov.length !== dim || cov.some((r) => r.length !== dim)) throw bad('covariance', `must be a ${dim}×${dim} matrix (the covariance both classes share)`);
  const g: SharedCovarianceGaussians = { mean1: p.c1.mean, mean2: p.c2.mean, covariance: { rows: dim, cols: dim, data: Float64Array.from(cov.flat()) } };
  const base = ldaErrorsAt(g, { threshold: 0 });
  const w = base.direction;
  const m1 = p.c1.mean.reduce((s, v, k) => s + v * w[k]!, 0), m2 = p.c2.mean.reduce((s, v, k) => s + v * w[k]!, 0);
  const add = (kind: AnalyticTest['kind'], label: string, r: ReturnType<typeof ldaErrorsAt>, extra: Record<string, unknown>): void => {
    tests.push({ kind, label, region: [[r.threshold, Infinity]], alpha: r.alpha, beta: r.beta, power: r.power, entry: { ...extra, threshold: r.threshold, direction: 'above', log_gamma: r.logGamma } });
  };
  for (const a of p.alpha) add('neyman-pearson', `NP α = ${a}`, ldaNeymanPearson(g, a), { level: a });
  for (const t of p.threshold) add('threshold', `cut wᵀx > ${t}`, ldaErrorsAt(g, { threshold: t }), {});
  for (const lg of p.log_gamma) add('log-gamma', `ln γ = ${lg}`, ldaErrorsAt(g, { logGamma: lg }), {});
  return {
    dims: dim,
    stat1: { mean: m1, sd: base.mahalanobis },
    stat2: { mean: m2, sd: base.mahalanobis },
    statName: 'wᵀx',
    tests,
    describe: { model: 'gaussian-shared-covariance', c1: { mean: p.c1.mean }, c2: { mean: p.c2.mean }, covariance: cov, lda_direction: Array.from(w), mahalanobis: base.mahalanobis, offset: base.offset },
    statistic: (row) => {
      let s = 0;
      for (let k = 0; k < dim; k++) s += w[k]! * row[k]!;
      return s;
    },
  };
}

const inRegion = (v: number, r: Region): boolean => r.some(([a, b]) => v > a && v < b);

/** The statistic of each row of the simulated sample, with its C2 flag and weight. */
export interface SimulatedSample {
  readonly dataset: string;
  readonly stat: Float64Array;
  readonly isC2: Uint8Array;
  readonly weights: Float64Array | undefined;
  readonly classNames: readonly [string, string];
}

function simulatedSample(ctx: RunContext, p: Params, prob: GaussianProblem, path: string): SimulatedSample | undefined {
  if (!p.features) return undefined;
  if (p.features.length !== prob.dims)
    throw new DiscernError('CONFIG_INVALID', `${path}.features names ${p.features.length} column(s) but the classes have ${prob.dims} dimension(s)`, { path: `${path}.features` });
  const ds = ctx.dataset(p.on);
  if (ds.classNames.length !== 2) throw new DiscernError('CONFIG_INVALID', `${path}.on: dataset ${JSON.stringify(p.on)} must have two classes (C1, C2) for the simulated check; it has ${ds.classNames.length}`, { path: `${path}.on` });
  const cols = p.features.map((f) => {
    const j = ds.featureNames.indexOf(f);
    if (j < 0) throw new DiscernError('CONFIG_INVALID', `${path}.features: no feature named ${JSON.stringify(f)}; features: ${ds.featureNames.join(', ')}`, { path: `${path}.features` });
    return j;
  });
  const X = ctx.standardizer ? ctx.standardizer.inverseTransform(ds.X) : ds.X;
  const pos = ds.positive ?? 1;
  const stat = new Float64Array(X.rows);
  const row = new Array<number>(cols.length);
  for (let i = 0; i < X.rows; i++) {
    cols.forEach((j, k) => (row[k] = X.data[i * X.cols + j]!));
    stat[i] = prob.statistic(row);
  }
  return {
    dataset: p.on,
    stat,
    isC2: Uint8Array.from(ds.y, (c) => (c === pos ? 1 : 0)),
    weights: ds.weights,
    classNames: [ds.classNames[pos === 1 ? 0 : 1]!, ds.classNames[pos]!],
  };
}

function check(t: AnalyticTest, s: SimulatedSample, set: IntervalSettings): Record<string, unknown> {
  const sum = [0, 0], sum2 = [0, 0], pass = [0, 0];
  for (let i = 0; i < s.stat.length; i++) {
    const c = s.isC2[i]!, w = s.weights ? s.weights[i]! : 1;
    sum[c]! += w;
    sum2[c]! += w * w;
    if (inRegion(s.stat[i]!, t.region)) pass[c]! += w;
  }
  const judged = (e: ValueInterval, truth: number) => ({ ...e, inside_interval: e.interval[0] <= truth && truth <= e.interval[1] });
  const alpha = judged(efficiency(pass[0]!, sum[0]!, sum2[0]!, set), t.alpha);
  const beta = judged(efficiency(sum[1]! - pass[1]!, sum[1]!, sum2[1]!, set), t.beta);
  const power = judged(efficiency(pass[1]!, sum[1]!, sum2[1]!, set), t.power);
  return { dataset: s.dataset, n_c1: sum[0], n_c2: sum[1], alpha, beta, power, inside_interval: alpha.inside_interval && beta.inside_interval && power.inside_interval };
}

const f4 = (v: unknown): string => (typeof v === 'number' ? v.toFixed(4) : 'n/a');

/**
 * Analytic likelihood-ratio and Neyman–Pearson tests between two Gaussian classes (1-D, or multivariate with a
 * shared covariance), checked against a simulated sample: each error probability measured on the sample with its
 * binomial interval, and whether the analytic value lies inside it. The worked example of the classification
 * chapter: C1 ~ N(0, 1), C2 ~ N(1, 1); α = 0.5 gives x > 0, ln γ = −1/2, power 0.8413; the cut x = 1/2 gives
 * both error probabilities Q(1/2) = 0.3085.
 */
export const gaussianTestStep = defineStep({
  name: 'gaussian-test',
  description: 'analytic Neyman–Pearson and likelihood-ratio tests for two Gaussian classes (1-D, or shared covariance), checked against a simulated sample',
  schema,
  run(ctx, p) {
    const path = `steps[${ctx.step.index}].gaussian-test`;
    const prob = problemOf(p, path);
    if (prob.tests.length === 0) throw new DiscernError('CONFIG_INVALID', `${path}: give at least one of alpha, threshold or log_gamma (lists of values)`, { path });
    const sim = simulatedSample(ctx, p, prob, path);
    const set: IntervalSettings = { method: p.interval, confidence: p.confidence };
    const entries: Record<string, unknown>[] = prob.tests.map((t) => ({
      ...t.entry,
      alpha: t.alpha,
      beta: t.beta,
      power: t.power,
      ...(sim ? { simulated: check(t, sim, set) } : {}),
    }));
    const by = (k: AnalyticTest['kind']) => entries.filter((_, i) => prob.tests[i]!.kind === k);
    const out: Record<string, unknown> = {
      ...prob.describe,
      ...(sim ? { classes: { c1: sim.classNames[0], c2: sim.classNames[1] }, interval: p.interval, confidence: p.confidence } : {}),
      neyman_pearson: by('neyman-pearson'),
      thresholds: by('threshold'),
      log_gamma: by('log-gamma'),
    };
    if (sim) out.inside_interval = entries.every((e) => (e.simulated as { inside_interval: boolean }).inside_interval);
    ctx.metrics[p.name] = out;
    entries.forEach((e, i) => {
      const t = prob.tests[i]!;
      const cut = e.threshold !== null && e.threshold !== undefined ? `${prob.statName} ${e.direction === 'below' ? '<' : '>'} ${f4(e.threshold)}` : `region ${JSON.stringify(e.region)}`;
      const s = e.simulated as Record<string, { value: number; interval: [number, number] }> | undefined;
      const simText = s
        ? `; simulated (${sim!.dataset}): α ${f4(s.alpha!.value)} [${f4(s.alpha!.interval[0])}, ${f4(s.alpha!.interval[1])}], power ${f4(s.power!.value)} [${f4(s.power!.interval[0])}, ${f4(s.power!.interval[1])}] ${(e.simulated as { inside_interval: boolean }).inside_interval ? '(analytic inside)' : '(analytic OUTSIDE)'}`
        : '';
      const line = `${p.name} ${t.label}${t.kind === 'log-gamma' ? ` (${cut})` : ''}: ln γ ${f4(e.log_gamma)}, α ${f4(e.alpha)}, β ${f4(e.beta)}, power ${f4(e.power)}${simText}`;
      ctx.log(line);
      ctx.summary.push(line);
    });
    ctx.records.figures.push(...gaussianFigures(p.name, prob, sim));
  },
});
