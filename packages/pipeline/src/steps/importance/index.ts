import { isDiscernError } from '@discern/core';
import { type DenseMatrix, takeColumns } from '@discern/linalg';
import { permutationImportance } from '@discern/metrics';
import { type Classifier, FoldEnsemble, columnsOutside } from '@discern/models';
import { z } from 'zod';
import { strict } from '../../config/zod-helpers.js';
import { defineStep } from '../../step.js';
import { datasetNaming } from '../naming.js';
import { importanceReport } from './report.js';
import { type ImportanceResult, importanceResultSchema } from './result.js';

const params = strict({
  model: z.string().default('model').describe('the fitted classifier'),
  on: z.string().default('test').describe('the dataset whose feature columns are shuffled (held-out data: what the model learned, not what it memorised)'),
  metric: z.enum(['auc', 'log_loss', 'accuracy']).default('auc').describe('the score whose drop measures a feature’s importance (AUC: one-vs-rest macro for more than two classes)'),
  n_repeats: z.number().int().min(1).max(1000).default(10).describe('permutations per feature, seeded from the run seed; the interval is Student’s over them'),
  confidence: z.number().gt(0).lt(1).default(0.95).describe('confidence level of the interval on the mean drop'),
  name: z.string().max(64).regex(/^[A-Za-z][\w-]*$/, 'a name of letters, digits, "-" and "_"').optional().describe('key under metrics.json → importance (default: the model name)'),
});

export type ImportanceParams = z.output<typeof params>;

/**
 * The importance a tree ensemble computes itself (issue 13's `bdt` and `adaboost`): each feature's share of the
 * total split gain, from the estimator's `featureImportance` (a getter, or a method) giving `{ gain: number[] }`.
 */
export function gainImportance(estimator: unknown, nFeatures: number): number[] | undefined {
  const raw = (estimator as { featureImportance?: unknown }).featureImportance;
  const value: unknown = typeof raw === 'function' ? (raw as () => unknown).call(estimator) : raw;
  const g = (value as { gain?: unknown } | undefined)?.gain;
  return Array.isArray(g) && g.length === nFeatures && g.every((v) => typeof v === 'number') ? (g as number[]) : undefined;
}

/**
 * Permutation importance of each feature of a fitted classifier on a dataset: the drop of the score when that
 * feature's column is shuffled (n_repeats seeded permutations), with Student's interval, ranked; a tree ensemble's
 * own gain importance alongside.
 */
export const importanceStep = defineStep({
  name: 'importance',
  description: 'permutation importance of each feature (drop in AUC, log loss or accuracy over seeded shuffles, with an interval), ranked; gain importance of tree models',
  params,
  result: importanceResultSchema,
  key: (p) => ['importance', p.name ?? p.model],
  plan: (p, at) => ({
    needs: { models: [{ name: p.model, path: `${at.path}.model`, classifier: true }], datasets: [{ name: p.on, path: `${at.path}.on` }] },
  }),
  run(ctx, p): ImportanceResult {
    const fitted = ctx.classifier(p.model, 'permutation importance scores its class probabilities');
    const ds = ctx.dataset(p.on).whole();
    const seed = ctx.seedFor('permutations');
    // A fold ensemble's fold columns pick the fold model of an event; they are not inputs of the fold models, so
    // shuffling them measures the fold assignment, not a variable: only the other columns are shuffled.
    const rule = fitted.estimator instanceof FoldEnsemble ? fitted.estimator.rule : undefined;
    const inputs = rule ? columnsOutside(rule.tree, ds.X.cols) : undefined;
    const P = ds.X.cols;
    const predict = (X: DenseMatrix) => {
      if (!inputs) return (fitted.estimator as Classifier).predictProba(X);
      // the shuffled input columns back among the fold columns as they are (a shuffle moves values within a column)
      const full = Float64Array.from(ds.X.data);
      for (let i = 0; i < X.rows; i++) for (let t = 0; t < inputs.length; t++) full[i * P + inputs[t]!] = X.data[i * inputs.length + t]!;
      return (fitted.estimator as Classifier).predictProba({ rows: X.rows, cols: P, data: full });
    };
    const naming = datasetNaming(ds);
    let r;
    try {
      r = permutationImportance(inputs ? takeColumns(ds.X, inputs) : ds.X, ds.y, predict, {
        metric: p.metric,
        nRepeats: p.n_repeats,
        seed,
        cl: p.confidence,
        positive: fitted.positive ?? 1,
        ...(ds.weights ? { weights: ds.weights } : {}),
        ...(ctx.execution.signal ? { signal: ctx.execution.signal } : {}),
      });
    } catch (e) {
      if (isDiscernError(e)) throw e.renamed({ ...naming, ...(inputs ? { feature: (j: number) => naming.feature(inputs[j]!) } : {}) }, { configPath: `steps[${ctx.step.index}].importance` });
      throw e;
    }
    const names = inputs ? Array.from(inputs, (j) => fitted.featureNames[j]!) : fitted.featureNames;
    const foldCols = inputs ? fitted.featureNames.filter((_, j) => !inputs.includes(j)) : [];
    const order = names.map((_, j) => j).sort((a, b) => r.features[b]!.mean - r.features[a]!.mean || a - b);
    const rank = new Array<number>(names.length);
    order.forEach((j, k) => (rank[j] = k + 1));
    const fin = (v: number): number | null => (Number.isFinite(v) ? v : null);
    const gain = gainImportance(fitted.estimator, names.length);
    const result: ImportanceResult = {
      model: p.model,
      dataset: p.on,
      metric: p.metric,
      n: ds.X.rows,
      weighted: ds.weights !== undefined,
      n_repeats: p.n_repeats,
      seed,
      confidence: p.confidence,
      baseline: r.baseline,
      features: Object.fromEntries(
        names.map((f, j) => {
          const x = r.features[j]!;
          return [f, { importance: { value: x.mean, interval: [fin(x.lower), fin(x.upper)] }, sd: fin(x.sd), rank: rank[j]! }];
        }),
      ),
      ranking: order.map((j) => names[j]!),
      ...(gain ? { gain: Object.fromEntries(names.map((f, j) => [f, gain[j]!])) } : {}),
      ...(rule && foldCols.length > 0
        ? { left_out: { features: foldCols, reason: `the fold expression ${JSON.stringify(rule.expression)} reads ${foldCols.length === 1 ? 'it' : 'them'} to pick each event's fold model; ${foldCols.length === 1 ? 'it is not an input' : 'they are not inputs'} of the fold models` } }
        : {}),
    };
    const what = p.metric === 'log_loss' ? 'rise in log loss' : `drop in ${p.metric === 'auc' ? 'AUC' : 'accuracy'}`;
    const top = order.slice(0, 3).map((j) => `${names[j]} ${r.features[j]!.mean.toFixed(4)}`);
    ctx.say(`importance of ${p.model}'s features on ${p.on} (${what} when shuffled, ${p.n_repeats} repeats): ${top.join(', ')}${names.length > 3 ? ', …' : ''}${foldCols.length > 0 ? `; left out: ${foldCols.join(', ')} (the fold expression's column${foldCols.length === 1 ? '' : 's'}, not ${foldCols.length === 1 ? 'an input' : 'inputs'} of the fold models)` : ''}`);
    return result;
  },
  report: importanceReport,
});
