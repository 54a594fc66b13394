import { closestName, defaultThreads } from '@discern/core';
import { z } from 'zod';
import { type RunContext } from '../../context.js';
import { defineStep } from '../../step.js';
import { familyOptions, requireClassifier } from '../crossvalidate/common.js';
import { foldStat } from '../crossvalidate/cv.js';
import { assignFolds, foldRows, stratifiedFoldsProblem } from '../crossvalidate/folds.js';
import { keepForReport } from '../crossvalidate/report.js';
import { fitEstimator, fittedModel, modelConfigSchema, modelName } from '../fit/fitting.js';
import { findModel } from '../fit/models/index.js';
import { type ModelSpec, optionOf } from '../fit/models/spec.js';
import { issueMessage } from '../../config/load.js';
import { acceptedValues, describeValue, numberKind } from '../../config/zod-helpers.js';
import { saveModel } from '../fitted.js';
import { atSearchedKey, scoreCandidates } from './candidates.js';
import { weightsSource } from '../naming.js';
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
  grid: z.record(z.string(), z.array(z.unknown()).min(1, 'a list of at least one value to try').max(MAX_CANDIDATES)).optional().describe('values to try per key: every combination is a candidate'),
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

/** A value of a searched key that its option refuses: the option's own words for what it takes. */
function valueProblem(spec: ModelSpec, base: Readonly<Record<string, unknown>>, key: string, value: unknown): string | undefined {
  const r = candidateOptions(spec, base, { [key]: value });
  if (!('issues' in r)) return undefined;
  const iss = r.issues[0]!;
  const option = spec.schema.shape[key] as z.core.$ZodType | undefined;
  const takes = option && iss.path.length >= 1 && iss.path[0] === key ? acceptedValues(option) : undefined;
  return takes ? `${key} takes ${takes}, got ${describeValue(value)}` : issueMessage(iss);
}

/** Problems of the search that the config alone shows, each at its config path. */
function searchProblems(p: TuneParams, path: string, written: unknown, where: (path: string) => string | undefined = () => undefined): { path: string; message: string }[] {
  const named = (q: string) => `${q}${where(q) ? ` (${where(q)})` : ''}`;
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
  if (Object.keys(searched).length === 0)
    problems.push({ path: `${path}.${key}`, message: `is empty: give at least one option of ${p.model} and the values to try (e.g. ${key === 'grid' ? `${accepted[0]}: [a, b]` : `${accepted[0]}: { low: a, high: b }`}); its options: ${accepted.join(', ')}` });
  const base = familyOptions(p, OWN_KEYS);
  // a key the step gives itself (not a default filled in): from the config as written when the plan has it
  const raw = written !== null && typeof written === 'object' ? (written as Record<string, unknown>) : undefined;
  const given = (k: string) => (raw ? raw[k] !== undefined : base[k] !== undefined && base[k] !== (spec.schema.shape[k] as z.ZodType).safeParse(undefined).data);
  for (const k of Object.keys(searched)) {
    const at = `${path}.${key}.${k}`;
    if (!accepted.includes(k)) {
      const near = closestName(k, accepted);
      problems.push({ path: at, message: `${JSON.stringify(k)} is not an option of ${p.model}${near ? ` (did you mean "${near}"?)` : ''}; its options: ${accepted.join(', ')}` });
      continue;
    }
    // a dataset to stop early on belongs to one fit, as the fixed validation: key (requireClassifier)
    if (k === 'validation') {
      problems.push({ path: at, message: 'tune fits a model per fold, each stopping early on validation_fraction of its own training rows; a validation dataset is for a single fit step (search validation_fraction instead)' });
      continue;
    }
    // the same option fixed by the step and searched: the search would override it silently
    if (given(k)) {
      problems.push({ path: at, message: `${k} is searched here and fixed at ${named(`${path}.${k}`)} to ${describeValue(base[k])} too; give it in one place: remove the fixed ${k}, or leave it out of ${key}` });
      continue;
    }
    // an option searched under one name and given (fixed or searched) under its other name
    const option = optionOf(spec, k);
    const names = [option, ...Object.keys(spec.aliases ?? {}).filter((a) => optionOf(spec, a) === option)].filter((n) => n !== k);
    const fixed = names.find(given);
    const order = Object.keys(searched);
    const twice = names.find((n) => order.includes(n) && order.indexOf(n) < order.indexOf(k));
    if (fixed !== undefined || twice !== undefined) {
      const other = fixed !== undefined ? `${path}.${fixed}` : `${path}.${key}.${twice}`;
      problems.push({ path: at, message: `${k} and ${fixed ?? twice} are one option of ${p.model} (${k === option ? `${fixed ?? twice} is its other name` : `${k} is the other name of ${option}`}), and ${named(other)} gives it too; give it once` });
    }
  }
  if (problems.length > 0) return problems;
  if (p.grid) {
    const size = gridSize(p.grid);
    if (size > MAX_CANDIDATES) return [{ path: `${path}.grid`, message: `makes ${size} candidates; a grid may make at most ${MAX_CANDIDATES} (use ranges and n_trials for a random search)` }];
    // every value alone, with the step's other options: an invalid one is named where it is written
    for (const [k, values] of Object.entries(p.grid))
      values.forEach((v, j) => {
        const why = valueProblem(spec, base, k, v);
        if (why) problems.push({ path: `${path}.grid.${k}[${j}]`, message: why });
      });
  } else
    for (const [k, r] of Object.entries(p.ranges!)) {
      if (Array.isArray(r)) {
        r.forEach((v, j) => {
          const why = valueProblem(spec, base, k, v);
          if (why) problems.push({ path: `${path}.ranges.${k}[${j}]`, message: why });
        });
        continue;
      }
      const why = rangeProblem(r);
      if (why) {
        problems.push({ path: `${path}.ranges.${k}`, message: why });
        continue;
      }
      const option = spec.schema.shape[k] as z.core.$ZodType;
      const kind = numberKind(option);
      if (kind === undefined) {
        problems.push({ path: `${path}.ranges.${k}`, message: `${k} takes ${acceptedValues(option) ?? 'no number'}, not a number from a range: give the values to choose among as a list (ranges: { ${k}: [a, b] })` });
        continue;
      }
      if (kind === 'int' && !r.integer) {
        problems.push({ path: `${path}.ranges.${k}`, message: `${k} takes whole numbers: add integer: true to its range ({ low: ${r.low}, high: ${r.high}, integer: true })` });
        continue;
      }
      // both ends (the whole numbers drawn, for an integer range) must be values the option takes: every draw lies between them
      const ends: [string, number][] = r.integer ? [['low', Math.ceil(r.low)], ['high', Math.floor(r.high)]] : [['low', r.low], ['high', r.high]];
      for (const [end, v] of ends) {
        const bad = valueProblem(spec, base, k, v);
        if (bad) problems.push({ path: `${path}.ranges.${k}.${end}`, message: `${end} ${v} is outside what ${k} takes (${acceptedValues(option) ?? bad}); every draw lies between low and high, both must be accepted` });
      }
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
    const where: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) {
      const at = p.grid ? `${path}.grid.${k}[${p.grid[k]!.indexOf(v)}]` : `${path}.ranges.${k}`;
      where[k] = at;
      where[optionOf(spec, k)] = at;
    }
    return { index, params, options: r.options, where };
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
      problems: [...requireClassifier(p, at), ...searchProblems(p, at.path, at.written, at.where)],
    };
  },
  async run(ctx, params): Promise<TuneResult> {
    const p = params as TuneParams;
    const path = `steps[${ctx.step.index}].tune`;
    const spec = findModel(p.model)!;
    const ds = ctx.dataset(p.train).whole();
    // known once the data are read: refused before any candidate is fitted
    if (p.metric === 'background_rejection' && ds.classNames.length !== 2)
      throw ctx.config.error(
        `${path}.metric`,
        `background_rejection (1 − εB at a signal efficiency) is a figure of two classes, signal and background; ${p.train} has ${ds.classNames.length} classes (${ds.classNames.map((c) => JSON.stringify(c)).join(', ')}): choose metric auc or log_loss`,
      );
    const cands = candidates(ctx, p, path);
    const tooMany = p.stratify ? stratifiedFoldsProblem(ds, p.folds, p.train) : undefined;
    if (tooMany) throw ctx.config.error(`${path}.folds`, tooMany);
    const folds = assignFolds(ds, p.folds, { stratify: p.stratify, seed: ctx.seedFor('folds') });
    const rows = foldRows(folds);
    const seeds = rows.map((_, f) => ctx.seedFor(`fold ${f}`));
    const threads = ctx.execution.threads ?? defaultThreads();
    const effs = p.signal_efficiency !== undefined && ds.classNames.length === 2 ? [p.signal_efficiency] : [];
    const scored = await scoreCandidates(ds, folds, { model: p.model, path, weightsFrom: weightsSource(ctx.config), seeds, effs, candidates: cands }, threads, ctx.execution.signal);

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
    let estimator: ReturnType<typeof fitEstimator>['estimator'];
    try {
      ({ estimator } = fitEstimator(ctx, ds, { model: p.model, options: winner.options, seed: fitStepSeed(ctx, p.name), path, ...(onProgress ? { fit: { onProgress } } : {}) }));
    } catch (e) {
      throw atSearchedKey(e, ds, p.model, path, winner.where);
    }
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
