import { summarizeClassification } from '@discern/metrics';
import { z } from 'zod';
import { defineStep } from '../../step.js';
import { strict } from '../../config/zod-helpers.js';
import { positiveScore, scoreOrder } from '../scores.js';
import { evaluateClusters } from './clusters.js';
import { overtrainingFigures, physicsFigures } from './physics.js';
import { evaluateReport } from './report.js';
import { type ClassifierFigures, type ClusterFigures, type EvaluateResult, evaluateResultSchema } from './result.js';

const efficiencies = z.array(z.number().gt(0).lt(1)).default([]);

const params = strict({
  model: z.string().default('model'),
  name: z.string().max(64).regex(/^[A-Za-z][\w-]*$/, 'a name of letters, digits, "-" and "_"').optional().describe('key in metrics.json (default: the model name)'),
  on: z.array(z.string()).min(1).default(['train', 'test']),
  fpr: z.array(z.number().gt(0).lt(1)).default([]).describe('false-positive rates at which to report the true-positive rate'),
  threshold: z.number().gt(0).lt(1).default(0.5).describe('P(positive) at or above which an event is called positive (binary)'),
  compare: z.array(z.string()).default([]).describe('clustering models: other fitted cluster models to compare assignments with'),
  signal_efficiency: efficiencies.describe('binary: signal efficiencies εS at which to report εB, 1 − εB and 1/εB with intervals'),
  background_efficiency: efficiencies.describe('binary: background efficiencies εB at which to report εS with its interval'),
  interval: z.enum(['clopper-pearson', 'wilson']).default('clopper-pearson').describe('binomial interval of efficiencies (effective counts with weights)'),
  confidence: z.number().gt(0).lt(1).default(0.95).describe('confidence level of every interval'),
  auc_interval: z.enum(['delong', 'bootstrap', 'none']).default('delong').describe('binary: interval on the AUC'),
  bootstrap: z.number().int().min(10).max(1_000_000).default(1000).describe('bootstrap replicates (auc_interval: bootstrap), seeded from the run seed'),
  overtraining: z.boolean().default(true).describe('binary: Kolmogorov–Smirnov test of the output, train against test (needs both datasets)'),
  significance: strict({
    signal_scale: z.number().positive().default(1).describe('multiplies Σw of signal into an expected yield'),
    background_scale: z.number().positive().default(1).describe('the same for background'),
  })
    .optional()
    .describe('binary: scan the cut on the output for the best s/√b, s/√(s+b) and Asimov significance'),
});

export type EvaluateParams = z.output<typeof params>;

const fmt = (v: unknown): string => (typeof v === 'number' ? v.toFixed(4) : 'n/a');

/** Classification metrics of a fitted classifier (or cluster figures of a clustering model) on datasets. */
export const evaluateStep = defineStep({
  name: 'evaluate',
  description: 'metrics on train and test: AUC, accuracy, precision, recall, F1, log loss, Brier, confusion matrix, TPR at the FPRs asked for',
  params,
  result: evaluateResultSchema,
  key: (p) => [p.name ?? p.model],
  plan: (p, at) => ({
    needs: {
      models: [{ name: p.model, path: `${at.path}.model` }, ...p.compare.map((m, i) => ({ name: m, path: `${at.path}.compare[${i}]` }))],
      datasets: p.on.map((name, i) => ({ name, path: `${at.path}.on[${i}]` })),
    },
  }),
  async run(ctx, p): Promise<EvaluateResult> {
    const fitted = ctx.fittedModel(p.model);
    const key = p.name ?? p.model;
    const out: EvaluateResult = {};
    if (!fitted.supervised) {
      for (const dsName of p.on) {
        const m = (out[dsName] = evaluateClusters(ctx, fitted, dsName, p.compare)) as ClusterFigures;
        const parts = [
          m.mean_log_likelihood !== undefined ? `mean log-likelihood ${fmt(m.mean_log_likelihood)}` : undefined,
          m.bic !== undefined ? `BIC ${m.bic!.toFixed(1)}` : undefined,
          m.inertia !== undefined ? `inertia ${m.inertia!.toFixed(4)}` : undefined,
          m.matching_accuracy !== undefined ? `matches classes ${(100 * m.matching_accuracy!).toFixed(1)} % (ARI ${fmt(m.adjusted_rand_index)})` : undefined,
        ].filter((x) => x !== undefined);
        ctx.say(`evaluate ${key} on ${dsName}: ${parts.join(', ')}`);
      }
      return out;
    }
    const pos = fitted.positive ?? 1;
    for (const dsName of p.on) {
      // Labels and scores only: a streamed test file is scored batch by batch, its features never held whole.
      const ds = ctx.dataset(dsName);
      const set = await ctx.scores(p.model, dsName);
      // Binary: P(positive) and its sort, made once and shared by every figure (no copies of a large sample).
      const score = set.nClasses === 2 ? positiveScore(set, pos) : undefined;
      const order = score ? scoreOrder(score) : undefined;
      const figures: ClassifierFigures = summarizeClassification({
        yTrue: ds.y,
        proba: { rows: ds.rows, cols: set.nClasses, data: set.proba },
        classNames: [...fitted.classNames],
        ...(fitted.positive !== undefined ? { positive: fitted.positive } : {}),
        ...(ds.weights ? { weights: ds.weights } : {}),
        // keyed by the FPR as written in the config (0.010 stays "0.010"); String(f) for values from --set
        fprs: p.fpr.map((f, j) => ctx.config.numberAsWritten(['steps', ctx.step.index, 'evaluate', 'fpr', j]) ?? String(f)),
        threshold: p.threshold,
        ...(score && order ? { score, order } : {}),
      });
      if (score && order) {
        Object.assign(
          figures,
          physicsFigures(ds, score, order, pos, {
            method: p.interval,
            confidence: p.confidence,
            signalEfficiency: p.signal_efficiency,
            backgroundEfficiency: p.background_efficiency,
            aucInterval: p.auc_interval,
            bootstrap: p.bootstrap,
            seed: ctx.seedFor(`bootstrap:${dsName}`),
            significance: p.significance,
          }),
        );
      }
      out[dsName] = figures;
    }
    // The overtraining check compares the output on the training sample with that on the test sample.
    const test = out.test as ClassifierFigures | undefined;
    if (p.overtraining && fitted.classNames.length === 2 && p.on.includes('test') && ctx.hasDataset('train') && ctx.hasDataset('test') && !ctx.sameDataset('train', 'test') && test) {
      const train = positiveScore(await ctx.scores(p.model, 'train'), pos);
      const tst = positiveScore(await ctx.scores(p.model, 'test'), pos);
      test.overtraining = overtrainingFigures(ctx.dataset('train'), train, scoreOrder(train), ctx.dataset('test'), tst, scoreOrder(tst), pos, 'train');
    }
    for (const dsName of p.on) {
      const m = out[dsName] as ClassifierFigures;
      const ai = m.auc_interval;
      const auc = ai ? `${fmt(m.auc)} [${fmt(ai.interval[0])}, ${fmt(ai.interval[1])}]` : fmt(m.auc);
      const rej = m.physics?.background_at_signal_efficiency ?? {};
      const rejText = Object.entries(rej).map(([es, r]) => `, 1 − εB at εS = ${es}: ${fmt(r.background_rejection.value)}`).join('');
      ctx.say(`evaluate ${key} on ${dsName}: AUC ${auc}, accuracy ${fmt(m.accuracy)}, F1 ${fmt(m.f1)}, log loss ${fmt(m.log_loss)}${rejText}`);
    }
    return out;
  },
  report: evaluateReport,
});
