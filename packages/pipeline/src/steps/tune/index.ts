import { defaultThreads } from '@discern/core';
import { z } from 'zod';
import { type RunContext } from '../../context.js';
import { defineStep } from '../../step.js';
import { familyOptions, requireClassifier } from '../crossvalidate/common.js';
import { foldStat } from '../crossvalidate/cv.js';
import { assignFolds, foldRows } from '../crossvalidate/folds.js';
import { keepForReport } from '../crossvalidate/report.js';
import { fitEstimator, fittedModel, modelConfigSchema, modelName } from '../fit/fitting.js';
import { findModel } from '../fit/models/index.js';
import { saveModel } from '../fitted.js';
import { scoreCandidates } from './candidates.js';
import { tuneReport } from './report.js';
import { type CandidateResult, type TuneResult, tuneResultSchema } from './result.js';
import { MAX_CANDIDATES, type Candidate, type Range, candidateOptions, describePoint, drawPoint, gridPoints, gridSize, rangeProblem, rangeSchema } from './search.js';

const metrics = ['auc', 'log_loss', 'background_rejection'] as const;
type Metric = (typeof metrics)[number];

/** The step's own keys; the rest of its entry is the model configuration every candidate starts from. */
export const tuneKeys = {
  name: modelName.default('tuned').describe('the name of the best candidate refitted on all the training data (as a fit step of these options would fit it)'),
  train: z.string().default('train').describe('the dataset to search on'),
  folds: z.number().int().min(2).max(100).default(5).describe('number of folds k: every candidate is scored on the same folds'),
  stratify: z.boolean().default(true).describe('folds that keep the class proportions (seeded from the run)'),
  grid: z.record(z.string(), z.array(z.unknown()).min(1).max(MAX_CANDIDATES)).optional().describe('values to try per key: every combination is a candidate'),
  ranges: z.record(z.string(), rangeSchema).optional().describe('random search: per key, { low, high, log?, integer? } or a list of values to choose among'),
  n_trials: z.number().int().min(1).max(MAX_CANDIDATES).optional().describe('random search: number of candidates drawn from ranges (seeded from the run)'),
  metric: z.enum(metrics).default('auc').describe('what chooses the best candidate: mean over the folds of auc (highest), log_loss (lowest) or background_rejection at signal_efficiency (highest)'),
  signal_efficiency: z.number().gt(0).lt(1).optional().describe('binary: the signal efficiency εS of background_rejection (1 − εB), reported for every candidate'),
};

const OWN_KEYS = Object.keys(tuneKeys);

export type TuneParams = {
  model: string;
  name: string;
  train: string;
  folds: number;
  stratify: boolean;
  grid?: Record<string, unknown[]>;
  ranges?: Record<string, Range>;
  n_trials?: number;
  metric: Metric;
  signal_efficiency?: number;
} & Record<string, unknown>;

/** Problems of the search that the config alone shows, each at its config path. */
function searchProblems(p: TuneParams, path: string): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const spec = findModel(p.model);
  if (!spec) return problems;
  if ((p.grid === undefined) === (p.ranges === undefined)) {
    problems.push({ path, message: 'give the search: grid (every combination of values per key) or ranges with n_trials (a seeded random search), one of them' });
    return problems;
  }
  if (p.grid && p.n_trials !== undefined) problems.push({ path: `${path}.n_trials`, message: 'n_trials is for a random search (ranges); a grid tries every combination' });
  if (p.ranges && p.n_trials === undefined) problems.push({ path: `${path}.n_trials`, message: 'a random search needs n_trials, the number of candidates to draw' });
  if (p.metric === 'background_rejection' && p.signal_efficiency === undefined)
    problems.push({ path: `${path}.signal_efficiency`, message: 'metric background_rejection is 1 − εB at a signal efficiency: give signal_efficiency (e.g. 0.5)' });
  const searched = p.grid ?? p.ranges ?? {};
  const key = p.grid ? 'grid' : 'ranges';
  const accepted = Object.keys(spec.schema.shape);
  for (const k of Object.keys(searched)) {
    if (!accepted.includes(k))
      problems.push({ path: `${path}.${key}.${k}`, message: `${JSON.stringify(k)} is not an option of ${p.model}; its options: ${accepted.join(', ')}` });
  }
  if (problems.length > 0) return problems;
  const base = familyOptions(p, OWN_KEYS);
  if (p.grid) {
    const size = gridSize(p.grid);
    if (size > MAX_CANDIDATES) return [{ path: `${path}.grid`, message: `makes ${size} candidates; a grid may make at most ${MAX_CANDIDATES} (use ranges and n_trials for a random search)` }];
    // every value alone, with the step's other options: an invalid one is named where it is written
    for (const [k, values] of Object.entries(p.grid))
      values.forEach((v, j) => {
        const r = candidateOptions(spec, base, { [k]: v });
        if ('issues' in r) problems.push({ path: `${path}.grid.${k}[${j}]`, message: r.issues[0]!.message });
      });
  } else
    for (const [k, r] of Object.entries(p.ranges!)) {
      if (Array.isArray(r))
        r.forEach((v, j) => {
          const c = candidateOptions(spec, base, { [k]: v });
          if ('issues' in c) problems.push({ path: `${path}.ranges.${k}[${j}]`, message: c.issues[0]!.message });
        });
      const why = rangeProblem(r);
      if (why) problems.push({ path: `${path}.ranges.${k}`, message: why });
    }
  return problems;
}

/** The candidates in search order, each checked by the family's schema (a draw it refuses names its key). */
function candidates(ctx: RunContext, p: TuneParams, path: string): Candidate[] {
  const spec = findModel(p.model)!;
  const base = familyOptions(p, OWN_KEYS);
  const rng = ctx.rng('search');
  const points = p.grid ? gridPoints(p.grid) : Array.from({ length: p.n_trials! }, () => drawPoint(p.ranges!, rng));
  return points.map((params, index) => {
    const r = candidateOptions(spec, base, params);
    if ('issues' in r) {
      const iss = r.issues[0]!;
      const key = String(iss.path[0] ?? '');
      // a range drawn as real numbers where the family takes whole numbers: say how to draw whole numbers
      const whole = iss.code === 'invalid_type' && (iss as { expected?: string }).expected === 'int';
      const why = whole ? `${key} takes whole numbers; draw them with integer: true in its range` : iss.message;
      throw ctx.config.error(`${path}.${p.grid ? 'grid' : 'ranges'}${key ? `.${key}` : ''}`, `candidate ${index} (${describePoint(params)}): ${why}`);
    }
    return { index, params, options: r.options };
  });
}

/**
 * The seed a `fit` step at this step's position would give a model of this name: ctx.seedFor keys its streams by the
 * step's index and name, so the refitted model is drawn from the stream of a fit step here, not of this tune step —
 * and equals, bit for bit, what `- fit: { model, name, <the best values> }` in this place of the config would fit.
 */
function fitStepSeed(ctx: RunContext, name: string): number {
  const own = ctx.step;
  ctx.step = { index: own.index, name: 'fit' };
  try {
    return ctx.seedFor(name);
  } finally {
    ctx.step = own;
  }
}

const direction = (m: Metric) => (m === 'log_loss' ? -1 : 1);

/**
 * Hyperparameter search for any classifier: a grid or a seeded random search, every candidate scored by k-fold
 * cross-validation on the same folds (on the worker threads), the table of all candidates, and the best refitted on
 * all the training data as a named model.
 */
export const tuneStep = defineStep({
  name: 'tune',
  description: 'hyperparameter search (grid or seeded random) for a classifier, each candidate scored by k-fold cross-validation on the same folds; the best refitted as a named model',
  params: modelConfigSchema(tuneKeys),
  result: tuneResultSchema,
  key: (p) => ['tune', (p as TuneParams).name],
  plan: (params, at) => {
    const p = params as TuneParams;
    return {
      needs: { datasets: [{ name: p.train, path: `${at.path}.train` }] },
      makes: { models: [{ name: p.name, path: `${at.path}.name`, supervised: true }] },
      problems: [...requireClassifier(p, at), ...searchProblems(p, at.path)],
    };
  },
  async run(ctx, params): Promise<TuneResult> {
    const p = params as TuneParams;
    const path = `steps[${ctx.step.index}].tune`;
    const spec = findModel(p.model)!;
    const ds = ctx.dataset(p.train).whole();
    const cands = candidates(ctx, p, path);
    const folds = assignFolds(ds, p.folds, { stratify: p.stratify, seed: ctx.seedFor('folds') });
    const rows = foldRows(folds);
    const seeds = rows.map((_, f) => ctx.seedFor(`fold ${f}`));
    const threads = ctx.execution.threads ?? defaultThreads();
    const effs = p.signal_efficiency !== undefined && ds.classNames.length === 2 ? [p.signal_efficiency] : [];
    const scored = await scoreCandidates(ds, folds, { model: p.model, path, seeds, effs, candidates: cands }, threads, ctx.execution.signal);

    const table: CandidateResult[] = cands.map((c, i) => {
      const perFold = scored.folds[i]!;
      const stat = (v: (number | null)[]) => {
        const s = foldStat(v, 0.95);
        return { mean: s.mean, sd: s.sd };
      };
      return {
        index: c.index,
        params: c.params,
        auc: stat(perFold.map((f) => f.auc)),
        log_loss: stat(perFold.map((f) => f.log_loss)),
        accuracy: stat(perFold.map((f) => f.accuracy)),
        ...(effs.length > 0 ? { background_rejection: stat(perFold.map((f) => f.background_rejection?.[String(effs[0])] ?? null)) } : {}),
      };
    });
    // the best by the metric's mean over the folds; the first in search order wins a tie
    const sign = direction(p.metric);
    let best = -1;
    table.forEach((c, i) => {
      const v = c[p.metric]?.mean;
      if (typeof v !== 'number' || !Number.isFinite(v)) return;
      const b = best >= 0 ? table[best]![p.metric]!.mean! : undefined;
      if (b === undefined || sign * v > sign * b) best = i;
    });
    if (best < 0) throw ctx.config.error(`${path}.metric`, `no candidate has a finite ${p.metric} on the folds of ${p.train}`);
    const winner = cands[best]!;

    // the best refitted on all the training rows, exactly as a fit step here would fit it
    const onProgress = ctx.progress(`tune ${p.name}: refit`);
    const { estimator } = fitEstimator(ctx, ds, { model: p.model, options: winner.options, seed: fitStepSeed(ctx, p.name), path, ...(onProgress ? { fit: { onProgress } } : {}) });
    const model = fittedModel(ctx, ds, p.name, spec, estimator);
    ctx.models.set(p.name, model);
    saveModel(ctx, model);
    keepForReport(ctx, `tune:${p.name}`, { seconds: scored.seconds });

    const m = table[best]![p.metric]!;
    ctx.say(
      `tune ${p.name}: ${cands.length} candidates of ${p.model} (${p.grid ? 'grid' : 'random search'}), ${p.folds} folds each; best ${p.metric.replace('_', ' ')} ${m.mean!.toFixed(4)} ± ${(m.sd ?? NaN).toFixed(4)} with ${describePoint(winner.params)}; refitted on all of ${p.train} as ${p.name}`,
    );
    return {
      model: p.model,
      search: p.grid ? 'grid' : 'random',
      folds: p.folds,
      metric: p.metric,
      signal_efficiency: p.signal_efficiency ?? null,
      candidates: table,
      best: { index: winner.index, params: winner.params, mean: m.mean, sd: m.sd },
    };
  },
  report: tuneReport,
});
